import Foundation
import Sundial

/// How one worker process claims and runs workflows. Every field has a default that suits a
/// small fleet; `fromEnvironment` reads the `SUNDIAL_*` variables documented in the README.
public struct WorkerConfiguration: Sendable {
    /// Unique per process; shown as the lease holder.
    public var workerID: String
    /// Workflows run at once by this process.
    public var concurrency: Int
    /// Most rows leased by one claim statement.
    public var claimBatch: Int
    /// How long a lease lasts without a heartbeat; a dead worker's workflows resume after it.
    public var leaseDuration: Duration
    /// The fallback poll when no NOTIFY arrives.
    public var pollInterval: Duration
    /// On SIGTERM, how long in-flight steps may take to finish before they are cancelled and
    /// their leases released.
    public var drainDeadline: Duration
    /// The clock handlers see.
    public var clock: any WorkflowClock
    /// How long a step may run past its time limit (its commit included) before the worker gives
    /// it up as stuck and lets its lease expire, so another worker takes the workflow over.
    public var stepOverrunGrace: Duration = .seconds(30)
    /// Commits ignore the fencing token, visit and attempt, and the worker no longer notices
    /// that it lost a lease (the heartbeat does not stop the step, `Step.ensureLeaseHeld()`
    /// passes): a stale worker overwrites newer state, as a worker without fencing would.
    /// Exists only so the chaos suite can prove its checks catch a broken guarantee;
    /// honoured in debug builds only (`SUNDIAL_UNSAFE_DISABLE_FENCING=1`).
    public var unsafeDisableFencing = false

    public init(
        workerID: String = WorkerConfiguration.defaultWorkerID(),
        concurrency: Int = 16,
        claimBatch: Int = 32,
        leaseDuration: Duration = .seconds(30),
        pollInterval: Duration = .seconds(1),
        drainDeadline: Duration = .seconds(25),
        clock: any WorkflowClock = SystemClock()
    ) {
        self.workerID = workerID
        self.concurrency = concurrency
        self.claimBatch = claimBatch
        self.leaseDuration = leaseDuration
        self.pollInterval = pollInterval
        self.drainDeadline = drainDeadline
        self.clock = clock
    }

    /// Heartbeats run three times per lease, so one missed beat does not lose the lease.
    public var heartbeatInterval: Duration { leaseDuration / 3 }

    public static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }

    /// Reads `SUNDIAL_WORKER_ID`, `SUNDIAL_CONCURRENCY`, `SUNDIAL_CLAIM_BATCH`,
    /// `SUNDIAL_LEASE_SECONDS`, `SUNDIAL_POLL_SECONDS`, `SUNDIAL_DRAIN_SECONDS` and
    /// `SUNDIAL_STEP_OVERRUN_GRACE_SECONDS`.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws -> WorkerConfiguration {
        var configuration = WorkerConfiguration()
        if let id = environment.string("SUNDIAL_WORKER_ID") { configuration.workerID = id }
        configuration.concurrency = try environment.int("SUNDIAL_CONCURRENCY", default: 16, range: 1...1024)
        configuration.claimBatch = try environment.int("SUNDIAL_CLAIM_BATCH", default: 32, range: 1...1000)
        configuration.leaseDuration = try environment.seconds("SUNDIAL_LEASE_SECONDS", default: .seconds(30), range: 1...3600)
        configuration.pollInterval = try environment.seconds("SUNDIAL_POLL_SECONDS", default: .seconds(1), range: 0.01...60)
        configuration.drainDeadline = try environment.seconds("SUNDIAL_DRAIN_SECONDS", default: .seconds(25), range: 0...3600)
        configuration.stepOverrunGrace = try environment.seconds("SUNDIAL_STEP_OVERRUN_GRACE_SECONDS", default: .seconds(30), range: 1...3600)
        #if DEBUG
        configuration.unsafeDisableFencing = environment.string("SUNDIAL_UNSAFE_DISABLE_FENCING") == "1"
        #endif
        return configuration
    }
}
