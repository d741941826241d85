import Foundation
import Sundial
import SundialEngine

/// Books two things, then fails; each undo adds a "cancelled" notice to the outbox (one with the
/// default key, one with its own key). The first attempt of every undo also adds a message only
/// that attempt knows of and then throws, so only a committed undo's messages may exist.
public struct UndoNoticeProbe: Workflow {
    public static let name = "probe-undo-notice"
    public static let version = 1
    public static let initialState = State.book
    public enum State: String, WorkflowState { case book, confirm }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable { public var order: String; public init(order: String) { self.order = order } }
    public typealias Context = Input
    public enum Undo: Codable, Sendable { case unbook(String) }
    public typealias Compensation = Undo
    public struct Notice: Codable, Sendable, Equatable {
        public var order: String
        public var status: String
        public init(order: String, status: String) { self.order = order; self.status = status }
    }

    public init() {}
    public static func makeContext(from input: Input) -> Input { input }

    public var compensationRetry: RetryPolicy { RetryPolicy(initialDelay: .milliseconds(20), jitter: 0, maxAttempts: 3) }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .book:
            step.onUndo(.unbook("seat"))
            return .next(.confirm)
        case .confirm:
            step.onUndo(.unbook("meal"))
            return .fail(reason: "the flight was cancelled")
        }
    }

    public func compensate(_ action: Undo, _ context: Input, _ step: UndoStep) async throws {
        guard case .unbook(let what) = action else { return }
        try step.enqueue(topic: "order-status", payload: Notice(order: context.order, status: "\(what) cancelled"))
        try step.enqueue(topic: "order-status", payload: Notice(order: context.order, status: "\(what) refunded"),
                         key: "refund-\(context.order)-\(what)")
        if step.attempt == 1 {
            try step.enqueue(topic: "order-status", payload: Notice(order: context.order, status: "lost"),
                             key: "lost-\(context.order)-\(what)")
            throw WorkflowError.retryable("notice service timed out")
        }
    }
}
