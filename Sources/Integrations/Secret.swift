/// A credential (API key, client secret, token) that must never reach a log line or an error
/// message. Exists so configurations can be printed and errors described without leaking: its
/// `description` is always `<redacted>`, and the raw value is read only where a request is built.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, ExpressibleByStringLiteral {
    /// The raw value; read it only to put it on the wire.
    public let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    /// No children, so `dump` and `Mirror` show nothing either.
    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}

extension String {
    /// This text with every occurrence of each non-empty secret replaced by `<redacted>`, for error
    /// messages that echo what a vendor sent back.
    func redacting(_ secrets: [Secret]) -> String {
        var text = self
        for secret in secrets where !secret.value.isEmpty {
            text = text.replacingOccurrences(of: secret.value, with: "<redacted>")
        }
        return text
    }
}
