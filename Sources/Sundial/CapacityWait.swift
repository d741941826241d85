/// Thrown when a shared limit on an outside API (a rate cap, a concurrency cap) has no room
/// right now. It is not a failure: the engine puts the step back to sleep for `retryAfter`
/// without spending an attempt, and shows the workflow as waiting for capacity.
public struct CapacityWait: Error, Sendable, Equatable, CustomStringConvertible {
    /// The API whose limit is full (`fedex`, `quickbooks`).
    public var api: String
    /// Which limit, in words (`rate limit 1400 per 10 s`).
    public var limit: String
    /// When it is worth asking again.
    public var retryAfter: Duration

    public init(api: String, limit: String, retryAfter: Duration) {
        self.api = api
        self.limit = limit
        self.retryAfter = retryAfter
    }

    public var description: String { "\(api): \(limit); next try in \(retryAfter)" }
}
