/// One tracking webhook the sandbox sent (or is sending), as `GET /sandbox/tracking/events` and
/// `SandboxServer.trackingWebhookDeliveries()` report it. Exists so a test can check what went
/// out, in which order, duplicated or held back, and whether the receiver took it.
public struct CarrierWebhookDelivery: Sendable, Codable, Equatable {
    /// Order of sending, from 1.
    public let sequence: Int
    public let event: CarrierTrackingEvent
    /// Where it was POSTed: `{base}/webhooks/carriers/{carrier}`.
    public let url: String
    /// True for the second copy of an event delivered twice (`duplicateEvery`).
    public let duplicate: Bool
    /// True for an event held back and sent after the parcel's next event (`reorder`).
    public let reordered: Bool
    public var delivery: WebhookDeliveryStatus
}
