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
    /// history entry and the wake-up NOTIFY (delivered on commit), then a read-back of a new row. Served by the
    /// `workflows_business_key_unique` index.
    func startWorkflow(
        type: String, version: Int, businessKey: String, initialState: String, input: String, context: String
    ) async throws -> StartedWorkflow {
        let id = UUID.timeOrdered()
        // ON CONFLICT waits for a concurrent insert of the same key; the statement's snapshot
        // then cannot see that row, so an empty answer means "look again".
        for _ in 0..<3 {
            counters.starts.add(1, ordering: .relaxed)
            let rows = try await client.execute(StartWorkflowStatement(
                id: id, type: type, version: version, key: businessKey, state: initialState, input: input,
                context: context, channel: wakeupChannel), logger: logger)
            // Read to the end: the start is committed only once the statement completes, and
            // answering after the first row could report a start that a dying connection rolled back.
            if let (existingID, created, sameInput, status) = try await first(rows) {
                guard sameInput else {
                    throw StoreError.conflictingInput(type: type, businessKey: businessKey, existingID: existingID)
                }
                // An autocommit statement commits at the protocol's Sync, after its rows and
                // CommandComplete were sent: a connection killed in between (a PostgreSQL restart)
                // rolls back a start the client already read. Before answering "accepted", read
                // the row back (primary key); a start that did not survive is made again.
                if created, try await !exists(existingID) { continue }
                if created { metrics.started(type: type) }
                return StartedWorkflow(id: existingID, created: created, status: WorkflowStatus(rawValue: status) ?? .runnable)
            }
        }
        throw StoreError.conflictingInput(type: type, businessKey: businessKey, existingID: id)
    }

    /// A start an operator asked for (a batch rerun), with its audit entry in the same
    /// transaction: the start statement, then the `ok` row whose detail `describe` writes from
    /// what started, then COMMIT, whose answer proves both durable (so no read-back).
    func startWorkflow(
        type: String, version: Int, businessKey: String, initialState: String, input: String, context: String,
        audit: AuditNote, describe: @Sendable (StartedWorkflow) -> String?
    ) async throws -> StartedWorkflow {
        let id = UUID.timeOrdered()
        let logger = self.logger
        let statement = StartWorkflowStatement(
            id: id, type: type, version: version, key: businessKey, state: initialState, input: input,
            context: context, channel: wakeupChannel)
        let started: StartedWorkflow = try await inTransaction { connection in
            // ON CONFLICT waits for a concurrent insert of the same key; each statement of the
            // transaction takes a new snapshot, so an empty answer means "look again".
            for _ in 0..<3 {
                counters.starts.add(1, ordering: .relaxed)
                let rows = try await connection.execute(statement, logger: logger)
                guard let (existingID, created, sameInput, status) = try await Self.first(rows) else { continue }
                guard sameInput else {
                    throw StoreError.conflictingInput(type: type, businessKey: businessKey, existingID: existingID)
                }
                let started = StartedWorkflow(id: existingID, created: created, status: WorkflowStatus(rawValue: status) ?? .runnable)
                var note = audit
                note.detail = describe(started)
                try await Self.insertAudit(note, on: connection, logger: logger)
                return started
            }
            throw StoreError.conflictingInput(type: type, businessKey: businessKey, existingID: id)
        }
        if started.created { metrics.started(type: type) }
        return started
    }

    /// Whether a workflow row exists (primary key): the start's read-back.
    func exists(_ id: UUID) async throws -> Bool {
        counters.starts.add(1, ordering: .relaxed)
        let rows = try await client.query("SELECT 1 FROM workflows WHERE id = \(id)", logger: logger)
        return try await first(rows.decode(Int.self)) != nil
    }
}
