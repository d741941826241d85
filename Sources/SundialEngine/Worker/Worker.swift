import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// A worker process's engine: claims due workflows in batches and runs up to `concurrency` of
/// them at once, as a swift-service-lifecycle `Service`.
///
/// Three loops run under one task group: the claim loop (woken by NOTIFY, by freed slots, by
/// timers it knows of, and by a fallback poll), the NOTIFY listener, and the heartbeat that
/// extends the leases of running workflows and records the worker as alive. On graceful
/// shutdown (SIGTERM) the worker stops claiming, lets running steps finish and commit with
/// their leases released, and after `drainDeadline` cancels what is left and releases it.
public final class Worker: Service, Sendable {
    public let configuration: WorkerConfiguration
    let store: WorkflowStore
    let registry: WorkflowRegistry
    let logger: Logger

    private struct Shared {
        var leases = HeldLeases()
        var draining = false
        var nextTimer: Date?
        /// Types an operator paused (`paused_types`), refreshed at each heartbeat.
        var paused: Set<String> = []
    }

    private let shared = Mutex(Shared())
    private let wake = WakeSignal()

    public init(store: WorkflowStore, registry: WorkflowRegistry, configuration: WorkerConfiguration, logger: Logger) {
        self.store = store
        self.registry = registry
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker_id"] = "\(configuration.workerID)"
        self.logger = logger
    }

    private var definitions: [(type: String, version: Int)] {
        registry.all.map { ($0.name, $0.version) }
    }

    /// The number of workflows this worker is running now.
    public var inFlightCount: Int { shared.withLock { $0.leases.count } }

