import Foundation
import Sundial
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    struct HTTPFailure: Error, RetryClassifiable {
        let status: Int
        var retryDisposition: RetryDisposition {
            switch status {
            case 429: .retryable(after: .seconds(30))
            case 500...599: .retryable(after: nil)
            default: .permanent
            }
        }
    }

    @Test("backoff grows by the multiplier and stops at the cap")
    func exponentialBackoff() {
        let policy = RetryPolicy(initialDelay: .seconds(1), multiplier: 2, maxDelay: .seconds(10), jitter: 0, maxAttempts: 10)
        #expect((1...6).map { policy.baseDelay(afterAttempt: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
    }

    @Test("jitter spreads the delay by at most the configured fraction")
    func jitterBounds() {
        let policy = RetryPolicy(initialDelay: .seconds(10), jitter: 0.2)
        #expect(policy.delay(afterAttempt: 1, unit: 0) == .seconds(8))
        #expect(policy.delay(afterAttempt: 1, unit: 0.5) == .seconds(10))
        #expect(policy.delay(afterAttempt: 1, unit: 0.999_999).seconds < 12.0001)
        for _ in 0..<100 {
            let delay = policy.delay(afterAttempt: 1).seconds
            #expect(delay >= 8 && delay <= 12)
        }
    }

    @Test("timeouts, 429 and 5xx are retried; 4xx is not; attempts run out")
    func classification() {
        let policy = RetryPolicy(initialDelay: .seconds(1), jitter: 0, maxAttempts: 3)
        #expect(policy.decision(afterAttempt: 1, error: HTTPFailure(status: 503)) == .retry(after: .seconds(1)))
        #expect(policy.decision(afterAttempt: 1, error: HTTPFailure(status: 422)) == .giveUp(retryable: false))
        #expect(policy.decision(afterAttempt: 3, error: HTTPFailure(status: 503)) == .giveUp(retryable: true))
        // Retry-After wins over a shorter backoff.
        #expect(policy.decision(afterAttempt: 1, error: HTTPFailure(status: 429)) == .retry(after: .seconds(30)))
        // Errors that say nothing are retryable by default, like a timeout.
        struct Timeout: Error {}
        #expect(policy.decision(afterAttempt: 2, error: Timeout()) == .retry(after: .seconds(2)))
        #expect(policy.decision(afterAttempt: 1, error: WorkflowError.permanent("declined")) == .giveUp(retryable: false))
    }

    @Test("a custom classifier decides instead of the default")
    func customClassifier() {
        let policy = RetryPolicy(jitter: 0, maxAttempts: 5, classify: { _ in .permanent })
        #expect(policy.decision(afterAttempt: 1, error: WorkflowError.retryable("x")) == .giveUp(retryable: false))
        #expect(RetryPolicy.never.decision(afterAttempt: 1, error: WorkflowError.retryable("x")) == .giveUp(retryable: true))
    }
}

@Suite("Workflow API")
struct WorkflowAPITests {
    struct Tiny: Workflow {
        static let name = "tiny"
        static let version = 1
        static let initialState = State.only
        enum State: String, WorkflowState { case only }
        typealias Output = NoOutput
        struct Input: Codable, Sendable {}
        struct Context: Codable, Sendable {}
        static func makeContext(from input: Input) -> Context { Context() }
        func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next { .complete }
    }

    @Test("the idempotency key is stable for a visit and differs between visits")
    func idempotencyKey() {
        let id = UUID()
        func step(visit: Int, attempt: Int) -> Step<Tiny> {
            Step(workflowID: id, businessKey: "k", state: .only, visit: visit, attempt: attempt, signal: nil, timedOut: false,
                 previousError: nil, logger: .init(label: "t"), clock: FixedClock(Date(timeIntervalSince1970: 0)))
        }
        #expect(step(visit: 3, attempt: 1).idempotencyKey == step(visit: 3, attempt: 4).idempotencyKey)
        #expect(step(visit: 3, attempt: 1).idempotencyKey != step(visit: 4, attempt: 1).idempotencyKey)
        #expect(step(visit: 3, attempt: 1).idempotencyKey == "\(id.uuidString.lowercased())/only/3")
        #expect(step(visit: 1, attempt: 1).now == Date(timeIntervalSince1970: 0))
    }

    @Test("default policies apply where a workflow declares none")
    func defaults() async throws {
        let policy = Tiny().policy(for: .only)
        #expect(policy.retry.maxAttempts == RetryPolicy.standard.maxAttempts)
        #expect(policy.onFailure == nil)
        #expect(policy.timeout == .seconds(60))
        var context = Tiny.Context()
        let transition = try await Tiny().run(.only, &context, Step(
            workflowID: UUID(), businessKey: "k", state: .only, visit: 1, attempt: 1, signal: nil, timedOut: false,
            previousError: nil, logger: .init(label: "t"), clock: SystemClock()))
        guard case .complete = transition else {
            Issue.record("expected completion")
            return
        }
    }
}
