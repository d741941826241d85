import Foundation
import Integrations
import Sandbox
import Sundial
import Testing

@Suite("StripeClient against the sandbox")
struct StripeClientTests {
    @Test("authorize, capture and refund; a retried authorize with the same key charges once")
    func happyPathOncePerKey() async throws {
        try await withSandboxClient { server, http in
            let stripe = try await stripeClient(server, http)
            let first = try await stripe.authorize(authorization("order-1"), idempotencyKey: "order-1:pay")
            let retried = try await stripe.authorize(authorization("order-1"), idempotencyKey: "order-1:pay")
            #expect(first.status == "requires_capture")
            #expect(retried.id == first.id)
            #expect(server.ledger.count(.stripe, .paymentAuthorized, idempotencyKey: "order-1:pay") == 1)

            let captured = try await stripe.capture(paymentIntentID: first.id, amountMinor: nil, idempotencyKey: "order-1:capture")
            _ = try await stripe.capture(paymentIntentID: first.id, amountMinor: nil, idempotencyKey: "order-1:capture")
            #expect(captured.status == "succeeded")
            #expect(captured.amountReceivedMinor == 4999)
            #expect(server.ledger.count(.stripe, .paymentCaptured) == 1)

            let refund = try await stripe.refund(paymentIntentID: first.id, amountMinor: 1000, idempotencyKey: "order-1:refund")
            let again = try await stripe.refund(paymentIntentID: first.id, amountMinor: 1000, idempotencyKey: "order-1:refund")
            #expect(refund.id == again.id)
            #expect(refund.amountMinor == 1000)
            #expect(refund.paymentIntentID == first.id)
            #expect(server.ledger.count(.stripe, .refundCreated) == 1)

            let read = try await stripe.retrieve(paymentIntentID: first.id)
            #expect(read.status == "succeeded")
        }
    }

    @Test("cancel releases an authorization")
    func cancelAuthorization() async throws {
        try await withSandboxClient { server, http in
            let stripe = try await stripeClient(server, http)
            let intent = try await stripe.authorize(authorization("order-2"), idempotencyKey: "order-2:pay")
            let canceled = try await stripe.cancelAuthorization(paymentIntentID: intent.id, reason: .requestedByCustomer, idempotencyKey: "order-2:cancel")
            #expect(canceled.status == "canceled")
            #expect(server.ledger.count(.stripe, .paymentCanceled) == 1)
        }
    }

    @Test("request shape: the sandbox accepted the documented form fields and recorded them")
    func requestShape() async throws {
        try await withSandboxClient { server, http in
            let stripe = try await stripeClient(server, http)
            var request = authorization("order-3", amount: 12345)
            request.metadata = ["channel": "web"]
            // The simulator rejects unknown parameters (400 parameter_unknown), so success proves
            // the field names; the echoed object proves the values.
            let intent = try await stripe.authorize(request, idempotencyKey: "order-3:pay")
            #expect(intent.captureMethod == "manual")
            #expect(intent.amountMinor == 12345)
            #expect(intent.currency == "usd")
            #expect(intent.metadata == ["order_id": "order-3", "channel": "web"])
            let record = try #require(server.ledger.records(.stripe, .paymentAuthorized).first)
            #expect(record.idempotencyKey == "order-3:pay")
            #expect(record.reference == "order-3")
            #expect(record.amountMinor == 12345)
            #expect(record.currency == "usd")
        }
    }

    @Test("a card decline is a permanent PaymentDeclined with its decline code")
    func declineIsPermanent() async throws {
        try await withSandboxClient { server, http in
            let stripe = try await stripeClient(server, http)
            let error = await thrownError { try await stripe.authorize(authorization("order-4", card: "pm_card_chargeDeclinedInsufficientFunds"), idempotencyKey: "order-4:pay") }
            let declined = try #require(error as? PaymentDeclined)
            #expect(declined.declineCode == "insufficient_funds")
            #expect(declined.retryDisposition == .permanent)
            #expect(RetryPolicy.standard.decision(afterAttempt: 1, error: declined) == .giveUp(retryable: false))
            #expect(declined.paymentIntentID != nil)
            #expect(server.ledger.count(.stripe, .paymentAuthorized) == 0)
        }
    }

