import Synchronization

/// Sends the Stripe simulator's events to the configured webhook endpoint as Stripe does: a POST
/// of the Event object with `Stripe-Signature: t=…,v1=…` (``StripeWebhookSignature`` under the
/// endpoint secret), for the event types an order workflow subscribes to. Exists so Sundial's
/// Stripe webhook receiver can be tested against signed, real-shaped deliveries.
final class StripeWebhookSender: Sendable {
    /// The event types delivered; others are only listed by `GET /v1/events`.
    static let deliveredTypes: Set<String> = [
        "payment_intent.amount_capturable_updated",
        "payment_intent.succeeded",
        "payment_intent.canceled",
        "payment_intent.payment_failed",
        "charge.refunded",
    ]

    private struct State {
        var deliveries: [StripeWebhookDelivery] = []
        var generation = 0
    }

    let url: String?
    private let secret: String
    let dispatcher: WebhookDispatcher
    private let state = Mutex(State())

    init(url: String?, secret: String, clock: SandboxClock) {
        self.url = url
        self.secret = secret
        self.dispatcher = WebhookDispatcher(name: "stripe", clock: clock)
    }

    /// True when an event of `type` is delivered (an endpoint is set and it is a delivered type).
    func delivers(_ type: String) -> Bool {
        url != nil && Self.deliveredTypes.contains(type)
    }

    /// Queues `event` (already carrying `pending_webhooks: 1`) for delivery.
    func send(_ event: JSONValue) {
        guard let url, let type = event["type"]?.stringValue, delivers(type) else { return }
        let id = event["id"]?.stringValue ?? ""
        let body = event.serialized()
        let secret = secret
        state.withLock { state in
            let index = state.deliveries.count
            let generation = state.generation
            state.deliveries.append(StripeWebhookDelivery(sequence: index + 1, eventID: id, type: type, url: url, delivery: WebhookDeliveryStatus()))
            dispatcher.enqueue(
                WebhookDispatcher.Job(
                    url: url,
                    body: body,
                    signature: { timestamp in
                        ("Stripe-Signature", StripeWebhookSignature.header(payload: body, secret: secret, timestamp: timestamp))
                    },
                    headers: ["User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"],
                    summary: "\(id) \(type)",
                    report: { [weak self] status in
                        self?.state.withLock { state in
                            guard state.generation == generation, state.deliveries.indices.contains(index) else { return }
                            state.deliveries[index].delivery = status
                        }
                    }
                )
            )
        }
    }

    /// Every delivery so far, in sending order.
    func deliveries() -> [StripeWebhookDelivery] {
        state.withLock { $0.deliveries }
    }

    func reset() {
        state.withLock { state in state = State(generation: state.generation + 1) }
    }
}
