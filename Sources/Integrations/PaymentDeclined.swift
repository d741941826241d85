import Sundial

/// The card was declined (Stripe 402 `card_error`). Exists as its own type because the workflow
/// reacts to it in business terms (ask the customer for another card) and must never retry it.
public struct PaymentDeclined: Error, Sendable, Equatable, RetryClassifiable, CustomStringConvertible {
    /// Stripe's `code`, e.g. `card_declined` or `expired_card`.
    public var code: String?
    /// Stripe's `decline_code`, e.g. `insufficient_funds` or `generic_decline`.
    public var declineCode: String?
    /// The issuer's message as Stripe relays it, safe to show an operator.
    public var message: String
    /// The PaymentIntent the attempt belongs to, when Stripe reports it.
    public var paymentIntentID: String?

    public init(code: String?, declineCode: String?, message: String, paymentIntentID: String?) {
        self.code = code
        self.declineCode = declineCode
        self.message = message
        self.paymentIntentID = paymentIntentID
    }

    public var retryDisposition: RetryDisposition { .permanent }

    public var description: String {
        var text = "payment declined (\(declineCode ?? code ?? "no code")): \(message)"
        if let paymentIntentID { text += " [payment intent \(paymentIntentID)]" }
        return text
    }
}
