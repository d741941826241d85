import Crypto
import Foundation

/// Turns a workflow step's idempotency key into the shipment customer reference FedEx and UPS
/// print and let you search by. Exists because those carriers have no idempotency: the reference
/// is the only trace a lost create response leaves. Keys of at most 30 characters (letters,
/// digits, `-`, `_`, `.`, `:`) are used as they are; any other key becomes `sd-` and the first
/// 27 hex digits of its SHA-256, so the reference always fits the carriers' 30–35 character limits
/// and the same key always gives the same reference.
public enum CustomerReference {
    public static let maxLength = 30

    public static func derive(fromIdempotencyKey key: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:")
        if !key.isEmpty, key.count <= maxLength, key.unicodeScalars.allSatisfy({ allowed.contains($0) }) { return key }
        let digest = SHA256.hash(data: Data(key.utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return "sd-" + hex.prefix(maxLength - 3)
    }
}
