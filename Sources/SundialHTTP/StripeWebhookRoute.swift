import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SundialEngine

/// `POST /webhooks/stripe`: Stripe's payment events, verified with the `Stripe-Signature`
/// scheme, delivered to the order they concern as a ``PaymentSignal``. Events that concern no
/// known order are acknowledged with 200 and the reason they were ignored, because Stripe
/// retries anything else for days.
struct StripeWebhookRoute: Sendable {
    static let path: RouterPath = "/webhooks/stripe"
    static let signatureHeader = HTTPField.Name("Stripe-Signature")!

    /// nil when `SUNDIAL_STRIPE_WEBHOOK_SECRET` is not set.
    let signature: TimestampedSignature?
    let workflows: WorkflowClient
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.post(Self.path) { request, _ in try await receive(request) }
        router.refuseOtherMethods(Self.path, allowed: [.post])
    }

    func receive(_ request: Request) async throws -> Response {
        guard let signature else {
            throw APIError.unavailable("webhook_not_configured", "the Stripe webhook secret is not configured")
        }
        let body = try await JSONRequestBody.read(request, limit: 256 * 1024)
        do {
            try signature.verify(header: request.headers[Self.signatureHeader], payload: body)
        } catch {
            logger.warning("stripe webhook refused", metadata: ["reason": "\(error)"])
            throw APIError(.unauthorized, code: "invalid_signature", message: "Stripe-Signature: \(error)")
        }
        let event: JSONValue
        do {
            event = try JSONValue.parse(body)
        } catch {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON")
        }
        guard let eventID = event["id"]?.stringValue, !eventID.isEmpty, eventID.count <= 200,
              let type = event["type"]?.stringValue, let object = event["data"]?["object"], case .object = object
        else {
            throw APIError.badRequest("malformed_event", "the body is not a Stripe event (id, type, data.object)")
        }
        let metadataOrderID = object["metadata"]?["order_id"]?.stringValue
        // What goes into Postgres (the signal id, payload and the order lookup) cannot hold U+0000.
        let used = [eventID, type, object["id"]?.stringValue, object["payment_intent"]?.stringValue, object["status"]?.stringValue,
                    metadataOrderID]
        guard !used.contains(where: { $0?.unicodeScalars.contains { $0.value == 0 } == true }) else {
            throw APIError.badRequest("malformed_event", "the event's id, type, object or metadata.order_id contains U+0000")
        }
        let signal: PaymentSignal
        if type.hasPrefix("payment_intent.") {
            signal = PaymentSignal(eventID: eventID, type: type, paymentIntentID: object["id"]?.stringValue,
                                   status: object["status"]?.stringValue)
        } else if type.hasPrefix("charge.") {
            signal = PaymentSignal(eventID: eventID, type: type, paymentIntentID: object["payment_intent"]?.stringValue,
                                   status: object["status"]?.stringValue)
        } else {
            return ignored(eventID, type: type, because: "event type \(type) is not handled")
        }
        guard let orderID = metadataOrderID, !orderID.isEmpty else {
            return ignored(eventID, type: type, because: "the event's object has no metadata.order_id")
        }
        guard orderID.count <= 200, let order = try await workflows.workflow(type: OrderRoutes.workflowType, key: orderID) else {
            return ignored(eventID, type: type, because: "no order \(orderID)")
        }
        let delivery: SignalDelivery
        do {
            delivery = try await workflows.signal(order.id, name: PaymentSignal.name, signalID: eventID, payload: signal)
        } catch StoreError.invalidStatus(_, let status, _, _) {
            return ignored(eventID, type: type, because: "order \(orderID) has finished (\(status))")
        } catch StoreError.notFound {
            return ignored(eventID, type: type, because: "no order \(orderID)")
        }
        logger.info("stripe event delivered", metadata: [
            "event_id": "\(eventID)", "type": "\(type)", "order_id": "\(orderID)",
            "workflow_id": "\(order.id.uuidString.lowercased())", "delivery": "\(delivery.rawValue)",
        ])
        return JSONResponse.make(["received": true])
    }

    private func ignored(_ eventID: String, type: String, because reason: String) -> Response {
        logger.info("stripe event ignored", metadata: ["event_id": "\(eventID)", "type": "\(type)", "reason": "\(reason)"])
        return JSONResponse.make(["received": true, "ignored": reason])
    }
}
