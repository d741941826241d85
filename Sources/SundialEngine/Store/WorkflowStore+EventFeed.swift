import Foundation
import PostgresNIO
import Sundial

extension WorkflowStore {
    /// The feed's horizon: (oldest transaction still running, 0). Every history row below it is
    /// final. No table read.
    public func eventHorizon() async throws -> EventPosition {
        let rows = try await client.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::int8", logger: logger)
        for try await xmin in rows.decode(Int64.self) { return EventPosition(transaction: xmin, id: 0) }
        throw StoreError.notFound(UUID())
    }

    /// History rows with `after` < (xact, id) < `before`, in that order, at most `limit`
    /// (1–5000), optionally only of one workflow type and event. Index
    /// `workflow_history_by_xact (xact, id)` (a keyset range scan), each row's workflow by its
    /// primary key.
    public func historyEvents(after: EventPosition?, before: EventPosition, workflowType: String?, event: String?, limit: Int) async throws
        -> [WorkflowEventRecord]
    {
        let limit = max(1, min(limit, 5000))
        let after = after ?? .start
        let rows = try await client.query("""
            SELECT h.xact::text::int8, h.id, h.workflow_id, w.type, w.business_key, h.visit, h.event, h.from_state, h.to_state,
                   h.attempt, h.error, h.duration_ms, h.worker_id, h.created_at
            FROM workflow_history h LEFT JOIN workflows w ON w.id = h.workflow_id
            WHERE (h.xact, h.id) > (\(String(after.transaction))::xid8, \(after.id))
              AND (h.xact, h.id) < (\(String(before.transaction))::xid8, \(before.id))
              AND (\(workflowType)::text IS NULL OR w.type = \(workflowType))
              AND (\(event)::text IS NULL OR h.event = \(event))
            ORDER BY h.xact, h.id
            LIMIT \(limit)
            """, logger: logger)
        var events: [WorkflowEventRecord] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            events.append(WorkflowEventRecord(
                position: EventPosition(transaction: try r[0].decode(Int64.self), id: try r[1].decode(Int64.self)),
                workflowID: try r[2].decode(UUID.self), workflowType: try r[3].decode(String?.self),
                businessKey: try r[4].decode(String?.self), visit: try r[5].decode(Int.self), event: try r[6].decode(String.self),
                fromState: try r[7].decode(String?.self), toState: try r[8].decode(String?.self), attempt: try r[9].decode(Int.self),
                error: try r[10].decode(String?.self), durationMilliseconds: try r[11].decode(Double?.self),
                workerID: try r[12].decode(String?.self), occurredAt: try r[13].decode(Date.self)))
        }
        return events
    }

    /// The workflows with these ids (at most 5000). Primary key.
    public func workflowRecords(ids: [UUID]) async throws -> [WorkflowSnapshotRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await client.query("""
            SELECT id, type, business_key, status, state, input::text, context::text, output::text, created_at, finished_at
            FROM workflows WHERE id = ANY(\(Array(ids.prefix(5000))))
            """, logger: logger)
        var records: [WorkflowSnapshotRecord] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            records.append(WorkflowSnapshotRecord(
                id: try r[0].decode(UUID.self), type: try r[1].decode(String.self), businessKey: try r[2].decode(String.self),
                status: try r[3].decode(String.self), state: try r[4].decode(String.self), inputJSON: try r[5].decode(String.self),
                contextJSON: try r[6].decode(String.self), outputJSON: try r[7].decode(String?.self),
                createdAt: try r[8].decode(Date.self), finishedAt: try r[9].decode(Date?.self)))
        }
        return records
    }
}
