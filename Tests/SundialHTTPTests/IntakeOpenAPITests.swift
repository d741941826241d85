import Foundation
import HTTPTypes
import SundialHTTP
import Testing

@Suite("Intake OpenAPI document")
struct IntakeOpenAPITests {
    static let documented: Set<String> = [
        "GET /api/v1/openapi.json", "POST /api/v1/orders", "GET /api/v1/orders/{order_id}", "POST /api/v1/orders/{order_id}/cancel",
        "POST /webhooks/stripe", "POST /webhooks/carriers/{carrier}",
    ]

    @Test("every documented operation is routed, its path serves no other method, and the answers match their schemas")
    func matchesRouter() async throws {
        try await IntakeHarness.with { h in
            let served = try await h.send(.get, "/api/v1/openapi.json", contentType: nil)
            #expect(served.status == .ok && served.isJSON)
            let spec = try OpenAPIValidator(served.text)
            #expect(spec.document["openapi"] as? String == "3.1.0")
            #expect(spec.operations == Self.documented)
            func check(_ answer: IntakeHarness.Answer, _ operation: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                let parts = operation.split(separator: " ").map(String.init)
                let body = try JSONSerialization.jsonObject(with: Data(answer.text.utf8))
                let problems = spec.problems(method: parts[0], path: parts[1], status: answer.status.code, body: body)
                #expect(problems.isEmpty, "\(operation) \(answer.status.code): \(problems)", sourceLocation: sourceLocation)
            }
            // No other method on a documented path: each answers the JSON 405.
            for operation in Self.documented {
                let parts = operation.split(separator: " ").map(String.init)
                let path = parts[1].replacingOccurrences(of: "{order_id}", with: "SO-1").replacingOccurrences(of: "{carrier}", with: "fedex")
                for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where method.rawValue != parts[0] {
                    let answer = try await h.send(method, path, contentType: nil)
                    #expect(answer.status == .methodNotAllowed && answer.isJSON, "\(method) \(path): \(answer.status)")
                }
            }

            let token = try await TestTokens.hs256()
            let created = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body())
            #expect(created.status == .created)
            try check(created, "POST /api/v1/orders")
            try check(try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body()), "POST /api/v1/orders")
            for bad in [Orders.body(quantity: "3"), "{}", "{", ""] {
                try check(try await h.send(.post, "/api/v1/orders", token: token, json: bad), "POST /api/v1/orders")
            }
            try check(try await h.send(.post, "/api/v1/orders", json: Orders.body()), "POST /api/v1/orders")
            let shown = try await h.send(.get, "/api/v1/orders/SO-1001", token: token, contentType: nil)
            #expect(shown.status == .ok)
            try check(shown, "GET /api/v1/orders/{order_id}")
            try check(try await h.send(.get, "/api/v1/orders/SO-404", token: token, contentType: nil), "GET /api/v1/orders/{order_id}")
            try check(try await h.send(.post, "/api/v1/orders/SO-1001/cancel", token: token, json: "{}"), "POST /api/v1/orders/{order_id}/cancel")
            let cancelled = try await h.send(.post, "/api/v1/orders/SO-1001/cancel", token: token, json: #"{"reason": "changed my mind"}"#)
            #expect(cancelled.status == .accepted)
            try check(cancelled, "POST /api/v1/orders/{order_id}/cancel")
            let stripe = try await StripeWebhookTests.post(h, StripeWebhookTests.event())
            #expect(stripe.status == .ok)
            try check(stripe, "POST /webhooks/stripe")
            try check(try await h.send(.post, "/webhooks/stripe", json: "{}"), "POST /webhooks/stripe")
            let carrier = try await CarrierWebhookTests.post(h, CarrierWebhookTests.event())
            #expect(carrier.status == .accepted)
            try check(carrier, "POST /webhooks/carriers/{carrier}")
            try check(try await CarrierWebhookTests.post(h, carrier: "dhl", "{}"), "POST /webhooks/carriers/{carrier}")
        }
    }
}
