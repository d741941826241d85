import Foundation
import SundialHTTP
import Testing

@Suite("Stripe webhooks")
struct StripeWebhookTests {
    static func event(id: String = "evt_1", type: String = "payment_intent.succeeded", orderID: String? = "SO-1001") -> String {
        let metadata = orderID.map { #"{"order_id":"\#($0)"}"# } ?? "{}"
        return #"{"id":"\#(id)","object":"event","type":"\#(type)","created":1700000000,"livemode":false,"data":{"object":{"id":"pi_123","object":"payment_intent","status":"requires_capture","metadata":\#(metadata)}}}"#
    }

    static func post(_ h: IntakeHarness, _ body: String, secret: String = IntakeHarness.stripeSecret,
                     timestamp: Int = Int(Date().timeIntervalSince1970)) async throws -> IntakeHarness.Answer {
        let header = TimestampedSignature.header(payload: Data(body.utf8), secret: secret, timestamp: timestamp)
        return try await h.send(.post, "/webhooks/stripe", contentType: "application/json; charset=utf-8",
                                headers: [("Stripe-Signature", header)], body: Data(body.utf8))
    }

    static func startOrder(_ h: IntakeHarness, id: String = "SO-1001") async throws -> UUID {
        try await h.workflows.start(type: "order", key: id, input: Data(Orders.body(id: id).utf8)).id
    }

    @Test("a verified event becomes one `payment` signal, even when Stripe delivers it twice")
    func delivered() async throws {
        try await IntakeHarness.with { h in
            let workflowID = try await Self.startOrder(h)
            let body = Self.event()
            for _ in 0..<2 {
                let answer = try await Self.post(h, body)
                #expect(answer.status == .ok)
                #expect(answer.json["received"] as? Bool == true)
                #expect(answer.json["ignored"] == nil)
            }
            #expect(try await h.count("SELECT 1 FROM workflow_signals WHERE workflow_id = '\(workflowID)'") == 1)
            let rows = try await h.postgres.query("""
                SELECT signal_id, name, payload::text FROM workflow_signals WHERE workflow_id = \(workflowID)
                """, logger: h.logger)
            for try await (signalID, name, payload) in rows.decode((String, String, String).self) {
                #expect(signalID == "evt_1")
                #expect(name == "payment")
                let json = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: String]
                #expect(json == ["event_id": "evt_1", "type": "payment_intent.succeeded", "payment_intent_id": "pi_123",
                                 "status": "requires_capture"])
            }
        }
    }

    @Test("stale or future timestamp, wrong secret, missing header: 401 JSON and no signal")
    func refused() async throws {
        try await IntakeHarness.with { h in
            _ = try await Self.startOrder(h)
            let stale = try await Self.post(h, Self.event(), timestamp: Int(Date().timeIntervalSince1970) - 301)
            #expect(stale.status == .unauthorized)
            #expect(stale.errorCode == "invalid_signature")
            #expect((stale.error["message"] as? String)?.contains("older than the tolerance") == true)
            let future = try await Self.post(h, Self.event(), timestamp: Int(Date().timeIntervalSince1970) + 400)
            #expect(future.status == .unauthorized)
            #expect(future.errorCode == "invalid_signature")
            #expect((future.error["message"] as? String)?.contains("in the future") == true)
            let wrong = try await Self.post(h, Self.event(), secret: "whsec_wrong")
            #expect(wrong.status == .unauthorized)
            let unsigned = try await h.send(.post, "/webhooks/stripe", body: Data(Self.event().utf8))
            #expect(unsigned.status == .unauthorized)
            for answer in [stale, future, wrong, unsigned] { #expect(answer.isJSON) }
            #expect(try await h.count("SELECT 1 FROM workflow_signals") == 0)
        }
    }

    @Test("a secret being rotated out still verifies")
    func rotation() async throws {
        try await IntakeHarness.with { h in
            _ = try await Self.startOrder(h)
            #expect(try await Self.post(h, Self.event(), secret: "whsec_old_rotated_out").status == .ok)
            #expect(try await h.count("SELECT 1 FROM workflow_signals") == 1)
        }
    }

    @Test("events for no known order are acknowledged with the reason (Stripe must not retry them)")
    func ignored() async throws {
        try await IntakeHarness.with { h in
            _ = try await Self.startOrder(h)
            let unknown = try await Self.post(h, Self.event(orderID: "SO-404"))
            #expect(unknown.status == .ok)
            #expect(unknown.json["ignored"] as? String == "no order SO-404")
            let noMetadata = try await Self.post(h, Self.event(id: "evt_2", type: "charge.refunded", orderID: nil))
            #expect(noMetadata.status == .ok)
            #expect(noMetadata.json["ignored"] != nil)
            let otherType = try await Self.post(h, Self.event(id: "evt_3", type: "customer.created"))
            #expect(otherType.status == .ok)
            #expect(otherType.json["ignored"] as? String == "event type customer.created is not handled")
            let charge = try await Self.post(h, Self.event(id: "evt_4", type: "charge.refunded"))
            #expect(charge.status == .ok)
            #expect(charge.json["ignored"] == nil)
            #expect(try await h.count("SELECT 1 FROM workflow_signals") == 1)
        }
    }

    @Test("malformed JSON with a valid signature: 400")
    func malformed() async throws {
        try await IntakeHarness.with { h in
            let answer = try await Self.post(h, #"{"id": "evt_1", "#)
            #expect(answer.status == .badRequest)
            #expect(answer.errorCode == "malformed_json")
            let notEvent = try await Self.post(h, #"{"hello": "world"}"#)
            #expect(notEvent.status == .badRequest)
            #expect(notEvent.errorCode == "malformed_event")
        }
    }
}
