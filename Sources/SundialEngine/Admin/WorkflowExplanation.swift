import Foundation

/// Why a workflow is not running right now, in concrete terms (`explain`): one reason code, a
/// sentence for a person, and the facts behind it (until when, which signal, which error, which
/// worker, what would move it). Exists because status alone ("runnable") hides whether a
/// workflow is backing off, leased, paused or undeployable.
public struct WorkflowExplanation: Sendable, Codable, Equatable {
    /// The reasons `explain` gives.
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// Completed, compensated or cancelled: nothing more will run.
        case finished
        /// A worker holds the lease and is running (or about to run) a step.
        case leased
        /// Its type is paused: workers do not claim it.
        case pausedType = "paused_type"
        /// No live worker registered its type and version.
        case notDeployed = "not_deployed"
        /// A shared API limit was full; the step sleeps without spending an attempt.
        case waitingForCapacity = "waiting_for_capacity"
        /// An attempt failed; the next one runs at `until`.
        case backingOff = "backing_off"
        /// A durable timer (`.sleep`) runs out at `until`.
        case sleeping
        /// Awaiting a named signal, with an optional timeout.
        case awaitingSignal = "awaiting_signal"
        /// Parked in a state that awaits the `resume` signal from an operator.
        case parkedForOperator = "parked_for_operator"
        /// Failed (or compensation failed): waits for an operator's resume.
        case failed
        /// Due now: the next free worker slot takes it.
        case due
    }

    public let reason: Reason
    public let message: String
    public var since: Date? = nil
    public var until: Date? = nil
    public var signal: String? = nil
    public var error: String? = nil
    public var attempt: Int? = nil
    public var maxAttempts: Int? = nil
    public var worker: String? = nil
    /// The action that would move it on (`resume`, `retry`, `signal`, `resume type`).
    public var action: String? = nil

    public init(reason: Reason, message: String) {
        self.reason = reason
        self.message = message
    }
}
