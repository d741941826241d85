import Foundation
import PostgresNIO

extension WorkflowStore {
    /// Skips the backoff wait of a workflow that failed an attempt and waits for its retry
    /// (runnable, waiting or compensating, not leased, `attempt > 0`, `run_at` in the future):
    /// it becomes due now. Anything else is refused with ``StoreError/invalidStatus``. One
    /// statement, served by the primary key.
    func retryNow(workflowID: UUID, reason: String, actor: String, audit: AuditNote? = nil) async throws {
        let rows = try await acknowledgedWrite("""
            WITH target AS (
                SELECT id, status, attempt, lease_owner, run_at > now() AS later FROM workflows WHERE id = \(workflowID) FOR UPDATE
            ), updated AS (
                UPDATE workflows w SET run_at = now(), updated_at = now()
                FROM target
                WHERE w.id = target.id AND target.status IN ('runnable', 'waiting', 'compensating')
                  AND target.lease_owner IS NULL AND target.attempt > 0 AND target.later
                RETURNING w.id, w.state, w.visit, w.attempt
            ), history AS (
                INSERT INTO workflow_history (workflow_id, visit, event, from_state, to_state, attempt, error, worker_id)
                SELECT id, visit, 'retry-now', state, state, attempt, \(reason), \(actor) FROM updated
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', \(audit?.detail)::text
                FROM updated WHERE \(audit?.actor)::text IS NOT NULL
            ), notified AS (
                SELECT pg_notify(\(wakeupChannel), '') FROM updated
            )
            SELECT (SELECT status FROM target), (SELECT attempt FROM target), (SELECT lease_owner FROM target),
                   (SELECT count(*) FROM updated)::int8, (SELECT count(*) FROM notified)::int8
            """)
        if let (status, attempt, owner, updated, _) = try rows.first?.decode((String?, Int?, String?, Int64, Int64).self) {
            guard let status else { throw StoreError.notFound(workflowID) }
            guard updated == 1 else {
                let why = owner.map { "is leased by worker \($0)" } ?? "is \(status) with \(attempt ?? 0) failed attempts"
                throw StoreError.invalidStatus(workflowID, status: status, action: "retry",
                                               expected: "a workflow backing off after a failed attempt (it \(why))")
            }
            return
        }
        throw StoreError.notFound(workflowID)
    }
}
