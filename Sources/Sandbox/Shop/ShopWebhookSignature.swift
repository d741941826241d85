/// The signature the orchestrator puts on order-status webhooks to the e-commerce platform:
/// `X-Sundial-Signature: t=<unix>,v1=<hex of HMAC-SHA256(secret, "<t>." + body)>`.
/// Same construction as Stripe's, under our own header name; the sandbox's shop receiver
/// verifies it, and the orchestrator can use `header(...)` to sign.
public enum ShopWebhookSignature {
    public static let headerName = "X-Sundial-Signature"

    public static func header(payload: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(HMACSignature.sha256Hex(secret: secret, message: Array("\(timestamp).".utf8) + payload))"
    }

    /// True when some `v1` matches and `t` is within `tolerance` seconds of `now` (either side).
    public static func isValid(header: String, payload: [UInt8], secret: String, tolerance: Int, now: Int) -> Bool {
        guard let parsed = HMACSignature.parseTimestampedHeader(header), !parsed.signatures.isEmpty else { return false }
        let expected = HMACSignature.sha256Hex(secret: secret, message: Array("\(parsed.timestamp).".utf8) + payload)
        guard parsed.signatures.contains(where: { HMACSignature.constantTimeEquals($0, expected) }) else { return false }
        return abs(now - parsed.timestamp) <= tolerance
    }
}
