import Foundation
import Logging
import Sundial
import Testing
@testable import SundialEngine

@Suite("Step execution")
struct StepExecutorTests {
    struct Counter: Workflow {
        static let name = "counter"
        static let version = 1
        static let initialState = State.look
        enum State: String, WorkflowState { case look, bump }
        typealias Output = NoOutput
        struct Input: Codable, Sendable, Equatable { var n: Int }
        typealias Context = Input
        static func makeContext(from input: Input) -> Input { input }
        func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
            switch state {
            case .look: return .next(.bump)
            case .bump:
                ctx.n += 1
                return .complete
            }
        }
    }

    private func request(_ state: String, context: String) -> StepRequest {
        StepRequest(workflowID: UUID(), businessKey: "k", state: state, context: context, visit: 1, attempt: 1, signal: nil,
                    timedOut: false, previousError: nil, logger: Logger(label: "t"), clock: SystemClock(),
                    leaseCheck: {}, isLeaseLost: { false })
    }

    @Test("an Equatable context left unchanged is not re-encoded or rewritten; a changed one is")
    func unchangedContextIsNotSent() async throws {
        // Stored jsonb text differs in formatting from our encoder's, so only equality can tell.
        guard case .transition(let looked) = await StepExecutor.run(Counter(), request("look", context: #"{"n": 1}"#)) else {
            Issue.record("expected a transition")
            return
        }
        #expect(looked.context == nil)
        guard case .transition(let bumped) = await StepExecutor.run(Counter(), request("bump", context: #"{"n": 1}"#)) else {
            Issue.record("expected a transition")
            return
        }
        #expect(bumped.context == #"{"n":2}"#)
    }
}
