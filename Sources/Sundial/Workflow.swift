import Foundation

/// A durable business process written as an explicit state machine.
///
/// A type conforming to `Workflow` names itself and its definition version, declares its `State`
/// enum, the `Input` it is started with, the `Context` it carries between states, and one handler
/// (`run`) that does one state's work and answers with a ``Transition``. The engine checkpoints
/// state and context in Postgres after every handler, so a crash re-runs at most the current
/// state's handler: handlers are at-least-once, and every external call should carry
/// ``Step/idempotencyKey``.
///
/// ```swift
/// struct Greeting: Workflow {
///     static let name = "greeting"
///     static let version = 1
///     enum State: String, WorkflowState { case compose, send }
///     typealias Output = String
///     struct Input: Codable, Sendable { var to: String }
///     struct Context: Codable, Sendable { var to: String; var text: String? }
///
///     static let initialState = State.compose
///     static func makeContext(from input: Input) -> Context { Context(to: input.to) }
///
///     func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
///         switch state {
///         case .compose: ctx.text = "Hello, \(ctx.to)"; return .next(.send)
///         case .send: return .complete(ctx.text!)
///         }
///     }
/// }
/// ```
public protocol Workflow: Sendable {
    associatedtype State: WorkflowState
    associatedtype Input: Codable & Sendable
    associatedtype Context: Codable & Sendable
    /// What the workflow completes with; `typealias Output = NoOutput` when it reports nothing.
    /// (Declared explicitly: inferring it from `run`'s `Next` return type is a cycle the
    /// compiler rejects.)
    associatedtype Output: Codable & Sendable
    associatedtype Compensation: Codable & Sendable = NoCompensation

    /// The stable type name stored with every instance (`order`, `quickbooks-daily`).
    static var name: String { get }
    /// The definition version stored with every instance; bump it when states or context change
    /// incompatibly. A worker never runs an instance whose version it does not know.
    static var version: Int { get }
    /// The state a new instance starts in.
    static var initialState: State { get }

    /// The state graph, for the operator dashboard's diagram: for each state, the states its
    /// handler may go on to (`.next`, and the `then`/`onTimeout` of a sleep or an await; a state
    /// that repeats, such as a chunked step, lists itself). A state's ``StatePolicy/onFailure``
    /// branch need not be listed: the engine adds it from ``policy(for:)``.
    ///
    /// Descriptive only: the engine never refuses a transition that is not declared here. The
    /// default is empty, and the dashboard then draws the transitions seen in the type's history
    /// (which it also draws, dashed, next to a declared graph).
    ///
    /// ```swift
    /// static let stateGraph: [State: [State]] = [.compose: [.send]]
    /// ```
    static var stateGraph: [State: [State]] { get }

    /// Builds the first context from the input the workflow was started with.
    static func makeContext(from input: Input) throws -> Context

    /// Validates input before anything is written; throw ``InputError`` to refuse it.
    static func validate(_ input: Input) throws

    /// Retry policy, failure branch and time limit of one state, all in one place.
    func policy(for state: State) -> StatePolicy<State>

    /// The retry policy of compensation steps (the undo of registered effects).
    var compensationRetry: RetryPolicy { get }

    /// Does one state's work and says where to go next. Mutations of `context` are committed
    /// together with the returned transition, and discarded if the handler throws.
    func run(_ state: State, _ context: inout Context, _ step: Step<Self>) async throws -> Transition<State, Output>

    /// Undoes one effect registered with ``Step/onUndo(_:)``. Runs as a durable, retried step.
    func compensate(_ action: Compensation, _ context: Context, _ step: UndoStep) async throws

    /// Why a cancel is refused in `state` with `context` (a parcel already with the carrier), or
    /// nil when a cancel may run the compensations. Asked when a cancel is requested (the caller
    /// gets the reason), when a step moves the workflow to a new state (a cancel requested while
    /// the step ran is dropped if that state refuses one) and again by the worker before it
    /// compensates, so a workflow that moved on meanwhile is not undone. The default allows
    /// every cancel.
    func cancellationRefusal(in state: State, context: Context) -> String?
}

extension Workflow {
    /// Shorthand for the transition type a handler returns.
    public typealias Next = Transition<State, Output>

    public static func validate(_ input: Input) throws {}

    public static var stateGraph: [State: [State]] { [:] }

    public func policy(for state: State) -> StatePolicy<State> { StatePolicy() }

    public var compensationRetry: RetryPolicy { .compensationDefault }

    public func cancellationRefusal(in state: State, context: Context) -> String? { nil }
}

extension Workflow where Compensation == NoCompensation {
    public func compensate(_ action: NoCompensation, _ context: Context, _ step: UndoStep) async throws {}
}

/// The states of a workflow: a `String`-backed enum, whose raw values are stored in Postgres.
public protocol WorkflowState: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {}

/// The output of a workflow that completes with nothing to report.
public struct NoOutput: Codable, Sendable, Equatable {
    public init() {}
}

/// The compensation type of a workflow that registers no undo actions.
public enum NoCompensation: Codable, Sendable {
    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "this workflow registers no undo actions"))
    }

    public func encode(to encoder: any Encoder) throws {}
}
