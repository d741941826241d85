import Foundation
import Logging
import Sundial

/// A registered workflow type with its generic parts erased, so the engine can start and run
/// instances of any `Workflow` from their stored JSON.
public struct WorkflowDefinition: Sendable {
    public let name: String
    public let version: Int
    public let initialState: String
    /// Every state name, in declaration order (for diagrams and validation).
    public let states: [String]
    /// The declared state graph (``Sundial/Workflow/stateGraph``) with every state's failure
    /// branch (``Sundial/StatePolicy/onFailure``), in state declaration order, without
    /// duplicates. Empty for a type that declares no graph and has no failure branch.
    public let edges: [StateEdge]

    /// Decodes and validates a JSON input; returns the normalized input and the first context.
    let prepareStart: @Sendable (_ input: Data) throws -> (input: String, context: String)
    /// Runs one forward step.
    let runStep: @Sendable (_ request: StepRequest) async -> StepResult
    /// Runs the undo action on top of the stack.
    let runUndo: @Sendable (_ request: UndoRequest) async -> UndoResult
    /// The retry policy for a state name (unknown names get the standard policy).
    let retryPolicy: @Sendable (_ state: String) -> RetryPolicy
    /// The time limit of a state's handler (unknown names get the default 60 s).
    let stepTimeout: @Sendable (_ state: String) -> Duration
    let compensationRetry: RetryPolicy
    /// Why a cancel is refused in a state with a stored context; nil allows it.
    public let cancellationRefusal: @Sendable (_ state: String, _ context: String) -> String?

    public init<W: Workflow>(_ workflow: W) {
        name = W.name
        version = W.version
        initialState = W.initialState.rawValue
        states = W.State.allCases.map(\.rawValue)
        edges = Self.edges(workflow)
        prepareStart = { data in try StepExecutor.prepareStart(W.self, input: data) }
        runStep = { request in await StepExecutor.run(workflow, request) }
        runUndo = { request in await StepExecutor.undo(workflow, request) }
        retryPolicy = { state in W.State(rawValue: state).map { workflow.policy(for: $0).retry } ?? .standard }
        stepTimeout = { state in W.State(rawValue: state).map { workflow.policy(for: $0).timeout } ?? .seconds(60) }
        compensationRetry = workflow.compensationRetry
        cancellationRefusal = { state, context in StepExecutor.cancellationRefusal(workflow, state: state, context: context) }
    }

    private static func edges<W: Workflow>(_ workflow: W) -> [StateEdge] {
        var result: [StateEdge] = []
        var seen = Set<StateEdge>()
        let graph = W.stateGraph
        for state in W.State.allCases {
            var targets = graph[state] ?? []
            if let branch = workflow.policy(for: state).onFailure { targets.append(branch) }
            for target in targets {
                let edge = StateEdge(from: state.rawValue, to: target.rawValue)
                if seen.insert(edge).inserted { result.append(edge) }
            }
        }
        return result
    }

    /// `name@version`, as workers advertise what they run.
    public var key: String { "\(name)@\(version)" }
}

/// The inputs of one forward step.
struct StepRequest: Sendable {
    let workflowID: UUID
    let businessKey: String
    /// The state whose handler runs.
    let state: String
    let context: String
    let visit: Int
    /// 1-based attempt number.
    let attempt: Int
    let signal: ReceivedSignal?
    let timedOut: Bool
    let previousError: String?
    let logger: Logger
    let clock: any WorkflowClock
    /// Throws ``LeaseLost`` when the lease is no longer this worker's (a database check).
    let leaseCheck: @Sendable () async throws -> Void
    /// True once the worker learnt (from its heartbeat) that the lease was lost.
    let isLeaseLost: @Sendable () -> Bool
}

/// What one forward step came to.
enum StepResult: Sendable {
    case transition(StepTransition)
    /// The handler threw (or timed out, or the stored state/context could not be read).
    case failure(message: String, decision: RetryDecision, onFailure: String?)
    /// A shared API limit was full (``CapacityWait``): sleep and try again, no attempt spent.
    case capacityWait(message: String, retryAfter: Duration)
}

/// A handler's transition with its typed parts encoded.
struct StepTransition: Sendable {
    enum Kind: Sendable {
        case next(String)
        case sleep(Duration, then: String)
        case sleepUntil(Date, then: String)
        case await(signal: String, timeout: Duration?, then: String, onTimeout: String)
        case complete(output: String)
        case fail(reason: String)
        case cancel(reason: String)
    }

    let kind: Kind
    /// The new context, or nil when it encodes to the same JSON as before.
    let context: String?
    /// JSON array of undo entries registered by the handler.
    let undos: String
    let messages: [OutboxMessage]
    let children: [ChildStart]
    let tags: [WorkflowTag]
    /// The state the workflow goes on to (next, after a sleep, after a wait) refuses a cancel:
    /// a cancel requested while the handler ran is dropped with the commit, not acted on.
    let refusesCancel: Bool
}

struct UndoRequest: Sendable {
    let workflowID: UUID
    let context: String
    let entry: String
    let position: Int
    let attempt: Int
    let logger: Logger
}

enum UndoResult: Sendable {
    /// The undo succeeded; `messages` go to the outbox with its commit.
    case done(messages: [OutboxMessage])
    case failure(message: String, decision: RetryDecision)
    /// A shared API limit was full (``CapacityWait``): sleep and try again, no attempt spent.
    case capacityWait(message: String, retryAfter: Duration)
}
