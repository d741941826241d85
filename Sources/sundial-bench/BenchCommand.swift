import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import Sundial
import SundialEngine

/// `sundial-bench`: the sections `ops/bench` runs, each printing one JSON result line, and the
/// report that turns those lines into the table and chart of BENCHMARKS.md.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sundial-bench",
        abstract: "Benchmark sections for ops/bench (each prints one JSON line).",
        subcommands: [WorkerSection.self, ThroughputSection.self, LatencySection.self, TimerSection.self,
                      RecoverySection.self, SeedFinishedSection.self, ReportSection.self, RoundTripSection.self,
                      FleetReadsSection.self, CountCostSection.self])
}

/// `sundial-bench worker`: a worker running the bench workflows; prints its round-trip counters on exit.
struct WorkerSection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Run a bench worker until SIGTERM.")

    func run() async throws {
        let environment = try EngineEnvironment.fromEnvironment()
        LoggingSetup.bootstrap(level: environment.logLevel, format: "json")
        let configuration = try WorkerConfiguration.fromEnvironment()
        let hold = Int(ProcessInfo.processInfo.environment["BENCH_HOLD_MS"] ?? "") ?? 0
        let registry = WorkflowRegistry([BenchFiveSteps(), BenchTimer(), BenchHold(holdMilliseconds: hold)])
        let counters = StoreCounters()
        try await WorkerHost.run(environment: environment, worker: configuration, registry: registry,
                                 logger: Logger(label: "bench.worker"), counters: counters)
        let data = try JSONSerialization.data(withJSONObject: counters.snapshot, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// Starts `count` workflows from `callers` concurrent callers.
func startMany(_ client: WorkflowClient, count: Int, callers: Int, make: @escaping @Sendable (Int) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for caller in 0..<callers {
            group.addTask {
                var n = caller
                while n < count {
                    try await make(n)
                    n += callers
                }
            }
        }
        try await group.waitForAll()
    }
}

struct ThroughputSection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "throughput", abstract: "N five-step workflows through K worker processes.")
    @Option var workflows = 20_000
    @Option var processes = 1
    @Option var concurrency = 16
    @Option var callers = 8
    @Option var schema = "bench_throughput"
    @Option(help: "Label for the report (e.g. the finished-row count seeded).") var label = ""
    @Flag(help: "Keep the schema's rows (the claim-cost runs seed them first).") var keepRows = false
    @Flag(help: "Disable the fleet-count triggers of migration 0013 for this run (to measure what they cost).")
    var withoutCountTriggers = false

    func run() async throws {
        let bench = try BenchEnvironment.fromEnvironment(schema: schema)
        let withoutCountTriggers = self.withoutCountTriggers
        try await bench.withSchema(registering: [BenchFiveSteps()], keepRows: keepRows) { client, workflowClient in
            try await client.query(PostgresQuery(unsafeSQL: "ALTER TABLE workflows \(withoutCountTriggers ? "DISABLE" : "ENABLE") TRIGGER USER"),
                                   logger: bench.logger)
            let finishedBefore = try await bench.scalar(client, "SELECT count(*)::int8 FROM workflows", as: Int64.self) ?? 0
            let workers = try await bench.startWorkers(client, ids: (0..<processes).map { "bench-\($0)" }, concurrency: concurrency)

            let horizon = try await bench.writeTransactionHorizon(client)
            let committedBefore = try await bench.committedTransactions(client, settle: .seconds(11))
            // This run's rows are those created from here on (seeded rows are a day old).
            let runStart = try await bench.scalar(client, "SELECT now()", as: Date.self) ?? Date()
            let runID = UUID().uuidString.prefix(8)
            let enqueueStart = ContinuousClock.now
            try await startMany(workflowClient, count: workflows, callers: callers) { n in
                try await workflowClient.start(BenchFiveSteps.self, key: "\(runID)-\(n)", input: .init(orderID: "o\(n)"))
            }
            let enqueueSeconds = (ContinuousClock.now - enqueueStart).seconds
            // Done when no row is active any more: a count over the partial index workflows_due,
            // which holds only active rows. (Counting this run's completed rows by business key
            // cannot use an index under this database's collation: that sequential scan of a
            // 5 M-row table every 250 ms was most of the "claim cost" earlier runs measured.)
            let settled = try await waitFor(timeout: .seconds(1800), every: .milliseconds(250)) {
                try await bench.scalar(client, "SELECT count(*)::int8 FROM workflows WHERE run_at IS NOT NULL", as: Int64.self) == 0
            }
            let completed = try await bench.scalar(client, """
                SELECT count(*)::int8 FROM workflows
                WHERE status = 'completed' AND created_at >= \(runStart) AND business_key LIKE \(runID + "-%")
                """, as: Int64.self)
            guard settled, completed == Int64(workflows) else {
                throw ValidationError("\(completed ?? 0) of \(workflows) workflows completed")
            }
            let seconds = try await bench.scalar(client, """
                SELECT extract(epoch FROM max(finished_at) - min(created_at))::float8 FROM workflows
                WHERE created_at >= \(runStart) AND business_key LIKE \(runID + "-%")
                """, as: Double.self) ?? .nan
            let writes = try await bench.writeTransactionHorizon(client) - horizon

            workers.forEach { $0.terminate() }
            var totals: [String: Int] = [:]
            for worker in workers { totals.merge(worker.counters(), uniquingKeysWith: +) }
            // All transactions, read-only ones included (the starts' read-backs, heartbeats, and
            // this client's few polls), once every backend has reported its counts.
            let committed = try await bench.committedTransactions(client, settle: .seconds(11)) - committedBefore
            let transitions = Double(workflows * 5)
            let workerTrips = Double((totals["claims"] ?? 0) + (totals["commits"] ?? 0) + (totals["other"] ?? 0))
            // The starts' round trips (the start statement and its read-back), counted by the client.
            let startTrips = Double(workflowClient.store.counters.starts.load(ordering: .relaxed))
            let tripsPerWorkflow = (workerTrips + startTrips) / Double(workflows)
            emit([
                "section": "throughput", "label": label, "count_triggers": !withoutCountTriggers, "processes": processes, "concurrency": concurrency,
                "workflows": workflows, "finished_rows_before": finishedBefore, "seconds": seconds,
                "workflows_per_s": Double(workflows) / seconds, "transitions_per_s": transitions / seconds,
                "enqueue_s": enqueueSeconds,
                "write_xacts_per_workflow": Double(writes) / Double(workflows),
                "xacts_per_workflow": Double(committed) / Double(workflows),
                "round_trips_per_workflow": tripsPerWorkflow,
                "claims_per_workflow": Double(totals["claims"] ?? 0) / Double(workflows),
                "commits_per_workflow": Double(totals["commits"] ?? 0) / Double(workflows),
                "other_per_workflow": Double(totals["other"] ?? 0) / Double(workflows),
                "start_trips_per_workflow": startTrips / Double(workflows),
            ])
        }
    }
}

