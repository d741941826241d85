import Foundation
import Logging

/// What a handler knows about the step it is running, and how it registers undo actions.
///
/// A `Step` lives for one attempt of one handler. Everything registered with ``onUndo(_:)``
/// is committed with the handler's transition, and dropped if the handler throws.
public final class Step<W: Workflow> {
    /// The workflow instance's id.
    public let workflowID: UUID
    /// The business key the workflow was started with (an order id, a business date).
    public let businessKey: String
    /// The state whose handler is running.
    public let state: W.State
    /// How many states this instance has entered, this one included; part of the idempotency key.
    public let visit: Int
    /// 1 for the first attempt of this visit, 2 for the first retry, and so on.
    public let attempt: Int
    /// Stable across retries and crashes of this visit: `"<workflow id>/<state>/<visit>"`.
    /// Send it with every external call so the outside world sees the effect once.
    public let idempotencyKey: String
    /// The signal that woke this state after an `.await`, if any.
    public let signal: ReceivedSignal?
    /// True when this state runs because an `.await` timed out.
    public let timedOut: Bool
    /// The error of the handler that failed over to this state through `StatePolicy.onFailure`.
    public let previousError: String?
    /// A logger with the workflow id, type, state and visit attached.
    public let logger: Logger
    /// The clock handlers should read instead of `Date()`, so tests can fix time.
    public let clock: any WorkflowClock
    private let leaseCheck: (@Sendable () async throws -> Void)?

    /// Compensations registered during this attempt, in registration order.
    public private(set) var registeredUndos: [W.Compensation] = []
    /// Outbox messages added during this attempt (see ``enqueue(topic:payload:key:)``).
    public internal(set) var registeredMessages: [OutboxMessage] = []
    /// Child workflows started during this attempt (see ``startChild(_:key:input:)``).
    public internal(set) var registeredChildren: [ChildStart] = []
    /// Tags attached during this attempt (see ``tag(_:_:)``).
    public internal(set) var registeredTags: [WorkflowTag] = []

    public init(
        workflowID: UUID, businessKey: String, state: W.State, visit: Int, attempt: Int,
        signal: ReceivedSignal?, timedOut: Bool, previousError: String?, logger: Logger, clock: any WorkflowClock,
        leaseCheck: (@Sendable () async throws -> Void)? = nil
    ) {
        self.workflowID = workflowID
        self.businessKey = businessKey
        self.state = state
        self.visit = visit
        self.attempt = attempt
        self.idempotencyKey = "\(workflowID.uuidString.lowercased())/\(state.rawValue)/\(visit)"
        self.signal = signal
        self.timedOut = timedOut
        self.previousError = previousError
        self.logger = logger
        self.clock = clock
        self.leaseCheck = leaseCheck
    }

    /// Throws ``LeaseLost`` unless this worker still holds the workflow's lease (one database
    /// round trip). Call it right before an effect that must not come from a stale run, such as
    /// voiding a label that may be another run's kept one.
    public func ensureLeaseHeld() async throws {
        try await leaseCheck?()
    }

    /// Registers the undo of an effect this handler just caused. On failure or cancel, the
    /// registered undos run newest first, each a durable, retried step.
    public func onUndo(_ action: W.Compensation) {
        registeredUndos.append(action)
    }

    /// The current time from the injected clock.
    public var now: Date { clock.now() }
}

/// What an undo handler knows about the compensation step it runs, and how it adds outbox
/// messages (a "cancelled" notice) committed with the undo.
public final class UndoStep {
    public let workflowID: UUID
    /// Position of this undo in the stack (1 = the first registered); stable across retries.
    public let position: Int
    public let attempt: Int
    /// Stable across retries: `"<workflow id>/undo/<position>"`.
    public let idempotencyKey: String
    public let logger: Logger
    /// Outbox messages added by this undo, committed with it.
    public private(set) var registeredMessages: [OutboxMessage] = []

    public init(workflowID: UUID, position: Int, attempt: Int, logger: Logger) {
        self.workflowID = workflowID
        self.position = position
        self.attempt = attempt
        self.idempotencyKey = "\(workflowID.uuidString.lowercased())/undo/\(position)"
        self.logger = logger
    }

    func append(_ message: OutboxMessage) { registeredMessages.append(message) }
}

/// A signal delivered to a waiting workflow: its name, sender-chosen id and JSON payload.
public struct ReceivedSignal: Sendable, Equatable {
    public let name: String
    public let id: String
    /// The payload as JSON text.
    public let payload: String

    public init(name: String, id: String, payload: String) {
        self.name = name
        self.id = id
        self.payload = payload
    }

    /// Decodes the payload.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder.sundial.decode(T.self, from: Data(payload.utf8))
    }
}
