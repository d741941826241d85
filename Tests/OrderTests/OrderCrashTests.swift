import Foundation
import Integrations
import Sandbox
import Sundial
import SundialEngine
import SundialTestSupport
import Testing
import Workflows

/// Real `sundial worker` processes, killed with SIGKILL mid-flight, against the sandbox: the
/// outside world must still see each effect once.
@Suite("Orders survive worker kills", .serialized)
struct OrderCrashTests {
    @Test("a worker killed while buying the label: one charge, one capture, one kept label, one invoice")
    func killedBetweenPayAndLabel() async throws {
        // Slow FedEx (two calls of 4 s each in the label step), so a loaded machine still sees the step.
        try await OrderHarness.with(sandbox: { $0.faults[.fedex] = FaultSettings(latencyMilliseconds: 4000) }) { h in
            let first = try h.startWorker("crash-a")
            let id = try await h.submit(sampleOrder())
            try await h.waitFor(id, state: .label)
            try await Task.sleep(for: .milliseconds(1000))  // a FedEx call is in flight
            first.kill()
            #expect(h.count(.stripe, .paymentAuthorized) == 1)

            let second = try h.startWorker("crash-b")
            defer { second.kill() }
            try await h.waitFor(id, state: .track, status: .waiting, timeout: .seconds(40))
            let label = try #require(try await h.context(id).label)
            #expect(h.sandbox.setTrackingStatus(.delivered, trackingNumber: label.trackingNumber))
            let done = try await h.db.settled(id, timeout: .seconds(30))
            if done.status != .completed { print(second.log.suffix(4000)) }
            #expect(done.status == .completed)

            #expect(h.count(.stripe, .paymentAuthorized) == 1)
            #expect(h.count(.stripe, .paymentCaptured) == 1)
            let bought = h.sandbox.ledger.records(.fedex, .labelCreated).map(\.resource)
            let voided = Set(h.sandbox.ledger.records(.fedex, .labelVoided).map(\.resource))
            #expect(bought.filter { !voided.contains($0) } == [label.trackingNumber])
            #expect(h.count(.quickbooks, .invoiceCreated) == 1)
        }
    }

    @Test("40 orders with 10% faults on every API and workers killed: each effect once per order")
    func faultsAndKills() async throws {
        try await OrderHarness.with(sandbox: { sandbox in
            for api in [SandboxAPI.stripe, .fedex, .ups, .usps, .quickbooks] {
                sandbox.faults[api] = FaultSettings(errorRate: 0.1, latencyMilliseconds: 20, resetAfterEffectRate: 0.05)
            }
        }) { h in
            var workers = [try h.startWorker("chaos-0", concurrency: 6), try h.startWorker("chaos-1", concurrency: 6)]
            var ids: [UUID] = []
            for n in 0..<40 { ids.append(try await h.submit(sampleOrder("CHAOS-\(n)"))) }

            // The carriers' side: every parcel with a label is delivered shortly after.
            let orderIDs = ids
            let deliveries = Task {
                while !Task.isCancelled {
                    for id in orderIDs {
                        if let label = try? await h.context(id).label {
                            _ = h.sandbox.setTrackingStatus(.delivered, trackingNumber: label.trackingNumber)
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(300))
                }
            }
            defer { deliveries.cancel() }
            for round in 0..<4 {
                try await Task.sleep(for: .milliseconds(1500))
                let victim = round % workers.count
                workers[victim].kill()
                workers[victim] = try h.startWorker("chaos-\(victim)-r\(round)", concurrency: 6)
            }
            let settled = try await h.allSettled(timeout: .seconds(120))
            deliveries.cancel()
            for worker in workers { worker.kill() }
            #expect(settled)

            var completed = 0
            var keptLabels: [String] = []
            var captured: [String] = []
            for id in ids {
                let snapshot = try await h.snapshot(id)
                let context = try await h.context(id)
                #expect([.completed, .compensated, .cancelled].contains(snapshot.status), "\(context.order.orderID) ended \(snapshot.status): \(snapshot.lastError ?? "")")
                if snapshot.status == .completed {
                    completed += 1
                    keptLabels.append(try #require(context.label).trackingNumber)
                    captured.append(try #require(context.paymentIntentID))
                    #expect(context.invoice != nil)
                }
            }
            // Labels: what the carriers bought minus what they voided is exactly one per completed order.
            var bought: [String] = []
            var voided = Set<String>()
            for carrier in [SandboxAPI.fedex, .ups, .usps] {
                bought += h.sandbox.ledger.records(carrier, .labelCreated).map(\.resource)
                voided.formUnion(h.sandbox.ledger.records(carrier, .labelVoided).map(\.resource))
            }
            #expect(Set(bought.filter { !voided.contains($0) }) == Set(keptLabels))
            #expect(bought.filter { !voided.contains($0) }.count == keptLabels.count)
            // Payments: one capture per completed order, never a second; refunds only for undone orders.
            let captures = h.sandbox.ledger.records(.stripe, .paymentCaptured).map(\.resource)
            #expect(captures.count == Set(captures).count)
            #expect(Set(captures) == Set(captured))
            #expect(h.count(.stripe, .refundCreated) <= ids.count - completed)
            // Invoices: one per completed order.
            #expect(h.count(.quickbooks, .invoiceCreated) == completed)
            #expect(completed >= 30, "only \(completed) of \(ids.count) orders completed")
            print("faults and kills: \(completed)/\(ids.count) completed, labels bought \(bought.count), voided \(voided.count), captures \(captures.count), refunds \(h.count(.stripe, .refundCreated)), invoices \(h.count(.quickbooks, .invoiceCreated)), retries \(try await h.db.scalar("SELECT count(*)::int8 FROM workflow_history WHERE event = 'retry'", as: Int64.self) ?? 0), takeovers \(try await h.db.scalar("SELECT count(DISTINCT worker_id)::int8 FROM workflow_history", as: Int64.self) ?? 0) workers")
        }
    }
}
