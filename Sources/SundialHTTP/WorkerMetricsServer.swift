import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// A worker process's own `/metrics` listener (`SUNDIAL_WORKER_METRICS_PORT`): the counters and
/// histograms only that process records (transitions, retries, takeovers, outbox deliveries),
/// which the server's `/metrics` cannot see. A tiny Hummingbird app run in the worker's
/// ServiceGroup; no database reads, so a scrape costs the worker nothing but the text.
public struct WorkerMetricsServer: Service {
    public let host: String
    public let port: Int
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    let onServerRunning: @Sendable (Int) async -> Void

    public init(host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger,
                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestOutcomeMiddleware(logger: logger))
        let registry = self.registry
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("/health/live") { _, _ in JSONResponse.make(["status": "live"]) }
        router.refuseOtherMethods("/metrics", allowed: [.get])
        return router
    }

    public func run() async throws {
        let onServerRunning = self.onServerRunning
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "sundial-worker"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.run()
    }
}
