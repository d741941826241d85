import Foundation

/// Read access to the engine's workflow history as an ordered, exact feed, for scheduled syncs
/// (the hourly warehouse export, the daily profile sync). Exists so a workflow in `Workflows/`
/// can page through "everything that happened since my cursor" through the public API; the
/// engine implements it over Postgres and the worker hands it to the workflows that need it.
///
/// Exactness: events are ordered by ``EventPosition`` (writing transaction, row id), and only
/// events below ``horizon()`` are returned, that is events of transactions that ended before any
/// transaction still running began. An event that commits later always lands after the horizon
/// of every earlier read, so a cursor never passes an event it has not seen. A long-running
/// transaction elsewhere in the database holds the horizon back (the feed lags, it never skips).
public protocol WorkflowEventFeed: Sendable {
    /// The exclusive upper bound of what can be read now and will never change.
    func horizon() async throws -> EventPosition

    /// Events strictly after `after` (from the start when nil) and strictly before `before`, in
    /// feed order, at most `limit` (1–5000); only those of workflows of `workflowType` and with
    /// history event `event` when given.
    func events(after: EventPosition?, before: EventPosition, workflowType: String?, event: String?, limit: Int) async throws
        -> [WorkflowEventRecord]

    /// The workflows with these ids that still exist (retention deletes old finished ones).
    func workflows(ids: [UUID]) async throws -> [WorkflowSnapshotRecord]
}
