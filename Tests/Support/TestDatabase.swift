import Foundation
import Logging
import PostgresNIO
import Sundial
@testable import SundialEngine

/// A migrated schema of its own for one test (with the probe workflows, or the registry the
/// test builds from the store), on the real PostgreSQL that `ops/test` starts
/// (`SUNDIAL_TEST_DATABASE_URL`). The schema is dropped when the test ends.
public struct TestDatabase: Sendable {
    public let database: DatabaseConfiguration
    public let client: DatabaseClient
    public let store: WorkflowStore
    public let world: WorldLedger
    public let registry: WorkflowRegistry
    public let logger: Logger

    public var workflows: WorkflowClient { WorkflowClient(store: store, registry: registry) }

    public static var url: String {
        ProcessInfo.processInfo.environment["SUNDIAL_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5439/sundial_test"
    }

    public static func makeSchemaName() -> String {
        "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    }

    /// Runs `body` against a fresh, migrated schema (`migrate: false` leaves it empty).
    public static func with<T: Sendable>(
        migrate: Bool = true, registry makeRegistry: (@Sendable (WorkflowStore) -> WorkflowRegistry)? = nil,
        _ body: @Sendable (TestDatabase) async throws -> T
    ) async throws -> T {
        let schema = makeSchemaName()
        let database = try DatabaseConfiguration(url: url, schema: schema, maxConnections: 12)
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["SUNDIAL_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let client = DatabaseClient(configuration: database, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            if migrate {
                try await Migrator(client: client, schema: schema, logger: logger).migrate()
            } else {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \"\(schema)\""), logger: logger)
            }
            let world = WorldLedger(client: client.current, logger: logger)
            try await world.create()
            let store = WorkflowStore(client: client, database: database, logger: logger)
            let test = TestDatabase(
                database: database, client: client, store: store,
                world: world, registry: makeRegistry?(store) ?? Probes.registry(world: world), logger: logger)
            do {
                let result = try await body(test)
                _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
                return result
            } catch {
                _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
                throw error
            }
        }
    }

    /// Runs an in-process worker while `body` runs, then drains it.
    public func withWorker<T: Sendable>(
        _ configure: (inout WorkerConfiguration) -> Void = { _ in },
        _ body: @Sendable (Worker) async throws -> T
    ) async throws -> T {
        var configuration = WorkerConfiguration(
            workerID: "test-\(UUID().uuidString.prefix(8))", concurrency: 8, leaseDuration: .seconds(5),
            pollInterval: .milliseconds(200), drainDeadline: .seconds(5))
        configure(&configuration)
        let worker = Worker(store: store, registry: registry, configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await worker.run()
                return nil
            }
            do {
                let result = try await body(worker)
                worker.beginDrain()
                try await group.waitForAll()
                return result
            } catch {
                worker.beginDrain()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Waits for a workflow to settle and returns it (fails the test by timing out otherwise).
    public func settled(_ id: UUID, timeout: Duration = .seconds(20)) async throws -> WorkflowSnapshot {
        try await workflows.waitUntilSettled(id, timeout: timeout)
    }

    /// Runs one SQL query returning a single value (test assertions only).
    public func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        let rows = try await client.query(query, logger: logger)
        for try await value in rows.decode(T.self) { return value }
        return nil
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
public func eventually(timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(50),
                _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}

extension JSONDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from text: String?) throws -> T {
        try JSONDecoder.sundial.decode(T.self, from: Data((text ?? "null").utf8))
    }
}
