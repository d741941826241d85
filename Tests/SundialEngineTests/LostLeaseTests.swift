import Foundation
import PostgresNIO
import Sundial
@testable import SundialEngine
import SundialTestSupport
import Testing

/// A run whose lease another worker took (simulated by moving the fencing token, as a claim
/// does) must do no more outside effects.
@Suite("Lost leases")
struct LostLeaseTests {
    /// Waits until the probe's handler started, then takes its lease away as another worker's
    /// claim would (a new fencing token, a lease of an hour), so nobody else runs it meanwhile.
    private func takeLeaseAway(_ db: TestDatabase, key: String, id: UUID) async throws {
        try await db.world.waitUntilRecorded(key)
        try await db.client.query("""
            UPDATE workflows SET fencing_token = fencing_token + 1, lease_owner = 'another-worker', run_at = now() + interval '1 hour'
            WHERE id = \(id)
            """, logger: db.logger)
    }

    @Test("the heartbeat stops a running step whose lease was taken: its late effect never happens")
    func heartbeatStopsTheStep() async throws {
        try await TestDatabase.with { db in
            try await db.withWorker({ $0.leaseDuration = .seconds(3) }) { worker in
                let id = try await db.workflows.start(LateEffectProbe.self, key: "late-1",
                                                      input: .init(key: "late-1", holdMilliseconds: 0, checkLease: false)).id
                try await takeLeaseAway(db, key: "late-1", id: id)
                // The heartbeat notices, the step is stopped and its commit refused: the slot frees.
                #expect(try await eventually(timeout: .seconds(30)) { worker.inFlightCount == 0 })
                // Only now may the step go on; it must not be there to do so.
                try await db.world.record("go", for: "late-1-go")
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await db.world.effects(keyPrefix: "late-1").isEmpty)
                let events = try await db.world.events(for: "late-1")
                #expect(events == ["started"], "\(events)")
            }
        }
    }

    @Test("ensureLeaseHeld() stops a run that cancellation could not reach before its effect")
    func leaseCheckStopsTheEffect() async throws {
        try await TestDatabase.with { db in
            try await db.withWorker({ $0.leaseDuration = .seconds(30) }) { _ in
                let id = try await db.workflows.start(LateEffectProbe.self, key: "late-2",
                                                      input: .init(key: "late-2", holdMilliseconds: 1500, checkLease: true)).id
                try await takeLeaseAway(db, key: "late-2", id: id)
                try await Task.sleep(for: .milliseconds(2500))
                #expect(try await db.world.effects(keyPrefix: "late-2").isEmpty)
                let lastError = try await db.store.workflow(id).lastError
                #expect(lastError == nil || lastError?.contains("lease") == true)
            }
        }
    }
}
