import Foundation
import Sundial

/// The engine's ``WorkflowEventFeed`` over `workflow_history`, handed by the worker to the
/// scheduled syncs.
public struct PostgresWorkflowEventFeed: WorkflowEventFeed {
    let store: WorkflowStore

    public init(store: WorkflowStore) { self.store = store }

    public func horizon() async throws -> EventPosition { try await store.eventHorizon() }

    public func events(after: EventPosition?, before: EventPosition, workflowType: String?, event: String?, limit: Int) async throws
        -> [WorkflowEventRecord]
    {
        try await store.historyEvents(after: after, before: before, workflowType: workflowType, event: event, limit: limit)
    }

    public func workflows(ids: [UUID]) async throws -> [WorkflowSnapshotRecord] { try await store.workflowRecords(ids: ids) }
}
