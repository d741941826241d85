import Crypto
import Foundation

/// Derives QuickBooks' `?requestid=` from the workflow step's idempotency key. Exists because
/// `requestid` must be at most 50 characters and unique per company, while step keys may be
/// longer: the request id is the first 40 hex digits (160 bits) of the key's SHA-256, so the same
/// key always gives the same id and different keys practically never collide.
public enum QuickBooksRequestID {
    public static func derive(fromIdempotencyKey key: String) -> String {
        let digest = SHA256.hash(data: Data(key.utf8))
        return String(digest.map { String(format: "%02x", $0) }.joined().prefix(40))
    }
}
