import Foundation
import Synchronization

/// Every label bought from the simulated carriers, keyed by tracking number. Carriers without
/// idempotency (FedEx, UPS) add a new label on every create, exactly like production, so the
/// orchestrator's "find and void the duplicate" path can be tested.
final class LabelRegistry: Sendable {
    enum VoidOutcome: Sendable {
        case voided(ShippingLabel)
        case alreadyVoided(ShippingLabel)
        case notFound
    }

    private struct State {
        var labels: [String: ShippingLabel] = [:]
        var order: [String] = []
        var counters: [SandboxAPI: Int] = [:]
    }

    private let state = Mutex(State())

    /// The next number in a carrier's sequence, from 1.
    func nextSequence(_ carrier: SandboxAPI) -> Int {
        state.withLock { state in
            let next = (state.counters[carrier] ?? 0) + 1
            state.counters[carrier] = next
            return next
        }
    }

    func add(_ label: ShippingLabel) {
        state.withLock { state in
            for number in label.packageTrackingNumbers where state.labels[number] == nil {
                state.order.append(number)
            }
            for number in label.packageTrackingNumbers { state.labels[number] = label }
        }
    }

    func label(_ trackingNumber: String) -> ShippingLabel? {
        state.withLock { $0.labels[trackingNumber] }
    }

    /// Labels of `carrier` whose customer reference is `reference`, oldest first, one per shipment.
    func labels(carrier: SandboxAPI, reference: String) -> [ShippingLabel] {
        state.withLock { state in
            var seen = Set<String>()
            return state.order.compactMap { state.labels[$0] }.filter { label in
                label.carrier == carrier && label.reference == reference && seen.insert(label.trackingNumber).inserted
            }
        }
    }

    func void(_ trackingNumber: String, carrier: SandboxAPI) -> VoidOutcome {
        state.withLock { state in
            guard var label = state.labels[trackingNumber], label.carrier == carrier else { return .notFound }
            if label.voided { return .alreadyVoided(label) }
            label.voided = true
            for number in label.packageTrackingNumbers { state.labels[number] = label }
            return .voided(label)
        }
    }

    /// Moves a parcel to `status`; false when no such tracking number exists.
    func setStatus(_ status: TrackingStatus, trackingNumber: String, at date: Date) -> Bool {
        state.withLock { state in
            guard var label = state.labels[trackingNumber] else { return false }
            label.status = status
            label.statusChangedAt = date
            for number in label.packageTrackingNumbers { state.labels[number] = label }
            return true
        }
    }

    func reset() {
        state.withLock { $0 = State() }
    }
}
