import Foundation
import Sandbox
import Testing

@Suite("Shop receiver and ledger")
struct ShopAndLedgerTests {
    @Test("the shop rejects a bad signature with 401 and records a good delivery per order and event")
    func webhookSignatures() async throws {
        try await withSandbox { sandbox, client in
            let body = Array(#"{"id":"evt-1","order_id":"order-21","event":"order.shipped","tracking":{"carrier":"fedex","number":"794900000001"}}"#.utf8)
            let now = Int(Date().timeIntervalSince1970)
            let bad = try await client.send(.POST, "/shop/webhooks/order-status", headers: [
                "Content-Type": "application/json",
                ShopWebhookSignature.headerName: ShopWebhookSignature.header(payload: body, secret: "wrong-secret", timestamp: now),
            ], body: body)
            #expect(bad.status == 401)
            let stale = try await client.send(.POST, "/shop/webhooks/order-status", headers: [
                ShopWebhookSignature.headerName: ShopWebhookSignature.header(payload: body, secret: "shop-sandbox-webhook-secret", timestamp: now - 3600),
            ], body: body)
            #expect(stale.status == 401)
            let good = try await client.send(.POST, "/shop/webhooks/order-status", headers: [
                "Content-Type": "application/json",
                ShopWebhookSignature.headerName: ShopWebhookSignature.header(payload: body, secret: "shop-sandbox-webhook-secret", timestamp: now),
            ], body: body)
            #expect(good.status == 200)

            #expect(sandbox.ledger.count(.shop, .webhookReceived, reference: "order-21", detail: "order.shipped") == 1)
            #expect(sandbox.ledger.count(.shop, .webhookReceived, idempotencyKey: "evt-1") == 1)
            #expect(sandbox.ledger.count(.shop, .webhookRejected) == 2)
            let deliveries = sandbox.shopDeliveries()
            #expect(deliveries.map(\.signatureValid) == [false, false, true])
            #expect(deliveries.last?.orderID == "order-21")

            let overHTTP = try await client.send(.GET, "/sandbox/shop/deliveries")
            let decoded = try JSONDecoder().decode([ShopDelivery].self, from: Data(overHTTP.body))
            #expect(decoded == deliveries)
        }
    }

    @Test("GET /sandbox/effects reports records and tallies; POST /sandbox/reset clears them")
    func effectsOverHTTP() async throws {
        try await withSandbox { sandbox, client in
            for _ in 0..<2 {
                _ = try await client.form(
                    "/stripe/v1/payment_intents",
                    [("amount", "1200"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("payment_method_types[]", "card"), ("capture_method", "manual"), ("confirm", "true"), ("metadata[order_id]", "order-31")],
                    headers: stripeAuth.merging(["Idempotency-Key": "order-31/authorize"]) { $1 }
                )
            }
            let response = try await client.send(.GET, "/sandbox/effects")
            #expect(response.status == 200)
            let effects = try JSONDecoder().decode(SandboxEffects.self, from: Data(response.body))
            #expect(effects == sandbox.ledger.snapshot())
            let tally = try #require(effects.summary["stripe.paymentAuthorized"])
            #expect(tally.count == 1)
            #expect(tally.byIdempotencyKey == ["order-31/authorize": 1])
            #expect(tally.byReference == ["order-31": 1])
            #expect(tally.amountMinor == 1200)
            #expect(string(response.json, "records", 0, "kind") == "paymentAuthorized")

            let tracked = try await client.json("/sandbox/tracking/unknown", ["status": "delivered"])
            #expect(tracked.status == 404)

            let reset = try await client.send(.POST, "/sandbox/reset")
            #expect(reset.status == 200)
            #expect(sandbox.ledger.records().isEmpty)
            let gone = try await client.send(.GET, "/stripe/v1/events", headers: stripeAuth)
            #expect((value(gone.json, "data") as? [Any])?.isEmpty == true)
        }
    }
}
