import Foundation

/// A parsed JSON document that keeps numbers exact.
///
/// The simulators read loosely-shaped vendor bodies (FedEx, UPS, USPS, QuickBooks) and answer with
/// nested objects. Foundation's `JSONSerialization` turns `150.10` into a `Double`; money must not
/// pass through binary floating point, so integers stay `Int` and fractions stay `Decimal`.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case decimal(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var stringValue: String? {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        case .decimal(let value): return value.description
        default: return nil
        }
    }

    /// The exact value of a number, or of a string holding one (UPS sends weights as strings).
    var decimalValue: Decimal? {
        switch self {
        case .int(let value): return Decimal(value)
        case .decimal(let value): return value
        case .string(let value): return Decimal(string: value, locale: Locale(identifier: "en_US_POSIX"))
        default: return nil
        }
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var objectValue: [String: JSONValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    /// A field that real APIs send either as one object or as an array of them (UPS `Package`).
    var asList: [JSONValue] {
        switch self {
        case .array(let items): return items
        case .null: return []
        default: return [self]
        }
    }

    /// A JSON number (not a string holding one).
    var isNumber: Bool {
        switch self {
        case .int, .decimal: return true
        default: return false
        }
    }

    var isNonEmptyString: Bool {
        if case .string(let value) = self { return !value.isEmpty }
        return false
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(nilLiteral: ()) { self = .null }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// Wraps an optional string, mapping `nil` to JSON `null` as the vendors do.
    static func string(_ value: String?) -> JSONValue {
        value.map { .string($0) } ?? .null
    }

    static func int(_ value: Int?) -> JSONValue {
        value.map { .int($0) } ?? .null
    }

    static func strings(_ values: [String: String]) -> JSONValue {
        .object(values.mapValues { .string($0) })
    }
}
