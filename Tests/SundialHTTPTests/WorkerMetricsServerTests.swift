import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import SundialEngine
import Testing
@testable import SundialHTTP

@Suite("Worker metrics listener")
struct WorkerMetricsServerTests {
    @Test("the worker's /metrics shows the engine counters of its registry, and only GET")
    func servesRegistry() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = EngineMetrics(factory: PrometheusMetricsFactory.sundial(registry: registry))
        metrics.started(type: "order")
        metrics.leaseTakenOver(type: "order")
        let server = WorkerMetricsServer(host: "127.0.0.1", port: 0, registry: registry, logger: Logger(label: "test"))
        try await Application(router: server.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#"sundial_workflows_started_total{type="order"} 1"#))
                #expect(text.contains(#"sundial_lease_takeovers_total{type="order"} 1"#))
            }
            try await client.execute(uri: "/metrics", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
            }
            try await client.execute(uri: "/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }
}
