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
        /// Shipment numbers that may still move on by themselves, oldest first.
        var progressing: [String] = []
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
            state.progressing.append(label.trackingNumber)
        }
    }

    func label(_ trackingNumber: String) -> ShippingLabel? {
        state.withLock { $0.labels[trackingNumber] }
    }

    /// Labels of `carrier` bought under the customer reference `reference` (at shipment or package
    /// level), oldest first, one per shipment. Labels bought less than `lag` seconds before `now`
    /// are not shown yet, as a carrier's tracking lags a label's creation.
    func labels(carrier: SandboxAPI, reference: String, now: Date, lag: TimeInterval) -> [ShippingLabel] {
        state.withLock { state in
            var seen = Set<String>()
            return state.order.compactMap { state.labels[$0] }.filter { label in
                label.carrier == carrier && label.isFiled(under: reference) && now.timeIntervalSince(label.createdAt) >= lag
                    && seen.insert(label.trackingNumber).inserted
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

    /// Moves a parcel to `status` and returns it as it is now; `nil` when no such tracking number
    /// exists. A parcel moved to a status that is not final may move on by itself again.
    func setStatus(_ status: TrackingStatus, trackingNumber: String, at date: Date) -> ShippingLabel? {
        state.withLock { state in
            guard var label = state.labels[trackingNumber] else { return nil }
            label.status = status
            label.statusChangedAt = date
            for number in label.packageTrackingNumbers { state.labels[number] = label }
            if !Self.isFinal(status), !label.voided, !state.progressing.contains(label.trackingNumber) {
                state.progressing.append(label.trackingNumber)
            }
            return label
        }
    }

    /// Moves on every parcel whose status is at least `interval` old at `now`: `next` names its
    /// next status, or `nil` to leave it where it is for good. Voided parcels and those in a final
    /// status stop. Returns the parcels moved, as they are now, in the order they were bought.
    func advance(now: Date, interval: TimeInterval, next: (ShippingLabel) -> TrackingStatus?) -> [ShippingLabel] {
        state.withLock { state in
            var moved: [ShippingLabel] = []
            var still: [String] = []
            for number in state.progressing {
                guard var label = state.labels[number], !label.voided, !Self.isFinal(label.status) else { continue }
                guard now.timeIntervalSince(label.statusChangedAt) >= interval else {
                    still.append(number)
                    continue
                }
                guard let status = next(label) else { continue }
                label.status = status
                label.statusChangedAt = now
                for package in label.packageTrackingNumbers { state.labels[package] = label }
                moved.append(label)
                if !Self.isFinal(status) { still.append(number) }
            }
            state.progressing = still
            return moved
        }
    }

    private static func isFinal(_ status: TrackingStatus) -> Bool {
        status == .delivered || status == .exception
    }

    func reset() {
        state.withLock { $0 = State() }
    }
}
