import Foundation

extension WorkflowClient {
    /// Why the workflow is not running now (see ``WorkflowExplainer``), from its row, latest
    /// history entry, the paused types and the live workers' definitions.
    public func explain(_ id: UUID, now: Date = Date()) async throws -> WorkflowExplanation {
        let snapshot = try await store.workflow(id)
        let last = try await store.lastHistoryEntry(id)
        let paused = Set(try await store.pausedTypes().map(\.type))
        let live = Set(try await store.workers().filter(\.live).flatMap(\.definitions))
        let maxAttempts = registry.definition(snapshot.type, version: snapshot.version)?.retryPolicy(snapshot.state).maxAttempts
        return WorkflowExplainer.explain(snapshot, lastEvent: last, paused: paused, liveDefinitions: live,
                                         maxAttempts: maxAttempts, now: now)
    }
}
