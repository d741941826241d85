import Foundation
import Sundial
import Workflows

/// Stands in for the order workflow in the HTTP tests: registered under the name `order`, with
/// the real input and context types (so `GET` builds a real ``OrderView``), and a cancellation
/// refusal for orders whose id starts with `shipped-`. No worker runs it: it stays in its first
/// state, which is all the intake and webhook routes need.
struct OrderProbe: Workflow {
    static let name = "order"
    static let version = 1
    static let initialState = State.authorize
    static let refusal = "the parcel is already with the carrier"

    enum State: String, WorkflowState { case authorize, track }
    typealias Output = NoOutput
    typealias Input = OrderInput
    typealias Context = OrderContext

    static func makeContext(from input: OrderInput) -> OrderContext { OrderContext(order: input) }

    func run(_ state: State, _ context: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        .await(signal: "payment", timeout: nil, then: .track, onTimeout: .track)
    }

    func cancellationRefusal(in state: State, context: OrderContext) -> String? {
        context.order.orderID.hasPrefix("shipped-") ? Self.refusal : nil
    }
}
