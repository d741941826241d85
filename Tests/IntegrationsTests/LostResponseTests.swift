import Foundation
import Integrations
import Sandbox
import Sundial
import Testing

/// The connection drops after the vendor performed the effect: the client sees a retryable
/// transport failure, the workflow retries with the same key, and the world sees one effect
/// (Stripe, USPS, QuickBooks) or a duplicate the orchestrator can find and void (FedEx).
@Suite("Lost responses and retries with the same key")
struct LostResponseTests {
    @Test("Stripe: authorize whose response is lost, retried with the same key, authorizes once")
    func stripe() async throws {
        try await withSandboxClient { server, http in
            let stripe = try await stripeClient(server, http)
            server.faults.set(FaultSettings(resetAfterEffectRate: 1), for: .stripe)
            let lost = try #require(await thrownError { try await stripe.authorize(authorization("order-9"), idempotencyKey: "order-9:pay") } as? StripeError)
            #expect(lost.status == nil)
            #expect(lost.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .stripe)
            let intent = try await stripe.authorize(authorization("order-9"), idempotencyKey: "order-9:pay")
            #expect(intent.status == "requires_capture")
            #expect(server.ledger.count(.stripe, .paymentAuthorized, idempotencyKey: "order-9:pay") == 1)
        }
    }

    @Test("USPS: label whose response is lost, retried with the same key, is bought once")
    func usps() async throws {
        try await withSandboxClient { server, http in
            let usps = try await uspsClient(server, http)
            let request = LabelRequest(shipper: shipper, recipient: recipient, weightPounds: 2, service: "PRIORITY_MAIL", shipDate: "2026-11-26")
            _ = try await usps.track(trackingNumber: "9400100000000000000001")  // fetch the OAuth token before faults start
            server.faults.set(FaultSettings(resetAfterEffectRate: 1), for: .usps)
            // The payment token call is dropped as well; retry until the label call itself got through.
            var attempts = 0
            while server.ledger.count(.usps, .labelCreated) == 0, attempts < 5 {
                attempts += 1
                let error = await thrownError { try await usps.buyLabel(request, idempotencyKey: "order-9:label") }
                #expect((error as? CarrierError)?.retryDisposition == .retryable(after: nil))
            }
            server.faults.set(.none, for: .usps)
            let label = try await usps.buyLabel(request, idempotencyKey: "order-9:label")
            #expect(server.ledger.count(.usps, .labelCreated) == 1)
            #expect(server.ledger.records(.usps, .labelCreated).first?.resource == label.trackingNumber)
        }
    }

    @Test("QuickBooks: invoice whose response is lost, retried with the same key, is created once")
    func quickBooks() async throws {
        try await withSandboxClient { server, http in
            let qbo = try await quickBooksClient(server, http)
            let invoice = InvoiceRequest(customerID: "1", docNumber: "SO-9", lines: [InvoiceLine(itemID: "1", quantity: 1, unitPrice: 10)])
            server.faults.set(FaultSettings(resetAfterEffectRate: 1), for: .quickbooks)
            let lost = try #require(await thrownError { try await qbo.createInvoice(invoice, idempotencyKey: "order-9:invoice") } as? QuickBooksError)
            #expect(lost.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .quickbooks)
            let created = try await qbo.createInvoice(invoice, idempotencyKey: "order-9:invoice")
            #expect(created.docNumber == "SO-9")
            #expect(server.ledger.count(.quickbooks, .invoiceCreated) == 1)
        }
    }

    @Test("FedEx: label whose response is lost, retried, leaves a duplicate found by reference and voided")
    func fedEx() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http)
            let request = LabelRequest(shipper: shipper, recipient: recipient, weightPounds: 1, service: "FEDEX_GROUND")
            _ = try await fedex.track(trackingNumber: "794900000000")  // fetch the OAuth token before faults start
            server.faults.set(FaultSettings(resetAfterEffectRate: 1), for: .fedex)
            let lost = try #require(await thrownError { try await fedex.buyLabel(request, idempotencyKey: "order-9:label") } as? CarrierError)
            #expect(lost.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .fedex)
            let kept = try await fedex.buyLabel(request, idempotencyKey: "order-9:label")

            let reference = CustomerReference.derive(fromIdempotencyKey: "order-9:label")
            let found = try await fedex.labels(withReference: reference)
            #expect(found.count == 2)
            for duplicate in found where duplicate.trackingNumber != kept.trackingNumber {
                try await fedex.voidLabel(trackingNumber: duplicate.trackingNumber)
            }
            #expect(server.ledger.count(.fedex, .labelCreated, reference: reference) == 2)
            #expect(server.ledger.count(.fedex, .labelVoided, reference: reference) == 1)
            #expect(try await fedex.track(trackingNumber: kept.trackingNumber).status == .labelCreated)
        }
    }
}
