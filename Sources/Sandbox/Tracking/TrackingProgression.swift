import Foundation

/// Moves simulated parcels along by themselves while carrier tracking webhooks are on:
/// labelCreated → inTransit → outForDelivery → delivered, or → exception when the recipient's
/// name carries the exception marker, one step per `stepInterval` on the sandbox clock. A parcel
/// whose recipient carries the no-progress marker, a voided one or one in a final status stays
/// put. Exists so INT-003's "carrier pushes updates" can be exercised without a test moving every
/// parcel by hand; the poll endpoints read the same registry, so they agree with the webhooks.
struct TrackingProgression: Sendable {
    let labels: LabelRegistry
    let emitter: CarrierWebhookEmitter
    let clock: SandboxClock

    private var configuration: SandboxConfiguration.TrackingWebhooks { emitter.configuration }

    /// Ticks until the task is cancelled. The tick is a quarter of the step interval, between
    /// 5 ms and 250 ms, so steps are at most that late.
    func run() async {
        let tick = min(max(configuration.stepInterval / 4, .milliseconds(5)), .milliseconds(250))
        while !Task.isCancelled {
            step()
            do {
                try await Task.sleep(for: tick)
            } catch {
                return
            }
        }
    }

    /// Moves every parcel that is due and sends its event; releases reordered events that waited
    /// two intervals.
    func step() {
        let interval = Self.seconds(configuration.stepInterval)
        let moved = labels.advance(now: clock.now, interval: interval) { Self.next(after: $0) }
        for label in moved { emitter.emit(label) }
        emitter.releaseHeld(olderThan: 2 * interval)
    }

    /// The automatic successor of a parcel's status, or `nil` when it stays.
    static func next(after label: ShippingLabel) -> TrackingStatus? {
        if label.recipientContains(SandboxConfiguration.TrackingWebhooks.noProgressMarker) { return nil }
        switch label.status {
        case .labelCreated, .pickedUp: return .inTransit
        case .inTransit: return .outForDelivery
        case .outForDelivery: return label.recipientContains(SandboxConfiguration.TrackingWebhooks.exceptionMarker) ? .exception : .delivered
        case .delivered, .exception: return nil
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
