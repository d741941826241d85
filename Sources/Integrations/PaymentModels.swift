/// The input of ``PaymentGateway/authorize(_:idempotencyKey:)``: what to hold on which card for
/// which order. Exists so the workflow states a payment in business terms; money is an `Int` in
/// the currency's minor units (cents), never a floating-point number.
public struct PaymentAuthorizationRequest: Sendable, Codable, Equatable {
    public var orderID: String
    /// Amount in minor units (cents for USD).
    public var amountMinor: Int
    /// ISO 4217 code, lower or upper case (`usd`).
    public var currency: String
    /// A saved payment method id (`pm_…`).
    public var paymentMethod: String
    /// Extra `metadata[...]` entries; `order_id` is always set from `orderID`.
    public var metadata: [String: String]

    public init(orderID: String, amountMinor: Int, currency: String, paymentMethod: String, metadata: [String: String] = [:]) {
        self.orderID = orderID
        self.amountMinor = amountMinor
        self.currency = currency
        self.paymentMethod = paymentMethod
        self.metadata = metadata
    }
}

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

    public init(
        id: String, status: String, amountMinor: Int, amountCapturableMinor: Int, amountReceivedMinor: Int,
        currency: String, captureMethod: String?, latestCharge: String?, metadata: [String: String]
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
    }
}

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
