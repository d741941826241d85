import Foundation

/// Delivers outbox messages of some topics to the outside world (the e-commerce platform's
/// order-status webhook, say). Implementations live with the integrations; the engine only
/// claims, retries and parks. Throwing means "not delivered"; a receiver may see a message more
/// than once, never zero times.
public protocol OutboxTransport: Sendable {
    /// The topics this transport delivers; messages of other topics are left alone.
    var topics: Set<String> { get }
    func deliver(_ message: OutboxDelivery) async throws
}

/// An outbox message handed to a dispatcher for delivery.
public struct OutboxDelivery: Sendable, Equatable {
    public let id: Int64
    public let workflowID: UUID
    public let topic: String
    /// Unique per topic; receivers use it to drop a repeated delivery.
    public let dedupeKey: String
    public let payload: String
    /// 1 for the first delivery attempt.
    public let attempt: Int

    public init(id: Int64, workflowID: UUID, topic: String, dedupeKey: String, payload: String, attempt: Int) {
        self.id = id
        self.workflowID = workflowID
        self.topic = topic
        self.dedupeKey = dedupeKey
        self.payload = payload
        self.attempt = attempt
    }
}

