import Foundation
import Integrations
import Sandbox
import Sundial
import Testing

/// FedEx, UPS and USPS against their own published documents. Each scenario uses everything the
/// order workflow uses a carrier for (OAuth, buy, look up by reference, track, void), plus an
/// unknown parcel, a refused token (the client refreshes), a 503 and a 429, so the simulator's
/// error answers are checked too.
///
/// Decisions where a document and the vendor's prose or practice differ:
/// - FedEx declares `authorization` and `content-type` as required header parameters; OpenAPI
///   says validators ignore those names, this checker checks them as FedEx means them.
/// - FedEx track-by-reference: the schema's own example sends `includeDetailedScans` as a
///   string; the client sends the boolean the schema declares.
/// - UPS: the schema declares arrays (`Package`, `ShipmentCharge`, `AddressLine`,
///   `ReferenceNumber`) where UPS's own examples send single objects; the client sends arrays.
///   `Request.RequestOption` is in `required` though described as optional: it is sent.
///   UPS's `maximum` on strings and arrays constrains nothing (JSON Schema).
/// - UPS OAuth has no `servers`: the token path is at the host root, not under `/api`.
/// - USPS: the client asks for `application/vnd.usps.labels+json`, whose 200 is one flat
///   `LabelVendorResponse`; the multipart default is not used. USPS publishes no OAuth document:
///   `POST /oauth2/v3/token` is checked against the facts in `external-apis.md` by the client
///   tests, not here.
@Suite("Carriers: requests and answers against FedEx's, UPS's and USPS's own OpenAPI documents")
struct CarrierContractTests {
    static let shipper = PostalAddress(name: "SunStyle Fulfilment", company: "SunStyle Retail", phone: "9015550100",
                                       streetLines: ["3600 Distribution Pkwy"], city: "Memphis", stateCode: "TN", postalCode: "38118")
    static let recipient = PostalAddress(name: "Ada Customer", phone: "2125550000", streetLines: ["1 Main St", "Apt 2"],
                                         city: "New York", stateCode: "NY", postalCode: "10001")
    static let canadian = PostalAddress(name: "Bea Voyageur", phone: "4165550100", streetLines: ["100 Queen St W"],
                                        city: "Toronto", stateCode: "ON", postalCode: "M5H 2N2", countryCode: "CA")

    /// The scenario every carrier goes through.
    static func exercise(_ carrier: any Carrier, api: SandboxAPI, in sandbox: RecordedSandbox, service: String,
                         extra: (any Carrier) async throws -> Void = { _ in }) async throws {
        let key = "0190f5c2-7a1b-7cde-8f00-0123456789ab/label/\(api.pathPrefix.dropFirst())"
        let request = LabelRequest(shipper: shipper, recipient: recipient, weightPounds: Decimal(string: "1.3")!, service: service, shipDate: "2026-12-07")
        let label = try await carrier.buyLabel(request, idempotencyKey: key)
        if !carrier.purchasesAreIdempotent {
            let found = try await carrier.labels(withReference: CustomerReference.derive(fromIdempotencyKey: key))
            #expect(found.map(\.trackingNumber).contains(label.trackingNumber), "\(carrier.name): the lookup by reference finds the label")
        }
        _ = try await carrier.track(trackingNumber: label.trackingNumber)
        try await extra(carrier)
        await outcome { try await carrier.track(trackingNumber: "999999999999999999999") }
        sandbox.server.expireAllTokens()
        _ = try await carrier.track(trackingNumber: label.trackingNumber)
        sandbox.server.faults.update(api) { $0.failNext = 1; $0.errorStatus = 503 }
        await outcome { try await carrier.track(trackingNumber: label.trackingNumber) }
        sandbox.server.faults.update(api) { $0.failNext = 0; $0.rateLimitRate = 1; $0.retryAfterSeconds = 1 }
        await outcome { try await carrier.track(trackingNumber: label.trackingNumber) }
        sandbox.server.faults.set(.none, for: api)
        try await carrier.voidLabel(trackingNumber: label.trackingNumber)
    }

    @Test("FedEx: OAuth, ship, cancel, track by number and by reference")
    func fedex() async throws {
        let checker = try ContractChecker(
            vendor: "FedEx", documents: ["fedex.oauth.json", "fedex.ship.json", "fedex.track.json"],
            statusesDocumentedElsewhere: [429: "FedEx's rate-limit guide (developer.fedex.com …/guides/ratelimits.html): 429 Too many requests"])
        let exchanges = try await RecordedSandbox.record(.fedex) { sandbox in
            let defaults = sandbox.server.configuration.fedex
            let fedex = FedExClient(httpClient: sandbox.http, configuration: ClientConfiguration(
                baseURL: sandbox.baseURL(for: .fedex),
                credentials: CarrierCredentials(clientID: defaults.clientID, clientSecret: Secret(defaults.clientSecret), accountNumber: "740561073"),
                timeout: .seconds(10)))
            try await Self.exercise(fedex, api: .fedex, in: sandbox, service: "FEDEX_GROUND")
        }
        checker.expectConformance(exchanges, covering: [
            "POST /oauth/token (fedex.oauth.json)",
            "POST /ship/v1/shipments (fedex.ship.json)",
            "PUT /ship/v1/shipments/cancel (fedex.ship.json)",
            "POST /track/v1/trackingnumbers (fedex.track.json)",
            "POST /track/v1/referencenumbers (fedex.track.json)",
        ])
        #expect(Set(exchanges.map(\.status)).isSuperset(of: [200, 401, 429, 503]), "statuses seen: \(exchanges.map(\.status))")
        #expect(checker.expectRequiredFieldsEnforced(exchanges) > 0)
    }

