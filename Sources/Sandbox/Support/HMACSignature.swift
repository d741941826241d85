import Foundation
import Crypto

/// HMAC-SHA256 helpers shared by the Stripe and shop signature schemes.
enum HMACSignature {
    static func sha256Hex(secret: String, message: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return hex(Array(code))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two strings without an early exit, so timing does not leak the expected value.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Splits `t=123,v1=abc,v1=def,v0=x` into the timestamp and the `v1` values.
    static func parseTimestampedHeader(_ header: String) -> (timestamp: Int, signatures: [String])? {
        var timestamp: Int?
        var signatures: [String] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingCharacters(in: .whitespaces)
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            if key == "t" { timestamp = Int(value) } else if key == "v1" { signatures.append(value) }
        }
        guard let timestamp else { return nil }
        return (timestamp, signatures)
    }
}
