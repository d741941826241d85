import Foundation
import PostgresNIO

/// One breach of an invariant found in Postgres, for the chaos suite and operators.
public struct InvariantBreach: Sendable, Codable, Equatable {
    public let workflowID: UUID?
    public let detail: String
}

extension WorkflowStore {
    /// Every workflow of `type` (at most `limit`), with input, context and output. For
    /// verification runs and exports, not for hot paths (a sequential read of the type's rows;
    /// `workflows_business_key_unique` leads with type).
    public func snapshots(type: String, limit: Int = 100_000) async throws -> [WorkflowSnapshot] {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.snapshotColumnList) FROM workflows WHERE type = \(type) ORDER BY created_at LIMIT \(limit)
            """, logger: logger)
        var snapshots: [WorkflowSnapshot] = []
        for try await row in rows { snapshots.append(try Self.snapshot(from: row)) }
        return snapshots
    }

    /// History rows of `type`'s workflows whose `from_state` is not where the previous row left
    /// the workflow (a transition from a state it was not in), and visits with more than one
    /// transition (a commit applied twice). Uses `workflow_history_by_workflow`.
    public func historyBreaches(type: String, limit: Int = 100) async throws -> [InvariantBreach] {
        let rows = try await client.query("""
            WITH ordered AS (
                SELECT h.workflow_id, h.id, h.event, h.visit, h.from_state,
                       lag(h.to_state) OVER (PARTITION BY h.workflow_id ORDER BY h.id) AS previous_state
                FROM workflow_history h JOIN workflows w ON w.id = h.workflow_id
                WHERE w.type = \(type)
            ), wrong_state AS (
                SELECT workflow_id, 'history row ' || id || ' (' || event || ') starts from ' || COALESCE(from_state, '-')
                       || ' but the workflow was in ' || previous_state AS detail
                FROM ordered WHERE previous_state IS NOT NULL AND from_state IS DISTINCT FROM previous_state
            ), twice AS (
                SELECT workflow_id, 'visit ' || visit || ' committed ' || count(*) || ' transitions' AS detail
                FROM ordered WHERE event IN ('transition', 'failed-over', 'completed')
                GROUP BY workflow_id, visit HAVING count(*) > 1
            )
            SELECT workflow_id, detail FROM wrong_state UNION ALL SELECT workflow_id, detail FROM twice LIMIT \(limit)
            """, logger: logger)
        var breaches: [InvariantBreach] = []
        for try await (id, detail) in rows.decode((UUID, String).self) { breaches.append(InvariantBreach(workflowID: id, detail: detail)) }
        return breaches
    }

    /// Active workflows still leased more than `grace` after their lease ran out: a worker that
    /// died without anyone taking over. Served by `workflows_due`.
    public func expiredLeases(grace: Duration) async throws -> [InvariantBreach] {
        let rows = try await client.query("""
            SELECT id, 'leased by ' || lease_owner || ' until ' || run_at::text FROM workflows
            WHERE run_at IS NOT NULL AND run_at < now() - \(grace.seconds) * interval '1 second' AND lease_owner IS NOT NULL
            LIMIT 100
            """, logger: logger)
        var breaches: [InvariantBreach] = []
        for try await (id, detail) in rows.decode((UUID, String).self) { breaches.append(InvariantBreach(workflowID: id, detail: detail)) }
        return breaches
    }

    /// Outbox messages of `topic` by status (`pending`, `delivered`, `parked`), with the dedupe
    /// keys of the delivered ones.
    public func outboxSummary(topic: String) async throws -> (byStatus: [String: Int], deliveredKeys: Set<String>) {
        let rows = try await client.query("SELECT status, dedupe_key FROM outbox WHERE topic = \(topic)", logger: logger)
        var byStatus: [String: Int] = [:]
        var delivered = Set<String>()
        for try await (status, key) in rows.decode((String, String).self) {
            byStatus[status, default: 0] += 1
            if status == "delivered" { delivered.insert(key) }
        }
        return (byStatus, delivered)
    }

    /// Schedule slots with more than one fire (the primary key forbids it; checked anyway).
    public func duplicateScheduleFires() async throws -> [InvariantBreach] {
        let rows = try await client.query("""
            SELECT schedule || ' @ ' || slot::text || ' fired ' || count(*) || ' times'
            FROM schedule_fires GROUP BY schedule, slot HAVING count(*) > 1
            """, logger: logger)
        var breaches: [InvariantBreach] = []
        for try await detail in rows.decode(String.self) { breaches.append(InvariantBreach(workflowID: nil, detail: detail)) }
        return breaches
    }
}
