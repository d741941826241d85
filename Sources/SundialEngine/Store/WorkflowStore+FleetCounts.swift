import Foundation
import PostgresNIO

extension WorkflowStore {
    /// The end statuses the dashboard's throughput chart counts, as SQL text.
    static let endingStatuses = "('completed', 'failed', 'compensated', 'compensation_failed', 'cancelled')"

    /// Folds up to `batch` rows of `workflow_count_deltas` into `workflow_counts` (and status
    /// changes into an end status into `workflow_endings_per_minute`, pruned to two hours), in
    /// one transaction; returns how many delta rows it folded, 0 when another process was folding.
    ///
    /// The deltas are taken by `ctid` (a TID scan of a table without indexes) and deleted in the
    /// same statement that adds them up, so a read (which sums counts and deltas in one snapshot)
    /// never sees a delta twice or not at all. A transaction-level advisory lock per schema keeps
    /// the fleet's folders from doing the same work at once; they skip instead of waiting.
    public func foldFleetCounts(batch: Int = 50_000) async throws -> Int {
        counters.other.add(1, ordering: .relaxed)
        let lockKey = "sundial-fleet-counts:" + database.schema
        let logger = self.logger
        return try await inTransaction { connection in
            let locked = try await connection.query("SELECT pg_try_advisory_xact_lock(hashtext(\(lockKey)))", logger: logger)
            guard try await Self.first(locked.decode(Bool.self)) == true else { return 0 }
            let rows = try await connection.query("""
                WITH moved AS (
                    DELETE FROM workflow_count_deltas
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM workflow_count_deltas LIMIT \(batch)))
                    RETURNING type, status, delta, at
                ), counted AS (
                    INSERT INTO workflow_counts AS c (type, status, count)
                    SELECT type, status, sum(delta) FROM moved GROUP BY type, status
                    ON CONFLICT (type, status) DO UPDATE SET count = c.count + EXCLUDED.count
                ), ended AS (
                    INSERT INTO workflow_endings_per_minute AS e (minute, status, count)
                    SELECT to_timestamp(floor(extract(epoch FROM at) / 60) * 60), status, sum(delta) FROM moved
                    WHERE at IS NOT NULL AND delta > 0 AND status IN \(unescaped: Self.endingStatuses)
                    GROUP BY 1, 2
                    ON CONFLICT (minute, status) DO UPDATE SET count = e.count + EXCLUDED.count
                ), pruned AS (
                    DELETE FROM workflow_endings_per_minute WHERE minute < now() - interval '2 hours'
                )
                SELECT count(*)::int8 FROM moved
                """, logger: logger)
            return Int(try await Self.first(rows.decode(Int64.self)) ?? 0)
        }
    }
}
