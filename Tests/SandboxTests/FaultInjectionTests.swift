import Foundation
import Sandbox
import Testing

@Suite("Fault injection")
struct FaultInjectionTests {
    @Test("error rate 1.0 set at run time over HTTP gives 5xx in the API's own error shape")
    func errorRateOverHTTP() async throws {
        try await withSandbox { sandbox, client in
            let set = try await client.json("/sandbox/faults", ["fedex": ["errorRate": 1.0, "errorStatus": 503], "stripe": ["errorRate": 1.0]])
            #expect(set.status == 200)
            #expect(value(set.json, "fedex", "errorRate") as? Double == 1.0)
            let read = try await client.send(.GET, "/sandbox/faults")
            #expect(value(read.json, "stripe", "errorRate") as? Double == 1.0)
            #expect(value(read.json, "ups", "errorRate") as? Double == 0)

            let fedex = try await client.form("/fedex/oauth/token", [("grant_type", "client_credentials")])
            #expect(fedex.status == 503)
            #expect(string(fedex.json, "errors", 0, "code") == "SERVICE.UNAVAILABLE.ERROR")
            for _ in 0..<4 {
                let stripe = try await client.form("/stripe/v1/payment_intents", [("amount", "1000"), ("currency", "usd")], headers: stripeAuth)
                #expect([500, 503].contains(stripe.status))
                #expect(string(stripe.json, "error", "type") == "api_error")
            }
            #expect(sandbox.ledger.records().isEmpty)

            let rejected = try await client.json("/sandbox/faults", ["stripe": ["errorRate": 2.0]])
            #expect(rejected.status == 400)
            let cleared = try await client.json("/sandbox/faults", ["clear": true])
            #expect(value(cleared.json, "fedex", "errorRate") as? Double == 0)
            let healthy = try await client.form("/stripe/v1/payment_intents", [("amount", "1000"), ("currency", "usd")], headers: stripeAuth)
            #expect(healthy.status == 200)
        }
    }

