/// One order-status webhook as the e-commerce platform received it. Exists so tests can read
/// what the orchestrator actually sent (body, order, event, signature verdict), not just counts.
public struct ShopDelivery: Sendable, Codable, Equatable {
    public let sequence: Int
    /// The delivery's own id (`id`/`event_id` in the body, else the `Idempotency-Key` header).
    public let eventID: String?
    public let orderID: String?
    /// `event`, `type` or `status` from the body, e.g. `order.shipped`.
    public let event: String?
    public let signatureValid: Bool
    public let body: String
    public let receivedAt: String
}
