import Foundation
import Sundial
import SundialEngine

/// A workflow with one external side effect in the middle of a slow handler, so a test can
/// kill the worker while the effect is in flight and prove it lands once per idempotency key.
public struct EffectProbe: Workflow {
    public static let name = "probe-effect"
    public static let version = 1
    public static let initialState = State.charge
    public enum State: String, WorkflowState { case charge, finish }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable { public var holdMilliseconds: Int; public init(holdMilliseconds: Int) { self.holdMilliseconds = holdMilliseconds } }
    public typealias Context = Input

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }

    public static func makeContext(from input: Input) -> Input { input }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .charge:
            try await world.apply(kind: "charge", key: step.idempotencyKey)
            try await Task.sleep(for: .milliseconds(ctx.holdMilliseconds))
            return .next(.finish)
        case .finish:
            return .complete
        }
    }
}

/// Five no-op states in a row: the benchmark shape, and the check that a worker keeps the lease
/// and runs on through immediately runnable states.
public struct FiveSteps: Workflow {
    public static let name = "probe-five-steps"
    public static let version = 1
    public static let initialState = State.create
    public enum State: String, WorkflowState { case create, pay, label, track, invoice }
    public struct Input: Codable, Sendable { public var n: Int; public init(n: Int) { self.n = n } }
    public struct Context: Codable, Sendable { public var n: Int; public var visited: [String] }
    public struct Output: Codable, Sendable, Equatable { public var visited: [String] }

    public init() {}
    public static func makeContext(from input: Input) -> Context { Context(n: input.n, visited: []) }

    public func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        ctx.visited.append(state.rawValue)
        switch state {
        case .create: return .next(.pay)
        case .pay: return .next(.label)
        case .label: return .next(.track)
        case .track: return .next(.invoice)
        case .invoice: return .complete(Output(visited: ctx.visited))
        }
    }
}

/// Fails a chosen number of times with a chosen error, then succeeds; a permanent failure
/// takes the declared failure branch.
public struct FlakyProbe: Workflow {
    public static let name = "probe-flaky"
    public static let version = 1
    public static let initialState = State.call
    public enum State: String, WorkflowState { case call, fallback, done }
    public struct Input: Codable, Sendable {
        public var failures: Int
        public var permanent: Bool
        public init(failures: Int, permanent: Bool) { self.failures = failures; self.permanent = permanent }
    }
    public typealias Context = Input
    public struct Output: Codable, Sendable, Equatable {
        public var via: String
        public var attempt: Int
        public var previousError: String?
        public init(via: String, attempt: Int, previousError: String?) { self.via = via; self.attempt = attempt; self.previousError = previousError }
    }

    public init() {}
    public static func makeContext(from input: Input) -> Input { input }

    public func policy(for state: State) -> StatePolicy<State> {
        switch state {
        case .call:
            StatePolicy(retry: RetryPolicy(initialDelay: .milliseconds(50), multiplier: 2, maxDelay: .milliseconds(200), jitter: 0, maxAttempts: 4),
                        onFailure: .fallback)
        default: StatePolicy()
        }
    }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .call:
            if step.attempt <= ctx.failures {
                throw ctx.permanent ? WorkflowError.permanent("declined") : WorkflowError.retryable("503 from upstream")
            }
            return .complete(Output(via: "call", attempt: step.attempt, previousError: nil))
        case .fallback:
            return .complete(Output(via: "fallback", attempt: step.attempt, previousError: step.previousError))
        case .done:
            return .complete(Output(via: "done", attempt: step.attempt, previousError: nil))
        }
    }
}

/// Registers an undo in each of three steps, then fails (or waits to be cancelled); the undos
/// record themselves in the world ledger so a test can check they ran newest first.
public struct SagaProbe: Workflow {
    public static let name = "probe-saga"
    public static let version = 1
    public static let initialState = State.first
    public enum State: String, WorkflowState { case first, second, third, wait }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable {
        public var tag: String
        /// fail | wait | failUndo
        public var mode: String
        public init(tag: String, mode: String) { self.tag = tag; self.mode = mode }
    }
    public struct Context: Codable, Sendable { public var input: Input; public var undoFailures: Int }
    public enum Undo: Codable, Sendable { case revert(String) }
    public typealias Compensation = Undo

    let world: WorldLedger
    public init(world: WorldLedger) { self.world = world }
    public static func makeContext(from input: Input) -> Context { Context(input: input, undoFailures: 0) }

    public var compensationRetry: RetryPolicy { RetryPolicy(initialDelay: .milliseconds(20), jitter: 0, maxAttempts: 2) }

    public func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .first:
            step.onUndo(.revert("first"))
            return .next(.second)
        case .second:
            step.onUndo(.revert("second"))
            return .next(.third)
        case .third:
            step.onUndo(.revert("third"))
            if ctx.input.mode == "wait" { return .await(signal: "never", then: .wait) }
            return .fail(reason: "third step failed on purpose")
        case .wait:
            return .complete
        }
    }

    public func compensate(_ action: Undo, _ context: Context, _ step: UndoStep) async throws {
        guard case .revert(let name) = action else { return }
        if context.input.mode == "failUndo" && name == "second" {
            let marker = try await world.events(for: context.input.tag + "-resume")
            if marker.isEmpty { throw WorkflowError.retryable("refund API down") }
        }
        try await world.record("undo \(name)", for: context.input.tag)
    }
}

