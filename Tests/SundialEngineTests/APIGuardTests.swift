import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

/// Counts the calls that got past the guard into their body.
private actor Tally {
    private(set) var count = 0
    func add() { count += 1 }
}

@Suite("Shared API limits and circuit breakers")
struct APIGuardTests {
    private static func state(_ db: TestDatabase, _ api: String) async throws -> APILimitState {
        try #require(try await db.store.apiLimitStates().first { $0.api == api })
    }

    private static func limiter(_ db: TestDatabase, holder: String = "worker-a", permitLease: Duration = .seconds(120)) -> PostgresAPIGuard {
        PostgresAPIGuard(store: db.store, holder: holder, permitLease: permitLease, logger: db.logger)
    }

    @Test("a rate of 3 per minute lets three calls through; the fourth waits for capacity without running")
    func rateLimit() async throws {
        try await TestDatabase.with { db in
            // Per minute rather than per 10 s: a token comes back every 20 s, so a stalled, loaded
            // machine does not get one back between the third call and the fourth.
            try await db.store.syncAPILimits([APILimit(api: "fedex", rateCapacity: 3, rateWindow: .seconds(60))])
            let limiter = Self.limiter(db)
            let tally = Tally()
            for n in 1...3 {
                let answer = try await limiter.perform("fedex", outcome: CallOutcome.classify) { await tally.add(); return n }
                #expect(answer == n)
            }
            let wait = await #expect(throws: CapacityWait.self) {
                try await limiter.perform("fedex", outcome: CallOutcome.classify) { await tally.add(); return 4 }
            }
            #expect(wait?.api == "fedex")
            #expect(wait?.limit == "rate limit reached")
            // At most the time one token takes to refill (60 s / 3), and not nothing.
            let retryAfter = try #require(wait?.retryAfter)
            #expect(retryAfter > .zero && retryAfter <= .seconds(20))
            #expect(await tally.count == 3)

            // An API with no configured limit is not held back.
            let free = try await limiter.perform("unlisted", outcome: CallOutcome.classify) { "ok" }
            #expect(free == "ok")
        }
    }

    @Test("callers refused by an empty bucket queue: each is told a later slot, one token apart, not all the same moment")
    func refusedCallersQueue() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([APILimit(api: "quickbooks", rateCapacity: 3, rateWindow: .seconds(60))])
            let limiter = Self.limiter(db)
            for _ in 1...3 { _ = try await limiter.perform("quickbooks", outcome: CallOutcome.classify) { true } }
            // Each refusal's `retryAfter` counts from the database's clock at the moment of the
            // call, which lies between the instants taken before and after it. So the slot it
            // names lies in [before + retryAfter, after + retryAfter], however slow the call was
            // on a loaded machine (a gap of the raw `retryAfter`s shrank to 18.9 s under the
            // full suite).
            struct Refusal { var before: ContinuousClock.Instant; var after: ContinuousClock.Instant; var retryAfter: Duration }
            var refusals: [Refusal] = []
            for _ in 1...5 {
                let before = ContinuousClock.now
                let wait = await #expect(throws: CapacityWait.self) {
                    try await limiter.perform("quickbooks", outcome: CallOutcome.classify) { true }
                }
                refusals.append(Refusal(before: before, after: .now, retryAfter: try #require(wait?.retryAfter)))
            }
            let waits = refusals.map(\.retryAfter)
            // A token every 20 s: the first waiter is told at most 20 s, each next one a slot 20 s
            // after the one before (100 ms for the rounding of the stored times).
            #expect(waits[0] > .zero && waits[0] <= .seconds(20), "\(waits)")
            let slack = Duration.milliseconds(100)
            for (earlier, later) in zip(refusals, refusals.dropFirst()) {
                let shortestGap = (later.before + later.retryAfter) - (earlier.after + earlier.retryAfter)
                let longestGap = (later.after + later.retryAfter) - (earlier.before + earlier.retryAfter)
                #expect(shortestGap <= .seconds(20) + slack && longestGap >= .seconds(20) - slack, "\(waits)")
            }
        }
    }

    @Test("with two calls in flight under a cap of two, a third waits; once they return a call goes through")
    func concurrencyCap() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([APILimit(api: "quickbooks", rateCapacity: 100, rateWindow: .seconds(1), maxConcurrent: 2)])
            let limiter = Self.limiter(db)
            let gate = Gate()
            let tally = Tally()
            async let first = limiter.perform("quickbooks", outcome: CallOutcome.classify) { await gate.pass(); return 1 }
            async let second = limiter.perform("quickbooks", outcome: CallOutcome.classify) { await gate.pass(); return 2 }
            let bothHeld = try await eventually { await gate.arrivals == 2 }
            #expect(bothHeld)
            #expect(try await Self.state(db, "quickbooks").inFlight == 2)

            let wait = await #expect(throws: CapacityWait.self) {
                try await limiter.perform("quickbooks", outcome: CallOutcome.classify) { await tally.add(); return 3 }
            }
            #expect(wait?.limit == "concurrency cap reached")
            #expect((wait?.retryAfter ?? .zero) > .zero)
            #expect(await tally.count == 0)

            await gate.open()
            #expect(try await first == 1)
            #expect(try await second == 2)
            #expect(try await Self.state(db, "quickbooks").inFlight == 0)
            let next = try await limiter.perform("quickbooks", outcome: CallOutcome.classify) { await tally.add(); return 4 }
            #expect(next == 4)
            #expect(await tally.count == 1)
        }
    }

    @Test("the permits of a holder that died mid-call expire after their lease")
    func deadHolderPermitsExpire() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([APILimit(api: "quickbooks", rateCapacity: 100, rateWindow: .seconds(1), maxConcurrent: 2)])
            // A "worker" whose two calls never come back (it hangs, as if dead) with short permits.
            let dead = Self.limiter(db, holder: "dead-worker", permitLease: .milliseconds(300))
            let live = Self.limiter(db, holder: "live-worker")
            let never = Gate()
            async let hung1 = dead.perform("quickbooks", outcome: CallOutcome.classify) { await never.pass(); return 1 }
            async let hung2 = dead.perform("quickbooks", outcome: CallOutcome.classify) { await never.pass(); return 2 }
            let bothHung = try await eventually { await never.arrivals == 2 }
            #expect(bothHung)
            let holders = try await db.scalar("SELECT string_agg(DISTINCT holder, ',') FROM api_permits", as: String.self)
            #expect(holders == "dead-worker")

            let gotThrough = try await eventually {
                do {
                    return try await live.perform("quickbooks", outcome: CallOutcome.classify) { true }
                } catch is CapacityWait {
                    return false
                }
            }
            #expect(gotThrough)
            // Both dead permits lapse; none is counted as in flight any more.
            let lapsed = try await eventually { try await Self.state(db, "quickbooks").inFlight == 0 }
            #expect(lapsed)
            let deadPermits = try await db.scalar("""
                SELECT count(*)::int8 FROM api_permits WHERE holder = 'dead-worker' AND expires_at >= now()
                """, as: Int64.self)
            #expect(deadPermits == 0)

            await never.open()
            _ = try await (hung1, hung2)
        }
    }

    @Test("a live worker's heartbeat extends its permits past their lease, so its long call keeps its place under the cap")
    func heartbeatExtendsPermits() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([APILimit(api: "quickbooks", rateCapacity: 100, rateWindow: .seconds(1), maxConcurrent: 1)])
            let busy = Self.limiter(db, holder: "busy-worker", permitLease: .milliseconds(300))
            let other = Self.limiter(db, holder: "other-worker")
            let slow = Gate()
            async let call = busy.perform("quickbooks", outcome: CallOutcome.classify) { await slow.pass(); return 1 }
            #expect(try await eventually { await slow.arrivals == 1 })
            // The heartbeat of the worker running the call (the workflow id does not matter here).
            _ = try await db.store.extendLeases(worker: "busy-worker", ids: [UUID()], tokens: [1], lease: .seconds(30))
            try await Task.sleep(for: .milliseconds(600))
            let live = try await db.scalar("""
                SELECT count(*)::int8 FROM api_permits WHERE holder = 'busy-worker' AND expires_at > now() + interval '20 seconds'
                """, as: Int64.self)
            #expect(live == 1)
            await #expect(throws: CapacityWait.self) {
                try await other.perform("quickbooks", outcome: CallOutcome.classify) { true }
            }
            await slow.open()
            #expect(try await call == 1)
        }
    }

    @Test("three failures open the circuit; calls are refused unrun; after the cooldown one probe goes, and its success closes it")
    func circuitOpensAndAProbeClosesIt() async throws {
        try await TestDatabase.with { db in
            // A long cooldown, ended by hand below, so a slow machine cannot outrun it.
            try await db.store.syncAPILimits([APILimit(api: "ups", rateCapacity: 1000, rateWindow: .seconds(1), failureThreshold: 3, cooldown: .seconds(30))])
            let limiter = Self.limiter(db)
            let tally = Tally()
            try await Self.openCircuit("ups", limiter: limiter, tally: tally)
            let open = try await Self.state(db, "ups")
            #expect(open.circuit == "open")
            #expect(open.consecutiveFailures == 3)
            #expect(open.openedCount == 1)

            let refused = await #expect(throws: CircuitOpen.self) {
                try await limiter.perform("ups", outcome: CallOutcome.classify) { await tally.add(); return 0 }
            }
            #expect(refused?.api == "ups")
            #expect((refused?.retryAfter ?? .zero) > .zero && (refused?.retryAfter ?? .zero) <= .seconds(30))
            #expect(await tally.count == 3)

            // After the cooldown: one probe goes through, a concurrent call is refused.
            try await Self.endCooldown(db, "ups")
            #expect(try await Self.state(db, "ups").circuit == "half_open")
            let gate = Gate()
            async let probe = limiter.perform("ups", outcome: CallOutcome.classify) { await gate.pass(); return "probe" }
            let probing = try await eventually { await gate.arrivals == 1 }
            #expect(probing)
            await #expect(throws: CircuitOpen.self) {
                try await limiter.perform("ups", outcome: CallOutcome.classify) { await tally.add(); return "second" }
            }
            #expect(await tally.count == 3)
            await gate.open()
            #expect(try await probe == "probe")

            let closed = try await Self.state(db, "ups")
            #expect(closed.circuit == "closed")
            #expect(closed.consecutiveFailures == 0)
            #expect(closed.circuitUntil == nil)
            let after = try await limiter.perform("ups", outcome: CallOutcome.classify) { "ok" }
            #expect(after == "ok")
        }
    }

    @Test("once a short cooldown passes by itself, a probe goes through and closes the circuit")
    func cooldownPassesByItself() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([APILimit(api: "ups", rateCapacity: 1000, rateWindow: .seconds(1), failureThreshold: 3, cooldown: .milliseconds(300))])
            let limiter = Self.limiter(db)
            try await Self.openCircuit("ups", limiter: limiter, tally: Tally())
            let probed = try await eventually {
                do {
                    return try await limiter.perform("ups", outcome: CallOutcome.classify) { true }
                } catch is CircuitOpen {
                    return false
                }
            }
            #expect(probed)
            let closed = try await Self.state(db, "ups")
            #expect(closed.circuit == "closed")
            #expect(closed.consecutiveFailures == 0)
        }
    }

    @Test("a failed probe opens the circuit again")
    func failedProbeReopens() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([APILimit(api: "ups", rateCapacity: 1000, rateWindow: .seconds(1), failureThreshold: 3, cooldown: .seconds(30))])
            let limiter = Self.limiter(db)
            let tally = Tally()
            try await Self.openCircuit("ups", limiter: limiter, tally: tally)
            try await Self.endCooldown(db, "ups")

            await #expect(throws: WorkflowError.self) {
                try await limiter.perform("ups", outcome: CallOutcome.classify) { () async throws -> Int in
                    await tally.add()
                    throw WorkflowError.retryable("still 503")
                }
            }
            #expect(await tally.count == 4)
            let reopened = try await Self.state(db, "ups")
            #expect(reopened.circuit == "open")
            #expect(reopened.consecutiveFailures == 4)
            #expect(reopened.openedCount == 2)
            await #expect(throws: CircuitOpen.self) {
                try await limiter.perform("ups", outcome: CallOutcome.classify) { await tally.add(); return 0 }
            }
            #expect(await tally.count == 4)
        }
    }

    @Test("neutral outcomes (the API said no) never open the circuit, and free their permit")
    func neutralOutcomesDoNotCount() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([APILimit(api: "stripe", rateCapacity: 1000, rateWindow: .seconds(1), maxConcurrent: 1,
                                                       failureThreshold: 3, cooldown: .seconds(30))])
            let limiter = Self.limiter(db)
            let tally = Tally()
            for _ in 1...5 {
                await #expect(throws: WorkflowError.permanent("card declined")) {
                    try await limiter.perform("stripe", outcome: CallOutcome.classify) { () async throws -> Int in
                        await tally.add()
                        throw WorkflowError.permanent("card declined")
                    }
                }
            }
            #expect(await tally.count == 5)
            let state = try await Self.state(db, "stripe")
            #expect(state.circuit == "closed")
            #expect(state.consecutiveFailures == 0)
            #expect(state.openedCount == 0)
            #expect(state.inFlight == 0)
        }
    }

    @Test("a call cancelled by its task (a worker's drain deadline) frees its permit and is not counted as an outage")
    func cancelledCallIsNotAnOutage() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([APILimit(api: "quickbooks", rateCapacity: 100, rateWindow: .seconds(1), maxConcurrent: 1,
                                                       failureThreshold: 1, cooldown: .seconds(30))])
            let limiter = Self.limiter(db)
            // An open gate: it only counts that the call got into its body.
            let arrived = Gate()
            await arrived.open()
            let call = Task {
                try await limiter.perform("quickbooks", outcome: CallOutcome.classify) { () async throws -> Int in
                    await arrived.pass()
                    try await Task.sleep(for: .seconds(60))
                    return 1
                }
            }
            let inCall = try await eventually { await arrived.arrivals == 1 }
            #expect(inCall)
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }

            let state = try await Self.state(db, "quickbooks")
            #expect(state.circuit == "closed")
            #expect(state.consecutiveFailures == 0)
            #expect(state.inFlight == 0)
            #expect(try await limiter.perform("quickbooks", outcome: CallOutcome.classify) { 2 } == 2)
        }
    }

    @Test("two workers with their own guards share one rate, one concurrency cap and one circuit")
    func guardsShareLimits() async throws {
        try await TestDatabase.with { db in
            try await db.store.syncAPILimits([
                APILimit(api: "fedex", rateCapacity: 4, rateWindow: .seconds(3600)),
                APILimit(api: "quickbooks", rateCapacity: 100, rateWindow: .seconds(1), maxConcurrent: 1),
                APILimit(api: "ups", rateCapacity: 1000, rateWindow: .seconds(1), failureThreshold: 2, cooldown: .seconds(30)),
            ])
            let a = Self.limiter(db, holder: "worker-a")
            let b = Self.limiter(db, holder: "worker-b")

            // Rate: two calls each use up the four tokens; neither worker gets a fifth.
            for limiter in [a, b, a, b] {
                _ = try await limiter.perform("fedex", outcome: CallOutcome.classify) { 1 }
            }
            for limiter in [a, b] {
                await #expect(throws: CapacityWait.self) { try await limiter.perform("fedex", outcome: CallOutcome.classify) { 1 } }
            }

            // Concurrency: worker a holds the only permit; worker b waits until it returns.
            let gate = Gate()
            async let held = a.perform("quickbooks", outcome: CallOutcome.classify) { await gate.pass(); return "a" }
            let aHolds = try await eventually { await gate.arrivals == 1 }
            #expect(aHolds)
            let holder = try await db.scalar("SELECT holder FROM api_permits WHERE api = 'quickbooks'", as: String.self)
            #expect(holder == "worker-a")
            await #expect(throws: CapacityWait.self) { try await b.perform("quickbooks", outcome: CallOutcome.classify) { "b" } }
            await gate.open()
            #expect(try await held == "a")
            #expect(try await b.perform("quickbooks", outcome: CallOutcome.classify) { "b" } == "b")

            // Circuit: one failure seen by each worker makes two in a row; both are refused.
            for limiter in [a, b] {
                await #expect(throws: WorkflowError.self) {
                    try await limiter.perform("ups", outcome: CallOutcome.classify) { () async throws -> Int in throw WorkflowError.retryable("timeout") }
                }
            }
            #expect(try await Self.state(db, "ups").circuit == "open")
            for limiter in [a, b] {
                await #expect(throws: CircuitOpen.self) { try await limiter.perform("ups", outcome: CallOutcome.classify) { 1 } }
            }
        }
    }

    /// Ends an open circuit's cooldown now, as if it had passed.
    private static func endCooldown(_ db: TestDatabase, _ api: String) async throws {
        try await db.client.query("UPDATE api_limits SET circuit_until = now() WHERE api = \(api) AND circuit = 'open'", logger: db.logger)
    }

    /// Three outage-like failures in a row (the body runs each time).
    private static func openCircuit(_ api: String, limiter: PostgresAPIGuard, tally: Tally) async throws {
        for _ in 1...3 {
            await #expect(throws: WorkflowError.self) {
                try await limiter.perform(api, outcome: CallOutcome.classify) { () async throws -> Int in
                    await tally.add()
                    throw WorkflowError.retryable("503 Service Unavailable")
                }
            }
        }
    }
}
