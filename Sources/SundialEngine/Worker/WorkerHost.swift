import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Sundial

/// Wires a worker process: the Postgres client, the retention duty, the schedule firer, the
/// outbox dispatcher (when a transport is given) and the worker in one
/// ServiceGroup that shuts down gracefully on SIGTERM and SIGINT (the worker drains first, the
/// client closes last).
public enum WorkerHost {
    public static func run(
        environment: EngineEnvironment, worker configuration: WorkerConfiguration,
        registry: WorkflowRegistry, logger: Logger, counters: StoreCounters = StoreCounters(),
        retention retentionConfiguration: RetentionConfiguration = RetentionConfiguration(),
        outboxTransport: (any OutboxTransport)? = nil,
        schedules: [ScheduleDeclaration] = []
    ) async throws {
        let client = PostgresClient(configuration: environment.database.clientConfiguration, backgroundLogger: logger)
        let store = WorkflowStore(client: client, database: environment.database, logger: logger, counters: counters)
        let worker = Worker(store: store, registry: registry, configuration: configuration, logger: logger)
        let retention = RetentionService(store: store, configuration: retentionConfiguration, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: client), .init(service: retention),
            .init(service: ScheduleService(store: store, declarations: schedules, clock: configuration.clock, logger: logger)),
        ]
        if let outboxTransport {
            services.append(.init(service: OutboxDispatcher(store: store, transport: outboxTransport, logger: logger)))
        }
        services.append(.init(service: worker))
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

