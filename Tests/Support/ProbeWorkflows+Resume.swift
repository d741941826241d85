import Foundation
import Sundial
import SundialEngine

/// Needs an operator in one of two ways: `park` waits for the ``WorkflowClient/resumeSignal``
/// signal and reports the reason and actor it carried; `fail` fails (permanently, with nothing
/// to undo) until the test records anything for `<tag>-fixed`, for the resume of a failed workflow.
public struct ResumeProbe: Workflow {
    public static let name = "probe-resume"
    public static let version = 1
    public static let initialState = State.start
    public enum State: String, WorkflowState { case start, check, resumed }
    public struct Input: Codable, Sendable {
        public var tag: String
        /// park | fail
        public var mode: String
        public init(tag: String, mode: String) { self.tag = tag; self.mode = mode }
    }
    public typealias Context = Input
    public struct Output: Codable, Sendable, Equatable {
        public var via: String
        public var payload: [String: String]
        public var attempt: Int
        public init(via: String, payload: [String: String], attempt: Int) { self.via = via; self.payload = payload; self.attempt = attempt }
    }

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }
    public static func makeContext(from input: Input) -> Input { input }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .start:
            return ctx.mode == "park" ? .await(signal: WorkflowClient.resumeSignal, then: .resumed) : .next(.check)
        case .check:
            if try await world.events(for: ctx.tag + "-fixed").isEmpty {
                throw WorkflowError.permanent("address does not exist")
            }
            return .complete(Output(via: "check", payload: [:], attempt: step.attempt))
        case .resumed:
            let payload = try step.signal?.decode([String: String].self) ?? [:]
            return .complete(Output(via: "resumed", payload: payload, attempt: step.attempt))
        }
    }
}
