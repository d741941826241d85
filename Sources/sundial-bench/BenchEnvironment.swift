import Foundation
import Logging
import PostgresNIO
import Sundial
import SundialEngine

/// What every benchmark section shares: the database, a fresh schema per section, worker
/// processes of this same binary, and the counters Postgres keeps.
struct BenchEnvironment: Sendable {
    let url: String
    let schema: String
    let logger: Logger

    var database: DatabaseConfiguration {
        get throws { try DatabaseConfiguration(url: url, schema: schema, maxConnections: 16) }
    }

    static func fromEnvironment(schema: String) throws -> BenchEnvironment {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ConfigurationError(setting: "DATABASE_URL", problem: "is not set")
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        return BenchEnvironment(url: url, schema: schema, logger: logger)
    }

    /// Drops and re-creates the section's schema, migrated.
    func resetSchema(_ client: DatabaseClient) async throws {
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: logger)
        try await Migrator(client: client, schema: schema, logger: logger).migrate()
    }

    /// The cluster-wide transaction id horizon: its growth counts write transactions.
    func writeTransactionHorizon(_ client: DatabaseClient) async throws -> Int64 {
        let rows = try await client.query("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::int8", logger: logger)
        for try await value in rows.decode(Int64.self) { return value }
        return 0
    }

    /// Transactions committed in this database so far (`pg_stat_database.xact_commit`), read-only
    /// ones included. Backends report their counts lazily (at most every second, or after 10 s
    /// idle), so a reading taken right after a run is low: wait `settle` first.
    func committedTransactions(_ client: DatabaseClient, settle: Duration = .zero) async throws -> Int64 {
        if settle > .zero { try await Task.sleep(for: settle) }
        return try await scalar(client, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
                                as: Int64.self) ?? 0
    }

    func scalar<T: PostgresDecodable & Sendable>(_ client: DatabaseClient, _ query: PostgresQuery, as type: T.Type) async throws -> T? {
        let rows = try await client.query(query, logger: logger)
        for try await value in rows.decode(T.self) { return value }
        return nil
    }

    /// Runs `body` with a client on the section's schema, reset first unless `keepRows`.
    func withSchema<T: Sendable>(
        registering workflows: [any Workflow], keepRows: Bool = false,
        _ body: @Sendable (DatabaseClient, WorkflowClient) async throws -> T
    ) async throws -> T {
        let database = try self.database
        return try await DatabaseSession.with(database, logger: logger) { client in
            if !keepRows { try await resetSchema(client) }
            let store = WorkflowStore(client: client, database: database, logger: logger)
            return try await body(client, WorkflowClient(store: store, registry: WorkflowRegistry(workflows)))
        }
    }

    /// Starts worker processes and waits until each has registered itself.
    func startWorkers(
        _ client: DatabaseClient, ids: [String], concurrency: Int, lease: Double = 5, extra: [String: String] = [:]
    ) async throws -> [BenchWorkerProcess] {
        let workers = try ids.map { try spawnWorker(id: $0, concurrency: concurrency, lease: lease, extra: extra) }
        let registered = try await waitFor(timeout: .seconds(30)) {
            try await scalar(client, "SELECT count(*)::int8 FROM workers WHERE id = ANY(\(ids)) AND stopped_at IS NULL", as: Int64.self) == Int64(ids.count)
        }
        guard registered else { throw ConfigurationError(setting: "workers", problem: "\(ids) did not start within 30 s") }
        return workers
    }

    /// Starts a worker process of this binary against the section's schema.
    func spawnWorker(id: String, concurrency: Int, lease: Double = 5, extra: [String: String] = [:]) throws -> BenchWorkerProcess {
        try BenchWorkerProcess(environment: self, id: id, concurrency: concurrency, lease: lease, extra: extra)
    }
}

/// A `sundial-bench worker` child process; its last standard-output line is its round-trip counters.
final class BenchWorkerProcess: @unchecked Sendable {
    let process = Process()
    let output = Pipe()

    init(environment: BenchEnvironment, id: String, concurrency: Int, lease: Double, extra: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path),
           let resolved = Bundle.main.executableURL {
            process.executableURL = resolved
        }
        process.arguments = ["worker"]
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = environment.url
        env["SUNDIAL_SCHEMA"] = environment.schema
        env["SUNDIAL_WORKER_ID"] = id
        env["SUNDIAL_CONCURRENCY"] = String(concurrency)
        env["SUNDIAL_DB_POOL_SIZE"] = String(min(concurrency + 4, 64))
        env["SUNDIAL_CLAIM_BATCH"] = String(max(1, min(concurrency, 64)))
        env["SUNDIAL_LEASE_SECONDS"] = String(lease)
        env["SUNDIAL_POLL_SECONDS"] = "0.25"
        env["SUNDIAL_LOG_LEVEL"] = env["BENCH_WORKER_LOG_LEVEL"] ?? "warning"
        for (key, value) in extra { env[key] = value }
        process.environment = env
        process.standardOutput = output
        try process.run()
    }

    func terminate() { kill(process.processIdentifier, SIGTERM) }

    deinit {
        // A section that fails part-way must not leave workers behind.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    func killHard() { kill(process.processIdentifier, SIGKILL) }

    /// Waits for exit and returns the counters the worker printed.
    func counters() -> [String: Int] {
        process.waitUntilExit()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Int]
        else { return [:] }
        return object
    }
}

/// Waits until `condition` holds, polling every `interval`.
func waitFor(timeout: Duration, every interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return false
}

/// Prints one result line (JSON) for the report.
func emit(_ object: [String: Any]) {
    guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
    data.append(0x0A)
    FileHandle.standardOutput.write(data)
}
