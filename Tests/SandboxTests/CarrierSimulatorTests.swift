import Foundation
import Sandbox
import Testing

private func fedexToken(_ client: SandboxClient) async throws -> [String: String] {
    let token = try await client.form(
        "/fedex/oauth/token",
        [("grant_type", "client_credentials"), ("client_id", "fedex-sandbox-api-key"), ("client_secret", "fedex-sandbox-secret-key")]
    )
    #expect(token.status == 200)
    #expect(string(token.json, "token_type") == "bearer")
    return ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))", "X-locale": "en_US"]
}

@Suite("Carrier simulators")
struct CarrierSimulatorTests {
    @Test("FedEx has no idempotency: a repeated create buys a second label, found by reference and voided")
    func fedexDuplicateCreateAndVoid() async throws {
        try await withSandbox { sandbox, client in
            let auth = try await fedexToken(client)
            let headers = auth.merging(["x-customer-transaction-id": "order-7/label"]) { $1 }
            let first = try await client.json("/fedex/ship/v1/shipments", fedexShipment(reference: "order-7"), headers: headers)
            let second = try await client.json("/fedex/ship/v1/shipments", fedexShipment(reference: "order-7"), headers: headers)
            #expect(first.status == 200)
            #expect(second.status == 200)
            #expect(string(first.json, "customerTransactionId") == "order-7/label")
            let number1 = try #require(string(first.json, "output", "transactionShipments", 0, "masterTrackingNumber"))
            let number2 = try #require(string(second.json, "output", "transactionShipments", 0, "masterTrackingNumber"))
            #expect(number1 != number2)
            let encoded = try #require(string(first.json, "output", "transactionShipments", 0, "pieceResponses", 0, "packageDocuments", 0, "encodedLabel"))
            let pdf = try #require(Data(base64Encoded: encoded))
            #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")

            let labels = sandbox.ledger.snapshot().tally(.fedex, .labelCreated)
            #expect(labels.count == 2)
            #expect(labels.byReference["order-7"] == 2)
            #expect(labels.byIdempotencyKey["order-7/label"] == 2)

            let byReference = try await client.json("/fedex/track/v1/referencenumbers", fedexReferenceSearch("order-7"), headers: auth)
            #expect(byReference.status == 200)
            let found = (value(byReference.json, "output", "completeTrackResults") as? [[String: Any]])?.compactMap { $0["trackingNumber"] as? String }
            #expect(found == [number1, number2])

            let cancel = try await client.json(.PUT, "/fedex/ship/v1/shipments/cancel", ["accountNumber": ["value": "740561073"], "trackingNumber": number2, "deletionControl": "DELETE_ALL_PACKAGES"], headers: auth)
            #expect(cancel.status == 200)
            #expect(value(cancel.json, "output", "cancelledShipment") as? Bool == true)
            #expect(sandbox.ledger.count(.fedex, .labelVoided, reference: "order-7", resource: number2) == 1)
            let unknownCancel = try await client.json(.PUT, "/fedex/ship/v1/shipments/cancel", ["accountNumber": ["value": "740561073"], "trackingNumber": "000000000000"], headers: auth)
            #expect(unknownCancel.status == 404)

            sandbox.setTrackingStatus(.delivered, trackingNumber: number1)
            let track = try await client.json(
                "/fedex/track/v1/trackingnumbers",
                ["includeDetailedScans": true, "trackingInfo": [["trackingNumberInfo": ["trackingNumber": number1]], ["trackingNumberInfo": ["trackingNumber": "123456789012"]]]],
                headers: auth
            )
            #expect(track.status == 200)
            #expect(string(track.json, "output", "completeTrackResults", 0, "trackResults", 0, "latestStatusDetail", "code") == "DL")
            #expect(string(track.json, "output", "completeTrackResults", 1, "trackResults", 0, "error", "code") == "TRACKING.TRACKINGNUMBER.NOTFOUND")
        }
    }

