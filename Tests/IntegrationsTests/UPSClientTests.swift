import Foundation
@testable import Integrations
import Sandbox
import Sundial
import Testing

@Suite("UPSClient against the sandbox")
struct UPSClientTests {
    let request = LabelRequest(shipper: shipper, recipient: recipient, weightPounds: 5, service: "03")

    @Test("buy a label (image bytes), track it, void it")
    func happyPath() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            let label = try await ups.buyLabel(request, idempotencyKey: "order-1:label")
            #expect(label.trackingNumber.hasPrefix("1Z"))
            #expect(label.imageFormat == "GIF")
            #expect(!label.labelImage.isEmpty)
            #expect(label.charge != nil)
            #expect(server.ledger.count(.ups, .labelCreated, reference: "order-1:label") == 1)

            #expect(try await ups.track(trackingNumber: label.trackingNumber).status == .labelCreated)
            server.setTrackingStatus(.delivered, trackingNumber: label.trackingNumber)
            #expect(try await ups.track(trackingNumber: label.trackingNumber).status == .delivered)
            #expect(try await ups.track(trackingNumber: "1Z999AA10000000000").status == .notFound)

            try await ups.voidLabel(trackingNumber: label.trackingNumber)
            #expect(server.ledger.count(.ups, .labelVoided, resource: label.trackingNumber) == 1)
            #expect(try await ups.track(trackingNumber: label.trackingNumber).status == .cancelled)
        }
    }

    @Test("request shape: documented JSON keys recorded by the sandbox; reference lookup on the documented path")
    func requestShape() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            // The simulator answers 400 naming the first missing key among ShipmentRequest.Request,
            // Shipment.Shipper.ShipperNumber/Name/Address, ShipTo.Name/Address, PaymentInformation,
            // Service.Code and Package[].PackageWeight.Weight.
            let label = try await ups.buyLabel(LabelRequest(shipper: shipper, recipient: recipient, weightPounds: 1, service: "01"), idempotencyKey: "order-2:label")
            let record = try #require(server.ledger.records(.ups, .labelCreated).first)
            #expect(record.resource == label.trackingNumber)
            #expect(record.detail == "01")  // Shipment.Service.Code
            #expect(record.reference == "order-2:label")  // Shipment.Package[0].ReferenceNumber[0].Value (US/US)
            #expect(record.idempotencyKey == "order-2:label")  // transId header
            // GET /api/track/v1/reference/details/{referenceNumber} with the transId and
            // transactionSrc headers (the simulator answers 400 TV1001 without them, and serves
            // no other path); the ':' in the reference survives percent-encoding.
            let found = try await ups.labels(withReference: "order-2:label")
            #expect(found.map(\.trackingNumber) == [label.trackingNumber])
            #expect(found.first?.status == .labelCreated)
            #expect(found.first?.carrierCode == "M")
            #expect(try await ups.labels(withReference: "no-such-reference").isEmpty)
        }
    }

    @Test("a retried purchase makes a duplicate; both are found by reference, oldest first, and a voided one shows cancelled")
    func duplicateFoundByReferenceAndVoided() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            let key = "order-6:label"
            let first = try await ups.buyLabel(request, idempotencyKey: key)
            let retry = try await ups.buyLabel(request, idempotencyKey: key)
            #expect(first.trackingNumber != retry.trackingNumber)
            let reference = CustomerReference.derive(fromIdempotencyKey: key)
            #expect(server.ledger.count(.ups, .labelCreated, reference: reference) == 2)

            let found = try await ups.labels(withReference: reference)
            #expect(found.map(\.trackingNumber) == [first.trackingNumber, retry.trackingNumber])
            #expect(found.allSatisfy { $0.status == .labelCreated })

            try await ups.voidLabel(trackingNumber: retry.trackingNumber)
            let after = try await ups.labels(withReference: reference)
            #expect(after.map(\.trackingNumber) == [first.trackingNumber, retry.trackingNumber])
            #expect(after.map(\.status) == [.labelCreated, .cancelled])
            #expect(server.ledger.count(.ups, .labelVoided, reference: reference) == 1)

            // A long key becomes an `sd-…` reference; the lookup finds it the same way.
            let longKey = "workflow-0f6c2a4e-1b7d-4a39-9d2e-5c8b7a6f4e31/label/1"
            let hashed = try await ups.buyLabel(request, idempotencyKey: longKey)
            let hashedReference = CustomerReference.derive(fromIdempotencyKey: longKey)
            #expect(try await ups.labels(withReference: hashedReference).map(\.trackingNumber) == [hashed.trackingNumber])
        }
    }

    @Test("the reference goes on the package for US/US and PR/PR (UPS refuses it at shipment level: 120541), at shipment level otherwise; the lookup finds both")
    func referencePlacement() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            var puertoRico = request
            puertoRico.shipper.countryCode = "PR"
            puertoRico.recipient.countryCode = "PR"
            var toCanada = request
            toCanada.recipient = PostalAddress(name: "Bea Client", phone: "4165550000", streetLines: ["1 King St W"], city: "Toronto", stateCode: "ON", postalCode: "M5H 1A1", countryCode: "CA")
            for (index, shipment) in [request, puertoRico, toCanada].enumerated() {
                let key = "order-20-\(index):label"
                let label = try await ups.buyLabel(shipment, idempotencyKey: key)
                #expect(server.ledger.count(.ups, .labelCreated, reference: key) == 1)
                #expect(try await ups.labels(withReference: key).map(\.trackingNumber) == [label.trackingNumber])
            }
        }
    }

    @Test("Weight goes out in at most five characters, rounded up to a tenth of a pound")
    func weightText() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            for pounds in ["150.25", "0.3333333", "0.01"] {
                var heavy = request
                heavy.weightPounds = Decimal(string: pounds)!
                _ = try await ups.buyLabel(heavy, idempotencyKey: "order-21-\(pounds):label")
            }
            #expect(server.ledger.count(.ups, .labelCreated) == 3)
        }
    }

    @Test("UPSPackageWeight: rounded up to a tenth of a pound, never below 0.1, whole pounds from 1,000 on, at most five characters")
    func weightFormatting() {
        let cases: [(String, String)] = [
            ("5", "5.0"), ("2.25", "2.3"), ("0.01", "0.1"), ("0", "0.1"), ("150", "150.0"), ("150.25", "150.3"), ("999.95", "1000"),
            ("1000.5", "1001"), ("123456", "99999"),
        ]
        for (pounds, text) in cases {
            #expect(UPSPackageWeight.text(pounds: Decimal(string: pounds)!) == text, "\(pounds) lb")
        }
        #expect(UPSPackageWeight.text(pounds: Decimal(1) / Decimal(3)) == "0.4")
    }

    @Test("an unreadable 200 to a purchase is retryable; the retry's lookup voids the label it bought and one label is kept")
    func unreadablePurchase() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            let key = "order-22:label"
            let reference = CustomerReference.derive(fromIdempotencyKey: key)
            _ = try await ups.labels(withReference: reference)  // fetch the OAuth token before faults start
            server.faults.set(FaultSettings(unreadableAfterEffectRate: 1), for: .ups)
            let unreadable = try #require(await thrownError { try await ups.buyLabel(request, idempotencyKey: key) } as? CarrierError)
            #expect(unreadable.status == 200)
            #expect(unreadable.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .ups)

            // The retry, as the order's label step makes it: void what the reference shows, then buy.
            for stray in try await ups.labels(withReference: reference) where stray.status != .cancelled {
                try await ups.voidLabel(trackingNumber: stray.trackingNumber)
            }
            let kept = try await ups.buyLabel(request, idempotencyKey: key)
            #expect(server.ledger.count(.ups, .labelCreated, reference: reference) == 2)
            #expect(server.ledger.count(.ups, .labelVoided, reference: reference) == 1)
            #expect(try await ups.labels(withReference: reference).filter { $0.status != .cancelled }.map(\.trackingNumber) == [kept.trackingNumber])
        }
    }

    @Test("an unreadable 200 to a void or to a lookup is retryable, never 'done' or 'no labels'")
    func unreadableVoidAndLookup() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            let label = try await ups.buyLabel(request, idempotencyKey: "order-23:label")
            server.faults.set(FaultSettings(unreadableAfterEffectRate: 1), for: .ups)
            let lookup = try #require(await thrownError { try await ups.labels(withReference: "order-23:label") } as? CarrierError)
            #expect(lookup.retryDisposition == .retryable(after: nil))
            let void = try #require(await thrownError { try await ups.voidLabel(trackingNumber: label.trackingNumber) } as? CarrierError)
            #expect(void.status == 200)
            #expect(void.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .ups)
            #expect(server.ledger.count(.ups, .labelVoided, resource: label.trackingNumber) == 1)
            #expect(try await ups.labels(withReference: "order-23:label").map(\.status) == [.cancelled])
        }
    }

    @Test("a timeout after the request was sent is retryable, and the label UPS still bought is found by reference")
    func timeoutAfterSending() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http, timeout: .seconds(3))  // room for the token call on a loaded machine
            _ = try await ups.labels(withReference: "order-24:label")  // fetch the OAuth token before faults start
            server.faults.set(FaultSettings(latencyMilliseconds: 6_000), for: .ups)
            let timedOut = try #require(await thrownError { try await ups.buyLabel(request, idempotencyKey: "order-24:label") } as? CarrierError)
            #expect(timedOut.status == nil)
            #expect(timedOut.retryDisposition == .retryable(after: nil))
            try await waitUntil { server.ledger.count(.ups, .labelCreated, reference: "order-24:label") == 1 }
            server.faults.set(.none, for: .ups)
            #expect(try await ups.labels(withReference: "order-24:label").count == 1)
        }
    }

    @Test("token is refreshed once after expiry; bad credentials are permanent and not leaked")
    func tokenRefresh() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            _ = try await ups.buyLabel(request, idempotencyKey: "order-3:label")
            server.expireAllTokens()
            _ = try await ups.buyLabel(request, idempotencyKey: "order-4:label")
            #expect(server.ledger.count(.ups, .labelCreated) == 2)

            let secret = "ups-wrong-secret-do-not-leak"
            let bad = try await upsClient(server, http, secret: secret)
            let error = try #require(await thrownError { try await bad.track(trackingNumber: "1Z999AA10000000000") } as? CarrierError)
            #expect(error.status == 401)
            #expect(error.retryDisposition == .permanent)
            #expect(!error.description.contains(secret))
        }
    }

    @Test("503 and 429 with Retry-After are retryable")
    func errorMapping() async throws {
        try await withSandboxClient { server, http in
            let ups = try await upsClient(server, http)
            server.faults.set(FaultSettings(errorStatus: 503, failNext: 1), for: .ups)
            let unavailable = try #require(await thrownError { try await ups.buyLabel(request, idempotencyKey: "order-5:label") } as? CarrierError)
            #expect(unavailable.status == 503)
            #expect(unavailable.retryDisposition == .retryable(after: nil))
            server.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 4), for: .ups)
            let limited = try #require(await thrownError { try await ups.buyLabel(request, idempotencyKey: "order-5:label") } as? CarrierError)
            #expect(limited.status == 429)
            #expect(limited.codes == ["10429"])
            #expect(limited.retryDisposition == .retryable(after: .seconds(4)))
            #expect(server.ledger.count(.ups, .labelCreated) == 0)
        }
    }
}
