import Foundation
import Integrations
import Sundial

/// Voids any label a carrier sold under an order's customer reference that the order did not
/// keep: a purchase whose response was lost before the order failed over to the next carrier, or
/// one bought by a stale run (a worker paused past its lease) after another run kept its own.
/// Runs as a child workflow so the order never waits for a carrier that is down; it waits
/// `delaySeconds` first (so a stale purchase in flight has landed), retries patiently (hours) on
/// its own, and completes with what it voided.
///
/// What covers the carriers' tracking lag: FedEx's and UPS's lookups by reference may not show a
/// label bought seconds ago, and this sweep looks only once, so it must not look at once. Both
/// sweeps the order starts (after a purchase, keeping the bought label, and after giving up on a
/// carrier) wait `delaySeconds` (`OrderSettings.straySweepDelaySeconds`, 5 minutes by default,
/// `SUNDIAL_STRAY_SWEEP_DELAY_SECONDS`) before that one look, which is assumed to be longer than
/// the lag; the lookups search ship dates from 14 days back, far longer than that. A lookup that
/// fails, or whose answer cannot be read, throws and is retried; it never reads as "nothing
/// there". The label step's own lookup before each purchase is immediate and may miss a label
/// bought by the attempt just before; the sweep that follows the purchase voids that one.
public struct StrayLabelSweep: Workflow {
    public static let name = "stray-label-sweep"
    public static let version = 1
    public static let initialState = State.wait
    public static let stateGraph: [State: [State]] = [.wait: [.sweep]]

    public enum State: String, WorkflowState { case wait, sweep }

    public struct Input: Codable, Sendable, Equatable {
        public var orderID: String
        /// Routing key of the carrier (`fedex`, `ups`).
        public var carrier: String
        public var reference: String
        /// The label the order kept under this reference, never voided.
        public var keep: String?
        public var delaySeconds: Int
        /// For a carrier whose purchases are idempotent (USPS): the purchase key. The sweep then
        /// voids the label bought under that key, if any, instead of looking up the reference.
        /// Nil in sweeps started before it existed.
        public var purchaseKey: String?

        public init(orderID: String, carrier: String, reference: String, keep: String? = nil, delaySeconds: Int = 0, purchaseKey: String? = nil) {
            self.orderID = orderID
            self.carrier = carrier
            self.reference = reference
            self.keep = keep
            self.delaySeconds = delaySeconds
            self.purchaseKey = purchaseKey
        }
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
        if state == .wait { return .sleep(for: .seconds(ctx.delaySeconds), then: .sweep) }
        guard let carrier = carriers[ctx.carrier] else {
            throw WorkflowError.retryable("carrier \(ctx.carrier) is not configured on this worker")
        }
        if let key = ctx.purchaseKey {
            // USPS: the key that bought the label also cancels it; nothing bought, nothing to do.
            let voided = try await carrier.voidLabel(boughtWithIdempotencyKey: key)
            if let voided {
                step.logger.notice("voided a label bought under a purchase key the order gave up on",
                                   metadata: ["order_id": "\(ctx.orderID)", "carrier": "\(ctx.carrier)", "tracking_number": "\(voided)"])
            }
            return .complete(Output(voided: voided.map { [$0] } ?? []))
        }
        var voided: [String] = []
        for stray in try await carrier.labels(withReference: ctx.reference) where stray.status != .cancelled && stray.trackingNumber != ctx.keep {
            step.logger.notice("voiding a stray label", metadata: ["order_id": "\(ctx.orderID)", "carrier": "\(ctx.carrier)",
                                                                   "tracking_number": "\(stray.trackingNumber)"])
            try await carrier.voidLabel(trackingNumber: stray.trackingNumber)
            voided.append(stray.trackingNumber)
        }
        return .complete(Output(voided: voided))
    }
}
