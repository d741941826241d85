/// The fields of a Stripe PaymentIntent the orchestrator acts on. Exists so the workflow persists a
/// small, stable value rather than Stripe's whole object.
public struct PaymentIntent: Sendable, Codable, Equatable {
    public var id: String
    /// `requires_capture`, `succeeded`, `canceled`, … (Stripe's status string).
    public var status: String
    public var amountMinor: Int
    public var amountCapturableMinor: Int
    public var amountReceivedMinor: Int
    public var currency: String
    public var captureMethod: String?
    public var latestCharge: String?
    public var metadata: [String: String]
    /// Why the last attempt failed (`authentication_required`, `insufficient_funds`, …), if it did.
    public var lastPaymentErrorCode: String?

    public init(
        id: String, status: String, amountMinor: Int, amountCapturableMinor: Int, amountReceivedMinor: Int,
        currency: String, captureMethod: String?, latestCharge: String?, metadata: [String: String],
        lastPaymentErrorCode: String? = nil
    ) {
        self.id = id
        self.status = status
        self.amountMinor = amountMinor
        self.amountCapturableMinor = amountCapturableMinor
        self.amountReceivedMinor = amountReceivedMinor
        self.currency = currency
        self.captureMethod = captureMethod
        self.latestCharge = latestCharge
        self.metadata = metadata
        self.lastPaymentErrorCode = lastPaymentErrorCode
    }
}