    @Test("UPS: OAuth, ship (domestic and to Canada), void, track by number and by reference")
    func ups() async throws {
        let checker = try ContractChecker(
            vendor: "UPS", documents: ["ups.oauth.yaml", "ups.shipping.yaml", "ups.tracking.yaml"],
            statusesDocumentedElsewhere: [
                401: "UPS's shipping document lists 401 for an invalid token (250002); the tracking document omits it",
                429: "UPS's shipping document lists 429 Rate Limit Exceeded; the tracking document omits it",
            ])
        let exchanges = try await RecordedSandbox.record(.ups) { sandbox in
            let defaults = sandbox.server.configuration.ups
            let ups = UPSClient(httpClient: sandbox.http, configuration: ClientConfiguration(
                baseURL: sandbox.baseURL(for: .ups),
                credentials: CarrierCredentials(clientID: defaults.clientID, clientSecret: Secret(defaults.clientSecret), accountNumber: "A1B2C3"),
                timeout: .seconds(10)))
            try await Self.exercise(ups, api: .ups, in: sandbox, service: "03") { carrier in
                // Outside US/US the reference belongs on the shipment: both placements are exercised.
                let abroad = LabelRequest(shipper: Self.shipper, recipient: Self.canadian, weightPounds: 2, service: "11", shipDate: "2026-12-07")
                _ = try await carrier.buyLabel(abroad, idempotencyKey: "0190f5c2-7a1b-7cde-8f00-0123456789ab/label/ups/ca")
            }
        }
        checker.expectConformance(exchanges, covering: [
            "POST /security/v1/oauth/token (ups.oauth.yaml)",
            "POST /shipments/{version}/ship (ups.shipping.yaml)",
            "DELETE /shipments/{version}/void/cancel/{shipmentidentificationnumber} (ups.shipping.yaml)",
            "GET /track/v1/details/{inquiryNumber} (ups.tracking.yaml)",
            "GET /track/v1/reference/details/{referenceNumber} (ups.tracking.yaml)",
        ])
        #expect(Set(exchanges.map(\.status)).isSuperset(of: [200, 401, 429, 503]), "statuses seen: \(exchanges.map(\.status))")
        #expect(checker.expectRequiredFieldsEnforced(exchanges) > 0)
    }

    @Test("USPS: payment authorization, label, cancel, tracking (OAuth has no published document)")
    func usps() async throws {
        let checker = try ContractChecker(
            vendor: "USPS", documents: ["usps.payments.yaml", "usps.labels.yaml", "usps.tracking.yaml"],
            undocumented: ["POST /oauth2/v3/token": "USPS publishes no OAuth document (vendor-openapi/README.md, Not found)"],
            overlappingOneOf: ["GET /tracking/{trackingNumber}":
                "oneOf[TrackingSummary, TrackingDetails]: every summary is also a valid detail (README caveat 7); the client asks for DETAIL, asserted below"])
        let exchanges = try await RecordedSandbox.record(.usps) { sandbox in
            let defaults = sandbox.server.configuration.usps
            let usps = USPSClient(httpClient: sandbox.http, configuration: ClientConfiguration(
                baseURL: sandbox.baseURL(for: .usps),
                credentials: USPSCredentials(clientID: defaults.clientID, clientSecret: Secret(defaults.clientSecret),
                                             crid: "56982563", mid: "904128936", accountNumber: "1000405525"),
                timeout: .seconds(10)))
            try await Self.exercise(usps, api: .usps, in: sandbox, service: "USPS_GROUND_ADVANTAGE") { carrier in
                // Cancel by the purchase's key (the undo of a purchase whose answer was lost), and a key that bought nothing.
                let request = LabelRequest(shipper: Self.shipper, recipient: Self.recipient, weightPounds: 1, service: "USPS_GROUND_ADVANTAGE", shipDate: "2026-12-07")
                let bought = try await carrier.buyLabel(request, idempotencyKey: "0190f5c2-7a1b-7cde-8f00-0123456789ab/label/usps/round2")
                #expect(try await carrier.voidLabel(boughtWithIdempotencyKey: "0190f5c2-7a1b-7cde-8f00-0123456789ab/label/usps/round2") == bought.trackingNumber)
                #expect(try await carrier.voidLabel(boughtWithIdempotencyKey: "0190f5c2-7a1b-7cde-8f00-0123456789ab/label/usps/never") == nil)
            }
        }
        checker.expectConformance(exchanges, covering: [
            "POST /payment-authorization (usps.payments.yaml)",
            "POST /label (usps.labels.yaml)",
            "DELETE /label/{trackingNumber} (usps.labels.yaml)",
            "DELETE /label (usps.labels.yaml)",
            "GET /tracking/{trackingNumber} (usps.tracking.yaml)",
        ])
        #expect(Set(exchanges.map(\.status)).isSuperset(of: [200, 401, 429, 503]), "statuses seen: \(exchanges.map(\.status))")
        #expect(checker.expectRequiredFieldsEnforced(exchanges) > 0)
        for exchange in exchanges where exchange.path.hasPrefix("/tracking/v3/tracking/") {
            #expect(exchange.query.contains { $0.name == "expand" && $0.value == "DETAIL" }, "\(exchange): the client asks for expand=DETAIL")
        }
        // LabelMetadata requires nothing, so the schema cannot tell the flat documented answer of
        // application/vnd.usps.labels+json from a nested one: the flat shape is asserted here.
        for exchange in exchanges where exchange.method == "POST" && exchange.path == "/labels/v3/label" && exchange.status == 200 {
            let body = try JSON.parse(exchange.responseBody)
            #expect(body["trackingNumber"]?.string != nil, "USPS label answer: trackingNumber must be at the top level (LabelVendorResponse)")
            #expect(body["labelImage"]?.string != nil, "USPS label answer: labelImage (base64) at the top level")
        }
    }
}
