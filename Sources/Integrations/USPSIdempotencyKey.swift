import Crypto
import Foundation

/// Derives USPS's `X-Idempotency-Key` from the workflow step's idempotency key. Exists because
/// USPS documents the header as a UUID while step keys are free text: the first 16 bytes of the
/// key's SHA-256 are laid out as an RFC 9562 version 8 (custom, name-based) UUID, so the same step
/// key always gives the same UUID and a retried label is deduplicated by USPS.
public enum USPSIdempotencyKey {
    public static func derive(fromIdempotencyKey key: String) -> String {
        var bytes = Array(SHA256.hash(data: Data(key.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        let uuid = UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
        return uuid.uuidString.lowercased()
    }
}
