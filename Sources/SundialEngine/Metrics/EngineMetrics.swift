import Foundation
import Metrics

/// The engine's counters and histograms (swift-metrics), recorded where the work happens so that
/// each worker process reports what it did: workflows ending by type, transition latency by type
/// and state, retries, lease takeovers, failovers and capacity waits. Only in-memory counters and
/// histograms: no database round trip is added to the hot path. The backend is whatever the
/// process bootstrapped (Prometheus in `sundial worker` and `sundial serve`); tests pass a factory.
public struct EngineMetrics: Sendable {
    /// nil: the process-wide `MetricsSystem.factory`, looked up at each use (so a factory
    /// bootstrapped after this value was made is the one used).
    let factory: (any MetricsFactory)?

    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    /// Metric names, shared with the README, the alert rules and the tests.
    public enum Name {
        public static let started = "sundial_workflows_started_total"
        public static let completed = "sundial_workflows_completed_total"
        public static let failed = "sundial_workflows_failed_total"
        public static let compensated = "sundial_workflows_compensated_total"
        public static let compensationFailed = "sundial_workflows_compensation_failed_total"
        public static let cancelled = "sundial_workflows_cancelled_total"
        public static let transitionDuration = "sundial_transition_duration_seconds"
        public static let retries = "sundial_step_retries_total"
        public static let leaseTakeovers = "sundial_lease_takeovers_total"
        public static let failovers = "sundial_failovers_total"
        public static let capacityWaits = "sundial_capacity_waits_total"
        public static let outboxDeliveryFailures = "sundial_outbox_delivery_failures_total"
        public static let outboxParked = "sundial_outbox_parked_total"
        public static let outboxDelivered = "sundial_outbox_delivered_total"
    }

    private var resolved: any MetricsFactory { factory ?? MetricsSystem.factory }

    public func increment(_ name: String, _ dimensions: [(String, String)] = []) {
        Counter(label: name, dimensions: dimensions, factory: resolved).increment()
    }

    /// A workflow start that created a row (a repeated start of the same key is not counted).
    public func started(type: String) {
        increment(Name.started, [("type", type)])
    }

    public func leaseTakenOver(type: String) {
        increment(Name.leaseTakeovers, [("type", type)])
    }

    /// Counts what one committed transition means: its latency, and the retry, failover,
    /// capacity wait or end of the workflow it records.
    func committed(_ commit: TransitionCommit, type: String) {
        let state = commit.fromState ?? commit.state
        if let milliseconds = commit.durationMilliseconds {
            Timer(label: Name.transitionDuration, dimensions: [("type", type), ("state", state)], factory: resolved)
                .recordNanoseconds(Int64((milliseconds * 1_000_000).rounded()))
        }
        switch commit.event {
        case "retry", "undo-retry": increment(Name.retries, [("type", type), ("state", state)])
        case "failed-over": increment(Name.failovers, [("type", type), ("state", state)])
        case "capacity-wait": increment(Name.capacityWaits, [("type", type), ("state", state)])
        case "failed": increment(Name.failed, [("type", type)])
        case "compensation-failed": increment(Name.compensationFailed, [("type", type)])
        default: break
        }
        guard commit.finished else { return }
        switch commit.status {
        case .completed: increment(Name.completed, [("type", type)])
        case .compensated: increment(Name.compensated, [("type", type)])
        case .cancelled: increment(Name.cancelled, [("type", type)])
        default: break
        }
    }
}
