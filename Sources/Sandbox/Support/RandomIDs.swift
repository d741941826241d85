/// Random identifiers in the alphabet and length the vendors use (`pi_3Qx…`, UUIDs, tokens).
enum RandomIDs {
    private static let alphanumerics = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func alphanumeric(_ length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphanumerics.randomElement(using: &generator)! })
    }

    static func hex(_ length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<length).map { _ in digits.randomElement(using: &generator)! })
    }

    static func uuid() -> String {
        let raw = hex(32)
        let chars = Array(raw)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}
