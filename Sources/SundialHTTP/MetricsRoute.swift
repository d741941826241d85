import Foundation
import Hummingbird
import Logging
import Prometheus
import SundialEngine
import Workflows

/// `/metrics` in Prometheus text format: the process's own metrics plus fleet-wide gauges read
/// from Postgres at scrape time (workflows by type and status, runnable backlog, oldest due age,
/// each outside API's circuit breaker, failure streak and calls in flight),
/// which stay true whichever worker did the work.
struct MetricsRoute: Sendable {
    static var workflows: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "sundial", metricName: "workflows", unitName: "", helpText: "Workflows by type and status.") }
    static var backlog: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "sundial", metricName: "runnable_backlog", unitName: "", helpText: "Workflows due now and waiting for a worker.") }
    static var oldestDue: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "sundial", metricName: "oldest_due", unitName: "seconds", helpText: "How long the oldest due workflow has waited.") }

    static var circuit: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "sundial", metricName: "api_circuit", unitName: "",
        helpText: "1 for the state each outside API's circuit breaker is in (closed, open, half_open), shared by the fleet.") }
    static var circuitOpened: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "sundial", metricName: "api_circuit_opened", unitName: "", helpText: "How many times each API's circuit has opened.") }
    static var apiFailures: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "sundial", metricName: "api_failures_in_a_row", unitName: "", helpText: "Outage-like failures in a row per API.") }
    static var apiInFlight: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "sundial", metricName: "api_calls_in_flight", unitName: "", helpText: "Calls holding a concurrency permit per API.") }

    static var deadlineMissed: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "sundial", metricName: "batch_deadline_missed", unitName: "",
        helpText: "1 when the batch job's last business date (yesterday, store time) has no run completed by its midnight deadline.") }

    let registry: PrometheusCollectorRegistry
    let store: WorkflowStore
    let logger: Logger
    /// Batch jobs whose deadline is watched, and the store's calendar.
    var deadlineJobs: [String] = []
    var storeCalendar: StoreCalendar? = nil

    func register(on router: Router<BasicRequestContext>) {
        router.get("/metrics") { _, _ in
            do {
                let fleet = try await store.fleetGauges()
                for (type, status, count) in fleet.byTypeAndStatus {
                    registry.makeGauge(descriptor: Self.workflows, labels: [("type", type), ("status", status)]).set(Double(count))
                }
                registry.makeGauge(descriptor: Self.backlog).set(Double(fleet.dueNow))
                registry.makeGauge(descriptor: Self.oldestDue).set(fleet.oldestDueSeconds)
                for api in try await store.apiLimitStates() {
                    for state in ["closed", "open", "half_open"] {
                        registry.makeGauge(descriptor: Self.circuit, labels: [("api", api.api), ("state", state)])
                            .set(api.circuit == state ? 1.0 : 0.0)
                    }
                    registry.makeGauge(descriptor: Self.circuitOpened, labels: [("api", api.api)]).set(Double(api.openedCount))
                    registry.makeGauge(descriptor: Self.apiFailures, labels: [("api", api.api)]).set(Double(api.consecutiveFailures))
                    registry.makeGauge(descriptor: Self.apiInFlight, labels: [("api", api.api)]).set(Double(api.inFlight))
                }
                if let storeCalendar {
                    let gauge = BatchDeadlineGauge(store: store, calendar: storeCalendar)
                    for job in deadlineJobs {
                        let missed = try await gauge.missed(job: job, now: Date())
                        registry.makeGauge(descriptor: Self.deadlineMissed, labels: [("job", job)]).set(missed == true ? 1.0 : 0.0)
                    }
                }
            } catch {
                logger.warning("fleet gauges unavailable for this scrape", metadata: ["error": "\(ErrorDescription.describe(error))"])
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
