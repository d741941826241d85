import Sundial

/// The card was declined (Stripe 402, a `card_error` or a decline code). Exists as its own type because the workflow
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

    /// True when the customer's card needs 3-D Secure: a server-side (merchant-initiated)
    /// payment cannot ask for it, so the order needs the payment taken at checkout instead.
    public var needsAuthentication: Bool {
        code == "authentication_required" || declineCode == "authentication_required"
    }

    /// `code`s Stripe uses for a refused card (https://stripe.com/docs/declines/codes and
    /// /error-codes). A 402 with one of these, or with any `decline_code`, is a decline whatever
    /// its `type`: some Stripe stand-ins send declines as `invalid_request_error`.
    public static let declineCodes: Set<String> = [
        "card_declined", "expired_card", "incorrect_cvc", "incorrect_number", "incorrect_zip", "invalid_cvc",
        "invalid_expiry_month", "invalid_expiry_year", "invalid_number", "authentication_required",
        "card_decline_rate_limit_exceeded", "insufficient_funds", "payment_intent_authentication_failure",
    ]

    /// Stripe's rule for telling a declined card from other failures.
    public static func isDecline(status: Int, type: String?, code: String?, declineCode: String?) -> Bool {
        if type == "card_error" { return true }
        guard status == 402 else { return false }
        return declineCode != nil || code.map(declineCodes.contains) == true
    }

    public var description: String {
        var text = "payment declined (\(declineCode ?? code ?? "no code")): \(message)"
        if let paymentIntentID { text += " [payment intent \(paymentIntentID)]" }
        return text
    }
}
