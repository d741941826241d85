import Foundation
import Sandbox
import Testing

/// The rules of Stripe's API version 2023-08-16 that a client written from older docs breaks,
/// enforced by the simulator as Stripe enforces them.
@Suite("Stripe simulator: API version 2023-08-16 rules, off-session authentication, search")
struct StripeAPIVersionRulesTests {
    static let base: [(String, String)] = [
        ("amount", "2599"), ("currency", "usd"), ("payment_method", "pm_card_visa"),
        ("capture_method", "manual"), ("confirm", "true"), ("metadata[order_id]", "order-v1"),
    ]

    static func headers(key: String, version: String? = nil) -> [String: String] {
        var headers = stripeAuth.merging(["Idempotency-Key": key]) { $1 }
        if let version { headers["Stripe-Version"] = version }
        return headers
    }

    @Test("without payment_method_types, confirming needs a return_url (400) unless redirects are off; nothing is created")
    func redirectCapableConfirmNeedsReturnURL() async throws {
        try await withSandbox { sandbox, client in
            let refused = try await client.form("/stripe/v1/payment_intents", Self.base, headers: Self.headers(key: "k1", version: "2023-08-16"))
            #expect(refused.status == 400)
            #expect(string(refused.json, "error", "param") == "return_url")
            #expect(string(refused.json, "error", "type") == "invalid_request_error")
            #expect(sandbox.ledger.count(.stripe, .paymentAuthorized) == 0)

            let noRedirects = try await client.form(
                "/stripe/v1/payment_intents",
                Self.base + [("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never")],
                headers: Self.headers(key: "k2", version: "2023-08-16"))
            #expect(noRedirects.status == 200)
            #expect(string(noRedirects.json, "automatic_payment_methods", "allow_redirects") == "never")

            let withReturnURL = try await client.form(
                "/stripe/v1/payment_intents", Self.base + [("return_url", "https://shop.example/return")],
                headers: Self.headers(key: "k3"))
            #expect(withReturnURL.status == 200)

            let cardOnly = try await client.form(
                "/stripe/v1/payment_intents", Self.base + [("payment_method_types[]", "card")], headers: Self.headers(key: "k4", version: "2023-08-16"))
            #expect(cardOnly.status == 200)
            #expect(string(cardOnly.json, "status") == "requires_capture")
            #expect(string(cardOnly.json, "automatic_payment_methods") == nil)

            // Before 2023-08-16 automatic payment methods were off by default.
            let older = try await client.form("/stripe/v1/payment_intents", Self.base, headers: Self.headers(key: "k5", version: "2022-11-15"))
            #expect(older.status == 200)

            let both = try await client.form(
                "/stripe/v1/payment_intents", Self.base + [("payment_method_types[]", "card"), ("automatic_payment_methods[enabled]", "true")],
                headers: Self.headers(key: "k6"))
            #expect(both.status == 400)
            #expect(sandbox.ledger.count(.stripe, .paymentAuthorized) == 4)
        }
    }

    @Test("a card that needs 3-D Secure: requires_action on session, a 402 authentication_required decline off session")
    func authenticationOnAndOffSession() async throws {
        try await withSandbox { _, client in
            var fields = Self.base.filter { $0.0 != "payment_method" } + [("payment_method", "pm_card_authenticationRequired"), ("payment_method_types[]", "card")]
            let onSession = try await client.form("/stripe/v1/payment_intents", fields, headers: Self.headers(key: "a1"))
            #expect(onSession.status == 200)
            #expect(string(onSession.json, "status") == "requires_action")

            fields.append(("off_session", "true"))
            let offSession = try await client.form("/stripe/v1/payment_intents", fields, headers: Self.headers(key: "a2"))
            #expect(offSession.status == 402)
            #expect(string(offSession.json, "error", "type") == "card_error")
            #expect(string(offSession.json, "error", "code") == "authentication_required")
            #expect(string(offSession.json, "error", "payment_intent", "status") == "requires_payment_method")

            let offWithoutConfirm = try await client.form(
                "/stripe/v1/payment_intents", [("amount", "2599"), ("currency", "usd"), ("off_session", "true")], headers: Self.headers(key: "a3"))
            #expect(offWithoutConfirm.status == 400)
            #expect(string(offWithoutConfirm.json, "error", "param") == "off_session")
        }
    }

    @Test("search by metadata finds an order's intents, newest first; other queries are refused")
    func searchByMetadata() async throws {
        try await withSandbox { _, client in
            for (index, order) in ["o-1", "o-2", "o-1"].enumerated() {
                let created = try await client.form(
                    "/stripe/v1/payment_intents",
                    [("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("payment_method_types[]", "card"),
                     ("capture_method", "manual"), ("confirm", "true"), ("metadata[order_id]", order)],
                    headers: Self.headers(key: "s\(index)"))
                #expect(created.status == 200)
            }
            let query = formEncode([("query", "metadata['order_id']:'o-1'")])
            let found = try await client.send(.GET, "/stripe/v1/payment_intents/search?\(query)", headers: stripeAuth)
            #expect(found.status == 200)
            #expect(string(found.json, "object") == "search_result")
            let data = try #require(value(found.json, "data") as? [Any])
            #expect(data.count == 2)
            #expect(string(found.json, "data", 0, "metadata", "order_id") == "o-1")

            let doubleQuoted = formEncode([("query", #"metadata["order_id"]:"o-2""#)])
            let second = try await client.send(.GET, "/stripe/v1/payment_intents/search?\(doubleQuoted)", headers: stripeAuth)
            #expect((value(second.json, "data") as? [Any])?.count == 1)

            let unsupported = formEncode([("query", "amount>100")])
            let refused = try await client.send(.GET, "/stripe/v1/payment_intents/search?\(unsupported)", headers: stripeAuth)
            #expect(refused.status == 400)
        }
    }
}
