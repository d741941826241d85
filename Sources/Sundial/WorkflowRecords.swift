import Foundation

/// Read access to the engine's own records of finished workflows, for batch workflows that
/// report on other workflows (the nightly accounting batch reads the day's completed orders).
/// Exists so a workflow in `Workflows/` can page through those records through the public API
/// without knowing about Postgres; the engine implements it over an index and the worker hands
/// it to the workflows that need it at construction (as it does ``APIGuard``).
///
/// Reads are paged with a ``RecordCursor`` so a caller never holds an unbounded set at once.
public protocol WorkflowRecords: Sendable {
    /// Workflows of `type` with status completed and `finishedAt` in `[from, before)`, ordered by
    /// (`finishedAt`, `id`), strictly after `cursor` when given, at most `limit` of them.
    func completed(type: String, finishedFrom from: Date, before: Date, after cursor: RecordCursor?, limit: Int) async throws
        -> [CompletedWorkflowRecord]

    /// Every workflow of `type` whose input names `businessDate` (`"business_date": "2026-11-25"`),
    /// oldest first: the runs of one business date of a batch job.
    func runs(type: String, businessDate: String) async throws -> [WorkflowRunRecord]
}
