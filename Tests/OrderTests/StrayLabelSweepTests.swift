import Foundation
import Integrations
import Sandbox
import Sundial
import SundialEngine
import SundialTestSupport
import Testing
import Workflows

@Suite("Stray labels at a carrier the order gave up on")
struct StrayLabelSweepTests {
    @Test("FedEx sells every label but its answers are lost and its lookup by reference lags: the order ships with UPS, and the sweep still voids every FedEx label")
    func lostAnswersAndLaggingLookup() async throws {
        var settings = OrderHarness.testSettings()
        settings.straySweepDelaySeconds = 3
        try await OrderHarness.with(sandbox: { sandbox in
            sandbox.faults[.fedex] = FaultSettings(resetAfterEffectRate: 1, onlyPath: "/ship/v1/shipments")
            sandbox.fedex.referenceLookupLagSeconds = 2
        }, settings: settings) { h in
            try await h.db.withWorker { _ in
                let order = sampleOrder()
                let id = try await h.submit(order)
                try await h.waitFor(id, state: .track, status: .waiting)
                #expect(try await h.context(id).label?.carrier == "ups")
                let sold = h.count(.fedex, .labelCreated)
                #expect(sold >= 1, "every FedEx purchase went through; only its answer was lost")

                let sweep = try #require(try await h.client.workflow(type: StrayLabelSweep.name, key: "\(order.orderID)/fedex"))
                let done = try await h.db.settled(sweep.id, timeout: .seconds(60))
                #expect(done.status == .completed)
                #expect(h.count(.fedex, .labelVoided) == sold, "a label the lookup did not show yet was left sold")
            }
        }
    }

    @Test("a USPS label bought under a key whose answers were all lost: the order ships with UPS, and the sweep cancels the USPS label by its purchase key")
    func uspsLostAnswersCancelledByKey() async throws {
        var settings = OrderHarness.testSettings()
        settings.straySweepDelaySeconds = 1
        try await OrderHarness.with(sandbox: { sandbox in
            sandbox.faults[.usps] = FaultSettings(resetAfterEffectRate: 1, onlyPath: "/labels/v3/label")
        }, settings: settings, routing: try CarrierRouting.preference("usps,ups")) { h in
            try await h.db.withWorker { _ in
                let order = sampleOrder()
                let id = try await h.submit(order)
                try await h.waitFor(id, state: .track, status: .waiting)
                #expect(try await h.context(id).label?.carrier == "ups")
                #expect(h.count(.usps, .labelCreated) == 1, "USPS dedupes the retries by X-Idempotency-Key: one label")

                let sweep = try #require(try await h.client.workflow(type: StrayLabelSweep.name, key: "\(order.orderID)/usps"))
                h.sandbox.faults.set(.none, for: .usps)
                let done = try await h.db.settled(sweep.id, timeout: .seconds(60))
                #expect(done.status == .completed)
                #expect(h.count(.usps, .labelVoided) == 1, "the USPS label the order never saw is cancelled")
            }
        }
    }
}
