import Crypto
import Foundation

/// The key the fleet's shared secrets are sealed with (AES-256-GCM): 32 random bytes, given in
/// base64 in `SUNDIAL_SECRETS_KEY` (`openssl rand -base64 32`). Exists so the key is checked once
/// at start and can never be printed: its description is `<redacted>` and errors about it never
/// repeat the value.
public struct SecretsKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The environment variable the key is read from.
    public static let variable = "SUNDIAL_SECRETS_KEY"

    let symmetricKey: SymmetricKey

    /// The key from its base64 text; a ``ConfigurationError`` naming `SUNDIAL_SECRETS_KEY` when
    /// the text is not base64 of exactly 32 bytes.
    public init(base64 text: String) throws {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ConfigurationError(setting: Self.variable, problem: "is not valid base64; expected 32 random bytes in base64, e.g. from `openssl rand -base64 32`")
        }
        guard bytes.count == 32 else {
            throw ConfigurationError(setting: Self.variable, problem: "decodes to \(bytes.count) bytes; expected 32 random bytes in base64, e.g. from `openssl rand -base64 32`")
        }
        symmetricKey = SymmetricKey(data: bytes)
    }

    /// `SUNDIAL_SECRETS_KEY`, or nil when it is not set; a malformed value throws.
    public static func fromEnvironment(_ reader: EnvironmentReader = EnvironmentReader()) throws -> SecretsKey? {
        try reader.string(variable).map { try SecretsKey(base64: $0) }
    }

    /// `SUNDIAL_SECRETS_KEY`, which `reason` needs (e.g. "to share QuickBooks' rotated tokens");
    /// a ``ConfigurationError`` when it is missing or malformed.
    public static func required(_ reader: EnvironmentReader = EnvironmentReader(), because reason: String) throws -> SecretsKey {
        guard let key = try fromEnvironment(reader) else {
            throw ConfigurationError(setting: variable, problem: "is required \(reason): 32 random bytes in base64, e.g. from `openssl rand -base64 32`; keep it the same on every worker")
        }
        return key
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    /// No children, so `dump` and `Mirror` show nothing either.
    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}
