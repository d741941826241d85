import Foundation
import Sandbox
import Testing

@Suite("Stripe simulator")
struct StripeSimulatorTests {
    @Test("authorize → capture → refund is counted once per idempotency key, even when retried")
    func authorizeCaptureRefundCountedOnce() async throws {
        try await withSandbox { sandbox, client in
            let create: [(String, String)] = [
                ("amount", "2599"), ("currency", "usd"), ("payment_method", "pm_card_visa"),
                ("payment_method_types[]", "card"), ("capture_method", "manual"), ("confirm", "true"), ("metadata[order_id]", "order-1"),
            ]
            let first = try await client.form("/stripe/v1/payment_intents", create, headers: stripeAuth.merging(["Idempotency-Key": "order-1/authorize"]) { $1 })
            #expect(first.status == 200)
            #expect(string(first.json, "status") == "requires_capture")
            #expect(value(first.json, "amount_capturable") as? Int == 2599)
            #expect(string(first.json, "metadata", "order_id") == "order-1")
            #expect(first.header("Request-Id")?.hasPrefix("req_") == true)
            let intent = try #require(string(first.json, "id"))

            let retry = try await client.form("/stripe/v1/payment_intents", create, headers: stripeAuth.merging(["Idempotency-Key": "order-1/authorize"]) { $1 })
            #expect(retry.status == 200)
            #expect(string(retry.json, "id") == intent)
            #expect(retry.header("Idempotent-Replayed") == "true")

            for _ in 0..<2 {
                let capture = try await client.form("/stripe/v1/payment_intents/\(intent)/capture", [], headers: stripeAuth.merging(["Idempotency-Key": "order-1/capture"]) { $1 })
                #expect(capture.status == 200)
                #expect(string(capture.json, "status") == "succeeded")
                #expect(value(capture.json, "amount_received") as? Int == 2599)
            }
            for _ in 0..<2 {
                let refund = try await client.form(
                    "/stripe/v1/refunds",
                    [("payment_intent", intent), ("amount", "1000"), ("reason", "requested_by_customer")],
                    headers: stripeAuth.merging(["Idempotency-Key": "order-1/refund"]) { $1 }
                )
                #expect(refund.status == 200)
                #expect(string(refund.json, "object") == "refund")
                #expect(value(refund.json, "amount") as? Int == 1000)
            }
            let tooMuch = try await client.form("/stripe/v1/refunds", [("payment_intent", intent), ("amount", "2000")], headers: stripeAuth)
            #expect(tooMuch.status == 400)
            #expect(string(tooMuch.json, "error", "code") == "amount_too_large")

            let ledger = sandbox.ledger
            #expect(ledger.count(.stripe, .paymentAuthorized, idempotencyKey: "order-1/authorize") == 1)
            #expect(ledger.count(.stripe, .paymentCaptured, idempotencyKey: "order-1/capture") == 1)
            #expect(ledger.count(.stripe, .refundCreated, idempotencyKey: "order-1/refund") == 1)
            #expect(ledger.count(.stripe, .paymentAuthorized, reference: "order-1") == 1)
            let effects = ledger.snapshot()
            #expect(effects.tally(.stripe, .paymentCaptured).amountMinor == 2599)
            #expect(effects.tally(.stripe, .refundCreated).amountMinor == 1000)

            let read = try await client.send(.GET, "/stripe/v1/payment_intents/\(intent)", headers: stripeAuth)
            #expect(read.status == 200)
            #expect(string(read.json, "status") == "succeeded")
        }
    }

    @Test("a reused idempotency key with other parameters or another endpoint is a 400 idempotency_error")
    func keyReuseWithDifferentParameters() async throws {
        try await withSandbox { sandbox, client in
            let headers = stripeAuth.merging(["Idempotency-Key": "key-1"]) { $1 }
            let first = try await client.form("/stripe/v1/payment_intents", [("amount", "1000"), ("currency", "usd")], headers: headers)
            #expect(first.status == 200)
            #expect(string(first.json, "status") == "requires_payment_method")

            let otherAmount = try await client.form("/stripe/v1/payment_intents", [("amount", "1001"), ("currency", "usd")], headers: headers)
            #expect(otherAmount.status == 400)
            #expect(string(otherAmount.json, "error", "type") == "idempotency_error")
            #expect(string(otherAmount.json, "error", "message")?.contains("same parameters") == true)

            let otherEndpoint = try await client.form("/stripe/v1/refunds", [("payment_intent", "pi_x")], headers: headers)
            #expect(otherEndpoint.status == 400)
            #expect(string(otherEndpoint.json, "error", "type") == "idempotency_error")

            // Reordered but equal parameters are the same request.
            let reordered = try await client.form("/stripe/v1/payment_intents", [("currency", "usd"), ("amount", "1000")], headers: headers)
            #expect(reordered.status == 200)
            #expect(string(reordered.json, "id") == string(first.json, "id"))
            #expect(sandbox.ledger.records(.stripe).isEmpty)
        }
    }