/// Waits for a signal with a timeout and reports which branch ran and with what payload.
public struct SignalProbe: Workflow {
    public static let name = "probe-signal"
    public static let version = 1
    public static let initialState = State.prepare
    public enum State: String, WorkflowState { case prepare, wait, received, timedOut, again }
    public struct Input: Codable, Sendable {
        public var delayMilliseconds: Int
        public var timeoutMilliseconds: Int
        public var waitTwice: Bool
        public init(delayMilliseconds: Int, timeoutMilliseconds: Int, waitTwice: Bool = false) {
            self.delayMilliseconds = delayMilliseconds; self.timeoutMilliseconds = timeoutMilliseconds; self.waitTwice = waitTwice
        }
    }
    public struct Context: Codable, Sendable { public var input: Input; public var payloads: [String] }
    public struct Output: Codable, Sendable, Equatable {
        public var branch: String
        public var payloads: [String]
        public init(branch: String, payloads: [String]) { self.branch = branch; self.payloads = payloads }
    }
    public struct Payload: Codable, Sendable { public var text: String; public init(text: String) { self.text = text } }

    public init() {}
    public static func makeContext(from input: Input) -> Context { Context(input: input, payloads: []) }

    public func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .prepare:
            return .sleep(for: .milliseconds(ctx.input.delayMilliseconds), then: .wait)
        case .wait:
            return .await(signal: "go", timeout: .milliseconds(ctx.input.timeoutMilliseconds), then: .received, onTimeout: .timedOut)
        case .received:
            let payload = try step.signal?.decode(Payload.self)
            ctx.payloads.append(payload?.text ?? "?")
            if ctx.input.waitTwice && ctx.payloads.count == 1 {
                return .await(signal: "go", timeout: .milliseconds(ctx.input.timeoutMilliseconds), then: .received, onTimeout: .timedOut)
            }
            return .complete(Output(branch: "received", payloads: ctx.payloads))
        case .timedOut:
            return .complete(Output(branch: "timedOut", payloads: ctx.payloads))
        case .again:
            return .complete(Output(branch: "again", payloads: ctx.payloads))
        }
    }
}

/// Sleeps durably, then completes: for timers across worker restarts.
public struct TimerProbe: Workflow {
    public static let name = "probe-timer"
    public static let version = 1
    public static let initialState = State.start
    public enum State: String, WorkflowState { case start, wake }
    public struct Input: Codable, Sendable { public var sleepMilliseconds: Int; public init(sleepMilliseconds: Int) { self.sleepMilliseconds = sleepMilliseconds } }
    public typealias Context = Input
    public struct Output: Codable, Sendable, Equatable { public var wokeAt: Date }

    public init() {}
    public static func makeContext(from input: Input) -> Input { input }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .start: return .sleep(for: .milliseconds(ctx.sleepMilliseconds), then: .wake)
        case .wake: return .complete(Output(wokeAt: step.now))
        }
    }
}

/// A slow step for drain tests: each state's handler takes `stepMilliseconds`.
public struct SlowProbe: Workflow {
    public static let name = "probe-slow"
    public static let version = 1
    public static let initialState = State.one
    public enum State: String, WorkflowState { case one, two, three }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable { public var stepMilliseconds: Int; public init(stepMilliseconds: Int) { self.stepMilliseconds = stepMilliseconds } }
    public typealias Context = Input

    public init() {}
    public static func makeContext(from input: Input) -> Input { input }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        try await Task.sleep(for: .milliseconds(ctx.stepMilliseconds))
        switch state {
        case .one: return .next(.two)
        case .two: return .next(.three)
        case .three: return .complete
        }
    }
}

/// Adds an outbox message and starts a child, failing its first attempt after doing so: only
/// the committed attempt's message and child may exist.
public struct ParentProbe: Workflow {
    public static let name = "probe-parent"
    public static let version = 1
    public static let initialState = State.fanOut
    public enum State: String, WorkflowState { case fanOut, done }
    public typealias Output = NoOutput
    public struct Input: Codable, Sendable { public var order: String; public init(order: String) { self.order = order } }
    public typealias Context = Input
    public struct StatusEvent: Codable, Sendable, Equatable {
        public var order: String
        public var status: String
        public init(order: String, status: String) { self.order = order; self.status = status }
    }

    public init() {}
    public static func makeContext(from input: Input) -> Input { input }

    public func policy(for state: State) -> StatePolicy<State> {
        StatePolicy(retry: RetryPolicy(initialDelay: .milliseconds(20), jitter: 0, maxAttempts: 3))
    }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .fanOut:
            try step.enqueue(topic: "order-status", payload: StatusEvent(order: ctx.order, status: "confirmed"))
            try step.startChild(FiveSteps.self, key: "child-of-\(ctx.order)", input: .init(n: 42))
            if step.attempt == 1 { throw WorkflowError.retryable("flaky after enqueueing") }
            return .next(.done)
        case .done:
            return .complete
        }
    }
}

/// Every probe, as the test worker registers them.
public enum Probes {
    /// A schedule firing every minute, catching up to 200 missed slots: the process-level
    /// exactly-once test runs three workers with it.
    public static var everyMinute: ScheduleDeclaration {
        ScheduleDeclaration("probe-every-minute", workflow: FiveSteps.self,
                            schedule: try! Schedule(cron: "* * * * *", timeZone: "UTC"), misfire: .runAll(cap: 200)) { slot in
            FiveSteps.Input(n: Int(slot.timeIntervalSince1970 / 60))
        }
    }

    public static func registry(world: WorldLedger) -> WorkflowRegistry {
        WorkflowRegistry([
            EffectProbe(world: world), FiveSteps(), FlakyProbe(), SagaProbe(world: world), SignalProbe(),
            TimerProbe(), SlowProbe(), ParentProbe(), CancelProbe(world: world), RefusalProbe(world: world),
            CapacityProbe(world: world), CapacityUndoProbe(world: world), UndoNoticeProbe(), TagProbe(),
            ResumeProbe(world: world), HangProbe(world: world),
        ])
    }
}
