import Foundation
import PostgresNIO

extension WorkflowStore {
    /// Asks a workflow to cancel: its registered undo actions run newest first, then it ends
    /// `cancelled`. A workflow that is not leased becomes due now; a leased one sees the
    /// request when its current step commits. Refused for finished workflows and for one that
    /// is already compensating. Served by the primary key.
    func requestCancel(workflowID: UUID, reason: String, actor: String, audit: AuditNote? = nil) async throws {
        let rows = try await acknowledgedWrite("""
            WITH target AS (
                SELECT id, status FROM workflows WHERE id = \(workflowID) FOR UPDATE
            ), updated AS (
                UPDATE workflows w SET
                    cancel_requested = true,
                    cancel_reason = \(reason),
                    status = CASE WHEN w.status = 'failed' THEN 'runnable' ELSE w.status END,
                    run_at = CASE WHEN w.lease_owner IS NULL THEN now() ELSE w.run_at END,
                    updated_at = now()
                FROM target
                WHERE w.id = target.id AND target.status IN ('runnable', 'sleeping', 'waiting', 'failed')
                RETURNING w.id, w.state, w.visit, w.lease_owner IS NULL AS free
            ), history AS (
                INSERT INTO workflow_history (workflow_id, visit, event, from_state, to_state, error, worker_id)
                SELECT id, visit, 'cancel-requested', state, state, \(reason), \(actor) FROM updated
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', \(audit?.detail)::text
                FROM updated WHERE \(audit?.actor)::text IS NOT NULL
            ), notified AS (
                SELECT pg_notify(\(wakeupChannel), '') FROM updated WHERE free
            )
            SELECT (SELECT status FROM target), (SELECT count(*) FROM updated)::int8, (SELECT count(*) FROM notified)::int8
            """)
        if let (status, updated, _) = try rows.first?.decode((String?, Int64, Int64).self) {
            guard let status else { throw StoreError.notFound(workflowID) }
            guard updated == 1 else {
                throw StoreError.invalidStatus(workflowID, status: status, action: "cancel", expected: "runnable, sleeping, waiting or failed")
            }
            return
        }
        throw StoreError.notFound(workflowID)
    }

    /// Resumes a `failed` workflow (its current state runs again with fresh attempts) or a
    /// `compensation_failed` one (the failed undo runs again with fresh attempts).
    /// Served by the primary key.
    func resume(workflowID: UUID, reason: String, actor: String, audit: AuditNote? = nil) async throws {
        let rows = try await acknowledgedWrite("""
            WITH target AS (
                SELECT id, status FROM workflows WHERE id = \(workflowID) FOR UPDATE
            ), updated AS (
                UPDATE workflows w SET
                    status = CASE WHEN w.status = 'compensation_failed' THEN 'compensating' ELSE 'runnable' END,
                    attempt = 0,
                    run_at = now(),
                    lease_owner = NULL,
                    updated_at = now()
                FROM target
                WHERE w.id = target.id AND target.status IN ('failed', 'compensation_failed')
                RETURNING w.id, w.state, w.visit
            ), history AS (
                INSERT INTO workflow_history (workflow_id, visit, event, from_state, to_state, error, worker_id)
                SELECT id, visit, 'resumed', state, state, \(reason), \(actor) FROM updated
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', \(audit?.detail)::text
                FROM updated WHERE \(audit?.actor)::text IS NOT NULL
            ), notified AS (
                SELECT pg_notify(\(wakeupChannel), '') FROM updated
            )
            SELECT (SELECT status FROM target), (SELECT count(*) FROM updated)::int8, (SELECT count(*) FROM notified)::int8
            """)
        if let (status, updated, _) = try rows.first?.decode((String?, Int64, Int64).self) {
            guard let status else { throw StoreError.notFound(workflowID) }
            guard updated == 1 else {
                throw StoreError.invalidStatus(workflowID, status: status, action: "resume", expected: "failed or compensation_failed")
            }
            return
        }
        throw StoreError.notFound(workflowID)
    }
}