    @Test("FedEx track by reference requires shipDateBegin and shipDateEndDate and finds only labels shipped in that window, after the lookup lag")
    func fedexReferenceSearchWindow() async throws {
        let clock = MovableClock()
        var configuration = SandboxConfiguration()
        configuration.clock = clock.clock
        configuration.fedex.referenceLookupLagSeconds = 30
        try await withSandbox(configuration) { _, client in
            let auth = try await fedexToken(client)
            let bought = try await client.json("/fedex/ship/v1/shipments", fedexShipment(reference: "order-11"), headers: auth)
            let number = try #require(string(bought.json, "output", "transactionShipments", 0, "masterTrackingNumber"))
            func found(_ body: [String: Any]) async throws -> [String]? {
                let answer = try await client.json("/fedex/track/v1/referencenumbers", body, headers: auth)
                #expect(answer.status == 200)
                return (value(answer.json, "output", "completeTrackResults") as? [[String: Any]])?.compactMap { $0["trackingNumber"] as? String }.filter { !$0.isEmpty }
            }

            // Without the documented window fields: 400 naming them.
            var undated = fedexReferenceSearch("order-11")
            undated["referencesInformation"] = ["type": "CUSTOMER_REFERENCE", "value": "order-11", "accountNumber": "740561073", "shipDateBegin": "2026-01-01"]
            let refused = try await client.json("/fedex/track/v1/referencenumbers", undated, headers: auth)
            #expect(refused.status == 400)
            #expect(string(refused.json, "errors", 0, "message")?.contains("shipDateEndDate") == true)

            #expect(try await found(fedexReferenceSearch("order-11")) == [], "a label bought a moment ago is not tracked yet")
            clock.advance(seconds: 31)
            #expect(try await found(fedexReferenceSearch("order-11")) == [number])
            #expect(try await found(fedexReferenceSearch("order-11", begin: "2020-01-01", end: "2020-01-31")) == [])
        }
    }

    @Test("FedEx OAuth: form body only, bad credentials and expired tokens get NOT.AUTHORIZED.ERROR")
    func fedexAuthentication() async throws {
        try await withSandbox { sandbox, client in
            let wrong = try await client.form("/fedex/oauth/token", [("grant_type", "client_credentials"), ("client_id", "x"), ("client_secret", "y")])
            #expect(wrong.status == 401)
            #expect(string(wrong.json, "errors", 0, "code") == "NOT.AUTHORIZED.ERROR")
            let jsonBody = try await client.json("/fedex/oauth/token", ["grant_type": "client_credentials", "client_id": "fedex-sandbox-api-key", "client_secret": "fedex-sandbox-secret-key"])
            #expect(jsonBody.status == 400)
            let anonymous = try await client.json("/fedex/ship/v1/shipments", fedexShipment(reference: "r"))
            #expect(anonymous.status == 401)

            let auth = try await fedexToken(client)
            let invalid = try await client.json("/fedex/ship/v1/shipments", ["accountNumber": ["value": "740561073"], "labelResponseOptions": "LABEL"], headers: auth)
            #expect(invalid.status == 400)
            #expect(string(invalid.json, "errors", 0, "code") == "INVALID.INPUT.EXCEPTION")
            let noAccount = try await client.json("/fedex/ship/v1/shipments", ["labelResponseOptions": "LABEL"], headers: auth)
            #expect(string(noAccount.json, "errors", 0, "code") == "ACCOUNTNUMBER.REGISTRATION.REQUIRED")

            sandbox.expireAllTokens()
            let expired = try await client.json("/fedex/ship/v1/shipments", fedexShipment(reference: "r"), headers: auth)
            #expect(expired.status == 401)
            #expect(string(expired.json, "errors", 0, "code") == "NOT.AUTHORIZED.ERROR")
            #expect(sandbox.ledger.records(.fedex).isEmpty)
        }
    }