    public func run() async throws {
        try await SchemaCheck.requireCurrentSchema(client: store.client, schema: store.database.schema, logger: logger)
        logger.info("worker starting", metadata: [
            "database": "\(store.database.redactedDescription)",
            "concurrency": "\(configuration.concurrency)",
            "definitions": "\(registry.all.map(\.key).joined(separator: ","))",
        ])
        await refreshPausedTypes()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.listenForWakeups() }
                group.addTask { await self.heartbeatLoop() }
                await self.claimLoop()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.beginDrain()
        }
        try? await store.recordWorkerStopped(id: configuration.workerID)
        logger.info("worker stopped", metadata: ["round_trips": "\(store.counters.snapshot)"])
    }

    /// Stops claiming; running steps finish and release their leases.
    public func beginDrain() {
        shared.withLock { $0.draining = true }
        logger.info("draining: no new claims; running steps finish and release their leases",
                    metadata: ["in_flight": "\(inFlightCount)", "deadline": "\(configuration.drainDeadline)"])
        wake.poke()
    }

    private var isDraining: Bool { shared.withLock { $0.draining } }

    // MARK: Claim loop

    private func claimLoop() async {
        let runner = WorkflowRunner(
            store: store, registry: registry, configuration: configuration, logger: logger,
            isDraining: { [weak self] in self?.isDraining ?? true },
            noteTimer: { [weak self] date in self?.noteTimer(date) },
            noteStepBudget: { [weak self] id, budget in
                self?.shared.withLock { $0.leases.stepDeadlines[id] = ContinuousClock.now + budget }
            },
            isLeaseLost: { [weak self] id in self?.shared.withLock { $0.leases.isLost(id) } ?? true },
            isPaused: { [weak self] type in self?.shared.withLock { $0.paused.contains(type) } ?? false })
        let allDefinitions = self.definitions
        var failures = 0
        var lastClaim = ContinuousClock.now - .seconds(1)
        // Busy workers gather freed slots for this long so that one claim serves a batch.
        let gatherWindow = Duration.milliseconds(5)
        let batchThreshold = max(1, min(configuration.concurrency / 4, configuration.claimBatch))

        await withDiscardingTaskGroup { executions in
            while !isDraining {
                let inFlight = inFlightCount
                let free = configuration.concurrency - inFlight
                // Idle, or enough slots free, or the gathering window is over: claim now.
                // Otherwise wait out the rest of the window (a poke may end it sooner).
                let sinceLastClaim = ContinuousClock.now - lastClaim
                if free > 0 && inFlight > 0 && free < batchThreshold && sinceLastClaim < gatherWindow {
                    await wake.wait(timeout: gatherWindow - sinceLastClaim)
                    continue
                }
                var wantMore = false
                // Paused types are left out of the claim; the statement itself is unchanged.
                let paused = shared.withLock { $0.paused }
                let definitions = paused.isEmpty ? allDefinitions : allDefinitions.filter { !paused.contains($0.type) }
                if free > 0 && !definitions.isEmpty {
                    lastClaim = ContinuousClock.now
                    let limit = min(free, configuration.claimBatch)
                    do {
                        let claimed = try await store.claimDue(
                            worker: configuration.workerID, definitions: definitions, limit: limit,
                            lease: configuration.leaseDuration)
                        failures = 0
                        for workflow in claimed {
                            shared.withLock { $0.leases.claimed(workflow.id, token: workflow.fencingToken) }
                            executions.addTask {
                                // An abandoned step keeps its entry, so its lease is released below.
                                if await runner.drive(workflow) == .handedBack { self.finished(workflow.id, token: workflow.fencingToken) }
                            }
                        }
                        wantMore = claimed.count == limit
                        if claimed.isEmpty { await refreshNextTimer() }
                    } catch {
                        failures += 1
                        let backoff = Duration.milliseconds(min(5000, 100 << min(failures, 6)))
                        logger.error("claim failed; retrying", metadata: ["error": "\(ErrorDescription.describe(error))", "backoff": "\(backoff)"])
                        await wake.wait(timeout: backoff)
                        continue
                    }
                }
                if wantMore && configuration.concurrency - inFlightCount > 0 { continue }
                await wake.wait(timeout: waitDuration())
            }
            await drain(executions: &executions)
        }
        await releaseRemaining()
    }

    private func finished(_ id: UUID, token: Int64) {
        shared.withLock { $0.leases.finished(id, token: token) }
        wake.poke()
    }

    /// Until the next known timer, at most the poll interval.
    private func waitDuration() -> Duration {
        let poll = configuration.pollInterval
        guard let next = shared.withLock({ $0.nextTimer }) else { return poll }
        let seconds = next.timeIntervalSinceNow
        if seconds <= 0 {
            shared.withLock { $0.nextTimer = nil }
            return .zero
        }
        return min(poll, .milliseconds(Int64(seconds * 1000) + 1))
    }

    private func noteTimer(_ date: Date) {
        let earlier = shared.withLock { state -> Bool in
            if let known = state.nextTimer, known <= date { return false }
            state.nextTimer = date
            return true
        }
        if earlier { wake.poke() }
    }

    private func refreshNextTimer() async {
        guard let next = try? await store.nextDueTime() else { return }
        shared.withLock { state in
            if let known = state.nextTimer, known > Date(), known <= next { return }
            state.nextTimer = next
        }
    }

    private func drain(executions: inout DiscardingTaskGroup) async {
        let deadline = ContinuousClock.now + configuration.drainDeadline
        while inFlightCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if inFlightCount > 0 {
            logger.warning("drain deadline passed; cancelling running steps", metadata: ["in_flight": "\(inFlightCount)"])
        }
        // Also reaches steps given up as stuck, which no longer count as in flight.
        executions.cancelAll()
    }

    private func releaseRemaining() async {
        let remaining = shared.withLock { $0.leases.removeAll() }
        guard !remaining.isEmpty else { return }
        do {
            try await store.releaseLeases(worker: configuration.workerID, ids: Array(remaining.keys),
                                          tokens: Array(remaining.values))
            logger.info("released leases of unfinished steps", metadata: ["count": "\(remaining.count)"])
        } catch {
            logger.error("could not release leases; they expire on their own", metadata: ["error": "\(ErrorDescription.describe(error))"])
        }
    }

    /// A step that overran its time limit and its commit budget is stuck in a call that does not
    /// return (cancellation cannot interrupt it: a database connection lost mid-query, say). Its
    /// lease is no longer extended, so another worker takes the workflow over when it expires;
    /// should the stuck step ever finish, its commit is fenced. Its slot is freed for new work.
    private func giveUpOverrunSteps() {
        let now = ContinuousClock.now
        let overrun = shared.withLock { state -> [UUID] in
            let ids = state.leases.stepDeadlines.filter { $0.value < now }.map(\.key)
            for id in ids { state.leases.finished(id) }
            return ids
        }
        for id in overrun {
            logger.error("step stuck past its time limit; its lease is left to expire so another worker takes over",
                         metadata: ["workflow_id": "\(id.uuidString.lowercased())"])
        }
        if !overrun.isEmpty { wake.poke() }
    }

    // MARK: NOTIFY listener

    private func listenForWakeups() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await store.client.withConnection { connection in
                    try await connection.listen(on: self.store.wakeupChannel) { notifications in
                        failures = 0
                        self.wake.poke()  // catch up on whatever was missed while not listening
                        for try await _ in notifications {
                            self.wake.poke()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("wake-up listener lost its connection; polling until it is back",
                               metadata: ["error": "\(ErrorDescription.describe(error))"])
                try? await Task.sleep(for: .milliseconds(min(5000, 100 << min(failures, 6))))
            }
        }
    }

    // MARK: Heartbeat

    /// Reads the paused types; on failure keeps the set it had (a pause is not lost to a blip).
    private func refreshPausedTypes() async {
        do {
            let paused = Set(try await store.pausedTypes().map(\.type))
            let changed = shared.withLock { state -> Bool in
                defer { state.paused = paused }
                return state.paused != paused
            }
            if changed {
                logger.info("paused workflow types changed; claiming accordingly", metadata: ["paused": "\(paused.sorted().joined(separator: ","))"])
                wake.poke()
            }
        } catch {
            logger.warning("could not read paused workflow types", metadata: ["error": "\(ErrorDescription.describe(error))"])
        }
    }

    private func heartbeatLoop() async {
        let host = ProcessInfo.processInfo.hostName
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        let keys = registry.all.map(\.key)
        var beats = 0
        var plannerStatistics = PlannerStatisticsCheck.tooFewRows
        while !Task.isCancelled {
            do {
                giveUpOverrunSteps()
                let held = shared.withLock { $0.leases.tokens }
                if !held.isEmpty {
                    let lost = try await store.extendLeases(
                        worker: configuration.workerID, ids: Array(held.keys), tokens: Array(held.values),
                        lease: configuration.leaseDuration)
                    // Without fencing (a chaos-suite break), a lost lease goes unnoticed.
                    let stillLost = configuration.unsafeDisableFencing
                        ? [] : shared.withLock { $0.leases.markLost(lost, readAs: held) }
                    for id in stillLost {
                        logger.warning("lease lost to another worker; its running step is stopped and its commit will be refused",
                                       metadata: ["workflow_id": "\(id.uuidString.lowercased())"])
                    }
                }
                try await store.recordWorkerHeartbeat(
                    id: configuration.workerID, host: host, pid: pid, concurrency: configuration.concurrency,
                    definitions: keys)
                await refreshPausedTypes()
                if plannerStatistics == .tooFewRows {
                    do {
                        plannerStatistics = try await store.analyzeWorkflowsIfNeverAnalyzed(minimumRows: 200)
                        if plannerStatistics == .analyzed {
                            logger.info("gave the new workflows table its first planner statistics, so claims use the due index")
                        }
                    } catch {
                        // Not the table's owner, say: autovacuum will analyze it in its own time.
                        plannerStatistics = .present
                        logger.warning("could not analyze the workflows table; claims may scan it until autovacuum does",
                                       metadata: ["error": "\(ErrorDescription.describe(error))"])
                    }
                }
                if beats % 20 == 0 {
                    for unknown in try await store.dueWithUnknownDefinitions(definitions) {
                        logger.warning("due workflows of a definition this worker does not run are left alone", metadata: [
                            "workflow_type": "\(unknown.type)", "version": "\(unknown.version)", "count": "\(unknown.count)",
                        ])
                    }
                }
                beats += 1
            } catch {
                if Task.isCancelled { return }
                logger.warning("heartbeat failed", metadata: ["error": "\(ErrorDescription.describe(error))"])
            }
            try? await Task.sleep(for: configuration.heartbeatInterval)
        }
    }
}
