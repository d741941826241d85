import Foundation
import Sundial

/// The benchmark's workflow shape, the same as the peers': five checkpointed no-op states
/// (create, pay, label, track, invoice) carrying a ~500-byte context.
struct BenchFiveSteps: Workflow {
    static let name = "bench-five-steps"
    static let version = 1
    static let initialState = State.create
    enum State: String, WorkflowState { case create, pay, label, track, invoice }
    typealias Output = NoOutput
    struct Input: Codable, Sendable { var orderID: String }
    struct Context: Codable, Sendable {
        var orderID: String
        var customer: String
        var step: Int
        var items: [String]
        var payment: [String: String]
        var shipping: [String: String]
        var pad: String
    }

    static func makeContext(from input: Input) -> Context {
        Context(orderID: input.orderID, customer: "customer-\(input.orderID)", step: 0, items: ["sku-1", "sku-2", "sku-3"],
                payment: ["id": "pay-\(input.orderID)", "amount": "4200", "currency": "EUR"],
                shipping: ["carrier": "ups", "label": "lbl-\(input.orderID)", "tracking": "trk-\(input.orderID)"],
                pad: String(repeating: "x", count: 240))
    }

    func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        ctx.step += 1
        switch state {
        case .create: return .next(.pay)
        case .pay: return .next(.label)
        case .label: return .next(.track)
        case .track: return .next(.invoice)
        case .invoice: return .complete
        }
    }
}

/// Sleeps until an absolute due time and reports how late it woke, in milliseconds.
struct BenchTimer: Workflow {
    static let name = "bench-timer"
    static let version = 1
    static let initialState = State.arm
    enum State: String, WorkflowState { case arm, fire }
    /// Due time as Unix seconds (a Double keeps the milliseconds that ISO 8601 would drop).
    struct Input: Codable, Sendable { var dueAt: Double }
    typealias Context = Input
    struct Output: Codable, Sendable { var latenessMilliseconds: Double }

    static func makeContext(from input: Input) -> Input { input }

    func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .arm:
            return .sleepUntil(Date(timeIntervalSince1970: ctx.dueAt), then: .fire)
        case .fire:
            return .complete(Output(latenessMilliseconds: (step.now.timeIntervalSince1970 - ctx.dueAt) * 1000))
        }
    }
}

/// One state whose handler blocks for `BENCH_HOLD_MS` when that is set (the worker to be
/// killed), so a recovery run can hold many workflows in flight.
struct BenchHold: Workflow {
    static let name = "bench-hold"
    static let version = 1
    static let initialState = State.hold
    enum State: String, WorkflowState { case hold }
    typealias Output = NoOutput
    struct Input: Codable, Sendable { var n: Int }
    typealias Context = Input

    let holdMilliseconds: Int
    static func makeContext(from input: Input) -> Input { input }

    func policy(for state: State) -> StatePolicy<State> { StatePolicy(timeout: .seconds(3600)) }

    func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        if holdMilliseconds > 0 { try await Task.sleep(for: .milliseconds(holdMilliseconds)) }
        return .complete
    }
}
