import Foundation
import Synchronization

/// Turns parcel status changes into signed carrier tracking webhooks: builds the
/// ``CarrierTrackingEvent``, applies the configured duplicates and reordering, queues the
/// deliveries on its ``WebhookDispatcher`` and keeps the ``CarrierWebhookDelivery`` records.
/// Exists so the automatic progression and the control API's manual moves send the same events.
final class CarrierWebhookEmitter: Sendable {
    /// An event held back by `reorder` until the parcel's next event.
    private struct Held {
        let event: CarrierTrackingEvent
        let duplicate: Bool
        let heldAt: Date
    }

    private struct State {
        var deliveries: [CarrierWebhookDelivery] = []
        /// Events emitted so far (for `duplicateEvery`).
        var emitted = 0
        /// Held events by tracking number.
        var held: [String: Held] = [:]
        var generator: SeededGenerator
        /// Bumped by `reset`, so reports of deliveries queued before it are dropped.
        var generation = 0
    }

    let configuration: SandboxConfiguration.TrackingWebhooks
    let dispatcher: WebhookDispatcher
    private let clock: SandboxClock
    private let seed: UInt64
    private let state: Mutex<State>

    init(configuration: SandboxConfiguration.TrackingWebhooks, clock: SandboxClock, seed: UInt64) {
        self.configuration = configuration
        self.clock = clock
        self.seed = seed
        self.dispatcher = WebhookDispatcher(name: "carrier-tracking", clock: clock)
        self.state = Mutex(State(generator: SeededGenerator(seed: seed ^ 0x7EAC_4E0D)))
    }

    /// Webhooks are sent (and parcels progress) only when a receiver is configured.
    var isEnabled: Bool { configuration.url != nil }

    /// Sends the event for `label`'s current status (nothing for `labelCreated`).
    func emit(_ label: ShippingLabel) {
        guard let base = configuration.url, let status = CarrierTrackingEvent.Status(label.status) else { return }
        let event = CarrierTrackingEvent(
            eventID: "cte_" + RandomIDs.alphanumeric(24),
            carrier: label.carrier.rawValue,
            trackingNumber: label.trackingNumber,
            status: status,
            location: Self.location(label),
            occurredAt: clock.iso8601(label.statusChangedAt, fractional: false),
            description: Self.description(label)
        )
        let url = Self.endpoint(base: base, carrier: label.carrier)
        state.withLock { state in
            state.emitted += 1
            let duplicate = configuration.duplicateEvery.map { $0 > 0 && state.emitted % $0 == 0 } ?? false
            if configuration.reorder, !status.isFinal, state.held[label.trackingNumber] == nil, state.generator.chance(0.5) {
                state.held[label.trackingNumber] = Held(event: event, duplicate: duplicate, heldAt: clock.now)
                return
            }
            send(event, duplicate: duplicate, reordered: false, url: url, into: &state)
            if let held = state.held.removeValue(forKey: label.trackingNumber) {
                send(held.event, duplicate: held.duplicate, reordered: true, url: url, into: &state)
            }
        }
    }

    /// Sends held events whose parcel has sent nothing for `maximumAge`.
    func releaseHeld(olderThan maximumAge: TimeInterval) {
        guard let base = configuration.url else { return }
        let now = clock.now
        state.withLock { state in
            let stale = state.held.filter { now.timeIntervalSince($0.value.heldAt) >= maximumAge }.sorted { $0.value.heldAt < $1.value.heldAt }
            for (number, held) in stale {
                state.held[number] = nil
                let carrier = SandboxAPI(rawValue: held.event.carrier) ?? .fedex
                send(held.event, duplicate: held.duplicate, reordered: true, url: Self.endpoint(base: base, carrier: carrier), into: &state)
            }
        }
    }

    /// Every delivery so far, in sending order.
    func deliveries() -> [CarrierWebhookDelivery] {
        state.withLock { $0.deliveries }
    }

    /// Forgets deliveries and held events (queued deliveries still go out, unrecorded).
    func reset() {
        state.withLock { state in
            state = State(generator: SeededGenerator(seed: seed ^ 0x7EAC_4E0D), generation: state.generation + 1)
        }
    }

    /// Records and queues one delivery of `event`, twice when `duplicate`.
    private func send(_ event: CarrierTrackingEvent, duplicate: Bool, reordered: Bool, url: String, into state: inout State) {
        let body = event.body()
        for copy in duplicate ? [false, true] : [false] {
            let index = state.deliveries.count
            let generation = state.generation
            state.deliveries.append(
                CarrierWebhookDelivery(sequence: index + 1, event: event, url: url, duplicate: copy, reordered: reordered, delivery: WebhookDeliveryStatus())
            )
            let secret = configuration.secret
            dispatcher.enqueue(
                WebhookDispatcher.Job(
                    url: url,
                    body: body,
                    signature: { timestamp in
                        (CarrierWebhookSignature.headerName, CarrierWebhookSignature.header(payload: body, secret: secret, timestamp: timestamp))
                    },
                    headers: ["User-Agent": "sundial-sandbox-carrier-webhooks"],
                    summary: "\(event.eventID) \(event.carrier) \(event.trackingNumber) \(event.status.rawValue)",
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

    static func endpoint(base: String, carrier: SandboxAPI) -> String {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return "\(trimmed)/webhooks/carriers/\(carrier.rawValue)"
    }

    /// In transit at the carrier's hub; the last steps at the recipient's city when known.
    static func location(_ label: ShippingLabel) -> String {
        switch label.status {
        case .labelCreated, .pickedUp, .inTransit: return hub(label.carrier)
        case .outForDelivery, .delivered, .exception: return label.destination ?? hub(label.carrier)
        }
    }

    private static func hub(_ carrier: SandboxAPI) -> String {
        switch carrier {
        case .ups: return "Louisville, KY"
        case .usps: return "Atlanta, GA"
        default: return "Memphis, TN"
        }
    }

    static func description(_ label: ShippingLabel) -> String {
        switch label.status {
        case .labelCreated: return "Shipping label created"
        case .pickedUp: return "Picked up"
        case .inTransit: return "In transit"
        case .outForDelivery: return "Out for delivery"
        case .delivered: return "Delivered"
        case .exception: return "Delivery exception: recipient not available"
        }
    }
}
