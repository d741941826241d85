/// Why an authorization is released (Stripe's `cancellation_reason`).
public enum CancellationReason: String, Sendable, Codable {
    case duplicate
    case fraudulent
    case requestedByCustomer = "requested_by_customer"
    case abandoned
}
