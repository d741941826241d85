import Foundation
import PostgresNIO

/// The result of an idempotent start.
public struct StartedWorkflow: Sendable, Equatable {
    public let id: UUID
    /// False when a workflow with the same type, key and input already existed.
    public let created: Bool
    public let status: WorkflowStatus
}

extension WorkflowStore {
    /// Creates a workflow, or returns the existing one for the same (type, business key) when
    /// its input is the same. A different input is a ``StoreError/conflictingInput``.
    ///
    /// One statement, one transaction: the row, its `started` history entry and the wake-up
    /// NOTIFY (delivered on commit). Served by the `workflows_business_key_unique` index.
    func startWorkflow(
        type: String, version: Int, businessKey: String, initialState: String, input: String, context: String
    ) async throws -> StartedWorkflow {
        let id = UUID()
        // ON CONFLICT waits for a concurrent insert of the same key; the statement's snapshot
        // then cannot see that row, so an empty answer means "look again".
        for _ in 0..<3 {
            counters.starts.add(1, ordering: .relaxed)
            let rows = try await client.query("""
                WITH inserted AS (
                    INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at)
                    VALUES (\(id), \(type), \(version), \(businessKey), \(initialState), 'runnable',
                            \(input)::jsonb, \(context)::jsonb, now())
                    ON CONFLICT (type, business_key) DO NOTHING
                    RETURNING id, status
                ), history AS (
                    INSERT INTO workflow_history (workflow_id, visit, event, to_state)
                    SELECT id, 1, 'started', \(initialState) FROM inserted
                ), notified AS (
                    SELECT pg_notify(\(wakeupChannel), '') FROM inserted
                )
                SELECT i.id, true, true, i.status FROM inserted i, (SELECT count(*) FROM notified) n
                UNION ALL
                SELECT w.id, false, w.input = \(input)::jsonb, w.status FROM workflows w
                WHERE w.type = \(type) AND w.business_key = \(businessKey) AND NOT EXISTS (SELECT 1 FROM inserted)
                """, logger: logger)
            for try await (existingID, created, sameInput, status) in rows.decode((UUID, Bool, Bool, String).self) {
                guard sameInput else {
                    throw StoreError.conflictingInput(type: type, businessKey: businessKey, existingID: existingID)
                }
                return StartedWorkflow(id: existingID, created: created, status: WorkflowStatus(rawValue: status) ?? .runnable)
            }
        }
        throw StoreError.conflictingInput(type: type, businessKey: businessKey, existingID: id)
    }
}
