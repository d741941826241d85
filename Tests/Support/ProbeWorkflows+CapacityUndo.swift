import Foundation
import Sundial
import SundialEngine

/// Registers one undo, then fails. The undo calls an API whose shared limit is full: it throws
/// ``CapacityWait`` a chosen number of times, then fails once for real, then succeeds, under a
/// two-attempt compensation policy, so waiting must spend no attempt of the undo either.
public struct CapacityUndoProbe: Workflow {
    public static let name = "probe-capacity-undo"
    public static let version = 1
    public static let initialState = State.book
    public enum State: String, WorkflowState { case book }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable {
        public var tag: String
        public var waits: Int
        public init(tag: String, waits: Int) { self.tag = tag; self.waits = waits }
    }
    public typealias Context = Input
    public enum Undo: Codable, Sendable { case refund }
    public typealias Compensation = Undo

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }
    public static func makeContext(from input: Input) -> Input { input }

    public var compensationRetry: RetryPolicy { RetryPolicy(initialDelay: .milliseconds(10), jitter: 0, maxAttempts: 2) }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        step.onUndo(.refund)
        return .fail(reason: "warehouse out of stock")
    }

    public func compensate(_ action: Undo, _ context: Input, _ step: UndoStep) async throws {
        try await world.record("try \(step.attempt)", for: context.tag)
        let tries = try await world.events(for: context.tag).count
        if tries <= context.waits {
            throw CapacityWait(api: "stripe", limit: "rate limit 100 per 1 s", retryAfter: .milliseconds(10))
        }
        if tries == context.waits + 1 { throw WorkflowError.retryable("refund API 503") }
    }
}
