import Foundation
import Workflows

/// The expected structure of a JSON body: types, required and optional members, closed objects
/// (unknown members are refused), decimal strings and ISO 8601 timestamps; strings never
/// carry U+0000, which Postgres cannot store. Checking a ``JSONValue`` against it names
/// every structural problem at once, keyed by path (`items[0].quantity`), which a Swift
/// `Decodable` cannot: it stops at the first.
indirect enum JSONShape: Sendable {
    case string
    case integer
    /// A decimal written as a JSON string (`"19.99"`), never a JSON number.
    case decimalString
    /// A string from a fixed list.
    case oneOf([String])
    /// An ISO 8601 date and time with an offset (`2026-11-26T09:15:00Z`, fractions allowed).
    case timestamp
    case array(of: JSONShape)
    /// A closed object: members not listed are refused.
    case object([String: Member])
    /// An open object: members not listed are ignored (feeds that may grow fields).
    case record([String: Member])

    struct Member: Sendable {
        var shape: JSONShape
        var required: Bool

        static func required(_ shape: JSONShape) -> Member { Member(shape: shape, required: true) }
        static func optional(_ shape: JSONShape) -> Member { Member(shape: shape, required: false) }
    }

    /// What checking found: problems by path, and the value with every bad part replaced by a
    /// well-formed placeholder, so later semantic checks can still run on the good parts.
    struct Outcome {
        var problems: [String: String]
        var repaired: JSONValue
    }

    func check(_ value: JSONValue) -> Outcome {
        var problems: [String: String] = [:]
        let repaired = check(value, at: "", problems: &problems)
        return Outcome(problems: problems, repaired: repaired)
    }

    private func check(_ value: JSONValue, at path: String, problems: inout [String: String]) -> JSONValue {
        let here = path.isEmpty ? "$" : path
        switch (self, value) {
        case (.string, .string(let text)):
            // Postgres `text` and `jsonb` refuse U+0000: a 422 here rather than a 500 on insert.
            guard text.unicodeScalars.contains(where: { $0.value == 0 }) else { return value }
            problems[here] = "must not contain the character U+0000"
        case (.integer, .integer):
            return value
        case (.decimalString, .string(let text)):
            if ExactDecimal.parse(text) { return value }
            problems[here] = "must be a decimal such as \"19.99\" (digits, at most one '.', no exponent)"
        case (.decimalString, .integer), (.decimalString, .number):
            problems[here] = "must be a decimal string such as \"19.99\", not a JSON number"
        case (.oneOf(let options), .string(let text)):
            if options.contains(text) { return value }
            problems[here] = "must be one of \(options.joined(separator: ", "))"
        case (.timestamp, .string(let text)):
            if ISOTimestamp.parse(text) != nil { return value }
            problems[here] = "must be an ISO 8601 date and time such as 2026-11-26T09:15:00Z"
        case (.array(let element), .array(let elements)):
            return .array(elements.enumerated().map { index, item in
                element.check(item, at: "\(path)[\(index)]", problems: &problems)
            })
        case (.object(let members), .object(let given)), (.record(let members), .object(let given)):
            var result: [String: JSONValue] = [:]
            if case .object = self {
                for name in given.keys where members[name] == nil {
                    problems[Self.join(path, name)] = "is not a known field"
                }
            }
            for (name, member) in members {
                let memberPath = Self.join(path, name)
                switch given[name] {
                case nil where member.required, .null? where member.required:
                    problems[memberPath] = "is required"
                    result[name] = member.shape.placeholder
                case nil, .null?:
                    break
                case let present?:
                    result[name] = member.shape.check(present, at: memberPath, problems: &problems)
                }
            }
            return .object(result)
        default:
            problems[here] = "must be \(expectation), not \(value.kind)"
        }
        return placeholder
    }

    /// What the shape is, as in "must be a string".
    var expectation: String {
        switch self {
        case .string: "a string"
        case .integer: "a whole number"
        case .decimalString: "a decimal string such as \"19.99\""
        case .oneOf(let options): "one of \(options.joined(separator: ", "))"
        case .timestamp: "an ISO 8601 date and time"
        case .array: "an array"
        case .object, .record: "an object"
        }
    }

    /// A well-formed stand-in for a bad or missing value.
    var placeholder: JSONValue {
        switch self {
        case .string: .string("placeholder")
        case .integer: .integer(1)
        case .decimalString: .string("1")
        case .oneOf(let options): .string(options.first ?? "")
        case .timestamp: .string("1970-01-01T00:00:00Z")
        case .array: .array([])
        case .object(let members), .record(let members):
            .object(members.filter(\.value.required).mapValues(\.shape.placeholder))
        }
    }

    private static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
}

private extension ExactDecimal {
    static func parse(_ text: String) -> Bool { ExactDecimal(text: text) != nil }
}
