import Foundation
import Sundial

/// The engine's ``WorkflowRecords``: paged reads of the `workflows` table, handed by the worker
/// to the workflows that report on other workflows (the nightly accounting batch).
public struct PostgresWorkflowRecords: WorkflowRecords {
    let store: WorkflowStore

    public init(store: WorkflowStore) { self.store = store }

    public func completed(type: String, finishedFrom from: Date, before: Date, after cursor: RecordCursor?, limit: Int) async throws
        -> [CompletedWorkflowRecord]
    {
        try await store.completedWorkflows(type: type, finishedFrom: from, before: before, after: cursor, limit: limit)
    }

    public func runs(type: String, businessDate: String) async throws -> [WorkflowRunRecord] {
        try await store.runs(type: type, businessDate: businessDate)
    }
}
