import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SundialEngine

/// The HTTP surface of Sundial (`sundial serve`): health and metrics today; order intake,
/// webhooks and the admin API join it as they land. One Hummingbird application, run in a
/// ServiceGroup with its Postgres client.
public struct SundialServer: Sendable {
    public let host: String
    public let port: Int
    let client: PostgresClient
    let store: WorkflowStore
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    public init(host: String, port: Int, client: PostgresClient, store: WorkflowStore,
                registry: PrometheusCollectorRegistry, logger: Logger) {
        self.host = host
        self.port = port
        self.client = client
        self.store = store
        self.registry = registry
        self.logger = logger
    }

    /// The routes, also used by tests with HummingbirdTesting.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        HealthRoutes(client: client, schema: store.database.schema, logger: logger).register(on: router)
        MetricsRoute(registry: registry, store: store, logger: logger).register(on: router)
        return router
    }

    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "sundial"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
