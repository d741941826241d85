/// One Stripe event the sandbox POSTed (or is POSTing) to the configured webhook endpoint, as
/// `SandboxServer.stripeWebhookDeliveries()` and `GET /sandbox/stripe/webhooks` report it. Exists
/// so a test can see which events went out and whether the endpoint took them.
public struct StripeWebhookDelivery: Sendable, Codable, Equatable {
    /// Order of sending, from 1.
    public let sequence: Int
    /// The Event's `evt_…` id.
    public let eventID: String
    /// The Event's `type`, e.g. `payment_intent.succeeded`.
    public let type: String
    public let url: String
    public var delivery: WebhookDeliveryStatus
}
