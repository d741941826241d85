import Foundation

/// Checks a JSON answer against the schema the admin API's OpenAPI document gives for its
/// operation and status: types (with `["string", "null"]` unions), required members, enums,
/// array items and nested objects, following `$ref`s. A small subset of JSON Schema, enough to
/// catch an answer drifting from its documented shape.
struct OpenAPIValidator {
    let document: [String: Any]

    init(_ text: String) throws {
        document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    var paths: [String: [String: Any]] { document["paths"] as? [String: [String: Any]] ?? [:] }

    /// Every (METHOD, path) the document describes.
    var operations: Set<String> {
        var result = Set<String>()
        for (path, item) in paths { for method in item.keys { result.insert("\(method.uppercased()) \(path)") } }
        return result
    }

    /// Problems of `body` against the documented response; empty when it conforms.
    func problems(method: String, path: String, status: Int, body: Any) -> [String] {
        guard let operation = paths[path]?[method.lowercased()] as? [String: Any],
              let responses = operation["responses"] as? [String: Any] else { return ["\(method) \(path) is not documented"] }
        guard var response = responses[String(status)] as? [String: Any] else { return ["status \(status) of \(method) \(path) is not documented"] }
        if let ref = response["$ref"] as? String { response = resolve(ref) }
        guard let content = response["content"] as? [String: Any], let json = content["application/json"] as? [String: Any],
              let schema = json["schema"] as? [String: Any] else { return [] }
        var found: [String] = []
        check(body, schema, at: "$", into: &found)
        return found
    }

    private func resolve(_ ref: String) -> [String: Any] {
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
        return node as? [String: Any] ?? [:]
    }

    private func check(_ value: Any, _ schema: [String: Any], at path: String, into found: inout [String]) {
        if let ref = schema["$ref"] as? String { return check(value, resolve(ref), at: path, into: &found) }
        let types: [String] = (schema["type"] as? [String]) ?? ((schema["type"] as? String).map { [$0] } ?? [])
        if !types.isEmpty, !types.contains(where: { Self.matches(value, $0) }) {
            found.append("\(path): \(type(of: value)) is not \(types)")
            return
        }
        if let options = schema["enum"] as? [String], let text = value as? String, !options.contains(text) {
            found.append("\(path): \(text) is not one of \(options)")
        }
        if let object = value as? [String: Any] {
            for name in schema["required"] as? [String] ?? [] where object[name] == nil { found.append("\(path).\(name) is missing") }
            for (name, member) in schema["properties"] as? [String: [String: Any]] ?? [:] {
                if let memberValue = object[name] {
                    check(memberValue, member, at: "\(path).\(name)", into: &found)
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { check(element, items, at: "\(path)[\(index)]", into: &found) }
        }
    }

    private static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "string": return value is String
        case "boolean": return value is Bool
        case "integer": return (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "number": return value is NSNumber
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        default: return true
        }
    }
}
