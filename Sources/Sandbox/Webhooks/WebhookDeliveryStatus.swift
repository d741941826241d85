/// How far one outgoing webhook delivery of the sandbox got (carrier tracking events, Stripe
/// events). Exists so a test can tell "sent and acknowledged" from "receiver down" without
/// running its own bookkeeping.
public struct WebhookDeliveryStatus: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        /// Queued or being retried.
        case pending
        /// The receiver answered 2xx.
        case delivered
        /// Given up: a 4xx answer other than 408 and 429 (never retried), or every attempt failed.
        case failed
    }

    public var state: State
    /// HTTP attempts made so far.
    public var attempts: Int
    /// Status code of the last answer, if any came.
    public var responseStatus: Int?
    /// The last connection error, if the last attempt got no answer.
    public var error: String?

    public init(state: State = .pending, attempts: Int = 0, responseStatus: Int? = nil, error: String? = nil) {
        self.state = state
        self.attempts = attempts
        self.responseStatus = responseStatus
        self.error = error
    }
}
