import Foundation
import Integrations
import Sandbox
import Sundial
import Testing

/// Stripe against `stripe.payment-intents.json` (Stripe API 2023-08-16, OpenAPI 3.0).
///
/// Decisions where the document and Stripe's prose or practice differ:
/// - The document describes API version 2023-08-16; the client pins exactly that version
///   (`Stripe-Version`) so that this document is the contract of what it talks to. Moving to a
///   newer version means refreshing the document first (`Tests/Contracts/vendor-openapi/README.md`).
/// - `Idempotency-Key` and `Stripe-Version` are declared nowhere in the document; they are
///   asserted here instead.
/// - Since 2023-08-16 a PaymentIntent created without `payment_method_types` has automatic payment
///   methods on, and confirming it needs `return_url` (prose, not schema). The client sends
///   `payment_method_types[]=card`; the simulator refuses the redirect-capable confirm without
///   `return_url`, so the rule is enforced even though the schema cannot say it.
/// - Enums marked `x-stripeBypassValidation` are not enforced (Stripe may return other values).
@Suite("Stripe: requests and answers against Stripe's own OpenAPI document")
struct StripeContractTests {
    static let document = "stripe.payment-intents.json"

    static func client(_ sandbox: RecordedSandbox) -> StripeClient {
        StripeClient(httpClient: sandbox.http, configuration: ClientConfiguration(
            baseURL: sandbox.baseURL(for: .stripe), credentials: StripeCredentials(secretKey: Secret("sk_test_contract_4242")), timeout: .seconds(10)))
    }

    static func authorization(_ orderID: String, card: String = "pm_card_visa") -> PaymentAuthorizationRequest {
        PaymentAuthorizationRequest(orderID: orderID, amountMinor: 4999, currency: "usd", paymentMethod: card, metadata: ["customer_id": "c-1"])
    }

    @Test("every call the client makes, and every answer, success and error, conforms")
    func everyExchangeConforms() async throws {
        let checker = try ContractChecker(vendor: "Stripe", documents: [Self.document])
        let exchanges = try await RecordedSandbox.record(.stripe) { sandbox in
            let stripe = Self.client(sandbox)
            let held = try await stripe.authorize(Self.authorization("contract-1"), idempotencyKey: "contract-1/authorize")
            _ = try await stripe.retrieve(paymentIntentID: held.id)
            _ = try await stripe.capture(paymentIntentID: held.id, amountMinor: nil, idempotencyKey: "contract-1/capture")
            _ = try await stripe.refund(paymentIntentID: held.id, amountMinor: 1000, idempotencyKey: "contract-1/refund")
            let released = try await stripe.authorize(Self.authorization("contract-2"), idempotencyKey: "contract-2/authorize")
            _ = try await stripe.cancelAuthorization(paymentIntentID: released.id, reason: .requestedByCustomer, idempotencyKey: "contract-2/cancel")
            await outcome { try await stripe.authorize(Self.authorization("contract-3", card: "pm_card_chargeDeclinedInsufficientFunds"), idempotencyKey: "contract-3/authorize") }
            await outcome { try await stripe.authorize(Self.authorization("contract-4", card: "pm_card_authenticationRequired"), idempotencyKey: "contract-4/authorize") }
            let found = try await stripe.payments(forOrder: "contract-1")
            #expect(found.map(\.id) == [held.id])
            await outcome { try await stripe.retrieve(paymentIntentID: "pi_does_not_exist") }
            sandbox.server.faults.update(.stripe) { $0.failNext = 1; $0.errorStatus = 503 }
            await outcome { try await stripe.retrieve(paymentIntentID: held.id) }
            sandbox.server.faults.update(.stripe) { $0.failNext = 0; $0.rateLimitRate = 1; $0.retryAfterSeconds = 1 }
            await outcome { try await stripe.retrieve(paymentIntentID: held.id) }
            sandbox.server.faults.set(.none, for: .stripe)
        }
        checker.expectConformance(exchanges, covering: [
            "POST /v1/payment_intents (\(Self.document))",
            "GET /v1/payment_intents/{intent} (\(Self.document))",
            "POST /v1/payment_intents/{intent}/capture (\(Self.document))",
            "POST /v1/payment_intents/{intent}/cancel (\(Self.document))",
            "POST /v1/refunds (\(Self.document))",
            "GET /v1/payment_intents/search (\(Self.document))",
        ])
        #expect(Set(exchanges.map(\.status)).isSuperset(of: [200, 402, 404, 429, 503]), "statuses seen: \(exchanges.map(\.status))")
        #expect(checker.expectRequiredFieldsEnforced(exchanges) > 0)

        // Headers the document declares nowhere (caveat 6), asserted here.
        let version = try #require(checker.documents[0].root["info"]?["version"]?.string)
        for exchange in exchanges {
            #expect(exchange.requestHeader("Stripe-Version") == version, "\(exchange): Stripe-Version must pin the document's version \(version)")
            if exchange.method == "POST" {
                let key = exchange.requestHeader("Idempotency-Key") ?? ""
                #expect((1...255).contains(key.count), "\(exchange): every POST carries an Idempotency-Key of 1 to 255 characters")
            }
        }
    }
}
