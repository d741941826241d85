import Foundation
import PostgresNIO

extension WorkflowStore {
    /// Starts a new run of a workflow that is no longer active: same type, version and input, the
    /// old run's context, starting at `state`, key `<old key>#rerun-<n>`, `rerun_of` = the old id.
    /// The old row is locked while the next number is taken (index `workflows_by_rerun_of`), so
    /// two reruns never share a key. History rows on both runs name the actor and reason.
    /// Refused (``StoreError/invalidStatus``) while the old run is active.
    func rerun(workflowID: UUID, state: String, reason: String, actor: String, audit: AuditNote? = nil) async throws -> UUID {
        let newID = UUID.timeOrdered()
        let note = "rerun of \(workflowID.uuidString.lowercased()) from \(state): \(reason)"
        let rows = try await acknowledgedWrite("""
            WITH old AS (
                SELECT * FROM workflows WHERE id = \(workflowID) FOR UPDATE
            ), inserted AS (
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at, rerun_of)
                SELECT \(newID), old.type, old.version,
                       old.business_key || '#rerun-' || ((SELECT count(*) FROM workflows r WHERE r.rerun_of = old.id) + 1)::text,
                       \(state), 'runnable', old.input, old.context, now(), old.id
                FROM old
                WHERE old.status IN ('completed', 'failed', 'compensated', 'compensation_failed', 'cancelled')
                RETURNING id, business_key
            ), started AS (
                INSERT INTO workflow_history (workflow_id, visit, event, to_state, error, worker_id)
                SELECT id, 1, 'started', \(state), \(note), \(actor) FROM inserted
            ), marked AS (
                INSERT INTO workflow_history (workflow_id, visit, event, from_state, to_state, error, worker_id)
                SELECT old.id, old.visit, 'rerun', old.state, \(state),
                       'rerun as ' || (SELECT id::text FROM inserted) || ': ' || \(reason), \(actor)
                FROM old WHERE EXISTS (SELECT 1 FROM inserted)
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', 'new run ' || inserted.id::text || ' from ' || \(state)::text
                FROM inserted WHERE \(audit?.actor)::text IS NOT NULL
            ), notified AS (
                SELECT pg_notify(\(wakeupChannel), '') FROM inserted
            )
            SELECT (SELECT status FROM old), (SELECT id FROM inserted), (SELECT count(*) FROM notified)::int8
            """)
        if let (status, inserted, _) = try rows.first?.decode((String?, UUID?, Int64).self) {
            guard let status else { throw StoreError.notFound(workflowID) }
            guard let inserted else {
                throw StoreError.invalidStatus(workflowID, status: status, action: "rerun",
                                               expected: "a workflow that is no longer active (cancel it first)")
            }
            return inserted
        }
        throw StoreError.notFound(workflowID)
    }
}
