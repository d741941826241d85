import Foundation
import Hummingbird
import Synchronization

/// The e-commerce platform's side of INT-001's order-status webhooks, under `/shop`:
/// `POST /shop/webhooks/order-status` checks `X-Sundial-Signature`, answers 401 to bad signatures
/// and records every delivery. Faults (500/503, 429, hangs) come from the shared fault middleware,
/// so the orchestrator's outbound retries can be exercised.
///
/// The body is JSON; the receiver reads the order id from `order_id`/`orderId`, the event from
/// `event`/`type`/`status`, and the delivery id from `id`/`event_id` or the `Idempotency-Key` header.
final class ShopReceiver: Sendable {
    private let configuration: SandboxConfiguration.Shop
    private let ledger: EffectLedger
    private let clock: SandboxClock
    private let deliveries = Mutex<[ShopDelivery]>([])

    init(configuration: SandboxConfiguration.Shop, ledger: EffectLedger, clock: SandboxClock) {
        self.configuration = configuration
        self.ledger = ledger
        self.clock = clock
    }

    static func errorResponse(status: HTTPResponse.Status, code: String, message: String) -> Response {
        .json(["error": ["code": .string(code), "message": .string(message)]], status: status)
    }

    func reset() {
        deliveries.withLock { $0.removeAll() }
    }

    /// Every delivery so far, oldest first, including rejected ones.
    func all() -> [ShopDelivery] {
        deliveries.withLock { $0 }
    }

    func addRoutes(to group: RouterGroup<SandboxRequestContext>) {
        group.post("webhooks/order-status") { request, _ in try await self.receive(request) }
    }

    private func receive(_ request: Request) async throws -> Response {
        var request = request
        let bytes = try await request.bodyBytes()
        let header = request.header(ShopWebhookSignature.headerName) ?? ""
        let valid = ShopWebhookSignature.isValid(
            header: header,
            payload: bytes,
            secret: configuration.webhookSecret,
            tolerance: configuration.signatureToleranceSeconds,
            now: clock.unixSeconds
        )
        let json = try? JSONValue.parse(bytes)
        let orderID = (json?["order_id"] ?? json?["orderId"])?.stringValue
        let event = (json?["event"] ?? json?["type"] ?? json?["status"])?.stringValue
        let eventID = (json?["id"] ?? json?["event_id"])?.stringValue ?? request.header("Idempotency-Key")
        let delivery = deliveries.withLock { deliveries in
            let delivery = ShopDelivery(
                sequence: deliveries.count + 1,
                eventID: eventID,
                orderID: orderID,
                event: event,
                signatureValid: valid,
                body: String(decoding: bytes, as: UTF8.self),
                receivedAt: clock.iso8601()
            )
            deliveries.append(delivery)
            return delivery
        }
        guard valid else {
            ledger.record(.shop, .webhookRejected, resource: eventID ?? "delivery-\(delivery.sequence)", idempotencyKey: eventID, reference: orderID, detail: event)
            return Self.errorResponse(status: .unauthorized, code: "invalid_signature", message: "The X-Sundial-Signature header is missing, malformed, too old or does not match the body.")
        }
        guard let json, json.objectValue != nil else {
            return Self.errorResponse(status: .badRequest, code: "invalid_body", message: "The body must be a JSON object.")
        }
        guard let orderID, !orderID.isEmpty else {
            return Self.errorResponse(status: .unprocessableContent, code: "missing_order_id", message: "The body must carry order_id.")
        }
        ledger.record(.shop, .webhookReceived, resource: eventID ?? "delivery-\(delivery.sequence)", idempotencyKey: eventID, reference: orderID, detail: event)
        return .json(["received": true, "order_id": .string(orderID)])
    }
}
