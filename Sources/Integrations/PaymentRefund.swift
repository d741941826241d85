/// The fields of a Stripe Refund the orchestrator acts on.
public struct PaymentRefund: Sendable, Codable, Equatable {
    public var id: String
    /// `pending`, `succeeded`, `failed`, `canceled` or `requires_action`.
    public var status: String
    public var amountMinor: Int
    public var paymentIntentID: String?

    public init(id: String, status: String, amountMinor: Int, paymentIntentID: String?) {
        self.id = id
        self.status = status
        self.amountMinor = amountMinor
        self.paymentIntentID = paymentIntentID
    }
}
