import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Wires a worker process: the Postgres client, the retention duty and the worker in one
/// ServiceGroup that shuts down gracefully on SIGTERM and SIGINT (the worker drains first, the
/// client closes last).
public enum WorkerHost {
    public static func run(
        environment: EngineEnvironment, worker configuration: WorkerConfiguration,
        registry: WorkflowRegistry, logger: Logger, counters: StoreCounters = StoreCounters(),
        retention retentionConfiguration: RetentionConfiguration = RetentionConfiguration()
    ) async throws {
        let client = PostgresClient(configuration: environment.database.clientConfiguration, backgroundLogger: logger)
        let store = WorkflowStore(client: client, database: environment.database, logger: logger, counters: counters)
        let worker = Worker(store: store, registry: registry, configuration: configuration, logger: logger)
        let retention = RetentionService(store: store, configuration: retentionConfiguration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: client),
                    .init(service: retention),
                    .init(service: worker),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

