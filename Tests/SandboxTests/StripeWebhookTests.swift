import Foundation
import Sandbox
import Testing

private let stripeSecret = "whsec_sandbox_secret"

private func stripeConfiguration(_ receiverURL: String) -> SandboxConfiguration {
    var configuration = SandboxConfiguration()
    configuration.stripe.webhookURL = receiverURL + "/webhooks/stripe"
    return configuration
}

/// Checks a received delivery as stripe-python's `WebhookSignature.verify_header` would and
/// returns the Event.
private func verifiedEvent(_ received: WebhookReceiver.Received) throws -> [String: Any] {
    #expect(received.path == "/webhooks/stripe")
    let header = try #require(received.header("Stripe-Signature"))
    #expect(StripeWebhookSignature.isValid(header: header, payload: received.body, secret: stripeSecret, tolerance: 300, now: Int(Date().timeIntervalSince1970)))
    #expect(!StripeWebhookSignature.isValid(header: header, payload: received.body, secret: "whsec_other", tolerance: nil, now: 0))
    return received.json
}

private func authorize(_ client: SandboxClient, order: String, card: String = "pm_card_visa", key: String? = nil) async throws -> HTTPResult {
    var headers = stripeAuth
    if let key { headers["Idempotency-Key"] = key }
    return try await client.form(
        "/stripe/v1/payment_intents",
        [("amount", "2599"), ("currency", "usd"), ("payment_method", card), ("payment_method_types[]", "card"), ("capture_method", "manual"), ("confirm", "true"), ("metadata[order_id]", order)],
        headers: headers
    )
}

