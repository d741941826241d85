import Foundation
import SundialHTTP
import Testing

@Suite("Carrier tracking webhooks")
struct CarrierWebhookTests {
    static func event(id: String = "ev-1", carrier: String = "fedex", tracking: String = "794600000001",
                      status: String = "in_transit") -> String {
        #"{"event_id":"\#(id)","carrier":"\#(carrier)","tracking_number":"\#(tracking)","status":"\#(status)","location":"Memphis, TN","occurred_at":"2026-11-26T09:15:00Z","description":"Departed FedEx hub"}"#
    }

    static func post(_ h: IntakeHarness, carrier: String = "fedex", _ body: String, secret: String = IntakeHarness.carrierSecret,
                     timestamp: Int = Int(Date().timeIntervalSince1970)) async throws -> IntakeHarness.Answer {
        let header = TimestampedSignature.header(payload: Data(body.utf8), secret: secret, timestamp: timestamp)
        return try await h.send(.post, "/webhooks/carriers/\(carrier)", headers: [("X-Carrier-Signature", header)], body: Data(body.utf8))
    }

    /// An order that tagged itself with a tracking number, as the order workflow does once it has a label.
    static func trackedOrder(_ h: IntakeHarness, tracking: String = "794600000001") async throws -> UUID {
        let id = try await h.workflows.start(type: "order", key: "SO-1001", input: Data(Orders.body().utf8)).id
        try await h.execute("INSERT INTO workflow_tags (name, value, workflow_id) VALUES ('tracking_number', '\(tracking)', '\(id)')")
        return id
    }

    @Test("a verified event becomes one `tracking` signal with id carrier:event_id, also when delivered twice")
    func delivered() async throws {
        try await IntakeHarness.with { h in
            let workflowID = try await Self.trackedOrder(h)
            for _ in 0..<2 {
                let answer = try await Self.post(h, Self.event())
                #expect(answer.status == .accepted)
                #expect(answer.json["received"] as? Bool == true)
                #expect(answer.json["ignored"] == nil)
            }
            let rows = try await h.postgres.query("""
                SELECT signal_id, name, payload::text FROM workflow_signals WHERE workflow_id = \(workflowID)
                """, logger: h.logger)
            var count = 0
            for try await (signalID, name, payload) in rows.decode((String, String, String).self) {
                count += 1
                #expect(signalID == "fedex:ev-1")
                #expect(name == "tracking")
                let json = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: String]
                #expect(json == ["event_id": "ev-1", "carrier": "fedex", "tracking_number": "794600000001", "status": "in_transit",
                                 "location": "Memphis, TN", "occurred_at": "2026-11-26T09:15:00Z", "description": "Departed FedEx hub"])
            }
            #expect(count == 1)
            // The same event id from another carrier is another event.
            try await h.execute("INSERT INTO workflow_tags (name, value, workflow_id) VALUES ('tracking_number', '1Z999', '\(workflowID)')")
            #expect(try await Self.post(h, carrier: "ups", Self.event(carrier: "ups", tracking: "1Z999")).status == .accepted)
            #expect(try await h.count("SELECT 1 FROM workflow_signals") == 2)
        }
    }

    @Test("bad signature, stale or future timestamp 401; unknown carrier 404; carrier without a secret 503; no signal")
    func refused() async throws {
        try await IntakeHarness.with { h in
            _ = try await Self.trackedOrder(h)
            let wrong = try await Self.post(h, Self.event(), secret: "not-the-secret")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_signature")
            let stale = try await Self.post(h, Self.event(), timestamp: Int(Date().timeIntervalSince1970) - 400)
            #expect(stale.status == .unauthorized)
            let future = try await Self.post(h, Self.event(), timestamp: Int(Date().timeIntervalSince1970) + 400)
            #expect(future.status == .unauthorized)
            #expect(future.errorCode == "invalid_signature")
            #expect((future.error["message"] as? String)?.contains("in the future") == true)
            let unknown = try await Self.post(h, carrier: "dhl", Self.event(carrier: "dhl"))
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "unknown_carrier")
            let unconfigured = try await Self.post(h, carrier: "usps", Self.event(carrier: "usps"))
            #expect(unconfigured.status == .serviceUnavailable)
            for answer in [wrong, stale, future, unknown, unconfigured] { #expect(answer.isJSON) }
            #expect(try await h.count("SELECT 1 FROM workflow_signals") == 0)
        }
    }

    @Test("an invalid body is 422 naming every field; an unknown tracking number 202 ignored")
    func invalidAndUnknown() async throws {
        try await IntakeHarness.with { h in
            _ = try await Self.trackedOrder(h)
            let body = #"{"event_id":"ev-2","carrier":"ups","status":"lost","occurred_at":"yesterday","extra":1}"#
            let invalid = try await Self.post(h, body)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorCode == "invalid_tracking_event")
            #expect(invalid.fields == [
                "carrier": "must be fedex, the carrier of the URL",
                "tracking_number": "is required",
                "status": "must be one of in_transit, out_for_delivery, delivered, exception",
                "occurred_at": "must be an ISO 8601 date and time such as 2026-11-26T09:15:00Z",
            ])
            let unknown = try await Self.post(h, Self.event(tracking: "000000"))
            #expect(unknown.status == .accepted)
            #expect(unknown.json["ignored"] as? String == "unknown tracking number")
            #expect(try await h.count("SELECT 1 FROM workflow_signals") == 0)
        }
    }
}
