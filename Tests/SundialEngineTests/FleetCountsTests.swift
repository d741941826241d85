import Foundation
import PostgresNIO
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Fleet counts: what /metrics and the overview read instead of scanning workflows")
struct FleetCountsTests {
    /// The counts a full scan gives (what the gauges must equal).
    static func truth(_ db: TestDatabase) async throws -> [String: Int] {
        let rows = try await db.client.query("SELECT type, status, count(*)::int8 FROM workflows GROUP BY type, status", logger: db.logger)
        var counts: [String: Int] = [:]
        for try await (type, status, count) in rows.decode((String, String, Int64).self) { counts["\(type)/\(status)"] = Int(count) }
        return counts
    }

    /// The gauges, without the pairs whose count fell to 0.
    static func gauges(_ db: TestDatabase) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await db.store.fleetGauges().byTypeAndStatus where row.count != 0 { counts["\(row.type)/\(row.status)"] = row.count }
        return counts
    }

    static func deltas(_ db: TestDatabase) async throws -> Int64 {
        try await db.scalar("SELECT count(*)::int8 FROM workflow_count_deltas", as: Int64.self) ?? -1
    }

    @Test("counts equal a full count through starts, steps, endings, operator changes, bulk inserts, retention and folds")
    func countsMatchAFullCount() async throws {
        try await TestDatabase.with { db in
            var started: [UUID] = []
            for n in 0..<6 { started.append(try await db.workflows.start(FiveSteps.self, key: "c\(n)", input: .init(n: n)).id) }
            let ids = started
            // A repeated start inserts nothing and counts nothing.
            _ = try await db.workflows.start(FiveSteps.self, key: "c0", input: .init(n: 0))
            #expect(try await Self.gauges(db) == ["\(FiveSteps.name)/runnable": 6])
            try await db.withWorker { _ in
                for id in ids {
                    let status = try await db.settled(id).status
                    #expect(status == .completed)
                }
            }
            // Five steps each, but only the start and the ending changed a count.
            #expect(try await Self.gauges(db) == ["\(FiveSteps.name)/completed": 6])
            #expect(try await Self.gauges(db) == (try await Self.truth(db)))

            #expect(try await db.store.foldFleetCounts() > 0)
            #expect(try await Self.deltas(db) == 0)
            #expect(try await Self.gauges(db) == (try await Self.truth(db)))

            // Operator-style changes, a 1,000-row insert in one statement, a delete, retention.
            try await db.client.query("UPDATE workflows SET status = 'failed' WHERE id = ANY(\(Array(ids.prefix(2))))", logger: db.logger)
            try await db.client.query("""
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, finished_at)
                SELECT gen_random_uuid(), 'bulk', 1, 'b' || n, 'done', 'completed', '{}', '{}', now() - interval '40 days'
                FROM generate_series(1, 1000) AS n
                """, logger: db.logger)
            #expect(try await Self.deltas(db) == 5)  // 2 changes × 2 rows, 1 row for the whole insert
            try await db.client.query("DELETE FROM workflows WHERE id = \(ids[5])", logger: db.logger)
            let retention = RetentionService(store: db.store, configuration: .init(batchSize: 300), logger: db.logger)
            #expect(await retention.sweep(olderThan: .seconds(30 * 86_400)) == 300)
            #expect(try await Self.gauges(db) == (try await Self.truth(db)))
            #expect(try await Self.gauges(db)["bulk/completed"] == 700)
            #expect(try await db.store.foldFleetCounts() > 0)
            #expect(try await Self.gauges(db) == (try await Self.truth(db)))

            // A fold takes at most its batch; what is left is still counted.
            try await db.client.query("UPDATE workflows SET status = 'cancelled' WHERE type = 'bulk' AND business_key IN ('b901', 'b902', 'b903')", logger: db.logger)
            #expect(try await db.store.foldFleetCounts(batch: 4) == 4)
            #expect(try await Self.deltas(db) == 2)
            #expect(try await Self.gauges(db) == (try await Self.truth(db)))

            try await db.client.query("TRUNCATE workflows CASCADE", logger: db.logger)
            #expect(try await Self.gauges(db).isEmpty)
        }
    }

    @Test("the throughput chart counts each ending once in the minute it happened, folded or not")
    func endingsPerMinute() async throws {
        try await TestDatabase.with { db in
            let since = Date().addingTimeInterval(-3600)
            var started: [UUID] = []
            for n in 0..<4 { started.append(try await db.workflows.start(FiveSteps.self, key: "e\(n)", input: .init(n: n)).id) }
            let ids = started
            try await db.withWorker { _ in
                for id in ids { _ = try await db.settled(id) }
            }
            func total() async throws -> [WorkflowStatus: Int] {
                var byStatus: [WorkflowStatus: Int] = [:]
                for bucket in try await db.store.finishedPerMinute(since: since) { byStatus[bucket.status, default: 0] += bucket.count }
                return byStatus
            }
            #expect(try await total() == [.completed: 4])
            _ = try await db.store.foldFleetCounts()
            #expect(try await total() == [.completed: 4])
            // Inserted finished (a seed, an import) is no ending; a failure is.
            try await db.client.query("""
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, finished_at)
                VALUES (gen_random_uuid(), 'bulk', 1, 'x', 'done', 'completed', '{}', '{}', now())
                """, logger: db.logger)
            try await db.client.query("UPDATE workflows SET status = 'failed' WHERE business_key = 'x'", logger: db.logger)
            #expect(try await total() == [.completed: 4, .failed: 1])
            _ = try await db.store.foldFleetCounts()
            #expect(try await total() == [.completed: 4, .failed: 1])
            let minutes = try await db.store.finishedPerMinute(since: since).map(\.minute)
            #expect(minutes.allSatisfy { abs($0.timeIntervalSinceNow) < 180 })
        }
    }
}
