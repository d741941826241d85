import Foundation
import Logging
import PostgresNIO
import Prometheus
import SundialEngine
@testable import SundialHTTP

/// `sundial serve`'s listener on a free loopback port, with the given security settings, serving
/// health and metrics only. Needs no database: `/health/live` never touches it (the Postgres
/// client is never run).
enum TestListener {
    static func with(_ security: ServerSecurity, _ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["SUNDIAL_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let database = try DatabaseConfiguration(url: IntakeHarness.url, schema: "sundial", maxConnections: 1)
        let postgres = DatabaseClient(configuration: database, backgroundLogger: logger)
        var server = SundialServer(host: "127.0.0.1", port: 0, client: postgres,
                                   store: WorkflowStore(client: postgres, database: database, logger: logger),
                                   registry: PrometheusCollectorRegistry(), logger: logger)
        server.security = security
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let application = server.makeApplication { port in portSink.yield(port) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            try await body(port)
            group.cancelAll()
        }
    }

    /// A request that closes its connection once answered.
    static func get(_ path: String, keepAlive: Bool = false) -> String {
        "GET \(path) HTTP/1.1\r\nHost: test\r\n\(keepAlive ? "" : "Connection: close\r\n")\r\n"
    }
}