    @Test("injected 503 and 429 are retryable, honouring Retry-After; 400 is permanent")
    func errorMapping() async throws {
        try await withSandboxClient { server, http in
            let stripe = try await stripeClient(server, http)
            server.faults.set(FaultSettings(errorStatus: 503, failNext: 1), for: .stripe)
            let unavailable = try #require(await thrownError { try await stripe.authorize(authorization("order-5"), idempotencyKey: "order-5:pay") } as? StripeError)
            #expect(unavailable.status == 503)
            #expect(unavailable.retryDisposition == .retryable(after: nil))

            server.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 7), for: .stripe)
            let limited = try #require(await thrownError { try await stripe.authorize(authorization("order-5"), idempotencyKey: "order-5:pay") } as? StripeError)
            #expect(limited.status == 429)
            #expect(limited.retryDisposition == .retryable(after: .seconds(7)))
            #expect(RetryPolicy(initialDelay: .seconds(1), jitter: 0).decision(afterAttempt: 1, error: limited) == .retry(after: .seconds(7)))

            server.faults.set(.none, for: .stripe)
            let intent = try await stripe.authorize(authorization("order-5"), idempotencyKey: "order-5:pay")
            #expect(intent.status == "requires_capture")
            #expect(server.ledger.count(.stripe, .paymentAuthorized, idempotencyKey: "order-5:pay") == 1)

            // The same key with other parameters: Stripe's idempotency_error, permanent.
            let mismatch = try #require(await thrownError { try await stripe.authorize(authorization("order-5", amount: 100), idempotencyKey: "order-5:pay") } as? StripeError)
            #expect(mismatch.status == 400)
            #expect(mismatch.type == "idempotency_error")
            #expect(mismatch.retryDisposition == .permanent)
        }
    }

    @Test("Stripe-Should-Retry decides over the status")
    func shouldRetryHeaderWins() {
        #expect(StripeError.disposition(status: 500, shouldRetryHeader: "false", retryAfter: nil) == .permanent)
        #expect(StripeError.disposition(status: 400, shouldRetryHeader: "true", retryAfter: .seconds(2)) == .retryable(after: .seconds(2)))
        #expect(StripeError.disposition(status: 409, shouldRetryHeader: nil, retryAfter: nil) == .retryable(after: nil))
        #expect(StripeError.disposition(status: 404, shouldRetryHeader: nil, retryAfter: nil) == .permanent)
    }

    @Test("a connection failure is retryable; a bad key is permanent and never appears in descriptions")
    func transportFailureAndSecrets() async throws {
        var configuration = SandboxConfiguration()
        configuration.stripe.secretKeys = [testStripeKey.value]
        try await withSandboxClient(configuration) { server, http in
            let wrongKey = Secret("sk_test_wrong_key_that_must_not_leak")
            let rejected = StripeClient(
                httpClient: http,
                configuration: ClientConfiguration(baseURL: try await server.baseURL(for: .stripe), credentials: StripeCredentials(secretKey: wrongKey))
            )
            let unauthorized = try #require(await thrownError { try await rejected.retrieve(paymentIntentID: "pi_missing") } as? StripeError)
            #expect(unauthorized.status == 401)
            #expect(unauthorized.retryDisposition == .permanent)
            #expect(!unauthorized.description.contains(wrongKey.value))
            #expect(!"\(rejected.configuration)".contains(wrongKey.value))
            #expect("\(wrongKey)" == "<redacted>")

            // Nothing listens on port 1: connection refused.
            let unreachable = StripeClient(
                httpClient: http,
                configuration: ClientConfiguration(baseURL: "http://127.0.0.1:1/stripe", credentials: StripeCredentials(secretKey: testStripeKey), timeout: .seconds(5))
            )
            let refused = try #require(await thrownError { try await unreachable.authorize(authorization("order-6"), idempotencyKey: "order-6:pay") } as? StripeError)
            #expect(refused.status == nil)
            #expect(refused.retryDisposition == .retryable(after: nil))
            #expect(!refused.description.contains(testStripeKey.value))
        }
    }
}
