import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import Sandbox
import SundialEngine
import Workflows

/// Which guarantee to break on purpose, to see the invariant checks catch it.
enum BrokenGuarantee: String, ExpressibleByArgument, CaseIterable, Sendable {
    case none
    /// The sandbox's Stripe ignores Idempotency-Key: a retried authorization holds money twice.
    case idempotency
    /// Workers commit without fencing: a stale worker overwrites newer state.
    case fencing
}

/// Everything a run can be told.
struct ChaosOptions: ParsableArguments, Sendable {
    @Option(help: "Orders to submit.") var orders = 2000
    @Option(help: "Worker processes.") var workers = 3
    @Option(help: "Workflows each worker runs at once.") var workerConcurrency = 16
    @Option(help: "Orders submitted at once.") var submitConcurrency = 16
    @Option(help: "Orders per second at most (0: as fast as the submitters go); ops/failover paces them so orders keep coming through the failover.")
    var ordersPerSecond = 0.0
    @Option(help: "Milliseconds between two worker kills (SIGKILL, then a fresh process).") var killEveryMs = 3000
    @Option(help: "Fraction of calls to each outside API that fail (5xx); lost responses, 429s and hangs come on top.") var faultRate = 0.1
    @Option(help: "Milliseconds between two tracking steps of a parcel in the sandbox.") var trackingStepMilliseconds = 400
    @Option(help: "Seconds to wait for every order to settle.") var settleTimeout = 900
    @Option(help: "Shell command that restarts PostgreSQL once mid-run (empty: no restart).") var postgresRestart = ""
    @Option(help: "Shell command that kills the primary and promotes its synchronous standby once mid-run (empty: no failover; ops/failover sets it).")
    var postgresFailover = ""
    @Option(help: "Break a guarantee on purpose: none, idempotency, fencing.") var breakGuarantee = BrokenGuarantee.none
    @Option(help: "Sandbox port.") var sandboxPort = 8189
    @Option(help: "Server port.") var httpPort = 8188
    @Option(help: "Seed of the sandbox's faults.") var seed: UInt64 = 7
    @Option(help: "Folder for the processes' logs and labels.") var logFolder = ".data/chaos"
    @Option(help: "Bytes the batch's SFTP client sends before the run cuts its upload (past the SSH handshake, inside the file).") var sftpDropAfter = 4500
    @Option(help: "Seconds the SFTP server stays unreachable after the cut.") var sftpOutageSeconds = 4.0
}

