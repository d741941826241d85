import AsyncHTTPClient
import Foundation
import Integrations
import NIOCore
import Sandbox
import Sundial
import SundialEngine
import SundialTestSupport
import Testing
import Workflows

/// How an order is paid: a PaymentIntent authorized at checkout, or a saved card authorized by
/// Sundial without the customer; and what happens when the answer to an authorization is lost.
@Suite("Order payments: checkout intents, server-side cards, lost answers")
struct OrderPaymentTests {
    @Test("an order paid at checkout (payment_intent) is checked, captured at shipment and completes")
    func paidAtCheckout() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                var order = sampleOrder()
                let intent = try await h.checkoutIntent(amountMinor: order.totalMinor)
                order.paymentMethod = nil
                order.paymentIntent = intent
                let id = try await h.submit(order)
                try await h.waitFor(id, state: .track, status: .waiting)
                #expect(try await h.context(id).paymentIntentID == intent)
                try await h.track(id, event: "d1", status: "delivered")
                let done = try await h.db.settled(id)
                #expect(done.status == .completed)
                #expect(h.count(.stripe, .paymentAuthorized) == 1)  // the checkout's, not a second one
                let captures = h.sandbox.ledger.records(.stripe, .paymentCaptured)
                #expect(captures.map(\.resource) == [intent])
                #expect(try await h.statusEvents(id) == ["confirmed", "shipped", "delivered"])
            }
        }
    }

    @Test("a checkout intent for another amount cancels the order with the reason and is left alone")
    func checkoutMismatch() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                var order = sampleOrder()
                let intent = try await h.checkoutIntent(amountMinor: order.totalMinor - 100)
                order.paymentMethod = nil
                order.paymentIntent = intent
                let id = try await h.submit(order)
                let done = try await h.db.settled(id)
                #expect(done.status == .cancelled)
                let reason = try await h.cancelReason(id)
                #expect(reason.contains("minor units"), "reason: \(reason)")
                #expect(h.count(.stripe, .paymentCanceled) == 0)
                #expect(h.count(.stripe, .paymentCaptured) == 0)
                #expect(try await h.statusEvents(id) == ["cancelled"])
            }
        }
    }

    @Test("a saved card that needs 3-D Secure cancels the order with that reason at once, no retry loop")
    func serverSideNeedsAuthentication() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                let id = try await h.submit(sampleOrder(card: "pm_card_authenticationRequired"))
                let done = try await h.db.settled(id)
                #expect(done.status == .cancelled)
                #expect(try await h.cancelReason(id).contains("3-D Secure"))
                #expect(!(try await h.store.history(id)).contains { $0.event == "retry" })
                #expect(h.count(.stripe, .paymentAuthorized) == 0)
                #expect(try await h.statusEvents(id) == ["cancelled"])
            }
        }
    }

    @Test("an authorization whose answer was lost: a cancel still finds the hold by the order's metadata and releases it")
    func lostAuthorizationAnswerThenCancel() async throws {
        try await OrderHarness.with { h in
            try await h.db.withWorker { _ in
                h.sandbox.faults.set(FaultSettings(resetAfterEffectRate: 1), for: .stripe)
                let order = sampleOrder()
                let id = try await h.submit(order)
                #expect(try await eventually(timeout: .seconds(20)) { try await h.context(id).authorizationInDoubt == true })
                #expect(h.count(.stripe, .paymentAuthorized) == 1)
                try await h.client.cancel(id, reason: "customer changed their mind", actor: "support:amy")
                h.sandbox.faults.set(.none, for: .stripe)
                let done = try await h.db.settled(id)
                #expect(done.status == .cancelled)
                #expect(h.count(.stripe, .paymentAuthorized) == 1)
                let released = h.sandbox.ledger.records(.stripe, .paymentCanceled)
                #expect(released.count == 1)
                #expect(released.first?.reference == order.orderID)
                #expect(try await h.statusEvents(id) == ["cancelled"])
            }
        }
    }
}

extension OrderHarness {
    /// A PaymentIntent as a shop's checkout leaves it: created and confirmed with the customer
    /// present (no `off_session`), manual capture, `requires_capture`, no Sundial metadata.
    func checkoutIntent(amountMinor: Int) async throws -> String {
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { _ = http.shutdown() }
        var request = HTTPClientRequest(url: sandboxURL + SandboxAPI.stripe.pathPrefix + "/v1/payment_intents")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(integrations.stripe.credentials.secretKey.value)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "amount=\(amountMinor)&currency=usd&payment_method=pm_card_visa&payment_method_types%5B%5D=card&capture_method=manual&confirm=true"))
        let response = try await http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        #expect(object?["status"] as? String == "requires_capture")
        return try #require(object?["id"] as? String)
    }

    /// The reason the order was cancelled with, from its history (the `cancelled` or
    /// `cancelling` row carries it).
    func cancelReason(_ id: UUID) async throws -> String {
        let history = try await store.history(id)
        return history.last(where: { ["cancelled", "cancelling"].contains($0.event) && $0.error != nil })?.error ?? "no cancel reason in \(history.map(\.event))"
    }
}
