import Foundation
import PostgresNIO

extension WorkflowStore {
    /// The transition commit: one prepared statement, so one round trip and one transaction
    /// (`CommitTransitionStatement`).
    ///
    /// Updates the row only if the fencing token, visit and attempt still match what the worker
    /// claimed (primary key lookup); otherwise nothing is written and ``StoreError/fenced`` is
    /// thrown. In the same statement: the history row, the compensation stack change, the
    /// consumption of the signal that woke the state, outbox rows, tags and child workflows, and a
    /// NOTIFY when the row is left due for other workers (or a child was created).
    ///
    /// `run_at` is computed in SQL, against the database clock that claims also use. Two
    /// conditions override the requested time, both evaluated on the latest row version:
    /// a pending cancel makes the row due now (unless the commit drops it, because the workflow
    /// moved to a state that refuses a cancel, or the workflow is already compensating, so undo
    /// backoffs hold); and a wait becomes due now when a matching
    /// signal is already in the inbox or `signal_seq` moved since the worker last saw it (a
    /// signal sent while the handler ran).
    func commitTransition(_ commit: TransitionCommit) async throws -> CommittedTransition {
        counters.commits.add(1, ordering: .relaxed)
        let statement = CommitTransitionStatement(commit: commit, channel: wakeupChannel)
        let row: CommitTransitionStatement.Row?
        if commit.messages.isEmpty && commit.children.isEmpty && commit.tags.isEmpty {
            row = try await first(client.execute(statement, logger: logger))
        } else {
            row = try await first(client.execute(CommitTransitionWithEffectsStatement(base: statement), logger: logger))
        }
        guard let (status, runAt, leaseKept, cancelRequested, signalSeq, topUndo, undoDepth) = row else {
            throw StoreError.fenced(commit.id, token: commit.fencingToken)
        }
        return CommittedTransition(
            status: WorkflowStatus(rawValue: status) ?? commit.status,
            runAt: runAt, leaseKept: leaseKept, cancelRequested: cancelRequested, signalSeq: signalSeq,
            topUndo: topUndo, undoDepth: undoDepth)
    }

    /// The first element of a result sequence (the rest is drained).
    func first<S: AsyncSequence>(_ sequence: S) async throws -> S.Element? {
        var result: S.Element?
        for try await element in sequence where result == nil { result = element }
        return result
    }
}
