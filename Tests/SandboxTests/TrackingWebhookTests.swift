import Foundation
import Sandbox
import Testing

/// Buys labels from the simulated carriers with a chosen recipient name, as a client would.
private struct LabelBuyer {
    let client: SandboxClient

    func fedex(recipient: String = "Ada Customer") async throws -> String {
        let token = try await client.form(
            "/fedex/oauth/token",
            [("grant_type", "client_credentials"), ("client_id", "fedex-sandbox-api-key"), ("client_secret", "fedex-sandbox-secret-key")]
        )
        let auth = ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))"]
        let from: [String: Any] = ["streetLines": ["10 Fedex Pkwy"], "city": "Memphis", "stateOrProvinceCode": "TN", "postalCode": "38116", "countryCode": "US"]
        let to: [String: Any] = ["streetLines": ["1 Main St"], "city": "New York", "stateOrProvinceCode": "NY", "postalCode": "10001", "countryCode": "US"]
        let body: [String: Any] = [
            "accountNumber": ["value": "740561073"],
            "labelResponseOptions": "LABEL",
            "requestedShipment": [
                "shipper": ["address": from, "contact": ["personName": "SunStyle", "phoneNumber": "9015551234"]],
                "recipients": [["address": to, "contact": ["personName": recipient, "phoneNumber": "2125550000"]]],
                "pickupType": "DROPOFF_AT_FEDEX_LOCATION",
                "serviceType": "FEDEX_GROUND",
                "packagingType": "YOUR_PACKAGING",
                "shippingChargesPayment": ["paymentType": "SENDER"],
                "labelSpecification": ["imageType": "PDF", "labelStockType": "PAPER_4X6"],
                "totalWeight": 2,
                "requestedPackageLineItems": [["weight": ["units": "LB", "value": 2]]],
            ] as [String: Any],
        ]
        let created = try await client.json("/fedex/ship/v1/shipments", body, headers: auth)
        #expect(created.status == 200)
        return try #require(string(created.json, "output", "transactionShipments", 0, "masterTrackingNumber"))
    }

    func upsAuth() async throws -> [String: String] {
        let token = try await client.form(
            "/ups/security/v1/oauth/token", [("grant_type", "client_credentials")],
            headers: ["Authorization": basicAuth("ups-sandbox-client-id", "ups-sandbox-client-secret")]
        )
        return ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))", "transId": "test", "transactionSrc": "sundial-tests"]
    }

    func ups(recipient: String = "Ada Customer") async throws -> String {
        let address: [String: Any] = ["AddressLine": ["1 Peachtree"], "City": "Atlanta", "StateProvinceCode": "GA", "PostalCode": "30005", "CountryCode": "US"]
        let body: [String: Any] = [
            "ShipmentRequest": [
                "Request": ["RequestOption": "nonvalidate"],
                "Shipment": [
                    "Shipper": ["Name": "SunStyle", "ShipperNumber": "A1B2C3", "Address": address],
                    "ShipTo": ["Name": recipient, "Address": address],
                    "PaymentInformation": ["ShipmentCharge": [["Type": "01", "BillShipper": ["AccountNumber": "A1B2C3"]]]],
                    "Service": ["Code": "03"],
                    "Package": ["Packaging": ["Code": "02"], "PackageWeight": ["UnitOfMeasurement": ["Code": "LBS"], "Weight": "5"]],
                ] as [String: Any],
            ] as [String: Any]
        ]
        let created = try await client.json("/ups/api/shipments/v2409/ship", body, headers: try await upsAuth())
        #expect(created.status == 200)
        return try #require(string(created.json, "ShipmentResponse", "ShipmentResults", "ShipmentIdentificationNumber"))
    }

    /// Buys a USPS label; returns its tracking number and the headers that cancel it.
    func usps(recipient: String = "Ada") async throws -> (number: String, headers: [String: String]) {
        let token = try await client.json("/usps/oauth2/v3/token", ["grant_type": "client_credentials", "client_id": "usps-sandbox-consumer-key", "client_secret": "usps-sandbox-consumer-secret"])
        let bearer = ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))"]
        let role: [String: Any] = ["CRID": "56982563", "MID": "904128936", "accountType": "EPS", "accountNumber": "1000405525"]
        let payment = try await client.json(
            "/usps/payments/v3/payment-authorization",
            ["roles": [role.merging(["roleName": "PAYER"]) { $1 }, role.merging(["roleName": "LABEL_OWNER"]) { $1 }]],
            headers: bearer
        )
        let headers = bearer.merging(["X-Payment-Authorization-Token": try #require(string(payment.json, "paymentAuthorizationToken"))]) { $1 }
        let from: [String: Any] = ["streetAddress": "4120 Bingham St", "city": "Pittsburgh", "state": "PA", "ZIPCode": "15203", "firstName": "Sun"]
        let to: [String: Any] = ["streetAddress": "1 Main St", "city": "Erie", "state": "PA", "ZIPCode": "16501", "firstName": recipient, "lastName": "Customer"]
        let label: [String: Any] = [
            "fromAddress": from, "toAddress": to,
            "packageDescription": [
                "mailClass": "USPS_GROUND_ADVANTAGE", "rateIndicator": "SP", "weightUOM": "lb", "weight": 1,
                "dimensionsUOM": "in", "length": 9, "width": 6, "height": 2,
                "processingCategory": "MACHINABLE", "destinationEntryFacilityType": "NONE", "mailingDate": "2026-07-01",
            ] as [String: Any],
        ]
        let created = try await client.json("/usps/labels/v3/label", label, headers: headers.merging(["Accept": "application/vnd.usps.labels+json"]) { $1 })
        #expect(created.status == 200)
        return (try #require(string(created.json, "trackingNumber")), headers)
    }
}

private let carrierSecret = "carrier-sandbox-webhook-secret"

private func trackingConfiguration(_ receiverURL: String, step: Duration = .milliseconds(100)) -> SandboxConfiguration {
    var configuration = SandboxConfiguration()
    configuration.trackingWebhooks.url = receiverURL
    configuration.trackingWebhooks.stepInterval = step
    return configuration
}

/// The decoded event of a received webhook, after checking its signature.
private func verifiedEvent(_ received: WebhookReceiver.Received) throws -> CarrierTrackingEvent {
    let header = try #require(received.header(CarrierWebhookSignature.headerName))
    #expect(CarrierWebhookSignature.isValid(header: header, payload: received.body, secret: carrierSecret, now: Int(Date().timeIntervalSince1970)))
    #expect(!CarrierWebhookSignature.isValid(header: header, payload: received.body, secret: "another-secret", now: Int(Date().timeIntervalSince1970)))
    #expect(received.header("Content-Type") == "application/json")
    return try JSONDecoder().decode(CarrierTrackingEvent.self, from: Data(received.body))
}

@Suite("Carrier tracking webhooks")
struct TrackingWebhookTests {
    @Test("a FedEx label moves in_transit → out_for_delivery → delivered, one signed event per step, in order")
    func eventsInOrderWithValidSignatures() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            try await withSandbox(trackingConfiguration(url + "/")) { sandbox, client in
                let number = try await LabelBuyer(client: client).fedex()
                let received = try await receiver.waitFor(3)
                #expect(received.map(\.path) == Array(repeating: "/webhooks/carriers/fedex", count: 3))
                let events = try received.map(verifiedEvent)
                #expect(events.map(\.status) == [.inTransit, .outForDelivery, .delivered])
                #expect(events.allSatisfy { $0.trackingNumber == number && $0.carrier == "fedex" })
                #expect(Set(events.map(\.eventID)).count == 3)
                #expect(events.map(\.location) == ["Memphis, TN", "New York, NY", "New York, NY"])
                #expect(events.map(\.description) == ["In transit", "Out for delivery", "Delivered"])
                #expect(events.allSatisfy { $0.occurredAt.hasSuffix("Z") && ISO8601DateFormatter().date(from: $0.occurredAt) != nil })
                #expect(events.map(\.occurredAt) == events.map(\.occurredAt).sorted())
                // The wire keys are snake_case.
                #expect(Set(received[0].json.keys) == ["event_id", "carrier", "tracking_number", "status", "location", "occurred_at", "description"])

                // The poll endpoint agrees.
                let token = try await client.form(
                    "/fedex/oauth/token",
                    [("grant_type", "client_credentials"), ("client_id", "fedex-sandbox-api-key"), ("client_secret", "fedex-sandbox-secret-key")]
                )
                let track = try await client.json(
                    "/fedex/track/v1/trackingnumbers", ["includeDetailedScans": true, "trackingInfo": [["trackingNumberInfo": ["trackingNumber": number]]]],
                    headers: ["Authorization": "Bearer \(string(token.json, "access_token") ?? "")"]
                )
                #expect(string(track.json, "output", "completeTrackResults", 0, "trackResults", 0, "latestStatusDetail", "code") == "DL")

                // Nothing after the final status.
                try await Task.sleep(for: .milliseconds(400))
                #expect(receiver.received.count == 3)

                // The control API lists what was sent, with its delivery status.
                try await waitUntil { sandbox.trackingWebhookDeliveries().allSatisfy { $0.delivery.state == .delivered } }
                let listed = try await client.send(.GET, "/sandbox/tracking/events")
                let deliveries = try JSONDecoder().decode([CarrierWebhookDelivery].self, from: Data(listed.body))
                #expect(deliveries.map(\.event) == events)
                #expect(deliveries.map(\.sequence) == [1, 2, 3])
                #expect(deliveries.allSatisfy { $0.delivery == WebhookDeliveryStatus(state: .delivered, attempts: 1, responseStatus: 200) })
                #expect(deliveries.allSatisfy { $0.url == url + "/webhooks/carriers/fedex" && !$0.duplicate && !$0.reordered })
            }
        }
    }

    @Test("every n-th event is delivered twice with the same event_id")
    func duplicates() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            var configuration = trackingConfiguration(url)
            configuration.trackingWebhooks.duplicateEvery = 2
            try await withSandbox(configuration) { sandbox, client in
                _ = try await LabelBuyer(client: client).usps()
                let events = try await receiver.waitFor(4).map(verifiedEvent)
                #expect(events.map(\.status) == [.inTransit, .outForDelivery, .outForDelivery, .delivered])
                #expect(events[1] == events[2])
                #expect(events.allSatisfy { $0.carrier == "usps" })
                #expect(events.map(\.location) == ["Atlanta, GA", "Erie, PA", "Erie, PA", "Erie, PA"])
                #expect(sandbox.trackingWebhookDeliveries().map(\.duplicate) == [false, false, true, false])
            }
        }
    }

    @Test("a recipient named EXCEPTION ends in exception; the poll endpoint says so too")
    func exceptionRecipient() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            try await withSandbox(trackingConfiguration(url)) { _, client in
                let buyer = LabelBuyer(client: client)
                let number = try await buyer.ups(recipient: "Exception Tester")
                let events = try await receiver.waitFor(3).map(verifiedEvent)
                #expect(receiver.received.allSatisfy { $0.path == "/webhooks/carriers/ups" })
                #expect(events.map(\.status) == [.inTransit, .outForDelivery, .exception])
                #expect(events.last?.location == "Atlanta, GA")
                let tracked = try await client.send(.GET, "/ups/api/track/v1/details/\(number)", headers: try await buyer.upsAuth())
                #expect(string(tracked.json, "trackResponse", "shipment", 0, "package", 0, "currentStatus", "type") == "X")
            }
        }
    }

    @Test("a voided label sends nothing more")
    func nothingAfterVoid() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            // Long steps, so the void surely lands before the second one.
            try await withSandbox(trackingConfiguration(url, step: .milliseconds(3000))) { sandbox, client in
                let (number, headers) = try await LabelBuyer(client: client).usps()
                let first = try await receiver.waitFor(1).map(verifiedEvent)
                #expect(first.map(\.status) == [.inTransit])
                let cancel = try await client.send(.DELETE, "/usps/labels/v3/label/\(number)", headers: headers)
                #expect(string(cancel.json, "status") == "DISPUTED")
                try await Task.sleep(for: .milliseconds(7000))
                #expect(receiver.received.count == 1)
                #expect(sandbox.trackingWebhookDeliveries().count == 1)
            }
        }
    }

    @Test("a NOPROGRESS recipient stays at labelCreated; a status set by hand is still sent")
    func noProgressAndManualStatus() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            try await withSandbox(trackingConfiguration(url, step: .milliseconds(50))) { sandbox, client in
                let number = try await LabelBuyer(client: client).fedex(recipient: "Nora NOPROGRESS")
                try await Task.sleep(for: .milliseconds(500))
                #expect(receiver.received.isEmpty)

                let moved = try await client.json("/sandbox/tracking/\(number)", ["status": "outForDelivery"])
                #expect(moved.status == 200)
                let events = try await receiver.waitFor(1).map(verifiedEvent)
                #expect(events.map(\.status) == [.outForDelivery])
                #expect(events.first?.trackingNumber == number)
                sandbox.setTrackingStatus(.labelCreated, trackingNumber: number)  // no wire status: nothing sent
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.received.count == 1)
            }
        }
    }

    @Test("with reorder, some event arrives after the parcel's next one; none is lost")
    func reorder() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            var configuration = trackingConfiguration(url)
            configuration.trackingWebhooks.reorder = true
            try await withSandbox(configuration) { sandbox, client in
                let buyer = LabelBuyer(client: client)
                let numbers = [try await buyer.fedex(), try await buyer.fedex(), try await buyer.fedex()]
                let events = try await receiver.waitFor(9).map(verifiedEvent)
                var outOfOrder = 0
                for number in numbers {
                    let statuses = events.filter { $0.trackingNumber == number }.map(\.status)
                    #expect(Set(statuses) == [.inTransit, .outForDelivery, .delivered])
                    #expect(statuses.count == 3)
                    if statuses != [.inTransit, .outForDelivery, .delivered] { outOfOrder += 1 }
                }
                #expect(outOfOrder > 0)
                #expect(sandbox.trackingWebhookDeliveries().filter(\.reordered).count == outOfOrder)
            }
        }
    }

    @Test("a failing receiver is retried; a slow one does not hold up the simulated APIs", .timeLimit(.minutes(1)))
    func retriesAndSlowReceiver() async throws {
        try await WebhookReceiver.withRunning { receiver, url in
            try await withSandbox(trackingConfiguration(url, step: .milliseconds(50))) { sandbox, client in
                receiver.answer(with: [503])
                let buyer = LabelBuyer(client: client)
                let number = try await buyer.fedex()
                try await waitUntil { sandbox.trackingWebhookDeliveries().count == 3 && sandbox.trackingWebhookDeliveries().allSatisfy { $0.delivery.state == .delivered } }
                let first = try #require(sandbox.trackingWebhookDeliveries().first)
                #expect(first.event.trackingNumber == number)
                #expect(first.delivery.attempts == 2)
                #expect(first.delivery.responseStatus == 200)
                #expect(receiver.received.count == 4)

                // A receiver that does not answer at all: the UPS label's webhook reaches it and
                // waits; buying the next label does not wait for it (were the API held up by the
                // delivery, `usps()` would never return, and the time limit would fail the test).
                receiver.holdAnswers()
                _ = try await buyer.ups()
                try await receiver.waitFor(5)
                _ = try await buyer.usps()
                #expect(receiver.answered == 4, "the UPS label's webhook should still be waiting for its answer")
                receiver.releaseAnswers()
            }
        }
    }

    @Test("no receiver configured: parcels stay where they are and nothing is recorded")
    func disabledByDefault() async throws {
        try await withSandbox { sandbox, client in
            let number = try await LabelBuyer(client: client).fedex()
            try await Task.sleep(for: .milliseconds(300))
            sandbox.setTrackingStatus(.inTransit, trackingNumber: number)
            #expect(sandbox.trackingWebhookDeliveries().isEmpty)
            let listed = try await client.send(.GET, "/sandbox/tracking/events")
            #expect(listed.text == "[]")
        }
    }
}

