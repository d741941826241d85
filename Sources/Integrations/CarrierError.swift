import Sundial

/// A FedEx, UPS or USPS call failed: no response, or an HTTP error with the carrier's error body.
/// Exists so the workflow's retry policy can tell throttling and outages (429 with `Retry-After`,
/// 5xx, timeouts: retryable) from a request the carrier will never accept (4xx validation:
/// permanent). Messages never contain a credential.
public struct CarrierError: Error, Sendable, RetryClassifiable, CustomStringConvertible {
    public var carrier: String
    /// `METHOD /path` of the call.
    public var operation: String
    /// HTTP status; `nil` when no response arrived.
    public var status: Int?
    /// The carrier's error codes (`NOT.AUTHORIZED.ERROR`, `250002`, …).
    public var codes: [String]
    public var message: String
    public var retryDisposition: RetryDisposition

    public init(carrier: String, operation: String, status: Int?, codes: [String], message: String, retryDisposition: RetryDisposition) {
        self.carrier = carrier
        self.operation = operation
        self.status = status
        self.codes = codes
        self.message = message
        self.retryDisposition = retryDisposition
    }

    public var description: String {
        var text = "\(carrier) \(operation) failed"
        if let status { text += ": HTTP \(status)" }
        if !codes.isEmpty { text += " [\(codes.joined(separator: ", "))]" }
        text += ": \(message)"
        switch retryDisposition {
        case .permanent: text += "; permanent"
        case .retryable(let after): text += after.map { "; retryable after \($0)" } ?? "; retryable"
        }
        return text
    }

    /// 408, 409, 429 and 5xx are passing faults; every other status is permanent. A 401 reaches
    /// the caller only after the client already refreshed its token once, so it is permanent too
    /// (bad credentials).
    static func disposition(status: Int, retryAfter: Duration?) -> RetryDisposition {
        if status == 408 || status == 409 || status == 429 || status >= 500 { return .retryable(after: retryAfter) }
        return .permanent
    }
}

extension CarrierError {
    /// A 2xx answer to a call with an effect (a purchase, a void) or to the lookup that decides
    /// one, which cannot be read. The effect may well have happened, so the call is retryable,
    /// never permanent: a retried FedEx/UPS purchase first finds any label bought under its
    /// reference and voids it, a retried USPS purchase replays its `X-Idempotency-Key` and gets
    /// the same label without a second charge, and a retried void or lookup is harmless.
    static func unreadableAnswer(carrier: String, operation: String, status: Int, missing: String) -> CarrierError {
        CarrierError(
            carrier: carrier, operation: operation, status: status, codes: [],
            message: "the answer cannot be read (\(missing)); the call may have taken effect", retryDisposition: .retryable(after: nil)
        )
    }
}
