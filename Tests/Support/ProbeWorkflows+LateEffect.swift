import Foundation
import Sundial
import SundialEngine

/// Waits, then applies an outside effect: a run that lost its lease during the wait must be
/// stopped before the effect, and one that checks `ensureLeaseHeld()` first never applies it.
/// Without `checkLease` it waits (cancellably) until the test records `<key>-go`.
public struct LateEffectProbe: Workflow {
    public static let name = "probe-late-effect"
    public static let version = 1
    public static let initialState = State.act
    public enum State: String, WorkflowState { case act }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable {
        public var key: String
        public var holdMilliseconds: Int
        public var checkLease: Bool
        public init(key: String, holdMilliseconds: Int, checkLease: Bool) {
            self.key = key
            self.holdMilliseconds = holdMilliseconds
            self.checkLease = checkLease
        }
    }
    public typealias Context = Input

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }
    public static func makeContext(from input: Input) -> Input { input }

    public func policy(for state: State) -> StatePolicy<State> {
        StatePolicy(retry: RetryPolicy(initialDelay: .seconds(30), maxAttempts: 2), timeout: .seconds(30))
    }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        try await world.record("started", for: ctx.key)
        if ctx.checkLease {
            // Deaf to cancellation, like a paused VM: only the lease check can stop it.
            let milliseconds = ctx.holdMilliseconds
            await withCheckedContinuation { (resume: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { resume.resume() }
            }
            try await step.ensureLeaseHeld()
        } else {
            try await world.waitUntilRecorded("\(ctx.key)-go")
        }
        try await world.apply(kind: "late-effect", key: ctx.key)
        return .complete
    }
}
