import Foundation
@testable import Integrations
import Sandbox
import Sundial
import Testing

@Suite("USPSClient against the sandbox")
struct USPSClientTests {
    let request = LabelRequest(shipper: shipper, recipient: recipient, weightPounds: Decimal(string: "1.2")!, service: "USPS_GROUND_ADVANTAGE", shipDate: "2026-11-26")

    @Test("buy a label (PDF); the same X-Idempotency-Key buys once; track; cancel")
    func happyPathOncePerKey() async throws {
        try await withSandboxClient { server, http in
            let usps = try await uspsClient(server, http)
            let label = try await usps.buyLabel(request, idempotencyKey: "order-1:label")
            let retried = try await usps.buyLabel(request, idempotencyKey: "order-1:label")
            #expect(retried.trackingNumber == label.trackingNumber)
            #expect(label.labelImage.starts(with: Array("%PDF".utf8)))
            #expect(label.charge == Decimal(string: "7.65"))
            #expect(server.ledger.count(.usps, .labelCreated, idempotencyKey: USPSIdempotencyKey.derive(fromIdempotencyKey: "order-1:label")) == 1)

            #expect(try await usps.track(trackingNumber: label.trackingNumber).status == .labelCreated)
            server.setTrackingStatus(.outForDelivery, trackingNumber: label.trackingNumber)
            #expect(try await usps.track(trackingNumber: label.trackingNumber).status == .outForDelivery)
            #expect(try await usps.track(trackingNumber: "9400100000000999999999").status == .notFound)

            let second = try await usps.buyLabel(request, idempotencyKey: "order-2:label")
            try await usps.voidLabel(trackingNumber: second.trackingNumber)
            #expect(server.ledger.count(.usps, .labelVoided, resource: second.trackingNumber) == 1)
            #expect(try await usps.track(trackingNumber: second.trackingNumber).status == .cancelled)
        }
    }

    @Test("request shape: documented JSON keys accepted and recorded")
    func requestShape() async throws {
        try await withSandboxClient { server, http in
            let usps = try await uspsClient(server, http)
            // The simulator answers 400 naming any missing fromAddress/toAddress (streetAddress, city,
            // state, ZIPCode) or packageDescription key (mailClass, rateIndicator, weightUOM, weight,
            // processingCategory, destinationEntryFacilityType, mailingDate), and the payment roles.
            var priority = request
            priority.service = "PRIORITY_MAIL"
            let label = try await usps.buyLabel(priority, idempotencyKey: "order-3:label")
            let record = try #require(server.ledger.records(.usps, .labelCreated).first)
            #expect(record.resource == label.trackingNumber)
            #expect(record.detail == "PRIORITY_MAIL")  // packageDescription.mailClass
            #expect(record.idempotencyKey == USPSIdempotencyKey.derive(fromIdempotencyKey: "order-3:label"))  // X-Idempotency-Key
            #expect(record.reference == "order-3:label")  // packageDescription.customerReference[0].referenceNumber
            #expect(label.charge == Decimal(string: "10.40"))
        }
    }

