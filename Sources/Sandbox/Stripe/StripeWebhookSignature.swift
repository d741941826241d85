/// Stripe's webhook signature scheme (`Stripe-Signature: t=<unix>,v1=<hex>`), so tests and the
/// sandbox can produce deliveries a real Stripe SDK would accept, and check them the same way.
///
/// The signed payload is `"<t>." + raw body`; the key is the whole endpoint secret as UTF-8,
/// `whsec_` prefix included (it is not base64-decoded).
public enum StripeWebhookSignature {
    /// The lowercase hex HMAC-SHA256 of `"<timestamp>." + payload` under `secret`.
    public static func signature(payload: [UInt8], secret: String, timestamp: Int) -> String {
        HMACSignature.sha256Hex(secret: secret, message: Array("\(timestamp).".utf8) + payload)
    }

    /// The full `Stripe-Signature` header value for `payload`.
    public static func header(payload: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(signature(payload: payload, secret: secret, timestamp: timestamp))"
    }

    /// Verifies a header as stripe-python does: any `v1` may match (secret rotation), other schemes
    /// are ignored, and with a tolerance the request is rejected only when `t < now - tolerance`.
    public static func isValid(header: String, payload: [UInt8], secret: String, tolerance: Int? = 300, now: Int) -> Bool {
        guard let parsed = HMACSignature.parseTimestampedHeader(header), !parsed.signatures.isEmpty else { return false }
        let expected = signature(payload: payload, secret: secret, timestamp: parsed.timestamp)
        guard parsed.signatures.contains(where: { HMACSignature.constantTimeEquals($0, expected) }) else { return false }
        if let tolerance, parsed.timestamp < now - tolerance { return false }
        return true
    }
}
