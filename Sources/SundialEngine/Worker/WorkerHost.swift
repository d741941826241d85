import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Sundial

/// Wires a worker process: the Postgres client, the retention duty, the fleet-count fold, the schedule firer, the
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
        try await run(environment: environment, worker: configuration, logger: logger, counters: counters,
                      retention: retentionConfiguration, outboxTransport: outboxTransport, schedules: schedules,
                      apiLimits: [], makeRegistry: { _ in registry })
    }

    /// Runs a worker whose workflows call outside APIs through the fleet's shared limits:
    /// `apiLimits` are synced into Postgres at start, and `makeRegistry` receives the
    /// ``PostgresAPIGuard`` to wrap the clients with.
    public static func run(
        environment: EngineEnvironment, worker configuration: WorkerConfiguration, logger: Logger,
        counters: StoreCounters = StoreCounters(),
        retention retentionConfiguration: RetentionConfiguration = RetentionConfiguration(),
        outboxTransport: (any OutboxTransport)? = nil,
        schedules: [ScheduleDeclaration] = [],
        apiLimits: [APILimit],
        makeRegistry: (any APIGuard) throws -> WorkflowRegistry
    ) async throws {
        try await run(environment: environment, worker: configuration, logger: logger, counters: counters,
                      retention: retentionConfiguration, outboxTransport: outboxTransport, schedules: schedules,
                      apiLimits: apiLimits, makeWorkflows: { services in try makeRegistry(services.apiGuard) })
    }

    /// Runs a worker whose workflows receive the engine's ``WorkerServices``: the fleet's API
    /// guard, read access to workflow records (for batch jobs), the history feed and cursors of
    /// the scheduled syncs, and (with `secretsKey`) the fleet's encrypted secrets.
    public static func run(
        environment: EngineEnvironment, worker configuration: WorkerConfiguration, logger: Logger,
        counters: StoreCounters = StoreCounters(),
        retention retentionConfiguration: RetentionConfiguration = RetentionConfiguration(),
        outboxTransport: (any OutboxTransport)? = nil,
        schedules: [ScheduleDeclaration] = [],
        apiLimits: [APILimit],
        extraServices: [any Service] = [],
        secretsKey: SecretsKey? = nil,
        makeWorkflows: (WorkerServices) throws -> WorkflowRegistry
    ) async throws {
        let client = await DatabaseClient.forLongRunningProcess(environment.database, logger: logger)
        let store = WorkflowStore(client: client, database: environment.database, logger: logger, counters: counters)
        // Permits live one lease, extended by the heartbeat like the workflows' leases.
        let apiGuard = PostgresAPIGuard(store: store, holder: configuration.workerID, permitLease: configuration.leaseDuration, logger: logger)
        let registry = try makeWorkflows(WorkerServices(
            apiGuard: apiGuard, records: PostgresWorkflowRecords(store: store),
            eventFeed: PostgresWorkflowEventFeed(store: store), syncCursors: PostgresSyncCursors(store: store),
            secrets: secretsKey.map { EncryptedSecrets(store: store, key: $0) }))
        let worker = Worker(store: store, registry: registry, configuration: configuration, logger: logger)
        let retention = RetentionService(store: store, configuration: retentionConfiguration, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: client), .init(service: retention),
            // Folds the fleet counts `/metrics` reads (not on the claim or commit path).
            .init(service: FleetCountsService(store: store, logger: logger)),
            .init(service: ScheduleService(store: store, declarations: schedules, clock: configuration.clock, logger: logger)),
        ]
        if !apiLimits.isEmpty {
            services.append(.init(service: APILimitSync(store: store, limits: apiLimits, logger: logger),
                                  successTerminationBehavior: .ignore))
        }
        if let outboxTransport {
            services.append(.init(service: OutboxDispatcher(store: store, transport: outboxTransport, logger: logger)))
        }
        // Side services of the process (the worker's `/metrics` listener).
        services.append(contentsOf: extraServices.map { .init(service: $0) })
        services.append(.init(service: worker))
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
