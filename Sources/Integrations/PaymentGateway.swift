/// What the order workflow needs from a card processor: hold funds, take them, release them,
/// give them back, look at the current state, and find what was held for an order. Exists so the
/// workflow is written against this protocol and tests or another processor can stand in for
/// ``StripeClient``.
///
/// Every mutating call takes the caller's `idempotencyKey` (the workflow step's key, persisted
/// before the call): repeating a call with the same key never moves money twice.
public protocol PaymentGateway: Sendable {
    /// Creates and confirms a manual-capture authorization, merchant-initiated (the customer is
    /// not present). Throws ``PaymentDeclined`` when the card is declined (permanent),
    /// ``StripeError`` otherwise; an error with ``StripeError/mayHaveTakenEffect`` means the
    /// authorization may exist although its answer was never read.
    func authorize(_ request: PaymentAuthorizationRequest, idempotencyKey: String) async throws -> PaymentIntent
    /// Captures an authorization, fully or `amountMinor` of it.
    func capture(paymentIntentID: String, amountMinor: Int?, idempotencyKey: String) async throws -> PaymentIntent
    /// Releases an authorization that will not be captured.
    func cancelAuthorization(paymentIntentID: String, reason: CancellationReason?, idempotencyKey: String) async throws -> PaymentIntent
    /// Refunds a captured payment, fully or `amountMinor` of it.
    func refund(paymentIntentID: String, amountMinor: Int?, idempotencyKey: String) async throws -> PaymentRefund
    /// Reads the current state (an intent authorized at checkout, or reconciliation after a lost
    /// response or an expired key).
    func retrieve(paymentIntentID: String) async throws -> PaymentIntent
    /// The payments made for `orderID` (`metadata[order_id]`), newest first: how an order that
    /// never read the answer to its authorization finds the hold to release.
    func payments(forOrder orderID: String) async throws -> [PaymentIntent]
}
