import ArgumentParser
import Foundation
import PostgresNIO
import SundialEngine

/// `sundial-bench fleet-reads`: what one `/metrics` scrape and one dashboard overview cost in
/// the database, on whatever the schema holds (empty, or after `seed-finished`): the latency of
/// the fleet gauges (counts by type and status, due backlog) and of the throughput chart's read,
/// each against the full-table queries they replaced, measured on the same rows.
struct FleetReadsSection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fleet-reads", abstract: "Latency of the /metrics and overview reads.")
    @Option var schema = "bench_fleet"
    @Option(help: "Timed calls of each read.") var samples = 30
    @Option(help: "Timed calls of each replaced full-table read (slow at millions of rows).") var legacySamples = 5
    @Option(help: "Label for the report (e.g. the finished-row count seeded).") var label = ""
    @Flag(help: "Keep the schema's rows (after seed-finished).") var keepRows = false

    func run() async throws {
        let bench = try BenchEnvironment.fromEnvironment(schema: schema)
        let (samples, legacySamples, label) = (self.samples, self.legacySamples, self.label)
        try await bench.withSchema(registering: [], keepRows: keepRows) { client, workflowClient in
            let store = workflowClient.store
            // What the folders (every worker, `sundial serve`) would have done by now.
            while try await store.foldFleetCounts() > 0 {}
            let rows = try await store.fleetGauges().byTypeAndStatus.map(\.count).reduce(0, +)
            let since = Date().addingTimeInterval(-3600)

            func time(_ count: Int, _ read: () async throws -> Void) async throws -> Percentiles {
                try await read()  // warm-up: connection, plan, buffers
                var milliseconds: [Double] = []
                for _ in 0..<count {
                    let started = ContinuousClock.now
                    try await read()
                    milliseconds.append((ContinuousClock.now - started).seconds * 1000)
                }
                return Percentiles(milliseconds)
            }
            func drain(_ query: PostgresQuery) async throws {
                for try await _ in try await client.query(query, logger: bench.logger) {}
            }
            let gauges = try await time(samples) { _ = try await store.fleetGauges() }
            let chart = try await time(samples) { _ = try await store.finishedPerMinute(since: since) }
            // The reads these replaced (before migration 0013), on the same rows.
            let legacyCounts = try await time(legacySamples) {
                try await drain("SELECT type, status, count(*)::int8 FROM workflows GROUP BY type, status")
            }
            let legacyChart = try await time(legacySamples) {
                try await drain("""
                    SELECT (floor(extract(epoch FROM finished_at) / 60) * 60)::int8 AS minute, status, count(*)::int8
                    FROM workflows WHERE finished_at IS NOT NULL AND finished_at >= \(since)
                    GROUP BY 1, 2 ORDER BY 1, 2
                    """)
            }
            emit([
                "section": "fleet-reads", "label": label, "rows": rows, "samples": samples, "legacy_samples": legacySamples,
                "gauges_p50_ms": gauges.value(50), "gauges_p95_ms": gauges.value(95),
                "chart_p50_ms": chart.value(50), "chart_p95_ms": chart.value(95),
                "legacy_counts_p50_ms": legacyCounts.value(50), "legacy_counts_max_ms": legacyCounts.sorted.last ?? .nan,
                "legacy_chart_p50_ms": legacyChart.value(50), "legacy_chart_max_ms": legacyChart.sorted.last ?? .nan,
            ])
        }
    }
}