    @Test("UPS: Basic-auth token, PackageResults as object and as array, void, tracking and track-by-reference shapes")
    func upsShipVoidTrack() async throws {
        try await withSandbox { sandbox, client in
            let noBasic = try await client.form("/ups/security/v1/oauth/token", [("grant_type", "client_credentials")])
            #expect(noBasic.status == 401)
            #expect(string(noBasic.json, "response", "errors", 0, "code") == "10400")
            let token = try await client.form(
                "/ups/security/v1/oauth/token",
                [("grant_type", "client_credentials")],
                headers: ["Authorization": basicAuth("ups-sandbox-client-id", "ups-sandbox-client-secret")]
            )
            #expect(token.status == 200)
            #expect(string(token.json, "expires_in") == "14399")
            let auth = ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))", "transId": "order-3-label", "transactionSrc": "sundial"]

            func shipment(_ packages: Int) -> [String: Any] { upsShipment(packages: packages, reference: "order-3") }
            let single = try await client.json("/ups/api/shipments/v2409/ship", shipment(1), headers: auth)
            #expect(single.status == 200)
            #expect(string(single.json, "ShipmentResponse", "Response", "ResponseStatus", "Code") == "1")
            let shipmentID = try #require(string(single.json, "ShipmentResponse", "ShipmentResults", "ShipmentIdentificationNumber"))
            #expect(shipmentID.hasPrefix("1ZA1B2C303") && shipmentID.count == 18)
            // From v2403 on PackageResults is always an array; older versions send one package as an object.
            #expect((value(single.json, "ShipmentResponse", "ShipmentResults", "PackageResults") as? [Any])?.count == 1)
            #expect(string(single.json, "ShipmentResponse", "ShipmentResults", "BillingWeight", "Weight") == "000005.0")
            let gif = try #require(Data(base64Encoded: string(single.json, "ShipmentResponse", "ShipmentResults", "PackageResults", 0, "ShippingLabel", "GraphicImage") ?? ""))
            #expect(String(decoding: gif.prefix(6), as: UTF8.self) == "GIF89a")
            let older = try await client.json("/ups/api/shipments/v2205/ship", shipment(1), headers: auth)
            #expect(value(older.json, "ShipmentResponse", "ShipmentResults", "PackageResults") is [String: Any])

            let double = try await client.json("/ups/api/shipments/v2409/ship", shipment(2), headers: auth)
            #expect((value(double.json, "ShipmentResponse", "ShipmentResults", "PackageResults") as? [Any])?.count == 2)
            #expect(sandbox.ledger.count(.ups, .labelCreated, reference: "order-3") == 3)

            let void = try await client.send(.DELETE, "/ups/api/shipments/v2409/void/cancel/\(shipmentID)", headers: auth)
            #expect(void.status == 200)
            #expect(string(void.json, "VoidShipmentResponse", "SummaryResult", "Status", "Code") == "1")
            let voidAgain = try await client.send(.DELETE, "/ups/api/shipments/v2409/void/cancel/\(shipmentID)", headers: auth)
            #expect(voidAgain.status == 400)
            #expect(sandbox.ledger.count(.ups, .labelVoided, resource: shipmentID) == 1)

            let tracked = try await client.send(.GET, "/ups/api/track/v1/details/\(shipmentID)?locale=en_US", headers: auth)
            #expect(string(tracked.json, "trackResponse", "shipment", 0, "package", 0, "currentStatus", "type") == "MV")
            let unknown = try await client.send(.GET, "/ups/api/track/v1/details/1Z9999999999999999", headers: auth)
            #expect(unknown.status == 200)
            #expect(string(unknown.json, "trackResponse", "shipment", 0, "warnings", 0, "code") == "TW0001")
            let noTransID = try await client.send(.GET, "/ups/api/track/v1/details/\(shipmentID)", headers: ["Authorization": auth["Authorization"]!])
            #expect(noTransID.status == 400)

