import Foundation
import Sundial
import SundialEngine

/// Cancels itself for a business reason (`Transition.cancel`), optionally after registering an
/// undo in an earlier step and one in the cancelling step itself; the undos record themselves
/// in the world ledger.
public struct CancelProbe: Workflow {
    public static let name = "probe-cancel"
    public static let version = 1
    public static let initialState = State.reserve
    public enum State: String, WorkflowState { case reserve, charge }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable {
        public var tag: String
        public var withUndos: Bool
        public init(tag: String, withUndos: Bool) { self.tag = tag; self.withUndos = withUndos }
    }
    public typealias Context = Input
    public enum Undo: Codable, Sendable { case release(String) }
    public typealias Compensation = Undo

    /// The reason the probe cancels with.
    public static let reason = "card declined: insufficient funds"

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }
    public static func makeContext(from input: Input) -> Input { input }

    public var compensationRetry: RetryPolicy { RetryPolicy(initialDelay: .milliseconds(20), jitter: 0, maxAttempts: 3) }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .reserve:
            if ctx.withUndos { step.onUndo(.release("stock")) }
            return .next(.charge)
        case .charge:
            if ctx.withUndos { step.onUndo(.release("hold")) }
            return .cancel(reason: Self.reason)
        }
    }

    public func compensate(_ action: Undo, _ context: Input, _ step: UndoStep) async throws {
        guard case .release(let what) = action else { return }
        try await world.record("undo \(what)", for: context.tag)
    }
}
