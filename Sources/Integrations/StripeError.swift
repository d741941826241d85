import Sundial

/// A Stripe call failed for a reason other than a card decline: a transport failure, or an HTTP
/// error with Stripe's `{"error":{…}}` body. Exists so the workflow's retry policy can tell a
/// passing fault (409, 429, 5xx, timeouts; `Stripe-Should-Retry` decides when present) from a
/// request that will never succeed (400 `invalid_request_error`/`idempotency_error`, 401, 404).
public struct StripeError: Error, Sendable, RetryClassifiable, CustomStringConvertible {
    /// `METHOD /path` of the call, e.g. `POST /v1/payment_intents`.
    public var operation: String
    /// HTTP status; `nil` when no response arrived.
    public var status: Int?
    /// Stripe's error `type` (`api_error`, `invalid_request_error`, `idempotency_error`, …).
    public var type: String?
    public var code: String?
    /// Stripe's message, with any credential removed.
    public var message: String
    /// The `Request-Id` header, for Stripe support.
    public var requestID: String?
    public var retryDisposition: RetryDisposition
    /// The call changes something and its answer was never read (no response, or a 2xx that
    /// could not be decoded): the effect may exist. Retry under the same idempotency key, and
    /// when giving up, look for the effect (``PaymentGateway/payments(forOrder:)``) and undo it.
    public var mayHaveTakenEffect: Bool

    public init(operation: String, status: Int?, type: String?, code: String?, message: String, requestID: String?,
                retryDisposition: RetryDisposition, mayHaveTakenEffect: Bool = false) {
        self.operation = operation
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.requestID = requestID
        self.retryDisposition = retryDisposition
        self.mayHaveTakenEffect = mayHaveTakenEffect
    }

    public var description: String {
        var text = "Stripe \(operation) failed"
        if let status { text += ": HTTP \(status)" }
        if let type { text += " \(type)" }
        if let code { text += "/\(code)" }
        text += ": \(message)"
        if mayHaveTakenEffect { text += " (it may have taken effect)" }
        if let requestID { text += " (request \(requestID))" }
        switch retryDisposition {
        case .permanent: text += "; permanent"
        case .retryable(let after): text += after.map { "; retryable after \($0)" } ?? "; retryable"
        }
        return text
    }

    /// Stripe's rule (stripe-python `_should_retry`): `Stripe-Should-Retry` wins when present;
    /// otherwise 409, 429 (backoff advised by the error docs), 424 and ≥ 500 are retryable, any
    /// other status is not. `Retry-After` becomes the minimum wait.
    public static func disposition(status: Int, shouldRetryHeader: String?, retryAfter: Duration?) -> RetryDisposition {
        switch shouldRetryHeader?.lowercased() {
        case "true": return .retryable(after: retryAfter)
        case "false": return .permanent
        default: break
        }
        if status == 409 || status == 429 || status == 424 || status >= 500 { return .retryable(after: retryAfter) }
        return .permanent
    }
}