    @Test("429 with Retry-After, down, and fail-next-N, set in the configuration and in Swift")
    func rateLimitDownAndFailNext() async throws {
        var configuration = SandboxConfiguration()
        configuration.faults[.ups] = FaultSettings(rateLimitRate: 1, retryAfterSeconds: 7)
        try await withSandbox(configuration) { sandbox, client in
            let limited = try await client.form("/ups/security/v1/oauth/token", [("grant_type", "client_credentials")])
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "7")
            #expect(string(limited.json, "response", "errors", 0, "code") == "10429")

            sandbox.faults.set(FaultSettings(down: true), for: .quickbooks)
            let down = try await client.send(.GET, "/quickbooks/v3/company/x/invoice/1")
            #expect(down.status == 503)
            #expect(string(down.json, "Fault", "type") == "SystemFault")

            sandbox.faults.update(.shop) { $0.failNext = 2 }
            var statuses: [Int] = []
            for _ in 0..<3 {
                statuses.append(try await client.send(.POST, "/shop/webhooks/order-status", body: Array("{}".utf8)).status)
            }
            #expect(statuses.prefix(2).allSatisfy { $0 >= 500 })
            #expect(statuses[2] == 401)
            #expect(sandbox.faults.settings(for: .shop).failNext == 0)

            sandbox.faults.set(FaultSettings(errorRate: 1, errorStatus: 200), for: .quickbooks)
            let faultIn200 = try await client.send(.GET, "/quickbooks/v3/company/x/invoice/1")
            #expect(faultIn200.status == 200)
            #expect(string(faultIn200.json, "Fault", "Error", 0, "code") == "10000")
        }
    }

    @Test("a hang never answers before the client gives up, and is bounded by hangLimit")
    func hangIsBounded() async throws {
        var configuration = SandboxConfiguration()
        configuration.hangLimit = .milliseconds(1500)
        configuration.faults[.usps] = FaultSettings(hangRate: 1)
        try await withSandbox(configuration) { sandbox, client in
            await #expect(throws: (any Error).self) {
                _ = try await client.send(.GET, "/usps/tracking/v3/tracking/1", timeout: .milliseconds(300))
            }
            let clock = ContinuousClock()
            let started = clock.now
            let late = try await client.send(.GET, "/usps/tracking/v3/tracking/1", timeout: .seconds(10))
            #expect(late.status == 503)
            #expect(clock.now - started >= .milliseconds(1400))
            sandbox.faults.clearAll()
        }
    }

    /// A hang the shutdown failed to release would keep the sandbox from stopping: the time limit
    /// fails the test instead of a timing assertion.
    @Test("shutting the sandbox down releases requests that are still hanging", .timeLimit(.minutes(1)))
    func shutdownReleasesHangs() async throws {
        var configuration = SandboxConfiguration()
        configuration.faults[.stripe] = FaultSettings(hangRate: 1)
        try await withSandbox(configuration) { _, client in
            await #expect(throws: (any Error).self) {
                _ = try await client.send(.GET, "/stripe/v1/events", headers: stripeAuth, timeout: .milliseconds(200))
            }
            return ()
        }
    }

    @Test("a connection reset after the side effect: the client sees an error, the ledger sees the label")
    func resetAfterEffect() async throws {
        try await withSandbox { sandbox, client in
            let token = try await client.form(
                "/fedex/oauth/token",
                [("grant_type", "client_credentials"), ("client_id", "fedex-sandbox-api-key"), ("client_secret", "fedex-sandbox-secret-key")]
            )
            let auth = ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))"]
            sandbox.faults.set(FaultSettings(resetAfterEffectRate: 1), for: .fedex)
            await #expect(throws: (any Error).self) {
                _ = try await client.json("/fedex/ship/v1/shipments", fedexShipment(reference: "order-41"), headers: auth)
            }
            #expect(sandbox.ledger.count(.fedex, .labelCreated, reference: "order-41") == 1)

            sandbox.faults.clearAll()
            let lookup = try await client.json("/fedex/track/v1/referencenumbers", fedexReferenceSearch("order-41"), headers: auth)
            #expect(lookup.status == 200)
            #expect(string(lookup.json, "output", "completeTrackResults", 0, "trackingNumber") == sandbox.ledger.records(.fedex, .labelCreated).first?.resource)
        }
    }

    @Test("an unreadable answer after the side effect: a 200 whose body is cut off, and the ledger sees the label")
    func unreadableAfterEffect() async throws {
        try await withSandbox { sandbox, client in
            let token = try await client.form(
                "/fedex/oauth/token",
                [("grant_type", "client_credentials"), ("client_id", "fedex-sandbox-api-key"), ("client_secret", "fedex-sandbox-secret-key")]
            )
            let auth = ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))"]
            sandbox.faults.set(FaultSettings(unreadableAfterEffectRate: 1), for: .fedex)
            let answer = try await client.json("/fedex/ship/v1/shipments", fedexShipment(reference: "order-42"), headers: auth)
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type") == "application/json")
            #expect((try? JSONSerialization.jsonObject(with: Data(answer.body))) == nil)
            #expect(!answer.body.isEmpty)
            #expect(sandbox.ledger.count(.fedex, .labelCreated, reference: "order-42") == 1)

            sandbox.faults.clearAll()
            let lookup = try await client.json("/fedex/track/v1/referencenumbers", fedexReferenceSearch("order-42"), headers: auth)
            #expect(string(lookup.json, "output", "completeTrackResults", 0, "trackingNumber") == sandbox.ledger.records(.fedex, .labelCreated).first?.resource)
        }
    }

    @Test("the same seed gives the same fault sequence")
    func seededDeterminism() async throws {
        func run() async throws -> [Int] {
            var configuration = SandboxConfiguration()
            configuration.randomSeed = 42
            configuration.faults[.stripe] = FaultSettings(errorRate: 0.5, errorStatus: 500)
            return try await withSandbox(configuration) { _, client in
                var statuses: [Int] = []
                for _ in 0..<12 {
                    statuses.append(try await client.send(.GET, "/stripe/v1/payment_intents/pi_none", headers: stripeAuth).status)
                }
                return statuses
            }
        }
        let first = try await run()
        let second = try await run()
        #expect(first == second)
        #expect(first.contains(500) && first.contains(404))
    }
}

