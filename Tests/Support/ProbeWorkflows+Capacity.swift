import Foundation
import Sundial
import SundialEngine

/// Calls an API whose shared limit is full: its handler throws ``CapacityWait`` a chosen number
/// of times (or until the test frees capacity by recording anything for `<tag>-freed`), then
/// succeeds. Each try records itself in the world ledger; the output reports the attempt the
/// success ran as, so a test sees that waiting spent no attempt.
public struct CapacityProbe: Workflow {
    public static let name = "probe-capacity"
    public static let version = 1
    public static let initialState = State.call
    public enum State: String, WorkflowState { case call }
    public struct Input: Codable, Sendable {
        public var tag: String
        /// How many tries wait for capacity; nil waits until the test frees it.
        public var waits: Int?
        public var retryAfterMilliseconds: Int
        public init(tag: String, waits: Int?, retryAfterMilliseconds: Int) {
            self.tag = tag; self.waits = waits; self.retryAfterMilliseconds = retryAfterMilliseconds
        }
    }
    public typealias Context = Input
    public struct Output: Codable, Sendable, Equatable {
        public var attempt: Int
        public var tries: Int
        public init(attempt: Int, tries: Int) { self.attempt = attempt; self.tries = tries }
    }

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }
    public static func makeContext(from input: Input) -> Input { input }

    /// Two attempts only: far fewer than the tries that wait for capacity.
    public func policy(for state: State) -> StatePolicy<State> {
        StatePolicy(retry: RetryPolicy(initialDelay: .milliseconds(20), jitter: 0, maxAttempts: 2))
    }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        try await world.record("try", for: ctx.tag)
        let tries = try await world.events(for: ctx.tag).count
        let full: Bool
        if let waits = ctx.waits {
            full = tries <= waits
        } else {
            full = try await world.events(for: ctx.tag + "-freed").isEmpty
        }
        if full {
            throw CapacityWait(api: "fedex", limit: "rate limit 1400 per 10 s", retryAfter: .milliseconds(ctx.retryAfterMilliseconds))
        }
        return .complete(Output(attempt: step.attempt, tries: tries))
    }
}
