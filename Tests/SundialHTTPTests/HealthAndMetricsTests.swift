import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Prometheus
import SundialEngine
import SundialHTTP
import Testing

@Suite("Health and metrics")
struct HealthAndMetricsTests {
    static var url: String {
        ProcessInfo.processInfo.environment["SUNDIAL_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5439/sundial_test"
    }

    /// A server on a schema of its own (migrated or not), tested through its router.
    func withServer(migrated: Bool, _ body: @Sendable (TestClientProtocol, DatabaseClient) async throws -> Void) async throws {
        let schema = "h_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let database = try DatabaseConfiguration(url: Self.url, schema: String(schema), maxConnections: 4)
        let logger = {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            return logger
        }()
        try await DatabaseSession.with(database, logger: logger) { client in
            if migrated {
                try await Migrator(client: client, schema: database.schema, logger: logger).migrate()
            }
            let store = WorkflowStore(client: client, database: database, logger: logger)
            let server = SundialServer(host: "127.0.0.1", port: 0, client: client, store: store,
                                       registry: PrometheusCollectorRegistry(), logger: logger)
            let application = Application(router: server.makeRouter(), logger: logger)
            do {
                try await application.test(.router) { testClient in try await body(testClient, client) }
            } catch {
                _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(database.schema)\" CASCADE"), logger: logger)
                throw error
            }
            _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(database.schema)\" CASCADE"), logger: logger)
        }
    }

    @Test("live always answers; ready answers 200 on a current schema and 503 with a JSON reason otherwise")
    func health() async throws {
        try await withServer(migrated: true) { client, _ in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"ready\""))
            }
        }
        try await withServer(migrated: false) { client, _ in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = String(buffer: response.body)
                #expect(body.contains("schema_not_current"))
                #expect(body.contains("sundial migrate"))
            }
        }
    }

    @Test("metrics expose workflows by type and status and the due backlog")
    func metrics() async throws {
        try await withServer(migrated: true) { client, postgres in
            try await postgres.query("""
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at)
                VALUES (gen_random_uuid(), 'order', 1, 'a', 'pay', 'runnable', '{}', '{}', now() - interval '30 seconds'),
                       (gen_random_uuid(), 'order', 1, 'b', 'pay', 'runnable', '{}', '{}', now() - interval '5 seconds')
                """, logger: Logger(label: "test"))
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#"sundial_workflows{type="order",status="runnable"} 2"#))
                #expect(text.contains("sundial_runnable_backlog 2"))
                let oldest = text.split(separator: "\n").first { $0.hasPrefix("sundial_oldest_due_seconds ") }
                let seconds = oldest.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
                #expect(seconds >= 29 && seconds < 120)
            }
        }
    }

    @Test("metrics show each outside API's circuit, shared through Postgres")
    func circuitMetrics() async throws {
        try await withServer(migrated: true) { client, postgres in
            try await postgres.query("""
                INSERT INTO api_limits (api, rate_capacity, rate_window_ms, tokens, failure_threshold, cooldown_ms,
                                        consecutive_failures, circuit, circuit_until, opened_count)
                VALUES ('fedex', 1400, 10000, 1400, 5, 30000, 5, 'open', now() + interval '30 seconds', 2),
                       ('ups', 50, 1000, 50, 5, 30000, 0, 'closed', NULL, 0)
                """, logger: Logger(label: "test"))
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"sundial_api_circuit{api="fedex",state="open"} 1"#))
                #expect(text.contains(#"sundial_api_circuit{api="fedex",state="closed"} 0"#))
                #expect(text.contains(#"sundial_api_circuit{api="ups",state="closed"} 1"#))
                #expect(text.contains(#"sundial_api_circuit_opened{api="fedex"} 2"#))
                #expect(text.contains(#"sundial_api_failures_in_a_row{api="fedex"} 5"#))
            }
        }
    }
}
