import Foundation
import Sundial
import SundialEngine

/// Tags itself with a tracking number in `label`. Its first attempt tags a number it then
/// throws away (the handler throws), so only the committed attempt's tag may exist. In `wait`
/// mode it stays active afterwards, waiting for a signal that never comes.
public struct TagProbe: Workflow {
    public static let name = "probe-tags"
    public static let version = 1
    public static let initialState = State.label
    public enum State: String, WorkflowState { case label, deliver, done }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable {
        public var tracking: String
        public var wait: Bool
        public init(tracking: String, wait: Bool = false) { self.tracking = tracking; self.wait = wait }
    }
    public typealias Context = Input

    public init() {}
    public static func makeContext(from input: Input) -> Input { input }

    public func policy(for state: State) -> StatePolicy<State> {
        StatePolicy(retry: RetryPolicy(initialDelay: .milliseconds(20), jitter: 0, maxAttempts: 3))
    }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .label:
            if step.attempt == 1 {
                step.tag("tracking_number", "void-\(ctx.tracking)")
                throw WorkflowError.retryable("label printer jammed")
            }
            step.tag("tracking_number", ctx.tracking)
            step.tag("tracking_number", ctx.tracking)
            step.tag("carrier", "fedex")
            return .next(.deliver)
        case .deliver:
            return ctx.wait ? .await(signal: "never", then: .done) : .complete
        case .done:
            return .complete
        }
    }
}
