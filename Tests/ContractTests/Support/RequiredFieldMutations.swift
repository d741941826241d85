import Foundation

/// The required members a message actually carries, found by walking the message and its schema
/// together. Exists for the mutation check: removing any one of them must make the validator
/// name it, which proves that a client dropping a required field fails a contract test.
enum RequiredFieldMutations {
    /// Key paths (`["requestedShipment", "shipper"]`, array indexes as `"[0]"`) of every member
    /// the schema requires and `value` contains.
    static func requiredPaths(in value: JSON, schema: JSON, document: OpenAPIDocument, validator: SchemaValidator) -> [[String]] {
        var paths: [[String]] = []
        walk(value, schema, prefix: [], document: document, validator: validator, into: &paths, depth: 0)
        return paths
    }

    private static func walk(_ value: JSON, _ rawSchema: JSON, prefix: [String], document: OpenAPIDocument,
                             validator: SchemaValidator, into paths: inout [[String]], depth: Int) {
        let schema = document.resolve(rawSchema).value
        guard depth < 40, case .object(let keywords) = schema else { return }
        for member in keywords["allOf"]?.array ?? [] {
            walk(value, member, prefix: prefix, document: document, validator: validator, into: &paths, depth: depth + 1)
        }
        for keyword in ["anyOf", "oneOf"] {
            // Follow the alternative the value is valid against.
            if let alternatives = keywords[keyword]?.array,
               let chosen = alternatives.first(where: { validator.validate(value, against: $0, part: "", rule: "").isEmpty }) {
                walk(value, chosen, prefix: prefix, document: document, validator: validator, into: &paths, depth: depth + 1)
            }
        }
        switch value {
        case .object(let members):
            let properties = keywords["properties"]?.object ?? [:]
            for name in (keywords["required"]?.array ?? []).compactMap(\.string) where members[name] != nil {
                paths.append(prefix + [name])
            }
            for (name, member) in members {
                if let property = properties[name] {
                    walk(member, property, prefix: prefix + [name], document: document, validator: validator, into: &paths, depth: depth + 1)
                }
            }
        case .array(let items):
            if let itemSchema = keywords["items"] {
                for (index, item) in items.enumerated() {
                    walk(item, itemSchema, prefix: prefix + ["[\(index)]"], document: document, validator: validator, into: &paths, depth: depth + 1)
                }
            }
        default:
            break
        }
    }

    /// `value` without the member at `path`.
    static func removing(_ path: [String], from value: JSON) -> JSON {
        guard let head = path.first else { return value }
        switch value {
        case .object(var members):
            if path.count == 1 {
                members[head] = nil
            } else if let member = members[head] {
                members[head] = removing(Array(path.dropFirst()), from: member)
            }
            return .object(members)
        case .array(var items):
            if let index = Int(head.dropFirst().dropLast()), items.indices.contains(index) {
                items[index] = removing(Array(path.dropFirst()), from: items[index])
            }
            return .array(items)
        default:
            return value
        }
    }

    /// How the validator writes `path` (`a.b[0].c`).
    static func rendered(_ path: [String]) -> String {
        path.reduce("") { text, token in
            token.hasPrefix("[") ? text + token : SchemaValidator.join(text, token)
        }
    }
}
