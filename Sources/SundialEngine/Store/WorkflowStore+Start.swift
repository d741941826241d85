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
    /// One prepared statement (`StartWorkflowStatement`), one transaction: the row, its `started`
    /// history entry and the wake-up NOTIFY (delivered on commit). Served by the
    /// `workflows_business_key_unique` index.
    func startWorkflow(
        type: String, version: Int, businessKey: String, initialState: String, input: String, context: String
    ) async throws -> StartedWorkflow {
        let id = UUID()
        // ON CONFLICT waits for a concurrent insert of the same key; the statement's snapshot
        // then cannot see that row, so an empty answer means "look again".
        for _ in 0..<3 {
            counters.starts.add(1, ordering: .relaxed)
            let rows = try await client.execute(StartWorkflowStatement(
                id: id, type: type, version: version, key: businessKey, state: initialState, input: input,
                context: context, channel: wakeupChannel), logger: logger)
            for try await (existingID, created, sameInput, status) in rows {
                guard sameInput else {
                    throw StoreError.conflictingInput(type: type, businessKey: businessKey, existingID: existingID)
                }
                if created { metrics.started(type: type) }
                return StartedWorkflow(id: existingID, created: created, status: WorkflowStatus(rawValue: status) ?? .runnable)
            }
        }
        throw StoreError.conflictingInput(type: type, businessKey: businessKey, existingID: id)
    }
}
