import AsyncHTTPClient
import Foundation
import Integrations
import Sandbox
import Sundial
import SundialEngine
import SundialTestSupport
import Testing
import Workflows

@Suite("Order lifecycle against the sandbox")
struct OrderLifecycleTests {
    @Test("happy path: authorized, FedEx label stored, captured, tracked to delivery, invoiced once")
    func happyPath() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                let order = sampleOrder()
                let id = try await h.submit(order)
                try await h.waitFor(id, state: .track, status: .waiting)
                var context = try await h.context(id)
                let label = try #require(context.label)
                #expect(label.carrier == "fedex")
                #expect(FileManager.default.fileExists(atPath: label.storedAt))
                #expect(try await h.client.workflowIDs(tag: "tracking_number", value: label.trackingNumber) == [id])

                try await h.track(id, event: "e1", status: "in_transit", location: "Memphis, TN")
                try await h.track(id, event: "e2", status: "delivered", location: "New York, NY")
                let done = try await h.db.settled(id)
                #expect(done.status == .completed)
                context = try await h.context(id)
                let outcome = try JSONDecoder.sundial.decode(OrderOutcome.self, from: Data(try #require(done.output).utf8))
                #expect(outcome.total == ExactDecimal(text: "61.76")!)
                #expect(outcome.invoiceID != nil && outcome.invoiceID == context.invoice?.id)
                #expect(context.timeline.map(\.event).contains("delivered"))

                #expect(h.count(.stripe, .paymentAuthorized) == 1)
                #expect(h.count(.stripe, .paymentCaptured) == 1)
                #expect(h.count(.fedex, .labelCreated) == 1)
                #expect(h.count(.fedex, .labelVoided) == 0)
                #expect(h.count(.quickbooks, .invoiceCreated) == 1)
                #expect(try await h.statusEvents(id) == ["confirmed", "shipped", "delivered"])
            }
        }
    }

    @Test("an order that waited past invoiceLookupAfter keeps the invoice already under its document number; a fresh one creates without a lookup")
    func invoiceLookupAfterAWait() async throws {
        var settings = OrderHarness.testSettings()
        settings.invoiceLookupAfter = .zero
        try await OrderHarness.with(settings: settings) { h in
            // An earlier attempt's invoice whose requestid QuickBooks no longer remembers.
            let order = sampleOrder()
            let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            let accounting = QuickBooksClient(httpClient: http, configuration: h.integrations.quickBooks)
            let earlier = try await accounting.createInvoice(
                InvoiceRequest(customerID: "1", docNumber: OrderWorkflow.docNumber(order.orderID),
                               lines: [InvoiceLine(itemID: "1", quantity: 1, unitPrice: 1)]),
                idempotencyKey: "an-earlier-attempt")
            try await http.shutdown()
            try await h.db.withWorker { _ in
                let id = try await h.submit(order)
                try await h.waitFor(id, state: .track, status: .waiting)
                try await h.track(id, event: "e1", status: "delivered", location: "New York, NY")
                #expect(try await h.db.settled(id).status == .completed)
                #expect(try await h.context(id).invoice?.id == earlier.id)
                #expect(h.count(.quickbooks, .invoiceCreated) == 1)
            }
        }
    }

    @Test("FedEx down: three tries, then a UPS label; FedEx's circuit opens for everyone")
    func fedExDown() async throws {
        try await OrderHarness.with(sandbox: { $0.faults[.fedex] = FaultSettings(down: true) }) { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder())
                try await h.waitFor(id, state: .track, status: .waiting)
                let context = try await h.context(id)
                #expect(context.label?.carrier == "ups")
                #expect(context.carrierFailures.count == 1)
                #expect(context.carrierFailures.first?.hasPrefix("fedex:") == true)
                #expect(h.count(.ups, .labelCreated) == 1)
                #expect(h.count(.stripe, .paymentCaptured) == 1)
                let fedex = try #require(try await h.store.apiLimitStates().first { $0.api == "fedex" })
                #expect(fedex.circuit != "closed" && fedex.openedCount >= 1)

                // The next order finds the circuit open and goes to UPS without calling FedEx.
                let fedexCallsBefore = h.count(.fedex, .labelCreated)
                let second = try await h.submit(sampleOrder())
                try await h.waitFor(second, state: .track, status: .waiting)
                #expect(try await h.context(second).label?.carrier == "ups")
                #expect(h.count(.fedex, .labelCreated) == fedexCallsBefore)
                let history = try await h.store.history(second)
                #expect(history.filter { $0.event == "retry" && $0.fromState == "label" }.isEmpty)
            }
        }
    }

    @Test("every carrier down for a moment: the order pauses, tries them all again, and ships when one is back")
    func allCarriersDownForAMoment() async throws {
        try await OrderHarness.with(sandbox: { sandbox in
            for api in [SandboxAPI.fedex, .ups, .usps] { sandbox.faults[api] = FaultSettings(down: true) }
        }) { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder())
                let paused = try await eventually(timeout: .seconds(30)) { try await h.context(id).carrierRoundsFailed == 1 }
                #expect(paused)
                h.sandbox.faults.set(FaultSettings(), for: .usps)
                try await h.waitFor(id, state: .track, status: .waiting)
                let context = try await h.context(id)
                #expect(context.label?.carrier == "usps")
                #expect(context.timeline.map(\.event).contains("every carrier failed; trying them again"))
                // The second round bought under its own key, and nothing voided the kept label.
                #expect(h.count(.usps, .labelCreated) == 1 && h.count(.usps, .labelVoided) == 0)
                #expect(h.count(.stripe, .paymentCanceled) == 0)
            }
        }
    }

    @Test("every carrier down through every round: the authorization is released and the order ends compensated")
    func allCarriersDown() async throws {
        try await OrderHarness.with(sandbox: { sandbox in
            for api in [SandboxAPI.fedex, .ups, .usps] { sandbox.faults[api] = FaultSettings(down: true) }
        }) { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder())
                let done = try await h.db.settled(id, timeout: .seconds(60))
                #expect(done.status == .compensated)
                let context = try await h.context(id)
                #expect(context.carrierFailures.count == 6)  // three carriers, two rounds
                #expect(context.carrierRoundsFailed == 1)
                #expect(h.count(.stripe, .paymentAuthorized) == 1)
                #expect(h.count(.stripe, .paymentCanceled) == 1)
                #expect(h.count(.stripe, .paymentCaptured) == 0)
                #expect(h.count(.stripe, .refundCreated) == 0)
                #expect(try await h.statusEvents(id) == ["confirmed", "cancelled"])
            }
        }
    }

    @Test("a declined card cancels the order at once, without retries")
    func declined() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder(card: "pm_card_chargeDeclined"))
                let done = try await h.db.settled(id)
                #expect(done.status == .cancelled)
                let history = try await h.store.history(id)
                #expect(!history.contains { $0.event == "retry" })
                #expect(h.count(.stripe, .paymentDeclined) == 1)
                #expect(h.count(.stripe, .paymentAuthorized) == 0)
                #expect(try await h.statusEvents(id) == ["cancelled"])
                #expect(try await h.context(id).label == nil)
            }
        }
    }

    @Test("an asynchronous payment waits for Stripe's webhook (signal `payment`), then ships")
    func asynchronousPayment() async throws {
        var settings = OrderHarness.testSettings()
        settings.paymentConfirmationTimeout = .seconds(600)
        try await OrderHarness.with(settings: settings) { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder(card: "pm_card_processing"))
                try await h.waitFor(id, state: .confirmPayment, status: .waiting)
                #expect(try await h.context(id).paymentStatus == "processing")
                try await Task.sleep(for: .milliseconds(1200))  // the sandbox confirms after 1 s
                let intent = try #require(try await h.context(id).paymentIntentID)
                try await h.client.signal(id, name: "payment", signalID: "evt_test_1",
                                          payload: ["type": "payment_intent.amount_capturable_updated", "payment_intent_id": intent])
                try await h.waitFor(id, state: .track, status: .waiting)
                let context = try await h.context(id)
                #expect(context.paymentChecks == 1)
                #expect(h.count(.stripe, .paymentCaptured) == 1)
            }
        }
    }

    @Test("duplicate and out-of-order tracking updates never move the parcel backwards")
    func duplicateAndOutOfOrderTracking() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder())
                try await h.waitFor(id, state: .track, status: .waiting)
                try await h.track(id, event: "e2", status: "out_for_delivery", location: "Queens, NY")
                try await h.waitFor(id, state: .track, status: .waiting)
                #expect(try await eventually { try await h.context(id).tracking.status == "out_for_delivery" })
                // Late "in transit" and a duplicate "out for delivery" change nothing.
                try await h.track(id, event: "e1", status: "in_transit", location: "Memphis, TN")
                try await h.track(id, event: "e2", status: "out_for_delivery", location: "Queens, NY")
                #expect(try await eventually { try await h.context(id).tracking.seenEventIDs.contains("e1") })
                let context = try await h.context(id)
                #expect(context.tracking.status == "out_for_delivery")
                #expect(context.tracking.location == "Queens, NY")
                #expect(context.timeline.filter { $0.event == "out for delivery" }.count == 1)
                #expect(!context.timeline.contains { $0.event == "in transit" })
                try await h.track(id, event: "e3", status: "delivered")
                #expect(try await h.db.settled(id).status == .completed)
                #expect(h.count(.quickbooks, .invoiceCreated) == 1)
            }
        }
    }

    @Test("with no webhook, the durable poll timer finds the delivery at the carrier")
    func pollingFindsDelivery() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder())
                try await h.waitFor(id, state: .track, status: .waiting)
                let label = try #require(try await h.context(id).label)
                #expect(h.sandbox.setTrackingStatus(.delivered, trackingNumber: label.trackingNumber))
                #expect(try await h.db.settled(id).status == .completed)
                #expect(try await h.context(id).tracking.polls >= 1)
            }
        }
    }

    @Test("a cancel before pickup voids the label and refunds; a cancel after pickup is refused")
    func cancelBeforeAndAfterShipment() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                let early = try await h.submit(sampleOrder())
                try await h.waitFor(early, state: .track, status: .waiting)
                try await h.client.cancel(early, reason: "customer changed their mind", actor: "support:amy")
                let cancelled = try await h.db.settled(early)
                #expect(cancelled.status == .cancelled)
                #expect(h.count(.stripe, .refundCreated) == 1)
                #expect(h.count(.fedex, .labelVoided) == 1)
                #expect(try await h.statusEvents(early).last == "cancelled")

                let late = try await h.submit(sampleOrder())
                try await h.waitFor(late, state: .track, status: .waiting)
                try await h.track(late, event: "p1", status: "in_transit")
                #expect(try await eventually { try await h.context(late).tracking.status == "in_transit" })
                await #expect(throws: StoreError.self) {
                    try await h.client.cancel(late, reason: "too late", actor: "support:amy")
                }
                let snapshot = try await h.snapshot(late)
                #expect(!snapshot.cancelRequested)
                #expect(h.count(.stripe, .refundCreated) == 1)
            }
        }
    }

    @Test("a cancel while the carrier's circuit is open waits out the cooldown, then voids the label")
    func cancelWhileCircuitOpen() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder())
                try await h.waitFor(id, state: .track, status: .waiting)
                // Open long enough that the undos before the void (refund: read, then refund) cannot
                // outlast it on a loaded machine; the void must still find it open.
                try await h.db.client.query("""
                    UPDATE api_limits SET circuit = 'open', circuit_until = now() + interval '8 seconds' WHERE api = 'fedex'
                    """, logger: h.db.logger)
                try await h.client.cancel(id, reason: "customer changed their mind", actor: "support:amy")
                let done = try await h.db.settled(id, timeout: .seconds(60))
                #expect(done.status == .cancelled)
                #expect(h.count(.fedex, .labelVoided) == 1)
                let retries = try await h.store.history(id).filter { $0.event == "undo-retry" }
                #expect((1...3).contains(retries.count), "the undo should back off for the cooldown, not spin: \(retries.count) retries")
            }
        }
    }

    @Test("a delivery exception parks the order in needsAttention until an operator resumes it")
    func exceptionNeedsAttention() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder())
                try await h.waitFor(id, state: .track, status: .waiting)
                try await h.track(id, event: "x1", status: "exception", location: "Newark, NJ")
                try await h.waitFor(id, state: .needsAttention, status: .waiting)
                let view = try OrderView.make(workflowID: id, state: "needsAttention", workflowStatus: "waiting",
                                              context: try await h.snapshot(id).context, lastError: nil, createdAt: Date(), updatedAt: Date())
                #expect(view.status == "needs_attention")
                #expect(view.attentionReason?.contains("Newark, NJ") == true)

                try await h.client.resume(id, reason: "address corrected with the carrier", actor: "ops:bo")
                try await h.waitFor(id, state: .track, status: .waiting)
                try await h.track(id, event: "x2", status: "delivered")
                #expect(try await h.db.settled(id).status == .completed)
                #expect(try await h.context(id).timeline.contains { $0.event == "resumed by operator" })
            }
        }
    }

    @Test("no tracking progress for too long parks the order in needsAttention")
    func stalledShipment() async throws {
        var settings = OrderHarness.testSettings()
        settings.stallAfter = .seconds(1)
        try await OrderHarness.with(settings: settings) { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder())
                try await h.waitFor(id, state: .needsAttention, status: .waiting)
                #expect(try await h.context(id).attention?.hasPrefix("no tracking progress") == true)
            }
        }
    }
}