    @Test("the label answer is read flat (LabelVendorResponse), with a nested labelMetadata as a fallback; unknown fields are ignored")
    func labelAnswerShapes() throws {
        let image = Data("%PDF-1.4".utf8).base64EncodedString()
        let flat = try USPSLabelAnswer.read(Array(#"{"trackingNumber":"9400100000000000000001","postage":7.65,"SKU":"DUXP","zone":"04","labelImage":"\#(image)","somethingNew":{"a":1}}"#.utf8))
        #expect(flat == USPSLabelAnswer(trackingNumber: "9400100000000000000001", labelImage: Array("%PDF-1.4".utf8), postage: Decimal(string: "7.65")))
        let nested = try USPSLabelAnswer.read(Array(#"{"labelMetadata":{"trackingNumber":"9400100000000000000002","postage":"10.40"},"labelImage":"\#(image)"}"#.utf8))
        #expect(nested.trackingNumber == "9400100000000000000002")
        #expect(nested.postage == Decimal(string: "10.40"))
        #expect(throws: USPSLabelAnswer.Unreadable.self) { try USPSLabelAnswer.read(Array(#"{"trackingNumber":"9400100000000000000003","labelIm"#.utf8)) }
        #expect(throws: USPSLabelAnswer.Unreadable.self) { try USPSLabelAnswer.read(Array(#"{"labelImage":"\#(image)"}"#.utf8)) }
    }

    @Test("an unreadable 200 to a purchase is retryable; the retry with the same key returns the same label, charged once")
    func unreadablePurchase() async throws {
        try await withSandboxClient { server, http in
            let usps = try await uspsClient(server, http)
            _ = try await usps.buyLabel(request, idempotencyKey: "order-40:warmup")  // fetch both tokens before faults start
            server.faults.set(FaultSettings(unreadableAfterEffectRate: 1), for: .usps)
            let unreadable = try #require(await thrownError { try await usps.buyLabel(request, idempotencyKey: "order-40:label") } as? CarrierError)
            #expect(unreadable.status == 200)
            #expect(unreadable.retryDisposition == .retryable(after: nil))
            #expect(server.ledger.count(.usps, .labelCreated) == 2)
            server.faults.set(.none, for: .usps)
            let label = try await usps.buyLabel(request, idempotencyKey: "order-40:label")
            #expect(server.ledger.count(.usps, .labelCreated) == 2)
            #expect(server.ledger.records(.usps, .labelCreated).last?.resource == label.trackingNumber)
        }
    }

    @Test("an unreadable 200 to a cancel is retryable; the retried cancel succeeds")
    func unreadableVoid() async throws {
        try await withSandboxClient { server, http in
            let usps = try await uspsClient(server, http)
            let label = try await usps.buyLabel(request, idempotencyKey: "order-41:label")
            server.faults.set(FaultSettings(unreadableAfterEffectRate: 1), for: .usps)
            let void = try #require(await thrownError { try await usps.voidLabel(trackingNumber: label.trackingNumber) } as? CarrierError)
            #expect(void.status == 200)
            #expect(void.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .usps)
            try await usps.voidLabel(trackingNumber: label.trackingNumber)
            #expect(server.ledger.count(.usps, .labelVoided, resource: label.trackingNumber) == 1)
        }
    }

    @Test("a timeout after the request was sent is retryable; the retry with the same key gets the label USPS bought meanwhile")
    func timeoutAfterSending() async throws {
        try await withSandboxClient { server, http in
            let slow = try await uspsClient(server, http, timeout: .seconds(3))  // room for the token call on a loaded machine
            _ = try await slow.buyLabel(request, idempotencyKey: "order-42:warmup")  // fetch both tokens before faults start
            server.faults.set(FaultSettings(latencyMilliseconds: 6_000), for: .usps)
            let timedOut = try #require(await thrownError { try await slow.buyLabel(request, idempotencyKey: "order-42:label") } as? CarrierError)
            #expect(timedOut.status == nil)
            #expect(timedOut.retryDisposition == .retryable(after: nil))
            try await waitUntil { server.ledger.count(.usps, .labelCreated) == 2 }
            server.faults.set(.none, for: .usps)
            let label = try await slow.buyLabel(request, idempotencyKey: "order-42:label")
            #expect(server.ledger.count(.usps, .labelCreated) == 2)
            #expect(server.ledger.records(.usps, .labelCreated).last?.resource == label.trackingNumber)
        }
    }

    @Test("OAuth and payment tokens are refreshed once after expiry")
    func tokenRefresh() async throws {
        try await withSandboxClient { server, http in
            let usps = try await uspsClient(server, http)
            _ = try await usps.buyLabel(request, idempotencyKey: "order-4:label")
            server.expireAllTokens()
            let label = try await usps.buyLabel(request, idempotencyKey: "order-5:label")
            server.expireAllTokens()
            #expect(try await usps.track(trackingNumber: label.trackingNumber).status == .labelCreated)
            #expect(server.ledger.count(.usps, .labelCreated) == 2)

            let secret = "usps-wrong-secret-do-not-leak"
            let bad = try await uspsClient(server, http, secret: secret)
            let error = try #require(await thrownError { try await bad.track(trackingNumber: label.trackingNumber) } as? CarrierError)
            #expect(error.status == 401)
            #expect(error.codes == ["invalid_client"])
            #expect(error.retryDisposition == .permanent)
            #expect(!error.description.contains(secret))
        }
    }

    @Test("429 with Retry-After and 503 are retryable; a reused key with another payload is permanent")
    func errorMapping() async throws {
        try await withSandboxClient { server, http in
            let usps = try await uspsClient(server, http)
            server.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 30), for: .usps)
            let limited = try #require(await thrownError { try await usps.buyLabel(request, idempotencyKey: "order-6:label") } as? CarrierError)
            #expect(limited.status == 429)
            #expect(limited.retryDisposition == .retryable(after: .seconds(30)))
            server.faults.set(FaultSettings(errorStatus: 503, failNext: 1), for: .usps)
            let unavailable = try #require(await thrownError { try await usps.buyLabel(request, idempotencyKey: "order-6:label") } as? CarrierError)
            #expect(unavailable.status == 503)
            #expect(unavailable.retryDisposition == .retryable(after: nil))
            server.faults.set(.none, for: .usps)

            _ = try await usps.buyLabel(request, idempotencyKey: "order-6:label")
            var heavier = request
            heavier.weightPounds = 3
            let reused = try #require(await thrownError { try await usps.buyLabel(heavier, idempotencyKey: "order-6:label") } as? CarrierError)
            #expect(reused.status == 409)
            #expect(reused.retryDisposition == .permanent)
            #expect(server.ledger.count(.usps, .labelCreated) == 1)
        }
    }
}
