import Foundation
import Yams

/// A JSON value as the contract checks see it: the vendors' documents (JSON or YAML) and the
/// bodies on the wire alike. Integers stay apart from other numbers because OpenAPI's `integer`
/// type must tell `1` from `1.5`.
enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var array: [JSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    var object: [String: JSON]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, for `minimum`/`maximum`.
    var numeric: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// The JSON type name a schema's `type` is compared with.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number(let value): value.rounded() == value && abs(value) < 9.0e15 ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// A short rendering for messages (strings quoted, long values cut).
    var excerpt: String {
        let text: String
        switch self {
        case .null: text = "null"
        case .bool(let value): text = String(value)
        case .integer(let value): text = String(value)
        case .number(let value): text = String(value)
        case .string(let value): text = "\"\(value)\""
        case .array(let values): text = "[\(values.count) items]"
        case .object(let members): text = "{\(members.keys.sorted().prefix(5).joined(separator: ", "))\(members.count > 5 ? ", …" : "")}"
        }
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}

extension JSON: Decodable {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSON] = [:]
            for key in container.allKeys { members[key.stringValue] = try container.decode(JSON.self, forKey: key) }
            self = .object(members)
        } else if var container = try? decoder.unkeyedContainer() {
            var values: [JSON] = []
            while !container.isAtEnd { values.append(try container.decode(JSON.self)) }
            self = .array(values)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let value = try? single.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? single.decode(Int64.self) {
                self = .integer(value)
            } else if let value = try? single.decode(Double.self) {
                self = .number(value)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }

    /// Parses JSON text; throws when it is not JSON.
    static func parse(_ bytes: some Collection<UInt8>) throws -> JSON {
        try JSONDecoder().decode(JSON.self, from: Data(bytes))
    }
}

extension JSON {
    /// Reads a YAML document the way `trim.py` wrote it: plain scalars resolved by the YAML 1.1
    /// core tags (bool, int, float, null), everything else (quoted scalars, timestamps) a string.
    static func parse(yaml text: String) throws -> JSON {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return JSON(yaml: node)
    }

    private init(yaml node: Node) {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: scalar.tag.rawValue) {
            case .null: self = .null
            case .bool: self = Bool.construct(from: scalar).map(JSON.bool) ?? .string(scalar.string)
            case .int: self = Int.construct(from: scalar).map { .integer(Int64($0)) } ?? .string(scalar.string)
            case .float: self = Double.construct(from: scalar).map(JSON.number) ?? .string(scalar.string)
            default: self = .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [String: JSON] = [:]
            for (key, value) in mapping { members[key.string ?? "\(key)"] = JSON(yaml: value) }
            self = .object(members)
        case .sequence(let sequence):
            self = .array(sequence.map { JSON(yaml: $0) })
        case .alias:
            // trim.py writes no anchors; an alias would be a document this loader was not made for.
            self = .null
        }
    }
}
