import Foundation
@testable import Integrations
import Sandbox
import Sundial
import Testing

@Suite("FedExClient against the sandbox")
struct FedExClientTests {
    let request = LabelRequest(shipper: shipper, recipient: recipient, weightPounds: Decimal(string: "2.5")!, service: "FEDEX_GROUND")

    @Test("buy a label (PDF bytes), track it, void it")
    func happyPath() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http)
            let label = try await fedex.buyLabel(request, idempotencyKey: "order-1:label")
            #expect(!label.trackingNumber.isEmpty)
            #expect(label.labelImage.starts(with: Array("%PDF".utf8)))
            #expect(label.reference == "order-1:label")
            #expect(label.charge == Decimal(string: "11.85"))
            #expect(server.ledger.count(.fedex, .labelCreated, reference: "order-1:label") == 1)

            #expect(try await fedex.track(trackingNumber: label.trackingNumber).status == .labelCreated)
            server.setTrackingStatus(.delivered, trackingNumber: label.trackingNumber)
            #expect(try await fedex.track(trackingNumber: label.trackingNumber).status == .delivered)
            #expect(try await fedex.track(trackingNumber: "794900000000").status == .notFound)

            try await fedex.voidLabel(trackingNumber: label.trackingNumber)
            #expect(server.ledger.count(.fedex, .labelVoided, resource: label.trackingNumber) == 1)
        }
    }

    @Test("a retried purchase makes a duplicate, found by reference and voided")
    func duplicateFoundByReferenceAndVoided() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http)
            let key = "order-2:label"
            let first = try await fedex.buyLabel(request, idempotencyKey: key)
            let retry = try await fedex.buyLabel(request, idempotencyKey: key)
            #expect(first.trackingNumber != retry.trackingNumber)
            let reference = CustomerReference.derive(fromIdempotencyKey: key)
            #expect(server.ledger.count(.fedex, .labelCreated, reference: reference) == 2)

            let found = try await fedex.labels(withReference: reference)
            #expect(Set(found.map(\.trackingNumber)) == [first.trackingNumber, retry.trackingNumber])
            for duplicate in found.dropFirst() { try await fedex.voidLabel(trackingNumber: duplicate.trackingNumber) }
            #expect(server.ledger.count(.fedex, .labelVoided) == 1)
            let after = try await fedex.labels(withReference: reference)
            #expect(after.filter { $0.status != .cancelled }.count == 1)
            #expect(try await fedex.labels(withReference: "no-such-reference").isEmpty)
        }
    }

    @Test("track by reference sends the ship-date window FedEx requires (shipDateBegin, shipDateEndDate) and finds labels shipped in it")
    func referenceSearchWindow() async throws {
        let clock = MovableClock()
        var configuration = SandboxConfiguration()
        configuration.clock = clock.clock
        try await withSandboxClient(configuration) { server, http in
            let fedex = try await fedExClient(server, http)
            let today = try await fedex.buyLabel(request, idempotencyKey: "order-30:label")
            #expect(try await fedex.labels(withReference: "order-30:label").map(\.trackingNumber) == [today.trackingNumber])
            // A label shipped three weeks ago is outside the window (14 days back to tomorrow).
            clock.advance(seconds: -21 * 86_400)
            _ = try await fedex.buyLabel(request, idempotencyKey: "order-31:label")
            #expect(try await fedex.labels(withReference: "order-31:label").isEmpty)
            #expect(server.ledger.count(.fedex, .labelCreated, reference: "order-31:label") == 1)
        }
    }

    @Test("the lookup window runs from 14 days back to tomorrow, as YYYY-MM-DD in UTC")
    func referenceSearchWindowDates() {
        let now = Date(timeIntervalSince1970: 1_785_542_400)  // 2026-08-01T00:00:00Z
        let window = FedExClient.referenceSearchWindow(now: now)
        #expect(window.begin == "2026-07-18")
        #expect(window.end == "2026-08-02")
    }

    @Test("an unreadable 200 to a purchase is retryable; the retry's lookup voids the label it bought and one label is kept")
    func unreadablePurchase() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http)
            let key = "order-32:label"
            let reference = CustomerReference.derive(fromIdempotencyKey: key)
            _ = try await fedex.labels(withReference: reference)  // fetch the OAuth token before faults start
            server.faults.set(FaultSettings(unreadableAfterEffectRate: 1), for: .fedex)
            let unreadable = try #require(await thrownError { try await fedex.buyLabel(request, idempotencyKey: key) } as? CarrierError)
            #expect(unreadable.status == 200)
            #expect(unreadable.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .fedex)

            for stray in try await fedex.labels(withReference: reference) where stray.status != .cancelled {
                try await fedex.voidLabel(trackingNumber: stray.trackingNumber)
            }
            let kept = try await fedex.buyLabel(request, idempotencyKey: key)
            #expect(server.ledger.count(.fedex, .labelCreated, reference: reference) == 2)
            #expect(server.ledger.count(.fedex, .labelVoided, reference: reference) == 1)
            #expect(try await fedex.labels(withReference: reference).filter { $0.status != .cancelled }.map(\.trackingNumber) == [kept.trackingNumber])
        }
    }

    @Test("an unreadable 200 to a cancel or to a lookup is retryable, never 'done' or 'no labels'")
    func unreadableVoidAndLookup() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http)
            let label = try await fedex.buyLabel(request, idempotencyKey: "order-33:label")
            server.faults.set(FaultSettings(unreadableAfterEffectRate: 1), for: .fedex)
            let lookup = try #require(await thrownError { try await fedex.labels(withReference: "order-33:label") } as? CarrierError)
            #expect(lookup.retryDisposition == .retryable(after: nil))
            let void = try #require(await thrownError { try await fedex.voidLabel(trackingNumber: label.trackingNumber) } as? CarrierError)
            #expect(void.status == 200)
            #expect(void.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .fedex)
            #expect(server.ledger.count(.fedex, .labelVoided, resource: label.trackingNumber) == 1)
            #expect(try await fedex.labels(withReference: "order-33:label").map(\.status) == [.cancelled])
        }
    }

    @Test("a timeout after the request was sent is retryable, and the label FedEx still bought is found by reference")
    func timeoutAfterSending() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http, timeout: .seconds(3))  // room for the token call on a loaded machine
            _ = try await fedex.labels(withReference: "order-34:label")  // fetch the OAuth token before faults start
            server.faults.set(FaultSettings(latencyMilliseconds: 6_000), for: .fedex)
            let timedOut = try #require(await thrownError { try await fedex.buyLabel(request, idempotencyKey: "order-34:label") } as? CarrierError)
            #expect(timedOut.status == nil)
            #expect(timedOut.retryDisposition == .retryable(after: nil))
            try await waitUntil { server.ledger.count(.fedex, .labelCreated, reference: "order-34:label") == 1 }
            server.faults.set(.none, for: .fedex)
            #expect(try await fedex.labels(withReference: "order-34:label").count == 1)
        }
    }

    @Test("request shape: JSON keys of the shipment as the sandbox recorded and echoed them")
    func requestShape() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http)
            // The simulator answers 400 INVALID.INPUT.EXCEPTION naming every missing documented key
            // (accountNumber.value, labelResponseOptions, requestedShipment.shipper/recipients/
            // pickupType/serviceType/packagingType/shippingChargesPayment.paymentType/
            // labelSpecification.imageType+labelStockType, requestedPackageLineItems[].weight.value).
            let label = try await fedex.buyLabel(
                LabelRequest(shipper: shipper, recipient: recipient, weightPounds: 3, service: "PRIORITY_OVERNIGHT"),
                idempotencyKey: "order-3:label"
            )
            let record = try #require(server.ledger.records(.fedex, .labelCreated).first)
            #expect(record.resource == label.trackingNumber)
            #expect(record.detail == "PRIORITY_OVERNIGHT")  // requestedShipment.serviceType
            #expect(record.reference == "order-3:label")  // requestedPackageLineItems[0].customerReferences[CUSTOMER_REFERENCE]
            #expect(record.idempotencyKey == "order-3:label")  // x-customer-transaction-id header
            #expect(label.labelImage.starts(with: Array("%PDF".utf8)))  // labelSpecification.imageType PDF, labelResponseOptions LABEL
        }
    }

    @Test("token is refreshed once after expiry; bad credentials are permanent and not leaked")
    func tokenRefresh() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http)
            _ = try await fedex.buyLabel(request, idempotencyKey: "order-4:label")
            server.expireAllTokens()
            let label = try await fedex.buyLabel(request, idempotencyKey: "order-5:label")
            #expect(!label.trackingNumber.isEmpty)

            let secret = "fedex-wrong-secret-do-not-leak"
            let bad = try await fedExClient(server, http, secret: secret)
            let error = try #require(await thrownError { try await bad.track(trackingNumber: label.trackingNumber) } as? CarrierError)
            #expect(error.status == 401)
            #expect(error.codes == ["NOT.AUTHORIZED.ERROR"])
            #expect(error.retryDisposition == .permanent)
            #expect(!error.description.contains(secret))
        }
    }

    @Test("503 and 429 with Retry-After are retryable; validation 400 is permanent")
    func errorMapping() async throws {
        try await withSandboxClient { server, http in
            let fedex = try await fedExClient(server, http)
            server.faults.set(FaultSettings(errorStatus: 503, failNext: 1), for: .fedex)
            let unavailable = try #require(await thrownError { try await fedex.buyLabel(request, idempotencyKey: "order-6:label") } as? CarrierError)
            #expect(unavailable.status == 503)
            #expect(unavailable.codes == ["SERVICE.UNAVAILABLE.ERROR"])
            #expect(unavailable.retryDisposition == .retryable(after: nil))

            server.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 9), for: .fedex)
            let limited = try #require(await thrownError { try await fedex.buyLabel(request, idempotencyKey: "order-6:label") } as? CarrierError)
            #expect(limited.status == 429)
            #expect(limited.retryDisposition == .retryable(after: .seconds(9)))
            server.faults.set(.none, for: .fedex)
            #expect(server.ledger.count(.fedex, .labelCreated) == 0)

            let invalid = try #require(await thrownError { try await fedex.voidLabel(trackingNumber: "") } as? CarrierError)
            #expect(invalid.status == 400)
            #expect(invalid.retryDisposition == .permanent)
        }
    }
}
