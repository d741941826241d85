import ArgumentParser
import AsyncHTTPClient
import Integrations
import Foundation
import Logging
import Metrics
import Prometheus
import PostgresNIO
import ServiceLifecycle
import Sundial
import SundialEngine
import SundialHTTP
import SundialWiring
import Workflows

/// `sundial worker`: claims and runs workflows until SIGTERM or SIGINT, then drains.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run workflows (drains on SIGTERM/SIGINT).")

    @OptionGroup var common: CommonOptions

    @Option(help: "Workflows run at once (overrides SUNDIAL_CONCURRENCY).")
    var concurrency: Int?

    func run() async throws {
        let environment = try common.engineEnvironment(defaultFormat: "json")
        var workerConfiguration: WorkerConfiguration
        let retention: RetentionConfiguration
        do {
            workerConfiguration = try WorkerConfiguration.fromEnvironment()
            retention = try RetentionConfiguration.fromEnvironment()
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }
        if let concurrency {
            guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency: expected 1 to 1024") }
            workerConfiguration.concurrency = concurrency
        }
        let logger = Logger(label: "sundial.worker")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory.sundial(registry: registry))
        var extraServices: [any Service] = []
        do {
            let reader = EnvironmentReader()
            if reader.string("SUNDIAL_WORKER_METRICS_PORT") != nil {
                let port = try reader.int("SUNDIAL_WORKER_METRICS_PORT", default: 0, range: 0...65535)
                let host = reader.string("SUNDIAL_WORKER_METRICS_HOST") ?? "127.0.0.1"
                extraServices.append(WorkerMetricsServer(host: host, port: port, registry: registry, logger: logger) { bound in
                    logger.info("serving worker metrics", metadata: ["address": "http://\(host):\(bound)/metrics"])
                })
            }
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }
        let webhook = try Self.webhookSettings()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let transport = webhook.map {
            SignedWebhookTransport(url: $0.url, secret: $0.secret, topics: ["order-status"], httpClient: http)
        }
        let integrations: OrderIntegrations?
        let batch: BatchIntegrations
        let syncs: SyncIntegrations
        let schedules: [ScheduleDeclaration]
        let apiLimits: [APILimit]
        do {
            integrations = try OrderIntegrations.fromEnvironment()
            batch = try BatchIntegrations.fromEnvironment()
            syncs = try SyncIntegrations.fromEnvironment()
            schedules = try batch.schedules() + syncs.schedules()
            apiLimits = try APILimit.configured()
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }
        if batch.sftp == nil {
            logger.warning("no SFTP import folder configured (SUNDIAL_SFTP_HOST …): the nightly batch's upload step will fail")
        }
        if syncs.warehouseFolder == nil {
            logger.notice("no warehouse folder (SUNDIAL_WAREHOUSE_DIR): this worker does not schedule the hourly warehouse export")
        }
        if syncs.klaviyo == nil {
            logger.notice("no email-marketing platform (SUNDIAL_KLAVIYO_API_KEY or SUNDIAL_SANDBOX_URL): this worker does not schedule the profile sync")
        }
        if integrations == nil {
            logger.warning("no outside APIs configured (SUNDIAL_SANDBOX_URL or SUNDIAL_STRIPE_SECRET_KEY …): order workflows will fail their first step")
        }
        do {
            try await WorkerHost.run(
                environment: environment, worker: workerConfiguration, logger: logger, retention: retention,
                outboxTransport: transport, schedules: schedules, apiLimits: apiLimits, extraServices: extraServices,
                secretsKey: integrations?.secretsKey,
                makeWorkflows: { engine in
                    let services = integrations?.orderServices(httpClient: http, apiGuard: engine.apiGuard, secrets: engine.secrets, logger: logger)
                    let batchServices = batch.batchServices(records: engine.records, accounting: services?.accounting, logger: logger)
                    let syncServices = syncs.syncServices(feed: engine.eventFeed, cursors: engine.syncCursors, httpClient: http,
                                                          apiGuard: engine.apiGuard, logger: logger)
                    return WorkflowRegistry(SunStyleWorkflows.all(order: services ?? .unavailable, batch: batchServices)
                                            + SunStyleWorkflows.syncs(syncServices))
                })
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// `SUNDIAL_WEBHOOK_URL` and `SUNDIAL_WEBHOOK_SECRET`: where order-status events go. Both or
    /// neither; without them no outbox dispatcher runs.
    static func webhookSettings() throws -> (url: String, secret: String)? {
        let reader = EnvironmentReader()
        switch (reader.string("SUNDIAL_WEBHOOK_URL"), reader.string("SUNDIAL_WEBHOOK_SECRET")) {
        case (nil, nil): return nil
        case (let url?, let secret?):
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ValidationError("configuration: SUNDIAL_WEBHOOK_URL: expected an http(s) URL, got '\(url)'")
            }
            return (url, secret)
        case (nil, _): throw ValidationError("configuration: SUNDIAL_WEBHOOK_URL: not set, but SUNDIAL_WEBHOOK_SECRET is")
        case (_, nil): throw ValidationError("configuration: SUNDIAL_WEBHOOK_SECRET: not set, but SUNDIAL_WEBHOOK_URL is")
        }
    }
}
