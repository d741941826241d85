import Foundation
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Leases and fencing")
struct LeaseTests {
    private let definitions = [(type: FiveSteps.name, version: FiveSteps.version)]

    private func commit(for claimed: ClaimedWorkflow, worker: String, to state: String) -> TransitionCommit {
        TransitionCommit(
            id: claimed.id, fencingToken: claimed.fencingToken, expectedVisit: claimed.visit, expectedAttempt: claimed.attempt,
            state: state, status: .runnable, context: #"{"n":99,"visited":["by \#(worker)"]}"#, output: nil,
            runAt: .now, worker: worker, newVisit: claimed.visit + 1, newAttempt: 0, lastError: nil,
            seenSignalSeq: claimed.signalSeq, event: "transition", fromState: claimed.state, historyAttempt: 1)
    }

    @Test("an expired lease makes the workflow claimable again, with a higher fencing token")
    func leaseExpiry() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FiveSteps.self, key: "lease", input: .init(n: 1))
            // A lease long enough that a loaded machine still asks again inside it.
            let first = try await db.store.claimDue(worker: "a", definitions: definitions, limit: 10, lease: .seconds(3))
            #expect(first.map(\.id) == [started.id])
            // While leased, nobody else gets it.
            let during = try await db.store.claimDue(worker: "b", definitions: definitions, limit: 10, lease: .seconds(5))
            #expect(during.isEmpty)
            // Once it has run out, another worker does.
            var after: [ClaimedWorkflow] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while after.isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                after = try await db.store.claimDue(worker: "b", definitions: definitions, limit: 10, lease: .seconds(5))
            }
            #expect(after.map(\.id) == [started.id])
            #expect(after.first?.previousOwner == "a")
            #expect(after.first!.fencingToken == first.first!.fencingToken + 1)
        }
    }

    @Test("a worker whose lease was taken over cannot commit; the newer state stands")
    func staleWorkerIsFenced() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FiveSteps.self, key: "fence", input: .init(n: 1))
            let stale = try #require(try await db.store.claimDue(worker: "stale", definitions: definitions, limit: 1, lease: .milliseconds(300)).first)
            try await Task.sleep(for: .milliseconds(500))
            let fresh = try #require(try await db.store.claimDue(worker: "fresh", definitions: definitions, limit: 1, lease: .seconds(5)).first)

            _ = try await db.store.commitTransition(commit(for: fresh, worker: "fresh", to: "pay"))
            await #expect(throws: StoreError.fenced(started.id, token: stale.fencingToken)) {
                try await db.store.commitTransition(commit(for: stale, worker: "stale", to: "label"))
            }
            let row = try await db.workflows.workflow(started.id)
            #expect(row.state == "pay")
            #expect(row.context.contains("by fresh"))
            let history = try await db.workflows.history(started.id)
            #expect(!history.contains { $0.workerID == "stale" })
        }
    }

    @Test("a commit applied once is not applied again by a retry of the same commit")
    func commitIsNotReapplied() async throws {
        try await TestDatabase.with { db in
            _ = try await db.workflows.start(FiveSteps.self, key: "twice", input: .init(n: 1))
            let claimed = try #require(try await db.store.claimDue(worker: "w", definitions: definitions, limit: 1, lease: .seconds(5)).first)
            let once = commit(for: claimed, worker: "w", to: "pay")
            _ = try await db.store.commitTransition(once)
            await #expect(throws: StoreError.self) { try await db.store.commitTransition(once) }
            let transitions = try await db.scalar("SELECT count(*)::int8 FROM workflow_history WHERE event = 'transition'", as: Int64.self)
            #expect(transitions == 1)
        }
    }

    @Test("claim skips rows other workers hold and leases disjoint batches")
    func disjointClaims() async throws {
        try await TestDatabase.with { db in
            for n in 0..<20 { try await db.workflows.start(FiveSteps.self, key: "d\(n)", input: .init(n: n)) }
            async let a = db.store.claimDue(worker: "a", definitions: definitions, limit: 12, lease: .seconds(5))
            async let b = db.store.claimDue(worker: "b", definitions: definitions, limit: 12, lease: .seconds(5))
            let (first, second) = try await (a, b)
            #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
            #expect(first.count + second.count == 20)
        }
    }

    @Test("a worker leaves alone workflows whose definition version it does not have")
    func unknownVersionIsLeftAlone() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FiveSteps.self, key: "v2", input: .init(n: 1))
            try await db.client.query("UPDATE workflows SET version = 2 WHERE id = \(started.id)", logger: db.logger)
            try await db.withWorker { _ in try await Task.sleep(for: .milliseconds(800)) }
            let row = try await db.workflows.workflow(started.id)
            #expect(row.status == .runnable)
            #expect(row.fencingToken == 0)
            #expect(row.visit == 1)
        }
    }
}
