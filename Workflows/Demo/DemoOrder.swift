import Foundation
import Sundial

/// A self-contained order drill for `ops/demo` and first-time readers: it walks an order
/// through reserve → pay → pack → ship → await delivery, with a durable sleep, a signal with a
/// timeout, an undo beside each effect, a failure branch, and order-status events through the
/// durable outbox. It calls no payment or carrier API (the real order workflow will).
public struct DemoOrder: Workflow {
    public static let name = "demo-order"
    public static let version = 1
    public static let initialState = State.reserve
    public static let stateGraph: [State: [State]] = [
        .reserve: [.pay], .pay: [.pack], .pack: [.ship], .ship: [.delivered, .deliveryLate],
    ]

    public enum State: String, WorkflowState {
        case reserve, pay, pack, ship, delivered, deliveryLate
    }

    public struct Input: Codable, Sendable, Equatable {
        public var orderID: String
        public var amountCents: Int
        /// When true the pack step fails for good, to show compensations.
        public var failPacking: Bool

        public init(orderID: String, amountCents: Int, failPacking: Bool = false) {
            self.orderID = orderID
            self.amountCents = amountCents
            self.failPacking = failPacking
        }
    }

    public struct Context: Codable, Sendable {
        public var input: Input
        public var reservation: String?
        public var payment: String?
        public var tracking: String?
    }

    public enum Undo: Codable, Sendable {
        case releaseStock(reservation: String)
        case refund(payment: String)
    }
    public typealias Compensation = Undo

    public struct Output: Codable, Sendable {
        public var tracking: String
        public var delivered: Bool
    }

    /// The order-status event the e-commerce platform receives (through the durable outbox).
    public struct StatusEvent: Codable, Sendable {
        public var order_id: String
        public var event: String
        public var tracking: String?
    }

    public init() {}

    public static func validate(_ input: Input) throws {
        var problems: [String: String] = [:]
        if input.orderID.isEmpty { problems["orderID"] = "is required" }
        if input.amountCents <= 0 { problems["amountCents"] = "must be positive" }
        if !problems.isEmpty { throw InputError(problems) }
    }

    public static func makeContext(from input: Input) -> Context { Context(input: input) }

    public func policy(for state: State) -> StatePolicy<State> {
        switch state {
        case .pay: StatePolicy(retry: RetryPolicy(initialDelay: .milliseconds(200), maxAttempts: 4))
        default: StatePolicy()
        }
    }

    public func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .reserve:
            ctx.reservation = "res-\(step.idempotencyKey.suffix(12))"
            step.onUndo(.releaseStock(reservation: ctx.reservation!))
            return .next(.pay)
        case .pay:
            ctx.payment = "pay-\(step.idempotencyKey.suffix(12))"
            step.onUndo(.refund(payment: ctx.payment!))
            try step.enqueue(topic: "order-status", payload: StatusEvent(order_id: ctx.input.orderID, event: "confirmed"))
            return .next(.pack)
        case .pack:
            if ctx.input.failPacking { return .fail(reason: "packing station rejected order \(ctx.input.orderID)") }
            return .sleep(for: .milliseconds(500), then: .ship)
        case .ship:
            ctx.tracking = "TRK\(ctx.input.orderID.uppercased())"
            try step.enqueue(topic: "order-status", payload: StatusEvent(order_id: ctx.input.orderID, event: "shipped", tracking: ctx.tracking))
            return .await(signal: "delivered", timeout: .seconds(5), then: .delivered, onTimeout: .deliveryLate)
        case .delivered:
            try step.enqueue(topic: "order-status", payload: StatusEvent(order_id: ctx.input.orderID, event: "delivered", tracking: ctx.tracking))
            return .complete(Output(tracking: ctx.tracking ?? "", delivered: true))
        case .deliveryLate:
            step.logger.notice("no delivery confirmation in time; completing as shipped")
            return .complete(Output(tracking: ctx.tracking ?? "", delivered: false))
        }
    }

    public func compensate(_ action: Undo, _ context: Context, _ step: UndoStep) async throws {
        switch action {
        case .releaseStock(let reservation): step.logger.info("released stock", metadata: ["reservation": "\(reservation)"])
        case .refund(let payment): step.logger.info("refunded payment", metadata: ["payment": "\(payment)"])
        }
    }
}