/// `sundial-chaos`: starts the sandbox with faults, the server and worker processes on the
/// configured database, drives orders, duplicates, cancels and replayed webhooks through them
/// while killing workers and restarting PostgreSQL, then checks the README's promises and prints
/// them as a table. Exits 1 when any check fails. `ops/chaos` runs it on a cluster of its own.
@main
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sundial-chaos", abstract: "Chaos run with invariant checks.")

    @OptionGroup var options: ChaosOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["DATABASE_URL"] else { throw ValidationError("DATABASE_URL is not set (ops/chaos sets it)") }
        let database = try DatabaseConfiguration(url: url, schema: environment["SUNDIAL_SCHEMA"] ?? "chaos", maxConnections: 4)
        let sundial = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sundial")
        let logFolder = URL(fileURLWithPath: options.logFolder, isDirectory: true)
        try FileManager.default.createDirectory(at: logFolder, withIntermediateDirectories: true)
        var logger = Logger(label: "sundial.chaos")
        logger.logLevel = .error

        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let http = ChaosHTTP(client: httpClient)
        let sftp = try ChaosSFTP(environment: environment, run: environment["SUNDIAL_SCHEMA"] ?? "chaos-\(Int(Date().timeIntervalSince1970))")
        let fleet = ChaosFleet(options: options, sundial: sundial, logFolder: logFolder, workerExtras: sftp.workerEnvironment)
        // Ctrl-C or SIGTERM: take the sandbox, server and workers down too.
        let interrupts = [SIGINT, SIGTERM].map { (signalNumber: Int32) -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                fleet.killAllNow()
                report("interrupted; stopped the sandbox, the server and the workers")
                Foundation.exit(130)
            }
            source.resume()
            return source
        }
        defer { interrupts.forEach { $0.cancel() } }
        let passed: Bool
        do {
            passed = try await drive(fleet: fleet, sftp: sftp, http: http, database: database, sundial: sundial, logger: logger)
        } catch {
            await fleet.stopAll()
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        if !passed { throw ExitCode(1) }
    }

    private func drive(fleet: ChaosFleet, sftp: ChaosSFTP, http: ChaosHTTP, database: DatabaseConfiguration, sundial: URL, logger: Logger) async throws -> Bool {
        let started = ContinuousClock.now
        report("starting the sandbox, the server and \(options.workers) workers (logs in \(options.logFolder))")
        try await fleet.startAll(http: http)
        let faults = options.faultRate
        let faultBody = """
            {"clear": true, "seed": \(options.seed), \(["stripe", "fedex", "ups", "usps", "quickbooks"].map {
                "\"\($0)\": {\"errorRate\": \(faults), \"latencyMilliseconds\": 15, \"resetAfterEffectRate\": \(faults / 3), \"rateLimitRate\": \(faults / 5), \"hangRate\": 0.002}"
            }.joined(separator: ", ")), "shop": {"errorRate": \(faults)}}
            """
        let applied = try await http.send(.POST, "\(fleet.sandboxURL)/sandbox/faults", body: Data(faultBody.utf8))
        guard applied.status == 200 else { throw ChaosFailure("the sandbox refused the faults: \(String(decoding: applied.body, as: UTF8.self))") }
        let token = try await Self.mintToken(sundial: sundial)
        let tally = ChaosTally()
        let load = ChaosLoad(http: http, serverURL: fleet.serverURL, sandboxURL: fleet.sandboxURL, token: token, tally: tally)
        let prefix = "CH\(Int(Date().timeIntervalSince1970) % 100_000)"
        report("submitting \(options.orders) orders (\(Int(faults * 100))% faults per API, a worker killed every \(options.killEveryMs) ms)")

        let settled = try await DatabaseSession.with(database, logger: logger) { client in
            let store = WorkflowStore(client: client, database: database, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                let done = ManagedFlag()
                // The shop: orders, duplicates, then the cancels of the orders meant to be cancelled.
                group.addTask {
                    try await Self.submitAll(options.orders, concurrency: options.submitConcurrency, perSecond: options.ordersPerSecond,
                                             load: load, prefix: prefix)
                    let deadline = ContinuousClock.now + .seconds(options.settleTimeout)
                    await withTaskGroup(of: Void.self) { cancels in
                        for order in await tally.orders(of: .cancelBeforePickup) {
                            cancels.addTask { await load.cancel(order, beforePickup: true, deadline: deadline) }
                        }
                        for order in await tally.orders(of: .cancelAfterPickup) {
                            cancels.addTask { await load.cancel(order, beforePickup: false, deadline: deadline) }
                        }
                    }
                }
                // The carriers: replayed and reordered webhooks.
                group.addTask {
                    var round = 0
                    while !done.isSet {
                        try? await Task.sleep(for: .seconds(2))
                        await load.replayWebhooks(round: round)
                        round += 1
                    }
                }
                // The nightly batch, once a third of the orders completed (a file well past the
                // SSH handshake's ~4 KB), with its SFTP upload cut mid-transfer and the server
                // unreachable for a few seconds after.
                group.addTask {
                    while !done.isSet {
                        try? await Task.sleep(for: .seconds(1))
                        let completed = (await bounded(.seconds(10)) { try await store.countsByStatus(type: OrderWorkflow.name)[.completed] } ?? nil) ?? 0
                        let submitted = await tally.accepted.count + tally.contractViolations.count
                        guard submitted >= options.orders, completed >= max(30, options.orders / 3) else { continue }
                        let date = try await sftp.startBatchWithDrop(sundial: sundial, dropAfter: options.sftpDropAfter, outage: options.sftpOutageSeconds)
                        report("started the nightly batch for \(date) with \(completed) completed orders; its SFTP upload will be cut after \(options.sftpDropAfter) bytes")
                        await tally.startedBatch()
                        return
                    }
                }
                // The failover drill: once a third of the orders were acknowledged, the primary is
                // killed and the standby promoted, while orders keep coming.
                if !options.postgresFailover.isEmpty {
                    group.addTask {
                        while await tally.accepted.count < options.orders / 3 {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                        report("killing the primary (SIGKILL) and promoting the synchronous standby")
                        let before = await tally.accepted.count
                        let began = ContinuousClock.now
                        try await Self.shell(options.postgresFailover)
                        report("standby promoted after \(ContinuousClock.now - began)")
                        // The outage as the shop sees it: until the intake acknowledges an order again.
                        while await tally.accepted.count <= before, ContinuousClock.now - began < .seconds(120) {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                        let outage = ContinuousClock.now - began
                        await tally.failedOver(acceptingAgainAfter: outage)
                        report("the intake acknowledged orders again \(outage) after the primary was killed")
                    }
                }
                // The chaos: worker kills, a worker frozen past its leases now and then (a paused
                // VM that wakes up and commits late), one PostgreSQL restart.
                group.addTask {
                    var restarted = options.postgresRestart.isEmpty
                    var tick = 0
                    while !done.isSet {
                        try? await Task.sleep(for: .milliseconds(options.killEveryMs))
                        if done.isSet { break }
                        tick += 1
                        let victim = Int.random(in: 0..<options.workers)
                        if tick % 4 == 0 {
                            await fleet.freeze(victim, for: .seconds(8))
                            await tally.froze()
                        } else {
                            try await fleet.killAndRestart(victim)
                            await tally.killed()
                        }
                        if !restarted, await tally.accepted.count >= options.orders / 3 {
                            restarted = true
                            report("restarting PostgreSQL")
                            let began = ContinuousClock.now
                            try await Self.shell(options.postgresRestart)
                            await tally.restartedPostgres()
                            report("PostgreSQL back after \(ContinuousClock.now - began)")
                        }
                    }
                }
                let settled = try await Self.waitUntilSettled(store: store, tally: tally, expected: options.orders, batches: 1,
                                                              timeout: .seconds(options.settleTimeout), started: started)
                done.set()
                group.cancelAll()
                return settled
            }
        }
        report(settled ? "every order settled after \(ContinuousClock.now - started)" : "orders did not settle in time; checking what there is")
        let effects = try await http.get(SandboxEffects.self, "\(fleet.sandboxURL)/sandbox/effects")
        let deliveries = try await http.get([ShopDelivery].self, "\(fleet.sandboxURL)/sandbox/shop/deliveries")
        await fleet.stopAll()

        let evidence = try await DatabaseSession.with(database, logger: logger) { client in
            try await ChaosInvariants.gather(
                store: WorkflowStore(client: client, database: database, logger: logger), effects: effects,
                shopDeliveries: deliveries, accepted: await tally.accepted, contractViolations: await tally.contractViolations, sftp: sftp)
        }
        sftp.proxy.close()
        let checks = evidence.checks()
        let blind = ChaosTampering.blindChecks(evidence)
        let summary = """
            accepted \(await tally.accepted.count) orders (\(await tally.submitRetries) submit retries), \
            \(await tally.duplicatesSame) same-body and \(await tally.duplicatesDifferent) different-body duplicates, \
            \(await tally.cancelsAccepted) cancels before pickup and \(await tally.cancelsRefused) after, \
            \(await tally.webhookReplays) webhook replays and \(await tally.webhooksReordered) reorderings, \
            \(await tally.kills) worker kills, \(await tally.freezes) worker freezes past their leases, \(await tally.postgresRestarts) PostgreSQL restart(s), \
            \(await tally.postgresFailovers.count) primary failover(s)\(await tally.postgresFailovers.map { " (orders acknowledged again after \($0))" }.joined()), \
            \(sftp.proxy.dropped) SFTP upload(s) cut (client bytes per SFTP connection: \(sftp.proxy.clientBytes.map(String.init).joined(separator: ", "))), \
            broken on purpose: \(options.breakGuarantee.rawValue)
            """
        print("\n" + summary + "\n")
        print(ChaosInvariants.table(checks))
        let sqlComputed = checks.filter { ChaosTampering.computedBySQL.contains($0.name) }.count
        if blind.isEmpty {
            print("\nthe checks are live: on a copy of this evidence with each guarantee broken, all \(checks.count) report a breach (\(sqlComputed) of them computed by SQL get the breach as the query would report it)")
        } else {
            print("\nthese checks passed on evidence with their guarantee broken, so they could never fail:")
            for name in blind { print("  - \(name)") }
        }
        let passed = settled && checks.allSatisfy(\.passed) && blind.isEmpty
        print("\n" + (passed ? "chaos run PASSED" : "chaos run FAILED") + " in \(ContinuousClock.now - started)")
        return passed
    }

    private static func submitAll(_ count: Int, concurrency: Int, perSecond: Double, load: ChaosLoad, prefix: String) async throws {
        let began = ContinuousClock.now
        /// Waits until order `n` is due under the pace (none without one).
        func due(_ n: Int) async {
            guard perSecond > 0 else { return }
            let at = began + .milliseconds(Int64(Double(n) / perSecond * 1000))
            if at > ContinuousClock.now { try? await Task.sleep(until: at) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(concurrency, count) {
                let n = next
                group.addTask { await due(n); await load.submit(n, prefix: prefix) }
                next += 1
            }
            while try await group.next() != nil, next < count {
                let n = next
                group.addTask { await due(n); await load.submit(n, prefix: prefix) }
                next += 1
            }
        }
    }

    /// Waits until every order was accepted, every workflow stopped moving on its own (ended, or
    /// parked for an operator) and the outbox has nothing left to try, printing a progress line.
    private static func waitUntilSettled(store: WorkflowStore, tally: ChaosTally, expected: Int, batches: Int, timeout: Duration,
                                         started: ContinuousClock.Instant) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(2))
            let accepted = await tally.accepted.count
            guard let counts = await bounded(.seconds(10), { try await store.countsByStatus() }) else { continue }
            let active = [WorkflowStatus.runnable, .sleeping, .waiting, .compensating].reduce(0) { $0 + (counts[$1] ?? 0) }
            let parked = await bounded(.seconds(10)) { try await store.snapshots(type: "order").filter { $0.status == .waiting && $0.waitSignal == "resume" }.count } ?? 0
            let line = counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
            let pending = (await bounded(.seconds(10)) { try await store.outboxSummary(topic: "order-status").byStatus["pending"] } ?? nil) ?? 0
            report("accepted \(accepted)/\(expected), workflows: \(line), webhooks pending: \(pending) (\(ContinuousClock.now - started))")
            if accepted + (await tally.contractViolations.count) >= expected, await tally.batchesStarted >= batches,
               active - parked == 0, pending == 0 { return true }
        }
        return false
    }

    static func mintToken(sundial: URL) async throws -> String {
        let process = Process()
        process.executableURL = sundial
        process.arguments = ["tokens", "mint", "--scope", "orders:write orders:read", "--client-id", "chaos-shop", "--ttl", "86400"]
        process.environment = ProcessInfo.processInfo.environment.merging(["SUNDIAL_JWT_HS256_SECRET": ChaosFleet.jwtSecret]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let token = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !token.isEmpty else { throw ChaosFailure("sundial tokens mint failed") }
        return token
    }

    /// Runs `command` with bash and waits for bash itself to exit (`waitpid`): Foundation's
    /// `Process` keeps reporting it running while a daemon it started (the restarted postmaster)
    /// holds an inherited descriptor.
    static func shell(_ command: String) async throws {
        var pid: pid_t = 0
        let arguments = ["/bin/bash", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ)
        guard spawned == 0 else { throw ChaosFailure("could not run '\(command)': error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 { try await Task.sleep(for: .milliseconds(50)) }
        let exitCode = (status >> 8) & 0xff
        guard status & 0x7f == 0, exitCode == 0 else { throw ChaosFailure("'\(command)' exited \(exitCode)") }
    }
}

/// A flag set once from one task and read from others.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// One progress line on stderr, unbuffered.
func report(_ line: String) {
    FileHandle.standardError.write(Data("==> \(line)\n".utf8))
}
