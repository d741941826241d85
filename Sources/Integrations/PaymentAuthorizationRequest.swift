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
