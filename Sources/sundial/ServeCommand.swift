import ArgumentParser
import Foundation
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SundialEngine
import SundialHTTP
import Workflows

/// `sundial serve`: the HTTP server (health, metrics, order intake, webhooks), until SIGTERM or
/// SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP server (health, metrics, order intake, Stripe and carrier webhooks).")

    @OptionGroup var common: CommonOptions

    @Option(help: "Address to listen on (overrides SUNDIAL_HTTP_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (overrides SUNDIAL_HTTP_PORT; default 8080).")
    var port: Int?

    func run() async throws {
        let environment = try common.engineEnvironment(defaultFormat: "json")
        let reader = EnvironmentReader()
        let host = self.host ?? reader.string("SUNDIAL_HTTP_HOST") ?? "127.0.0.1"
        let port: Int
        do {
            port = try self.port ?? reader.int("SUNDIAL_HTTP_PORT", default: 8080, range: 0...65535)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port: expected 0 to 65535") }
        let intake: IntakeConfiguration
        let security: ServerSecurity
        let dashboard: DashboardSettings
        let adminPool: AdminPoolConfiguration
        do {
            intake = try await IntakeConfiguration.fromEnvironment(reader)
            security = try ServerSecurity.fromEnvironment(reader)
            dashboard = try DashboardSettings.fromEnvironment(reader)
            adminPool = try AdminPoolConfiguration.fromEnvironment(reader)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }

        let zone = reader.string("SUNDIAL_STORE_TIME_ZONE") ?? StoreCalendar.defaultTimeZone
        guard let storeCalendar = try? StoreCalendar(timeZone: zone) else {
            throw ValidationError("configuration: SUNDIAL_STORE_TIME_ZONE: '\(zone)' is not a known IANA time zone")
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory.sundial(registry: registry))
        // The authorization server's keys, fetched before the first token needs them; when it
        // cannot be reached this logs a warning and the server starts all the same.
        await intake.authentication.verifier?.keySet?.refresh()
        let logger = Logger(label: "sundial.server")
        let client = await DatabaseClient.forLongRunningProcess(environment.database, logger: logger)
        let store = WorkflowStore(client: client, database: environment.database, logger: logger)
        let workflows = WorkflowClient(store: store, registry: Definitions.registry)
        // Admin API, dashboard and /metrics on a pool of their own, every statement bounded by
        // the admin statement timeout: they cannot take the intake's connections.
        let adminClient = DatabaseClient(configuration: environment.database.adminConfiguration(adminPool), startingAt: client.currentEndpoint, backgroundLogger: logger)
        let adminStore = WorkflowStore(client: adminClient, database: environment.database, logger: logger)
        var server = SundialServer(host: host, port: port, client: client, store: store, registry: registry, logger: logger,
                                   workflows: workflows, intake: intake, storeCalendar: storeCalendar,
                                   schedules: (try? SunStyleWorkflows.schedules(storeTimeZone: zone)) ?? [])
        server.security = security
        server.dashboard = dashboard
        server.adminStore = adminStore
        let application = server.makeApplication { bound in
            logger.info("serving", metadata: ["address": "\(security.scheme)://\(host):\(bound)", "health": "/health/ready", "metrics": "/metrics",
                                              "intake": "\(intake.summary)"])
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: client), .init(service: adminClient),
                       .init(service: SchemaGuard(client: client, schema: environment.database.schema, logger: logger)),
                       .init(service: FleetCountsService(store: adminStore, logger: logger)),
                       .init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Refuses to keep serving against a schema older than this build needs (checked once at start).
struct SchemaGuard: Service {
    let client: DatabaseClient
    let schema: String
    let logger: Logger

    func run() async throws {
        try await SchemaCheck.requireCurrentSchema(client: client, schema: schema, logger: logger)
        try? await gracefulShutdown()
    }
}
