/// The signature on carrier tracking webhooks (INT-003):
/// `X-Carrier-Signature: t=<unix seconds>,v1=<lowercase hex HMAC-SHA256(secret, "<t>." + raw body)>`,
/// the key being the secret's UTF-8 bytes. Same construction as the shop's `X-Sundial-Signature`
/// and Stripe's `Stripe-Signature`; exists so the sandbox can sign what it sends and tests (or
/// Sundial's receiver) can check it the same way.
public enum CarrierWebhookSignature {
    public static let headerName = "X-Carrier-Signature"

    /// The header value for `payload` signed at `timestamp`.
    public static func header(payload: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(HMACSignature.sha256Hex(secret: secret, message: Array("\(timestamp).".utf8) + payload))"
    }

    /// True when some `v1` value matches (compared in constant time) and `t` is within `tolerance`
    /// seconds of `now`, either side.
    public static func isValid(header: String, payload: [UInt8], secret: String, tolerance: Int = 300, now: Int) -> Bool {
        guard let parsed = HMACSignature.parseTimestampedHeader(header), !parsed.signatures.isEmpty else { return false }
        let expected = HMACSignature.sha256Hex(secret: secret, message: Array("\(parsed.timestamp).".utf8) + payload)
        guard parsed.signatures.contains(where: { HMACSignature.constantTimeEquals($0, expected) }) else { return false }
        return abs(now - parsed.timestamp) <= tolerance
    }
}
