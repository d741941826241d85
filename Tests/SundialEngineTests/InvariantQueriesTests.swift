import Foundation
import Sundial
@testable import SundialEngine
import SundialTestSupport
import Testing

/// The chaos run's three checks that are computed by SQL (expired leases, schedule slots fired
/// twice, history continuity) report a breach when their guarantee is broken on purpose in
/// Postgres, so none of them is a check that could never fail.
@Suite("Invariant queries")
struct InvariantQueriesTests {
    @Test("a lease left expired, a slot fired twice and a transition from the wrong state are each reported")
    func breachesAreReported() async throws {
        try await TestDatabase.with { db in
            #expect(try await db.store.expiredLeases(grace: .seconds(30)).isEmpty)
            #expect(try await db.store.duplicateScheduleFires().isEmpty)
            #expect(try await db.store.historyBreaches(type: EffectProbe.name).isEmpty)

            // A worker that died holding a lease nobody took over (no worker runs here).
            let id = try await db.workflows.start(EffectProbe.self, key: "stuck", input: .init(holdMilliseconds: 0)).id
            _ = try await db.scalar("""
                UPDATE workflows SET lease_owner = 'ghost-worker', run_at = now() - interval '5 minutes'
                WHERE id = \(id) RETURNING 1
                """, as: Int.self)
            let leases = try await db.store.expiredLeases(grace: .seconds(30))
            #expect(leases.map(\.workflowID) == [id])
            #expect(leases.first?.detail.contains("ghost-worker") == true)

            // Exactly-once slots rest on the primary key: without it, a second fire shows.
            _ = try await db.scalar("ALTER TABLE schedule_fires DROP CONSTRAINT schedule_fires_pkey", as: Int.self)
            for _ in 1...2 {
                _ = try await db.scalar("""
                    INSERT INTO schedule_fires (schedule, slot, workflow_id, reason)
                    VALUES ('nightly', '2026-11-25T23:00:00Z', \(UUID()), 'slot') RETURNING 1
                    """, as: Int.self)
            }
            let fires = try await db.store.duplicateScheduleFires()
            #expect(fires.count == 1 && fires.first?.detail.contains("fired 2 times") == true, "\(fires)")

            // A stale commit applied over newer state: a transition from a state it was not in.
            _ = try await db.scalar("""
                INSERT INTO workflow_history (workflow_id, visit, event, from_state, to_state, worker_id)
                VALUES (\(id), 1, 'transition', 'finish', 'charge', 'stale-worker') RETURNING 1
                """, as: Int.self)
            let history = try await db.store.historyBreaches(type: EffectProbe.name)
            #expect(history.contains { $0.workflowID == id && $0.detail.contains("starts from finish") }, "\(history)")
        }
    }
}
