import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SundialEngine
import Workflows

/// `POST /webhooks/carriers/{carrier}`: tracking updates from FedEx, UPS and USPS in the
/// normalised format (``TrackingEventParser``), signed `X-Carrier-Signature: t=<unix>,v1=<hex>` like
/// Stripe's. Each update goes to the order that tagged itself with the tracking number, as the
/// `tracking` signal with id `<carrier>:<event_id>`: redeliveries are deduplicated by the engine
/// and putting events in order is the workflow's job.
struct CarrierWebhookRoute: Sendable {
    static let path: RouterPath = "/webhooks/carriers/{carrier}"
    static let signatureHeader = HTTPField.Name("X-Carrier-Signature")!
    /// The tag the order workflow puts its tracking number under.
    static let trackingTag = "tracking_number"

    /// Secrets by carrier (`fedex`, `ups`, `usps`); a carrier without one is answered 503.
    let signatures: [String: TimestampedSignature]
    let workflows: WorkflowClient
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.post(Self.path) { request, context in try await receive(request, carrier: try context.parameters.require("carrier")) }
        router.refuseOtherMethods(Self.path, allowed: [.post])
    }

    func receive(_ request: Request, carrier: String) async throws -> Response {
        guard TrackingEventParser.carriers.contains(carrier) else {
            throw APIError.notFound("unknown_carrier", "no carrier '\(carrier)' (fedex, ups or usps)")
        }
        guard let signature = signatures[carrier] else {
            throw APIError.unavailable("webhook_not_configured", "the \(carrier) webhook secret is not configured")
        }
        let body = try await JSONRequestBody.read(request)
        do {
            try signature.verify(header: request.headers[Self.signatureHeader], payload: body)
        } catch {
            logger.warning("carrier webhook refused", metadata: ["carrier": "\(carrier)", "reason": "\(error)"])
            throw APIError(.unauthorized, code: "invalid_signature", message: "X-Carrier-Signature: \(error)")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(body)
        } catch {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON")
        }
        let event: TrackingEvent
        switch TrackingEventParser.parse(document, carrier: carrier) {
        case .valid(let parsed): event = parsed
        case .invalid(let problems):
            throw APIError.unprocessable("invalid_tracking_event", OrderRoutes.summary(problems), fields: problems)
        }
        let orders = try await workflows.workflowIDs(tag: Self.trackingTag, value: event.trackingNumber)
        var deliveries: [String] = []
        for id in orders {
            do {
                deliveries.append(try await workflows.signal(id, name: TrackingEvent.signal, signalID: TrackingEventParser.signalID(of: event),
                                                               payload: event).rawValue)
            } catch StoreError.invalidStatus, StoreError.notFound {
                continue  // finished or deleted meanwhile: nothing to tell it
            }
        }
        let metadata: Logger.Metadata = [
            "carrier": "\(carrier)", "event_id": "\(event.eventID)", "tracking_number": "\(event.trackingNumber)",
            "status": "\(event.status)",
        ]
        guard !deliveries.isEmpty else {
            let reason = orders.isEmpty ? "unknown tracking number" : "the order has finished"
            logger.info("tracking event ignored", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            return JSONResponse.make(["received": true, "ignored": reason], status: .accepted)
        }
        logger.info("tracking event delivered", metadata: metadata.merging([
            "workflow_ids": "\(orders.map { $0.uuidString.lowercased() }.joined(separator: ","))",
            "delivery": "\(deliveries.joined(separator: ","))",
        ]) { $1 })
        return JSONResponse.make(["received": true], status: .accepted)
    }
}
