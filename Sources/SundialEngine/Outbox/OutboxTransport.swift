/// Delivers outbox messages of some topics to the outside world (the e-commerce platform's
/// order-status webhook, say). Implementations live with the integrations; the engine only
/// claims, retries and parks. Throwing means "not delivered"; a receiver may see a message more
/// than once, never zero times.
public protocol OutboxTransport: Sendable {
    /// The topics this transport delivers; messages of other topics are left alone.
    var topics: Set<String> { get }
    func deliver(_ message: OutboxDelivery) async throws
}
