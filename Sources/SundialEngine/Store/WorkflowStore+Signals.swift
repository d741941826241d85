import Foundation
import PostgresNIO

/// What happened to a signal that was sent.
public enum SignalDelivery: String, Sendable, Equatable {
    /// Stored in the inbox; the workflow was woken if it was waiting for it.
    case accepted
    /// A signal with this id was already received; nothing changed.
    case duplicate
}

extension WorkflowStore {
    /// Stores a signal in the workflow's durable inbox and wakes the workflow if it awaits that
    /// name. One statement: the row lock taken here orders the delivery against a concurrent
    /// transition commit (which sees `signal_seq` move). Served by the primary keys of
    /// `workflows` and `workflow_signals`.
    func sendSignal(workflowID: UUID, signalID: String, name: String, payload: String, audit: AuditNote? = nil) async throws -> SignalDelivery {
        let rows = try await acknowledgedWrite("""
            WITH target AS (
                SELECT id, status FROM workflows WHERE id = \(workflowID) FOR UPDATE
            ), inserted AS (
                INSERT INTO workflow_signals (workflow_id, signal_id, name, payload)
                SELECT id, \(signalID), \(name), \(payload)::jsonb FROM target
                WHERE status NOT IN ('completed', 'compensated', 'cancelled')
                ON CONFLICT (workflow_id, signal_id) DO NOTHING
                RETURNING workflow_id
            ), woken AS (
                UPDATE workflows w SET
                    signal_seq = w.signal_seq + 1,
                    run_at = CASE WHEN w.status = 'waiting' AND w.wait_signal = \(name) AND w.lease_owner IS NULL
                                  THEN now() ELSE w.run_at END
                FROM inserted WHERE w.id = inserted.workflow_id
                RETURNING w.id, w.run_at <= now() AS due
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', \(audit?.detail)::text
                FROM inserted WHERE \(audit?.actor)::text IS NOT NULL
            ), notified AS (
                SELECT pg_notify(\(wakeupChannel), '') FROM woken WHERE due
            )
            SELECT (SELECT status FROM target), (SELECT count(*) FROM inserted)::int8, (SELECT count(*) FROM notified)::int8
            """)
        if let (status, inserted, _) = try rows.first?.decode((String?, Int64, Int64).self) {
            guard let status else { throw StoreError.notFound(workflowID) }
            if inserted == 1 { return .accepted }
            if let parsed = WorkflowStatus(rawValue: status), parsed.isTerminal {
                throw StoreError.invalidStatus(workflowID, status: status, action: "signal", expected: "a workflow that has not finished")
            }
            return .duplicate
        }
        throw StoreError.notFound(workflowID)
    }
}
