/// Where a workflow instance stands, as stored in `workflows.status`.
public enum WorkflowStatus: String, Sendable, Codable, CaseIterable {
    /// Due now (or leased by a worker, or backing off after a failed attempt).
    case runnable
    /// Durably sleeping until `run_at`.
    case sleeping
    /// Awaiting a named signal, until `run_at` when a timeout was given.
    case waiting
    /// Running its registered undo actions after a failure or a cancel.
    case compensating
    case completed
    /// Failed with no compensation to run; `resume` re-runs the current state.
    case failed
    /// Failed, and every registered undo ran.
    case compensated
    /// An undo exhausted its retries; `resume` retries the compensation.
    case compensationFailed = "compensation_failed"
    /// Cancelled, after every registered undo ran.
    case cancelled

    /// True for the end states that accept no signal, cancel or resume.
    public var isTerminal: Bool {
        switch self {
        case .completed, .compensated, .cancelled: true
        default: false
        }
    }
}