struct LatencySection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "latency", abstract: "Workflows one at a time, start to known completion.")
    @Option var count = 1000
    @Option var schema = "bench_latency"

    func run() async throws {
        let bench = try BenchEnvironment.fromEnvironment(schema: schema)
        try await bench.withSchema(registering: [BenchFiveSteps()]) { client, workflowClient in
            let worker = try await bench.startWorkers(client, ids: ["bench-latency"], concurrency: 4)[0]
            var samples: [Double] = []
            for n in 0..<(count + 20) {
                let started = ContinuousClock.now
                let id = try await workflowClient.start(BenchFiveSteps.self, key: "lat-\(n)", input: .init(orderID: "o\(n)")).id
                while try await bench.scalar(client, "SELECT status FROM workflows WHERE id = \(id)", as: String.self) != "completed" {
                    try await Task.sleep(for: .microseconds(200))
                }
                if n >= 20 { samples.append((ContinuousClock.now - started).seconds * 1000) }  // 20 warm-up runs
            }
            worker.terminate()
            _ = worker.counters()
            let p = Percentiles(samples)
            emit(["section": "latency", "count": count, "p50_ms": p.value(50), "p95_ms": p.value(95), "p99_ms": p.value(99),
                  "per_transition_ms": p.value(50) / 5])
        }
    }
}

struct TimerSection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "timers", abstract: "Sleeps due over a window; how late they fire.")
    @Option var count = 5000
    @Option(help: "Seconds over which the timers fall due.") var spread = 10.0
    @Option var schema = "bench_timers"

    func run() async throws {
        let bench = try BenchEnvironment.fromEnvironment(schema: schema)
        let (count, spread) = (self.count, self.spread)
        try await bench.withSchema(registering: [BenchTimer()]) { client, workflowClient in
            let worker = try await bench.startWorkers(client, ids: ["bench-timers"], concurrency: 64)[0]
            // All timers are armed before the first falls due.
            let firstDue = Date().timeIntervalSince1970 + 6
            try await startMany(workflowClient, count: count, callers: 8) { n in
                let due = firstDue + spread * Double(n) / Double(count)
                try await workflowClient.start(BenchTimer.self, key: "timer-\(n)", input: .init(dueAt: due))
            }
            _ = try await waitFor(timeout: .seconds(120), every: .milliseconds(500)) {
                try await bench.scalar(client, "SELECT count(*)::int8 FROM workflows WHERE status = 'completed'", as: Int64.self) == Int64(count)
            }
            let rows = try await client.query("SELECT (output->>'latenessMilliseconds')::float8 FROM workflows WHERE status = 'completed'", logger: bench.logger)
            var lateness: [Double] = []
            for try await value in rows.decode(Double.self) { lateness.append(value) }
            worker.terminate()
            _ = worker.counters()
            let p = Percentiles(lateness)
            emit(["section": "timers", "count": lateness.count, "spread_s": spread, "p50_ms": p.value(50), "p99_ms": p.value(99),
                  "max_ms": p.sorted.last ?? .nan, "early": lateness.filter { $0 < 0 }.count])
        }
    }
}