            // Track by reference: one shipment per label bought under it, oldest first, voided as MV.
            let byReference = try await client.send(.GET, "/ups/api/track/v1/reference/details/order-3?locale=en_US&refNumType=SmallPackage", headers: auth)
            #expect(byReference.status == 200)
            let shipments = try #require(value(byReference.json, "trackResponse", "shipment") as? [[String: Any]])
            #expect(shipments.compactMap { $0["inquiryNumber"] as? String } == [
                shipmentID, string(older.json, "ShipmentResponse", "ShipmentResults", "ShipmentIdentificationNumber"),
                string(double.json, "ShipmentResponse", "ShipmentResults", "ShipmentIdentificationNumber"),
            ])
            #expect(string(shipments[0], "package", 0, "currentStatus", "type") == "MV")
            #expect(string(shipments[2], "package", 0, "currentStatus", "type") == "M")
            #expect((shipments[2]["package"] as? [Any])?.count == 2)
            #expect(string(shipments[2], "package", 0, "referenceNumber", 0, "number") == "order-3")
            let unknownReference = try await client.send(.GET, "/ups/api/track/v1/reference/details/no-such-order", headers: auth)
            #expect(unknownReference.status == 200)
            #expect(string(unknownReference.json, "trackResponse", "shipment", 0, "warnings", 0, "code") == "TW0001")
            let referenceWithoutTransID = try await client.send(.GET, "/ups/api/track/v1/reference/details/order-3", headers: ["Authorization": auth["Authorization"]!])
            #expect(referenceWithoutTransID.status == 400)
            let badToken = try await client.json("/ups/api/shipments/v2409/ship", shipment(1), headers: ["Authorization": "Bearer nope"])
            #expect(badToken.status == 401)
            #expect(string(badToken.json, "response", "errors", 0, "code") == "250002")
        }
    }

    @Test("UPS refuses a shipment-level reference for US/US and PR/PR (120541) and a Weight over 5 characters; package references are looked up")
    func upsShipmentRules() async throws {
        try await withSandbox { sandbox, client in
            let token = try await client.form(
                "/ups/security/v1/oauth/token", [("grant_type", "client_credentials")],
                headers: ["Authorization": basicAuth("ups-sandbox-client-id", "ups-sandbox-client-secret")]
            )
            let auth = ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))", "transId": "rules", "transactionSrc": "sundial"]
            for pair in [("US", "US"), ("PR", "PR")] {
                let refused = try await client.json(
                    "/ups/api/shipments/v2409/ship", upsShipment(reference: "order-8", origin: pair.0, destination: pair.1, shipmentLevelReference: true), headers: auth)
                #expect(refused.status == 400)
                #expect(string(refused.json, "response", "errors", 0, "code") == "120541")
            }
            let tooHeavyText = try await client.json("/ups/api/shipments/v2409/ship", upsShipment(reference: "order-8", weight: "150.25"), headers: auth)
            #expect(tooHeavyText.status == 400)
            #expect(string(tooHeavyText.json, "response", "errors", 0, "message")?.contains("PackageWeight.Weight") == true)
            let noOption = upsShipment(reference: "order-8").merging(["ShipmentRequest": ["Shipment": [:] as [String: Any]]]) { $1 }
            #expect(try await client.json("/ups/api/shipments/v2409/ship", noOption, headers: auth).status == 400)
            #expect(sandbox.ledger.count(.ups, .labelCreated) == 0)

            let domestic = try await client.json("/ups/api/shipments/v2409/ship", upsShipment(reference: "order-8", weight: "150.0"), headers: auth)
            #expect(domestic.status == 200)
            let toCanada = try await client.json(
                "/ups/api/shipments/v2409/ship", upsShipment(reference: "order-8", destination: "CA", shipmentLevelReference: true), headers: auth)
            #expect(toCanada.status == 200)
            let found = try await client.send(.GET, "/ups/api/track/v1/reference/details/order-8", headers: auth)
            let numbers = (value(found.json, "trackResponse", "shipment") as? [[String: Any]])?.compactMap { $0["inquiryNumber"] as? String }
            let bought = [domestic, toCanada].compactMap { string($0.json, "ShipmentResponse", "ShipmentResults", "ShipmentIdentificationNumber") }
            #expect(bought.count == 2)
            #expect(numbers == bought)
            #expect(sandbox.ledger.count(.ups, .labelCreated, reference: "order-8") == 2)
        }
    }

    @Test("USPS honours X-Idempotency-Key, answers multipart by default and the flat LabelVendorResponse on request, checks the request, and cancels")
    func uspsIdempotentLabels() async throws {
        try await withSandbox { sandbox, client in
            let token = try await client.json("/usps/oauth2/v3/token", ["grant_type": "client_credentials", "client_id": "usps-sandbox-consumer-key", "client_secret": "usps-sandbox-consumer-secret"])
            #expect(token.status == 200)
            let bearer = ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))"]
            let payment = try await client.json(
                "/usps/payments/v3/payment-authorization",
                ["roles": [
                    ["roleName": "PAYER", "CRID": "56982563", "MID": "904128936", "accountType": "EPS", "accountNumber": "1000405525"],
                    ["roleName": "LABEL_OWNER", "CRID": "56982563", "MID": "904128936", "manifestMID": "904128936", "accountType": "EPS", "accountNumber": "1000405525"],
                ]],
                headers: bearer
            )
            #expect(payment.status == 200)
            let paymentToken = try #require(string(payment.json, "paymentAuthorizationToken"))
            let address: [String: Any] = ["streetAddress": "4120 Bingham St", "city": "Pittsburgh", "state": "PA", "ZIPCode": "15203", "firstName": "Sun"]
            var label: [String: Any] = [
                "fromAddress": address,
                "toAddress": address,
                "packageDescription": [
                    "mailClass": "USPS_GROUND_ADVANTAGE", "rateIndicator": "SP", "weightUOM": "lb", "weight": 1.25,
                    "dimensionsUOM": "in", "length": 9, "width": 6, "height": 2,
                    "processingCategory": "MACHINABLE", "destinationEntryFacilityType": "NONE", "mailingDate": "2026-07-01",
                    "customerReference": [["referenceNumber": "order-5", "printReferenceNumber": true]],
                ] as [String: Any],
            ]
            let headers = bearer.merging(["X-Payment-Authorization-Token": paymentToken, "X-Idempotency-Key": "6f1c1d36-8c1e-4c55-9a51-0d7e7f3c2b11"]) { $1 }
            let first = try await client.json("/usps/labels/v3/label", label, headers: headers)
            #expect(first.status == 200)
            #expect(first.header("Content-Type")?.hasPrefix("multipart/form-data; boundary=") == true)
            #expect(first.text.contains("name=\"labelMetadata\""))
            #expect(first.text.contains("name=\"labelImage\""))
            let second = try await client.json("/usps/labels/v3/label", label, headers: headers.merging(["Accept": "application/vnd.usps.labels+json"]) { $1 })
            #expect(second.status == 200)
            #expect(second.header("Content-Type") == "application/vnd.usps.labels+json")
            // LabelVendorResponse: allOf[LabelMetadata, {labelImage, …}], the metadata at the top level.
            let number = try #require(string(second.json, "trackingNumber"))
            #expect(second.json["labelMetadata"] == nil)
            #expect(second.json["postage"] as? Double == 7.65)
            #expect(number.count == 22)
            #expect(first.text.contains(number))
            let image = try #require(Data(base64Encoded: string(second.json, "labelImage") ?? ""))
            #expect(String(decoding: image.prefix(5), as: UTF8.self) == "%PDF-")
            #expect(sandbox.ledger.count(.usps, .labelCreated) == 1)
            #expect(sandbox.ledger.count(.usps, .labelCreated, idempotencyKey: "6f1c1d36-8c1e-4c55-9a51-0d7e7f3c2b11", reference: "order-5") == 1)

            label["toAddress"] = ["streetAddress": "1 Other Rd", "city": "Erie", "state": "PA", "ZIPCode": "16501"]
            let changed = try await client.json("/usps/labels/v3/label", label, headers: headers)
            #expect(changed.status == 409)
            let noPaymentToken = try await client.json("/usps/labels/v3/label", label, headers: bearer)
            #expect(noPaymentToken.status == 400)
            #expect(string(noPaymentToken.json, "apiVersion") == "v3")
            // LabelRequest takes no undocumented top-level key; packageDescription needs its dimensions;
            // X-Idempotency-Key is a UUID.
            let paid = bearer.merging(["X-Payment-Authorization-Token": paymentToken]) { $1 }
            var unknownKey = label
            unknownKey["labelMetadata"] = ["trackingNumber": "1"]
            #expect(try await client.json("/usps/labels/v3/label", unknownKey, headers: paid).status == 400)
            var noLength = label
            noLength["packageDescription"] = (label["packageDescription"] as? [String: Any])?.filter { $0.key != "length" }
            let refused = try await client.json("/usps/labels/v3/label", noLength, headers: paid)
            #expect(refused.status == 400)
            #expect(string(refused.json, "error", "errors", 0, "source", "parameter") == "packageDescription.length")
            #expect(try await client.json("/usps/labels/v3/label", label, headers: paid.merging(["X-Idempotency-Key": "order-5"]) { $1 }).status == 400)
            #expect(sandbox.ledger.count(.usps, .labelCreated) == 1)

            let tracked = try await client.send(.GET, "/usps/tracking/v3/tracking/\(number)?expand=DETAIL", headers: bearer)
            #expect(string(tracked.json, "statusCategory") == "Pre-Shipment")
            // The default SUMMARY answer is a TrackingSummary: sentences, no status fields.
            let summary = try await client.send(.GET, "/usps/tracking/v3/tracking/\(number)", headers: bearer)
            #expect(Set(summary.json.keys) == ["trackingNumber", "expectedDeliveryDate", "eventSummaries"])
            let cancel = try await client.send(.DELETE, "/usps/labels/v3/label/\(number)", headers: bearer.merging(["X-Payment-Authorization-Token": paymentToken]) { $1 })
            #expect(cancel.status == 200)
            #expect(string(cancel.json, "status") == "CANCELED")
            #expect(sandbox.ledger.count(.usps, .labelVoided, resource: number) == 1)
            let missing = try await client.send(.GET, "/usps/tracking/v3/tracking/9400100000000999999999", headers: bearer)
            #expect(missing.status == 404)
            #expect(string(missing.json, "error", "code") == "404")

            sandbox.expireAllTokens()
            let expired = try await client.send(.GET, "/usps/tracking/v3/tracking/\(number)", headers: bearer)
            #expect(expired.status == 401)
            #expect(expired.header("WWW-Authenticate") != nil)
        }
    }

    @Test("USPS enforces its hourly quota with 429 and Retry-After")
    func uspsQuota() async throws {
        var configuration = SandboxConfiguration()
        configuration.usps.hourlyQuota = 2
        try await withSandbox(configuration) { _, client in
            let body: [String: Any] = ["grant_type": "client_credentials", "client_id": "usps-sandbox-consumer-key", "client_secret": "usps-sandbox-consumer-secret"]
            #expect(try await client.json("/usps/oauth2/v3/token", body).status == 200)
            #expect(try await client.json("/usps/oauth2/v3/token", body).status == 200)
            let limited = try await client.json("/usps/oauth2/v3/token", body)
            #expect(limited.status == 429)
            let retryAfter = try #require(limited.header("Retry-After").flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 3600)
            #expect(string(limited.json, "error", "code") == "429")
        }
    }
}
