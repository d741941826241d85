import Foundation
import Integrations
import Sundial

/// Voids any label a carrier sold under an order's customer reference that the order did not
/// keep: a purchase whose response was lost before the order failed over to the next carrier.
/// Runs as a child workflow so the order never waits for a carrier that is down; it retries
/// patiently (hours) on its own and then completes with what it voided.
public struct StrayLabelSweep: Workflow {
    public static let name = "stray-label-sweep"
    public static let version = 1
    public static let initialState = State.sweep

    public enum State: String, WorkflowState { case sweep }

    public struct Input: Codable, Sendable, Equatable {
        public var orderID: String
        /// Routing key of the carrier (`fedex`, `ups`).
        public var carrier: String
        public var reference: String
    }

    public typealias Context = Input

    public struct Output: Codable, Sendable, Equatable {
        /// Tracking numbers voided.
        public var voided: [String]
    }

    let carriers: [String: any Carrier]

    public init(carriers: [String: any Carrier]) { self.carriers = carriers }

    public static func makeContext(from input: Input) -> Input { input }

    public func policy(for state: State) -> StatePolicy<State> {
        StatePolicy(retry: RetryPolicy(initialDelay: .seconds(5), maxDelay: .seconds(1800), maxAttempts: 40), timeout: .seconds(60))
    }

    public func run(_ state: State, _ ctx: inout Input, _ step: Step<Self>) async throws -> Next {
        guard let carrier = carriers[ctx.carrier] else {
            throw WorkflowError.retryable("carrier \(ctx.carrier) is not configured on this worker")
        }
        var voided: [String] = []
        for stray in try await carrier.labels(withReference: ctx.reference) where stray.status != .cancelled {
            step.logger.notice("voiding a stray label", metadata: ["order_id": "\(ctx.orderID)", "carrier": "\(ctx.carrier)",
                                                                   "tracking_number": "\(stray.trackingNumber)"])
            try await carrier.voidLabel(trackingNumber: stray.trackingNumber)
            voided.append(stray.trackingNumber)
        }
        return .complete(Output(voided: voided))
    }
}
