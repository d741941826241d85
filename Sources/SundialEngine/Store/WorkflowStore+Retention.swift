import Foundation
import PostgresNIO

extension WorkflowStore {
    /// Deletes up to `limit` finished workflows (completed, compensated, cancelled) whose
    /// `finished_at` is older than `age`, with their history, signals, tags and settled outbox rows,
    /// in one statement. `failed` and `compensation_failed` workflows are never deleted: they wait
    /// for an operator. Served by `workflows_finished`; `SKIP LOCKED` lets several workers run it.
    func deleteFinished(olderThan age: Duration, limit: Int) async throws -> Int {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            WITH doomed AS (
                SELECT id FROM workflows
                WHERE finished_at < now() - \(age.seconds) * interval '1 second'
                ORDER BY finished_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), gone AS (
                DELETE FROM workflows w USING doomed WHERE w.id = doomed.id RETURNING w.id
            ), history AS (
                DELETE FROM workflow_history h USING gone WHERE h.workflow_id = gone.id
            ), signals AS (
                DELETE FROM workflow_signals s USING gone WHERE s.workflow_id = gone.id
            ), tags AS (
                DELETE FROM workflow_tags t USING gone WHERE t.workflow_id = gone.id
            ), messages AS (
                DELETE FROM outbox o USING gone WHERE o.workflow_id = gone.id AND o.status <> 'pending'
            )
            SELECT count(*)::int8 FROM gone
            """, logger: logger)
        if let count = try await first(rows.decode(Int64.self)) { return Int(count) }
        return 0
    }
}
