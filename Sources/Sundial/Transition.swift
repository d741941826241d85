import Foundation

/// What a handler answers: where the workflow goes next.
///
/// Every transition commits in one Postgres transaction together with the new context, the
/// history row and any compensations registered during the handler.
public enum Transition<State: WorkflowState, Output: Codable & Sendable>: Sendable {
    /// Run `state` next, right away (the worker keeps the lease and goes on).
    case next(State)
    /// Wait durably for `duration`, then run `state`.
    case sleep(for: Duration, then: State)
    /// Wait durably until `date`, then run `state`.
    case sleepUntil(Date, then: State)
    /// Wait durably for the signal named `signal`. When it arrives, run `then` (the handler sees it
    /// as ``Step/signal``); if `timeout` passes first, run `onTimeout`. A signal that arrived before
    /// the wait began is kept and delivered at once.
    case await(signal: String, timeout: Duration?, then: State, onTimeout: State)
    /// Finish successfully with `output`.
    case complete(Output)
    /// Finish with a business failure. Registered compensations run in reverse order first.
    case fail(reason: String)
    /// Finish `cancelled` for a business reason (a declined card): registered compensations run
    /// in reverse order first, exactly as for an operator's cancel.
    case cancel(reason: String)
}

extension Transition where Output == NoOutput {
    /// Finish successfully with no output.
    public static var complete: Transition { .complete(NoOutput()) }
}

extension Transition {
    /// Wait for `signal` with no timeout, then run `then`.
    public static func await(signal: String, then: State) -> Transition {
        .await(signal: signal, timeout: nil, then: then, onTimeout: then)
    }
}