@Suite("Stripe webhooks")
struct StripeWebhookTests {
    @Test("authorization, capture, refund, cancel and decline each POST a signed Event of the documented shape")
    func signedEvents() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            try await withSandbox(stripeConfiguration(url)) { sandbox, client in
                let authorized = try await authorize(client, order: "order-1", key: "order-1/authorize")
                let intent = try #require(string(authorized.json, "id"))
                _ = try await client.form("/stripe/v1/payment_intents/\(intent)/capture", [], headers: stripeAuth)
                _ = try await client.form("/stripe/v1/refunds", [("payment_intent", intent), ("amount", "500")], headers: stripeAuth)
                let second = try #require(string(try await authorize(client, order: "order-2").json, "id"))
                _ = try await client.form("/stripe/v1/payment_intents/\(second)/cancel", [("cancellation_reason", "abandoned")], headers: stripeAuth)
                let declined = try await authorize(client, order: "order-3", card: "pm_card_chargeDeclined")
                #expect(declined.status == 402)

                let events = try await receiver.waitFor(6).map(verifiedEvent)
                #expect(events.compactMap { $0["type"] as? String } == [
                    "payment_intent.amount_capturable_updated", "payment_intent.succeeded", "charge.refunded",
                    "payment_intent.amount_capturable_updated", "payment_intent.canceled", "payment_intent.payment_failed",
                ])
                for event in events {
                    #expect(string(event, "id")?.hasPrefix("evt_") == true)
                    #expect(string(event, "object") == "event")
                    #expect(string(event, "api_version") != nil)
                    #expect(value(event, "created") is Int)
                    #expect(value(event, "livemode") as? Bool == false)
                    #expect(value(event, "pending_webhooks") as? Int == 1)
                    #expect(string(event, "request", "id")?.hasPrefix("req_") == true)
                }
                #expect(string(events[0], "request", "idempotency_key") == "order-1/authorize")
                #expect(string(events[0], "data", "object", "id") == intent)
                #expect(string(events[0], "data", "object", "status") == "requires_capture")
                #expect(value(events[0], "data", "object", "amount_capturable") as? Int == 2599)
                #expect(string(events[1], "data", "object", "status") == "succeeded")
                #expect(string(events[2], "data", "object", "object") == "charge")
                #expect(string(events[2], "data", "object", "payment_intent") == intent)
                #expect(value(events[2], "data", "object", "amount_refunded") as? Int == 500)
                #expect(string(events[4], "data", "object", "status") == "canceled")
                #expect(string(events[5], "data", "object", "last_payment_error", "decline_code") == "generic_decline")
                #expect(string(events[5], "data", "object", "metadata", "order_id") == "order-3")

                // The Event delivered is the one GET /v1/events returns.
                let listed = try await client.send(.GET, "/stripe/v1/events/\(string(events[1], "id") ?? "")", headers: stripeAuth)
                #expect(listed.body == receiver.received[1].body)
                // payment_intent.created is listed but not delivered (pending_webhooks 0).
                let created = try await client.send(.GET, "/stripe/v1/events?type=payment_intent.created&limit=1", headers: stripeAuth)
                #expect(value(created.json, "data", 0, "pending_webhooks") as? Int == 0)

                try await waitUntil { sandbox.stripeWebhookDeliveries().allSatisfy { $0.delivery.state == .delivered } }
                let deliveries = try JSONDecoder().decode([StripeWebhookDelivery].self, from: Data(try await client.send(.GET, "/sandbox/stripe/webhooks").body))
                #expect(deliveries.map(\.eventID) == events.compactMap { $0["id"] as? String })
                #expect(deliveries.allSatisfy { $0.url == url + "/webhooks/stripe" && $0.delivery.responseStatus == 200 })
            }
        }
    }

    @Test("pm_card_processing stays processing, then becomes requires_capture and sends amount_capturable_updated")
    func asynchronousPaymentMethod() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            var configuration = stripeConfiguration(url)
            // Long enough that a loaded machine still reads the intent before it completes.
            configuration.stripe.asyncPaymentDelay = .seconds(3)
            try await withSandbox(configuration) { sandbox, client in
                let created = try await authorize(client, order: "order-9", card: "pm_card_processing", key: "order-9/authorize")
                #expect(created.status == 200)
                #expect(string(created.json, "status") == "processing")
                let intent = try #require(string(created.json, "id"))
                let early = try await client.send(.GET, "/stripe/v1/payment_intents/\(intent)", headers: stripeAuth)
                #expect(string(early.json, "status") == "processing")
                #expect(sandbox.ledger.count(.stripe, .paymentAuthorized) == 0)
                #expect(receiver.received.isEmpty)

                let event = try #require(try await receiver.waitFor(1).map(verifiedEvent).first)
                #expect(string(event, "type") == "payment_intent.amount_capturable_updated")
                #expect(string(event, "data", "object", "id") == intent)
                #expect(string(event, "data", "object", "status") == "requires_capture")
                // Nothing asked for it: the event's request is null.
                #expect(value(event, "request", "id") is NSNull)
                let later = try await client.send(.GET, "/stripe/v1/payment_intents/\(intent)", headers: stripeAuth)
                #expect(string(later.json, "status") == "requires_capture")
                #expect(value(later.json, "amount_capturable") as? Int == 2599)
                #expect(sandbox.ledger.count(.stripe, .paymentAuthorized, idempotencyKey: "order-9/authorize") == 1)

                // A replay of the confirming request returns the saved (processing) answer and charges nothing more.
                let replay = try await authorize(client, order: "order-9", card: "pm_card_processing", key: "order-9/authorize")
                #expect(replay.header("Idempotent-Replayed") == "true")
                let capture = try await client.form("/stripe/v1/payment_intents/\(intent)/capture", [], headers: stripeAuth)
                #expect(string(capture.json, "status") == "succeeded")
                try await receiver.waitFor(2)
                #expect(sandbox.ledger.count(.stripe, .paymentAuthorized) == 1)
            }
        }
    }

    @Test("a processing payment cancelled before it finishes stays cancelled")
    func cancelWhileProcessing() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            var configuration = stripeConfiguration(url)
            // Long enough that a loaded machine still reads the intent before it completes.
            configuration.stripe.asyncPaymentDelay = .seconds(3)
            try await withSandbox(configuration) { sandbox, client in
                let intent = try #require(string(try await authorize(client, order: "order-10", card: "pm_card_processing").json, "id"))
                let canceled = try await client.form("/stripe/v1/payment_intents/\(intent)/cancel", [], headers: stripeAuth)
                #expect(string(canceled.json, "status") == "canceled")
                try await Task.sleep(for: .milliseconds(600))
                let read = try await client.send(.GET, "/stripe/v1/payment_intents/\(intent)", headers: stripeAuth)
                #expect(string(read.json, "status") == "canceled")
                #expect(receiver.received.compactMap { $0.json["type"] as? String } == ["payment_intent.canceled"])
                #expect(sandbox.ledger.count(.stripe, .paymentAuthorized) == 0)
            }
        }
    }

    @Test("without a webhook URL nothing is sent and the asynchronous card still finishes")
    func noEndpoint() async throws {
        var configuration = SandboxConfiguration()
        configuration.stripe.asyncPaymentDelay = .milliseconds(100)
        try await withSandbox(configuration) { sandbox, client in
            let intent = try #require(string(try await authorize(client, order: "order-11", card: "pm_card_processing").json, "id"))
            try await waitUntil {
                sandbox.stripeEventPayloads(type: "payment_intent.amount_capturable_updated").count == 1
            }
            let read = try await client.send(.GET, "/stripe/v1/payment_intents/\(intent)", headers: stripeAuth)
            #expect(string(read.json, "status") == "requires_capture")
            #expect(sandbox.stripeWebhookDeliveries().isEmpty)
        }
    }
}
