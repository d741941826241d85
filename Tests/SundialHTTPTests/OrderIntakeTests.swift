import Foundation
import SundialEngine
import Workflows
import Testing

@Suite("Order intake API")
struct OrderIntakeTests {
    @Test("201 when created, 200 with the same ids for the same order again, 409 for a different body")
    func idempotentSubmit() async throws {
        try await IntakeHarness.with { h in
            let token = try await TestTokens.hs256()
            let first = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body())
            #expect(first.status == .created)
            #expect(first.json["order_id"] as? String == "SO-1001")
            #expect(first.json["status"] as? String == "received")
            #expect(first.headers[.location] == "/api/v1/orders/SO-1001")
            let workflowID = try #require(first.json["workflow_id"] as? String)
            #expect(UUID(uuidString: workflowID) != nil)

            // Same order, other whitespace: the engine compares the normalised input.
            let again = try await h.send(.post, "/api/v1/orders", token: token,
                                         json: Orders.body().replacingOccurrences(of: "\n", with: " "))
            #expect(again.status == .ok)
            #expect(again.json["workflow_id"] as? String == workflowID)
            #expect(again.json["order_id"] as? String == "SO-1001")

            let changed = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body(quantity: "3"))
            #expect(changed.status == .conflict)
            #expect(changed.errorCode == "order_conflict")
            #expect(changed.isJSON)
            #expect(try await h.count("SELECT 1 FROM workflows WHERE type = 'order'") == 1)
        }
    }

    @Test("422 names every bad field at once and starts nothing")
    func invalid() async throws {
        try await IntakeHarness.with { h in
            let body = Orders.body(id: "bad id!", quantity: "0", unitPrice: "19.99", extra: #", "coupon": "SUMMER""#)
                .replacingOccurrences(of: #""currency": "usd""#, with: #""currency": 840"#)
            let answer = try await h.send(.post, "/api/v1/orders", token: try await TestTokens.hs256(), json: body)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.errorCode == "invalid_order")
            #expect(answer.fields == [
                "order_id": "must be 1 to 64 characters of letters, digits, '-', '_' or '.'",
                "items[0].quantity": "must be 1 to 10000",
                "items[0].unit_price": "must be a decimal string such as \"19.99\", not a JSON number",
                "currency": "must be a string, not a number",
                "coupon": "is not a known field",
            ])
            #expect((answer.error["message"] as? String)?.hasPrefix("5 fields are invalid") == true)
            #expect(try await h.count("SELECT 1 FROM workflows") == 0)
        }
    }

    @Test("bad JSON and invalid UTF-8 400, over 64 KiB 413, not JSON 415; all JSON, nothing started")
    func refusedBodies() async throws {
        try await IntakeHarness.with { h in
            let token = try await TestTokens.hs256()
            let malformed = try await h.send(.post, "/api/v1/orders", token: token, json: #"{"order_id": "SO-1", "#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "malformed_json")

            let latin1 = try await h.send(.post, "/api/v1/orders", token: token,
                                          body: Data(#"{"order_id": "SO-"#.utf8) + Data([0xE9, 0x22, 0x7D]))
            #expect(latin1.status == .badRequest)
            #expect(latin1.errorCode == "malformed_json")

            let padding = String(repeating: " ", count: 64 * 1024)
            let large = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body() + padding)
            #expect(large.status == .contentTooLarge)
            #expect(large.errorCode == "body_too_large")

            let form = try await h.send(.post, "/api/v1/orders", token: token, contentType: "application/x-www-form-urlencoded",
                                        body: Data("order_id=SO-1".utf8))
            #expect(form.status == .unsupportedMediaType)
            let none = try await h.send(.post, "/api/v1/orders", token: token, contentType: nil, body: Data(Orders.body().utf8))
            #expect(none.status == .unsupportedMediaType)

            for answer in [malformed, latin1, large, form, none] { #expect(answer.isJSON) }
            #expect(try await h.count("SELECT 1 FROM workflows") == 0)

            let charset = try await h.send(.post, "/api/v1/orders", token: token, contentType: "application/json; charset=utf-8",
                                           body: Data(Orders.body().utf8))
            #expect(charset.status == .created)
        }
    }

    @Test("GET answers the order view; an unknown order 404")
    func show() async throws {
        try await IntakeHarness.with { h in
            let token = try await TestTokens.hs256()
            let created = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body())
            let answer = try await h.send(.get, "/api/v1/orders/SO-1001", token: token, contentType: nil)
            #expect(answer.status == .ok)
            #expect(answer.json["order_id"] as? String == "SO-1001")
            #expect(answer.json["workflow_id"] as? String == created.json["workflow_id"] as? String)
            #expect(answer.json["status"] as? String == "received")
            #expect(answer.json["state"] as? String == "authorize")
            #expect(answer.json["workflow_status"] as? String == "runnable")
            #expect(answer.json["total"] as? String == "48.08")
            #expect(answer.json["currency"] as? String == "usd")
            #expect(answer.json["created_at"] is String)

            let missing = try await h.send(.get, "/api/v1/orders/SO-404", token: token, contentType: nil)
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "order_not_found")
            #expect(missing.isJSON)
        }
    }

    @Test("cancel: 202 cancelling; refused by the workflow 409 with its reason; finished 409; unknown 404; no reason 422")
    func cancel() async throws {
        try await IntakeHarness.with { h in
            let token = try await TestTokens.hs256()
            _ = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body(id: "SO-1"))
            _ = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body(id: "shipped-2"))
            _ = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body(id: "SO-3"))

            let accepted = try await h.send(.post, "/api/v1/orders/SO-1/cancel", token: token, json: #"{"reason": "customer changed their mind"}"#)
            #expect(accepted.status == .accepted)
            #expect(accepted.json["status"] as? String == "cancelling")
            #expect(accepted.json["order_id"] as? String == "SO-1")
            #expect(try await h.count("SELECT 1 FROM workflows WHERE business_key = 'SO-1' AND cancel_requested") == 1)
            let view = try await h.send(.get, "/api/v1/orders/SO-1", token: token, contentType: nil)
            #expect(view.json["status"] as? String == "cancelling")

            let refused = try await h.send(.post, "/api/v1/orders/shipped-2/cancel", token: token, json: #"{"reason": "too slow"}"#)
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "cancel_refused")
            #expect(refused.error["reason"] as? String == OrderProbe.refusal)
            #expect(try await h.count("SELECT 1 FROM workflows WHERE business_key = 'shipped-2' AND cancel_requested") == 0)

            try await h.execute("UPDATE workflows SET status = 'completed', run_at = NULL, finished_at = now() WHERE business_key = 'SO-3'")
            let finished = try await h.send(.post, "/api/v1/orders/SO-3/cancel", token: token, json: #"{"reason": "late"}"#)
            #expect(finished.status == .conflict)
            #expect(finished.errorCode == "order_finished")

            let unknown = try await h.send(.post, "/api/v1/orders/SO-404/cancel", token: token, json: #"{"reason": "x"}"#)
            #expect(unknown.status == .notFound)

            let noReason = try await h.send(.post, "/api/v1/orders/SO-1/cancel", token: token, json: #"{"why": "x"}"#)
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.fields == ["reason": "is required", "why": "is not a known field"])

            let readOnly = try await TestTokens.hs256(TestTokens.with { $0.scope = "orders:read" })
            #expect(try await h.send(.post, "/api/v1/orders/SO-1/cancel", token: readOnly, json: #"{"reason": "x"}"#).status == .forbidden)
        }
    }
}

@Suite("Order intake with the real order workflow's definitions")
struct RealOrderWorkflowIntakeTests {
    @Test("the server's registry starts the real order workflow; a shipped order refuses the cancel")
    func realDefinitions() async throws {
        try await IntakeHarness.with(registry: WorkflowRegistry(SunStyleWorkflows.definitionsOnly)) { h in
            let token = try await TestTokens.hs256()
            let created = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body())
            #expect(created.status == .created)
            let view = try await h.send(.get, "/api/v1/orders/SO-1001", token: token, contentType: nil)
            #expect(view.status == .ok)
            #expect(view.json["status"] as? String == "received")

            try await h.execute("""
                UPDATE workflows SET state = 'track', status = 'waiting', run_at = now() + interval '1 hour',
                    context = jsonb_set(context, '{tracking,status}', '"in_transit"')
                WHERE business_key = 'SO-1001'
                """)
            let refused = try await h.send(.post, "/api/v1/orders/SO-1001/cancel", token: token, json: #"{"reason": "too late"}"#)
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "cancel_refused")
            #expect((refused.error["reason"] as? String)?.contains("already with the carrier") == true)
        }
    }
}
