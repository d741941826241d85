import Foundation
import Integrations
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
