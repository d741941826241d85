/// Text checks for what goes into Postgres from the admin API: `text` and `jsonb` refuse
/// U+0000, which would otherwise surface as a 500 instead of the 4xx it deserves.
enum AdminText {
    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    static func containsNUL(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return text.unicodeScalars.contains { $0.value == 0 }
        case .array(let elements): return elements.contains(where: containsNUL)
        case .object(let members): return members.contains { $0.key.unicodeScalars.contains { $0.value == 0 } || containsNUL($0.value) }
        default: return false
        }
    }
}