    @Test("declined cards answer 402 card_error, and the saved decline is replayed for the same key")
    func declineIs402CardError() async throws {
        try await withSandbox { sandbox, client in
            let params: [(String, String)] = [
                ("amount", "5000"), ("currency", "usd"), ("payment_method", "pm_card_chargeDeclined"), ("payment_method_types[]", "card"), ("capture_method", "manual"), ("confirm", "true"),
            ]
            let headers = stripeAuth.merging(["Idempotency-Key": "decline-1"]) { $1 }
            let declined = try await client.form("/stripe/v1/payment_intents", params, headers: headers)
            #expect(declined.status == 402)
            #expect(string(declined.json, "error", "type") == "card_error")
            #expect(string(declined.json, "error", "code") == "card_declined")
            #expect(string(declined.json, "error", "decline_code") == "generic_decline")
            #expect(string(declined.json, "error", "payment_intent", "status") == "requires_payment_method")
            let intent = try #require(string(declined.json, "error", "payment_intent", "id"))

            let replay = try await client.form("/stripe/v1/payment_intents", params, headers: headers)
            #expect(replay.status == 402)
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(string(replay.json, "error", "payment_intent", "id") == intent)

            let insufficient = try await client.form(
                "/stripe/v1/payment_intents",
                [("amount", "5000"), ("currency", "usd"), ("payment_method", "pm_card_chargeDeclinedInsufficientFunds"), ("payment_method_types[]", "card"), ("confirm", "true")],
                headers: stripeAuth
            )
            #expect(insufficient.status == 402)
            #expect(string(insufficient.json, "error", "decline_code") == "insufficient_funds")

            // The intent survives the decline and can be confirmed with a good card.
            let retried = try await client.form("/stripe/v1/payment_intents/\(intent)/confirm", [("payment_method", "pm_card_visa")], headers: stripeAuth)
            #expect(retried.status == 200)
            #expect(string(retried.json, "status") == "requires_capture")
            #expect(sandbox.ledger.count(.stripe, .paymentDeclined) == 2)
            #expect(sandbox.ledger.count(.stripe, .paymentAuthorized, resource: intent) == 1)
        }
    }

    @Test("missing or non-test keys get 401; bad parameters get 400 and are not saved under the key")
    func authenticationAndValidation() async throws {
        try await withSandbox { _, client in
            let anonymous = try await client.form("/stripe/v1/payment_intents", [("amount", "1000"), ("currency", "usd")])
            #expect(anonymous.status == 401)
            #expect(string(anonymous.json, "error", "type") == "invalid_request_error")
            let live = try await client.form("/stripe/v1/payment_intents", [("amount", "1000"), ("currency", "usd")], headers: ["Authorization": "Bearer sk_live_nope1234"])
            #expect(live.status == 401)
            let basic = try await client.send(.GET, "/stripe/v1/payment_intents/pi_missing", headers: ["Authorization": basicAuth(stripeKey, "")])
            #expect(basic.status == 404)
            #expect(string(basic.json, "error", "code") == "resource_missing")

            let headers = stripeAuth.merging(["Idempotency-Key": "validation-1"]) { $1 }
            let missing = try await client.form("/stripe/v1/payment_intents", [("currency", "usd")], headers: headers)
            #expect(missing.status == 400)
            #expect(string(missing.json, "error", "code") == "parameter_missing")
            #expect(string(missing.json, "error", "param") == "amount")
            let unknown = try await client.form("/stripe/v1/payment_intents", [("amount", "1000"), ("currency", "usd"), ("colour", "red")], headers: headers)
            #expect(unknown.status == 400)
            #expect(string(unknown.json, "error", "code") == "parameter_unknown")
            let fixed = try await client.form("/stripe/v1/payment_intents", [("amount", "1000"), ("currency", "usd")], headers: headers)
            #expect(fixed.status == 200)

            let unexpected = try await client.form("/stripe/v1/payment_intents/\(string(fixed.json, "id") ?? "")/capture", [], headers: stripeAuth)
            #expect(unexpected.status == 400)
            #expect(string(unexpected.json, "error", "code") == "payment_intent_unexpected_state")
            let unrouted = try await client.send(.GET, "/stripe/v1/nothing-here", headers: stripeAuth)
            #expect(unrouted.status == 404)
            #expect(string(unrouted.json, "error", "type") == "invalid_request_error")
        }
    }

