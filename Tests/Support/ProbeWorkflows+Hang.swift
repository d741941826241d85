import Dispatch
import Foundation
import Sundial
import SundialEngine

/// Its first run hangs in a wait that cancellation cannot interrupt (like a database call whose
/// connection died mid-query) for `hangSeconds`; a later run completes at once. Shows that a
/// stuck step does not keep its workflow forever.
public struct HangProbe: Workflow {
    public static let name = "probe-hang"
    public static let version = 1
    public static let initialState = State.call
    public enum State: String, WorkflowState { case call }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable {
        public var key: String
        public var hangSeconds: Double
        public init(key: String, hangSeconds: Double) { self.key = key; self.hangSeconds = hangSeconds }
    }
    public typealias Context = Input

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }
    public static func makeContext(from input: Input) -> Input { input }

    public func policy(for state: State) -> StatePolicy<State> {
        StatePolicy(retry: RetryPolicy(initialDelay: .milliseconds(50), maxAttempts: 3), timeout: .seconds(1))
    }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        if try await world.events(for: ctx.key).isEmpty {
            try await world.record("hung", for: ctx.key)
            let seconds = ctx.hangSeconds
            // Deaf to cancellation: only the timer ends it.
            await withCheckedContinuation { (resume: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { resume.resume() }
            }
        } else {
            try await world.record("completed", for: ctx.key)
        }
        return .complete
    }
}
