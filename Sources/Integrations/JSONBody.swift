import Foundation

/// A JSON request body built from typed values and written by hand. Exists so money goes on the
/// wire exactly as its `Decimal` text (`150.10`, never `150.09999999999999`) and keys are written
/// in a stable, sorted order.
indirect enum JSONBody: Sendable, ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByBooleanLiteral {
    case string(String)
    /// A number written from its exact decimal text.
    case decimal(Decimal)
    case bool(Bool)
    case array([JSONBody])
    case object([String: JSONBody])

    init(stringLiteral value: String) { self = .string(value) }
    init(dictionaryLiteral elements: (String, JSONBody)...) { self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last })) }
    init(arrayLiteral elements: JSONBody...) { self = .array(elements) }
    init(booleanLiteral value: Bool) { self = .bool(value) }

    var bytes: [UInt8] {
        var out = ""
        write(to: &out)
        return Array(out.utf8)
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let text): Self.writeString(text, to: &out)
        case .decimal(let value): out += NSDecimalNumber(decimal: value).description(withLocale: Locale(identifier: "en_US_POSIX"))
        case .bool(let value): out += value ? "true" : "false"
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                fields[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