@Suite("Carrier webhook signature")
struct CarrierWebhookSignatureTests {
    @Test("t=<unix>,v1=<hex HMAC-SHA256(secret, \"<t>.\" + body)>, checked within the tolerance either side")
    func signature() {
        let body = Array(#"{"event_id":"cte_1","status":"delivered"}"#.utf8)
        let header = CarrierWebhookSignature.header(payload: body, secret: "s3cret", timestamp: 1_700_000_000)
        #expect(header.hasPrefix("t=1700000000,v1="))
        #expect(header.count == "t=1700000000,v1=".count + 64)
        // Same construction as Stripe's scheme, so the two agree on the digest.
        #expect(header == StripeWebhookSignature.header(payload: body, secret: "s3cret", timestamp: 1_700_000_000))
        #expect(CarrierWebhookSignature.isValid(header: header, payload: body, secret: "s3cret", tolerance: 300, now: 1_700_000_100))
        #expect(CarrierWebhookSignature.isValid(header: "t=1700000000,v1=00,\(header.split(separator: ",")[1])", payload: body, secret: "s3cret", now: 1_700_000_000))
        #expect(!CarrierWebhookSignature.isValid(header: header, payload: body, secret: "s3cret", tolerance: 300, now: 1_700_000_301))
        #expect(!CarrierWebhookSignature.isValid(header: header, payload: body, secret: "s3cret", tolerance: 300, now: 1_699_999_699))
        #expect(!CarrierWebhookSignature.isValid(header: header, payload: body + [0x20], secret: "s3cret", now: 1_700_000_000))
        #expect(!CarrierWebhookSignature.isValid(header: "t=1700000000", payload: body, secret: "s3cret", now: 1_700_000_000))
    }
}

/// Polls `condition` every 20 ms until it holds, failing the test after `timeout`.
func waitUntil(timeout: Duration = .seconds(15), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within \(timeout)")
}
