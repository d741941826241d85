import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("API limit configuration")
struct APILimitConfigurationTests {
    private let fedex = APILimit(api: "fedex", rateCapacity: 1, rateWindow: .seconds(1))

    @Test("an override sets rate, concurrency, failures and cooldown, and keeps what it does not name")
    func parsesOverrides() throws {
        let parsed = try fedex.overridden(by: "rate=1400/10s,concurrent=10,failures=5,cooldown=30s")
        #expect(parsed == APILimit(api: "fedex", rateCapacity: 1400, rateWindow: .seconds(10), maxConcurrent: 10,
                                   failureThreshold: 5, cooldown: .seconds(30)))
        let partial = try parsed.overridden(by: " rate=500/1m , cooldown=250ms ")
        #expect(partial == APILimit(api: "fedex", rateCapacity: 500, rateWindow: .seconds(60), maxConcurrent: 10,
                                    failureThreshold: 5, cooldown: .milliseconds(250)))
        #expect(try parsed.overridden(by: "concurrent=none").maxConcurrent == nil)
        #expect(try parsed.overridden(by: "rate=60/1h").rateWindow == .seconds(3600))
        #expect(try parsed.overridden(by: "") == parsed)
    }

    @Test("bad override text is refused, naming SUNDIAL_API_LIMIT_<API>", arguments: [
        "rate=fast", "rate=10", "rate=0/1s", "rate=10/0s", "rate=10/10", "concurrent=0", "concurrent=many",
        "failures=-1", "cooldown=30", "cooldown=-5s", "burst=3", "rate",
    ])
    func refusesBadText(_ text: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try fedex.overridden(by: text) }
        #expect(error?.setting == "SUNDIAL_API_LIMIT_FEDEX")
        #expect(error?.problem.isEmpty == false)
    }

    @Test("the configured limits apply the environment's overrides to the defaults")
    func configuredFromEnvironment() throws {
        let limits = try APILimit.configured(EnvironmentReader(["SUNDIAL_API_LIMIT_QUICKBOOKS": "concurrent=3"]))
        #expect(limits.map(\.api) == APILimit.sunStyleDefaults.map(\.api))
        #expect(limits.first { $0.api == "quickbooks" }?.maxConcurrent == 3)
        #expect(limits.first { $0.api == "fedex" } == APILimit.sunStyleDefaults.first { $0.api == "fedex" })
        let error = #expect(throws: ConfigurationError.self) {
            try APILimit.configured(EnvironmentReader(["SUNDIAL_API_LIMIT_USPS": "rate=lots"]))
        }
        #expect(error?.setting == "SUNDIAL_API_LIMIT_USPS")
    }

    @Test("syncing the limits again keeps the token bucket and the circuit, and takes the new limits")
    func resyncKeepsState() async throws {
        try await TestDatabase.with { db in
            let limits = [
                APILimit(api: "fedex", rateCapacity: 3, rateWindow: .seconds(60)),
                APILimit(api: "ups", rateCapacity: 1000, rateWindow: .seconds(1), failureThreshold: 1, cooldown: .seconds(60)),
            ]
            try await db.store.syncAPILimits(limits)
            let limiter = PostgresAPIGuard(store: db.store, holder: "worker-a", logger: db.logger)
            for _ in 1...3 { _ = try await limiter.perform("fedex", outcome: CallOutcome.classify) { 1 } }
            await #expect(throws: WorkflowError.self) {
                try await limiter.perform("ups", outcome: CallOutcome.classify) { () async throws -> Int in throw WorkflowError.retryable("down") }
            }

            // Another worker starts with the same limits, and one with a new concurrency cap and cooldown.
            try await db.store.syncAPILimits(limits)
            var changed = limits
            changed[0].maxConcurrent = 7
            changed[1].cooldown = .seconds(90)
            try await db.store.syncAPILimits(changed)

            await #expect(throws: CapacityWait.self) { try await limiter.perform("fedex", outcome: CallOutcome.classify) { 1 } }
            await #expect(throws: CircuitOpen.self) { try await limiter.perform("ups", outcome: CallOutcome.classify) { 1 } }
            let states = try await db.store.apiLimitStates()
            let fedex = try #require(states.first { $0.api == "fedex" })
            #expect(fedex.maxConcurrent == 7)
            let ups = try #require(states.first { $0.api == "ups" })
            #expect(ups.circuit == "open")
            #expect(ups.consecutiveFailures == 1)
            #expect(ups.openedCount == 1)
            let cooldown = try await db.scalar("SELECT cooldown_ms FROM api_limits WHERE api = 'ups'", as: Int32.self)
            #expect(cooldown == 90_000)
            let tokens = try await db.scalar("SELECT tokens FROM api_limits WHERE api = 'fedex'", as: Double.self)
            #expect((tokens ?? 99) < 1)
        }
    }
}