    @Test("a retry while the first request with the same key is in flight gets 409 idempotency_key_in_use")
    func inFlightKeyConflict() async throws {
        var configuration = SandboxConfiguration()
        // Wide margins, so a loaded machine still sends the retry while the first is in flight.
        configuration.faults[.stripe] = FaultSettings(latencyMilliseconds: 2000)
        try await withSandbox(configuration) { sandbox, client in
            let headers = stripeAuth.merging(["Idempotency-Key": "slow-1"]) { $1 }
            let params: [(String, String)] = [("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("payment_method_types[]", "card"), ("confirm", "true")]
            async let first = client.form("/stripe/v1/payment_intents", params, headers: headers)
            try await Task.sleep(for: .milliseconds(500))
            let second = try await client.form("/stripe/v1/payment_intents", params, headers: headers)
            #expect(second.status == 409)
            #expect(string(second.json, "error", "code") == "idempotency_key_in_use")
            #expect(try await first.status == 200)
            #expect(sandbox.ledger.count(.stripe, .paymentCaptured, idempotencyKey: "slow-1") == 1)
        }
    }

    @Test("cancel releases an authorization; manual-capture intents can only be captured from requires_capture")
    func cancelAuthorization() async throws {
        try await withSandbox { sandbox, client in
            let created = try await client.form(
                "/stripe/v1/payment_intents",
                [("amount", "1500"), ("currency", "eur"), ("payment_method", "pm_card_visa"), ("payment_method_types[]", "card"), ("capture_method", "manual"), ("confirm", "true"), ("metadata[order_id]", "o-9")],
                headers: stripeAuth
            )
            let intent = try #require(string(created.json, "id"))
            let canceled = try await client.form("/stripe/v1/payment_intents/\(intent)/cancel", [("cancellation_reason", "abandoned")], headers: stripeAuth.merging(["Idempotency-Key": "o-9/cancel"]) { $1 })
            #expect(canceled.status == 200)
            #expect(string(canceled.json, "status") == "canceled")
            #expect(value(canceled.json, "amount_capturable") as? Int == 0)
            let again = try await client.form("/stripe/v1/payment_intents/\(intent)/cancel", [], headers: stripeAuth)
            #expect(again.status == 400)
            #expect(string(again.json, "error", "code") == "payment_intent_unexpected_state")
            #expect(sandbox.ledger.count(.stripe, .paymentCanceled, reference: "o-9") == 1)
            #expect(sandbox.ledger.snapshot().tally(.stripe, .paymentCanceled).amountMinor == 1500)
        }
    }

    @Test("webhook signatures match the reference vector and sandbox events verify")
    func webhookSignatures() async throws {
        let body = #"{"id":"evt_test_webhook","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_test_1","object":"payment_intent","status":"succeeded"}}}"#
        #expect(body.utf8.count == 160)
        let header = StripeWebhookSignature.header(payload: Array(body.utf8), secret: "whsec_test_secret", timestamp: 1_700_000_000)
        #expect(header == "t=1700000000,v1=f542de768c98266beb3ede60162eee083e0512f8714a97b164642faaab8a41a5")
        #expect(StripeWebhookSignature.isValid(header: header, payload: Array(body.utf8), secret: "whsec_test_secret", tolerance: nil, now: 1_800_000_000))
        #expect(!StripeWebhookSignature.isValid(header: header, payload: Array(body.utf8), secret: "whsec_test_secret", tolerance: 300, now: 1_800_000_000))
        var tampered = body
        tampered.replaceSubrange(tampered.range(of: "succeeded")!, with: "canceled")
        #expect(StripeWebhookSignature.signature(payload: Array(tampered.utf8), secret: "whsec_test_secret", timestamp: 1_700_000_000) == "a5c2e9af672acb8ff4dd68bccbb8389b13e33152d6e073833ba2bc1419eb503e")
        #expect(!StripeWebhookSignature.isValid(header: header, payload: Array(tampered.utf8), secret: "whsec_test_secret", tolerance: nil, now: 0))
        #expect(StripeWebhookSignature.isValid(header: "t=1700000000,v1=deadbeef,\(header.dropFirst(13))", payload: Array(body.utf8), secret: "whsec_test_secret", tolerance: nil, now: 0))

        try await withSandbox { sandbox, client in
            _ = try await client.form(
                "/stripe/v1/payment_intents",
                [("amount", "700"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("payment_method_types[]", "card"), ("confirm", "true")],
                headers: stripeAuth.merging(["Idempotency-Key": "evt-key"]) { $1 }
            )
            let listed = try await client.send(.GET, "/stripe/v1/events?type=payment_intent.succeeded", headers: stripeAuth)
            #expect(listed.status == 200)
            #expect(string(listed.json, "data", 0, "request", "idempotency_key") == "evt-key")
            let payload = try #require(sandbox.stripeEventPayloads(type: "payment_intent.succeeded").first)
            let now = Int(Date().timeIntervalSince1970)
            let signed = StripeWebhookSignature.header(payload: payload, secret: "whsec_x", timestamp: now)
            #expect(StripeWebhookSignature.isValid(header: signed, payload: payload, secret: "whsec_x", now: now))
        }
    }
}
