import Foundation
import Prometheus
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Engine metrics")
struct EngineMetricsTests {
    @Test("running workflows moves the started, completed, failed, compensated, retry and transition latency metrics")
    func countersMove() async throws {
        try await TestDatabase.with { db in
            let registry = PrometheusCollectorRegistry()
            var store = db.store
            store.metrics = EngineMetrics(factory: PrometheusMetricsFactory(registry: registry))
            let client = WorkflowClient(store: store, registry: db.registry)
            let five = try await client.start(FiveSteps.self, key: "m-five", input: .init(n: 5))
            _ = try await client.start(FiveSteps.self, key: "m-five", input: .init(n: 5))   // same start again: not counted
            let flaky = try await client.start(FlakyProbe.self, key: "m-flaky", input: .init(failures: 2, permanent: false))
            let saga = try await client.start(SagaProbe.self, key: "m-saga", input: .init(tag: "m-saga", mode: "fail"))
            let failover = try await client.start(FlakyProbe.self, key: "m-failover", input: .init(failures: 1, permanent: true))
            let worker = Worker(store: store, registry: db.registry, configuration: WorkerConfiguration(
                workerID: "metrics-test", concurrency: 4, leaseDuration: .seconds(5), pollInterval: .milliseconds(200),
                drainDeadline: .seconds(5)), logger: db.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                #expect(try await client.waitUntilSettled(five.id, timeout: .seconds(20)).status == .completed)
                #expect(try await client.waitUntilSettled(flaky.id, timeout: .seconds(30)).status == .completed)
                #expect(try await client.waitUntilSettled(saga.id, timeout: .seconds(20)).status == .compensated)
                #expect(try await client.waitUntilSettled(failover.id, timeout: .seconds(20)).status == .completed)
                worker.beginDrain()
                try await group.waitForAll()
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            let text = String(decoding: buffer, as: UTF8.self)
            #expect(text.contains(#"sundial_workflows_started_total{type="probe-five-steps"} 1"#))
            #expect(text.contains(#"sundial_workflows_started_total{type="probe-flaky"} 2"#))
            #expect(text.contains(#"sundial_workflows_completed_total{type="probe-five-steps"} 1"#))
            #expect(text.contains(#"sundial_workflows_completed_total{type="probe-flaky"} 2"#))
            // A permanent error took the declared failure branch (the order's carrier failover).
            #expect(text.contains(#"sundial_failovers_total{type="probe-flaky",state="call"} 1"#))
            #expect(text.contains(#"sundial_step_retries_total{type="probe-flaky",state="call"} 2"#))
            // Five handlers ran for the five-step workflow, one latency sample each (states summed).
            let counts = text.split(separator: "\n").filter {
                $0.hasPrefix("sundial_transition_duration_seconds_count{") && $0.contains(#"type="probe-five-steps""#)
            }
            let samples = counts.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
            #expect(samples == 5, "\(counts)")
            // The saga failed, then its undos ran: one failure and one compensated ending.
            #expect(text.contains(#"sundial_workflows_failed_total{type="probe-saga"} 1"#))
            #expect(text.contains(#"sundial_workflows_compensated_total{type="probe-saga"} 1"#))
            #expect(!text.contains(#"sundial_workflows_failed_total{type="probe-five-steps"}"#))
            #expect(!text.contains("sundial_workflows_cancelled_total"))
            #expect(!text.contains("sundial_lease_takeovers_total"))
        }
    }

    @Test("a workflow claimed after another worker's lease expired counts as a lease takeover")
    func leaseTakeover() async throws {
        try await TestDatabase.with { db in
            let registry = PrometheusCollectorRegistry()
            var store = db.store
            store.metrics = EngineMetrics(factory: PrometheusMetricsFactory(registry: registry))
            let started = try await db.workflows.start(FiveSteps.self, key: "m-takeover", input: .init(n: 5))
            // A worker "crashes" holding the lease: claimed, never committed.
            let held = try await db.store.claimDue(worker: "crashed", definitions: [(FiveSteps.name, FiveSteps.version)],
                                                   limit: 10, lease: .seconds(1))
            #expect(held.map(\.id) == [started.id])
            let worker = Worker(store: store, registry: db.registry, configuration: WorkerConfiguration(
                workerID: "survivor", concurrency: 2, leaseDuration: .seconds(5), pollInterval: .milliseconds(200),
                drainDeadline: .seconds(5)), logger: db.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                #expect(try await db.workflows.waitUntilSettled(started.id, timeout: .seconds(20)).status == .completed)
                worker.beginDrain()
                try await group.waitForAll()
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            #expect(String(decoding: buffer, as: UTF8.self).contains(#"sundial_lease_takeovers_total{type="probe-five-steps"} 1"#))
        }
    }
}
