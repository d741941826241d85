import Foundation
import PostgresNIO
@testable import SundialEngine
import SundialTestSupport
import Testing

/// The claim is a prepared statement with a generic plan, made once per connection. These tests
/// pin the plan it gets: on a table with statistics it walks `workflows_due` and updates the
/// leased rows through the primary key, never scanning the whole table; and a worker gives a
/// new table its first statistics itself instead of waiting for autovacuum.
@Suite("Claim plan")
struct ClaimPlanTests {
    @Test("a new workflows table is analyzed once it holds enough rows, and only once")
    func firstStatistics() async throws {
        try await TestDatabase.with { db in
            #expect(try await db.store.analyzeWorkflowsIfNeverAnalyzed(minimumRows: 200) == .tooFewRows)
            try await Self.fill(db, finished: 3000, due: 300)
            // Table counters reach pg_stat_user_tables within about a second.
            let counted = try await eventually(timeout: .seconds(10)) {
                try await db.scalar("SELECT n_live_tup FROM pg_stat_user_tables WHERE relid = 'workflows'::regclass",
                                    as: Int64.self) ?? 0 >= 3300
            }
            #expect(counted)
            #expect(try await db.store.analyzeWorkflowsIfNeverAnalyzed(minimumRows: 200) == .analyzed)
            #expect(try await eventually(timeout: .seconds(10)) {
                try await db.store.analyzeWorkflowsIfNeverAnalyzed(minimumRows: 200) == .present
            })
        }
    }

    @Test("with statistics, the claim's generic plan walks workflows_due and the primary key, with no sequential scan")
    func claimUsesIndexes() async throws {
        try await TestDatabase.with { db in
            try await Self.fill(db, finished: 3000, due: 300)
            _ = try await db.scalar("ANALYZE workflows", as: Int.self)
            let plan = try await db.client.withConnection { connection in
                // The session's plan_cache_mode is force_generic_plan (DatabaseConfiguration), as for workers.
                try await connection.query(PostgresQuery(unsafeSQL: "PREPARE claim_plan(text[], int8[], int8, text, float8) AS " + ClaimDueStatement.sql), logger: db.logger)
                let rows = try await connection.query(
                    "EXPLAIN EXECUTE claim_plan(ARRAY['probe-effect'], ARRAY[1::int8], 16, 'w', 5000)", logger: db.logger)
                var lines: [String] = []
                for try await line in rows.decode(String.self) { lines.append(line) }
                return lines.joined(separator: "\n")
            }
            #expect(plan.contains("workflows_due"), "\(plan)")
            #expect(plan.contains("workflows_pkey"), "\(plan)")
            #expect(!plan.contains("Seq Scan on workflows"), "\(plan)")
        }
    }

    /// Inserts finished rows (out of the due index) and due ones, as a busy table holds.
    static func fill(_ db: TestDatabase, finished: Int, due: Int) async throws {
        _ = try await db.scalar("""
            INSERT INTO workflows (id, type, version, business_key, state, status, input, context, output,
                                   visit, created_at, updated_at, finished_at, run_at)
            SELECT gen_random_uuid(), 'probe-effect', 1, 'plan-' || g, 'finish',
                   CASE WHEN g <= \(finished) THEN 'completed' ELSE 'runnable' END,
                   '{}', '{}', '{}', 1, now(), now(),
                   CASE WHEN g <= \(finished) THEN now() END,
                   CASE WHEN g <= \(finished) THEN NULL ELSE now() - interval '1 second' END
            FROM generate_series(1, \(finished + due)) AS g
            RETURNING 1
            """, as: Int.self)
    }
}