struct RecoverySection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recovery", abstract: "Kill -9 a worker holding N workflows; time until all resumed.")
    @Option var count = 500
    @Option var lease = 5.0
    @Option var schema = "bench_recovery"

    func run() async throws {
        let bench = try BenchEnvironment.fromEnvironment(schema: schema)
        let (count, lease) = (self.count, self.lease)
        try await bench.withSchema(registering: [BenchHold(holdMilliseconds: 0)]) { client, workflowClient in
            let doomed = try await bench.startWorkers(client, ids: ["doomed"], concurrency: count, lease: lease,
                                                      extra: ["BENCH_HOLD_MS": "3600000"])[0]
            try await startMany(workflowClient, count: count, callers: 8) { n in
                try await workflowClient.start(BenchHold.self, key: "hold-\(n)", input: .init(n: n))
            }
            let held = try await waitFor(timeout: .seconds(60)) {
                try await bench.scalar(client, "SELECT count(*)::int8 FROM workflows WHERE lease_owner = 'doomed'", as: Int64.self) == Int64(count)
            }
            guard held else { throw ValidationError("the first worker never held all \(count) workflows") }
            let rescuer = try await bench.startWorkers(client, ids: ["rescuer"], concurrency: 64, lease: lease)[0]
            // The latest lease expiry among the held rows: recovery cannot start before it.
            let lastExpiry = try await bench.scalar(client, "SELECT extract(epoch FROM max(run_at) - now())::float8 FROM workflows", as: Double.self) ?? .nan
            let killed = ContinuousClock.now
            doomed.killHard()
            _ = doomed.counters()
            var firstResumed: Double?
            _ = try await waitFor(timeout: .seconds(120), every: .milliseconds(20)) {
                let done = try await bench.scalar(client, "SELECT count(*)::int8 FROM workflows WHERE status = 'completed'", as: Int64.self) ?? 0
                if done > 0 && firstResumed == nil { firstResumed = (ContinuousClock.now - killed).seconds }
                return done == Int64(count)
            }
            let allResumed = (ContinuousClock.now - killed).seconds
            rescuer.terminate()
            _ = rescuer.counters()
            emit(["section": "recovery", "count": count, "lease_s": lease, "lease_left_at_kill_s": lastExpiry,
                  "first_resumed_s": firstResumed ?? .nan, "all_resumed_s": allResumed])
        }
    }
}

struct SeedFinishedSection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed-finished", abstract: "Fill a schema with finished workflows (claim-cost runs).")
    @Option var rows = 1_000_000
    @Option var schema = "bench_claimcost"

    func run() async throws {
        let bench = try BenchEnvironment.fromEnvironment(schema: schema)
        let rows = self.rows
        try await bench.withSchema(registering: []) { client, _ in
            let started = ContinuousClock.now
            var inserted = 0
            while inserted < rows {
                let batch = min(250_000, rows - inserted)
                try await client.query("""
                    INSERT INTO workflows (id, type, version, business_key, state, status, input, context, output,
                                           visit, created_at, updated_at, finished_at)
                    SELECT gen_random_uuid(), 'bench-five-steps', 1, 'seed-' || g, 'invoice', 'completed',
                           '{"orderID":"seed"}', jsonb_build_object('orderID', 'seed-' || g, 'pad', repeat('x', 400)), '{}',
                           6, now() - interval '1 day', now() - interval '1 day', now() - interval '1 day'
                    FROM generate_series(\(inserted + 1), \(inserted + batch)) AS g
                    """, logger: bench.logger)
                inserted += batch
            }
            try await client.query("VACUUM ANALYZE workflows", logger: bench.logger)
            // The seed wrote gigabytes of WAL: flush it now, or the checkpoint it triggers
            // writes those pages back during the measured run that follows.
            try await client.query("CHECKPOINT", logger: bench.logger)
            emit(["section": "seed", "rows": rows, "seconds": (ContinuousClock.now - started).seconds])
        }
    }
}
