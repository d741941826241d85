import Foundation
import Sundial

/// Everything one transition writes, committed by ``WorkflowStore/commitTransition(_:)`` in a
/// single statement: the row update, the history entry, the compensation stack change, the
/// signal it consumed and the wake-up NOTIFY.
struct TransitionCommit: Sendable {
    /// When the workflow becomes due after this commit.
    enum RunAt: Sendable {
        /// Keep the lease and go on in this worker (`run_at` becomes the lease expiry).
        case keepLease(Duration)
        /// Due now, lease released: any worker may take it.
        case now
        case after(Duration)
        case at(Date)
        /// Not due until something happens (finished, failed, awaiting a signal forever).
        case never
    }

    let id: UUID
    let fencingToken: Int64
    /// The visit and attempt the commit was computed from; a retried commit that already
    /// landed matches nothing instead of applying twice.
    let expectedVisit: Int
    let expectedAttempt: Int
    /// Skips the fencing check (debug builds, chaos proof only; see `WorkerConfiguration`).
    var unfenced = false

    var state: String
    var status: WorkflowStatus
    /// New context JSON; nil keeps the stored one untouched (no re-encoding, no rewrite).
    var context: String?
    var output: String?
    /// JSON array of undo entries to push (newest last).
    var pushUndos: String = "[]"
    var popUndo = false
    var runAt: RunAt
    var worker: String
    var newVisit: Int
    var newAttempt: Int
    var lastError: String?
    var waitSignal: String? = nil
    var waitTimeoutState: String? = nil
    /// True when the wait gives up at `runAt` (an await with a timeout).
    var waitHasDeadline = false
    /// Leaves `wait_deadline` as stored (a retry of a wait's branch).
    var keepWaitDeadline = false
    /// The `signal_seq` this worker last saw; a different value at commit means a signal came in.
    var seenSignalSeq: Int64
    var consumeSignalID: String? = nil
    /// Outbox rows written with the transition.
    var messages: [OutboxMessage] = []
    /// Child workflows created with the transition.
    var children: [ChildStart] = []
    /// Tags attached with the transition.
    var tags: [WorkflowTag] = []
    var finished = false
    /// Sets `cancel_requested` (true: a `.cancel` transition; false: a refused cancel); nil keeps it.
    var cancelFlag: Bool? = nil
    /// The cancel reason stored with `cancelFlag == true`.
    var cancelReason: String? = nil
    /// nil writes no history row (a quiet re-wait after a spurious wake-up).
    var event: String?
    var fromState: String?
    var historyAttempt: Int
    var historyError: String?
    var durationMilliseconds: Double?
}

/// What the row looks like after a commit, as far as the worker needs to know.
struct CommittedTransition: Sendable {
    let status: WorkflowStatus
    let runAt: Date?
    let leaseKept: Bool
    let cancelRequested: Bool
    let signalSeq: Int64
    /// The compensation stack after the commit: its top entry and depth.
    let topUndo: String?
    let undoDepth: Int
}
