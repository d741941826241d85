import Foundation
import Sundial
import SundialEngine

/// Turns engine values into the admin API's JSON: snake_case members, ISO 8601 times, lower-case
/// UUIDs, and stored JSON (input, context, payloads) embedded as JSON rather than as strings.
/// Exists so every admin route answers in one consistent shape, the one the OpenAPI document
/// describes.
enum AdminJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Members that hold UUIDs, which Foundation writes in upper case.
    private static let uuidKeys: Set<String> = ["id", "workflow_id", "parent_id", "rerun_of", "new_workflow_id", "order_workflow_id"]
    /// Members that hold arrays of UUIDs.
    private static let uuidArrayKeys: Set<String> = ["previous_run_ids"]
    /// Members that hold stored JSON text, embedded as JSON.
    private static let embeddedKeys: Set<String> = ["input", "context", "output", "compensations", "payload"]

    static func object(_ value: some Encodable) -> Any {
        guard let data = try? encoder.encode(value), let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return NSNull()
        }
        return normalise(tree)
    }

    static func id(_ id: UUID) -> String { id.uuidString.lowercased() }

    private static func normalise(_ value: Any) -> Any {
        if let array = value as? [Any] { return array.map(normalise) }
        guard let dictionary = value as? [String: Any] else { return value }
        var result: [String: Any] = [:]
        for (key, member) in dictionary {
            if uuidKeys.contains(key), let text = member as? String, UUID(uuidString: text) != nil {
                result[key] = text.lowercased()
            } else if uuidArrayKeys.contains(key), let texts = member as? [String] {
                result[key] = texts.map { UUID(uuidString: $0) != nil ? $0.lowercased() : $0 }
            } else if embeddedKeys.contains(key), let text = member as? String,
                      let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
                result[key] = parsed
            } else {
                result[key] = normalise(member)
            }
        }
        return result
    }
}
