import Foundation
import Hummingbird

/// The simulated UPS APIs under `/ups`: OAuth client credentials with HTTP Basic client auth
/// (`/security/v1/oauth/token`), Shipping (`/api/shipments/{version}/ship`, `…/void/cancel/{id}`)
/// and Tracking (`/api/track/v1/details/{inquiryNumber}`, `/api/track/v1/reference/details/{referenceNumber}`).
/// No idempotency: a repeated ship call buys a second label, and every `ReferenceNumber` (shipment
/// and package level) is kept so the reference lookup finds every label bought under it. Requests
/// are checked as UPS checks them (``UPSShipmentRules``). `PackageResults` is an array from `v2403`
/// on; older versions answer one package as a single object.
struct UPSSimulator: Sendable {
    let configuration: SandboxConfiguration.UPS
    let tokens: OAuthTokenStore
    let labels: LabelRegistry
    let ledger: EffectLedger
    let clock: SandboxClock

    func addRoutes(to group: RouterGroup<SandboxRequestContext>) {
        group.post("security/v1/oauth/token") { request, _ in try await self.issueToken(request) }
        group.post("api/shipments/:version/ship") { request, context in
            let version = context.parameters.get("version") ?? ""
            return try await self.authorized(request) { request in try await self.ship(request, version: version) }
        }
        group.delete("api/shipments/:version/void/cancel/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.authorized(request) { request in self.void(request, shipmentID: id) }
        }
        group.get("api/track/v1/details/:inquiryNumber") { request, context in
            let number = context.parameters.get("inquiryNumber") ?? ""
            return try await self.authorized(request) { request in self.track(request, inquiryNumber: number) }
        }
        group.get("api/track/v1/reference/details/:referenceNumber") { request, context in
            // The router hands path parameters over still percent-encoded.
            let raw = context.parameters.get("referenceNumber") ?? ""
            let reference = raw.removingPercentEncoding ?? raw
            return try await self.authorized(request) { request in self.trackByReference(request, referenceNumber: reference) }
        }
    }

    private func authorized(_ request: Request, _ body: (Request) async throws -> Response) async throws -> Response {
        switch CarrierAuth.check(request, .ups, tokens: tokens) {
        case .valid: return try await body(request)
        case .invalid: return UPSError.invalidAuthentication()
        }
    }

    // MARK: OAuth

    private func issueToken(_ request: Request) async throws -> Response {
        var request = request
        let form = FormFields(bytes: try await request.bodyBytes())
        guard let credentials = request.basicCredentials else {
            return UPSError.response(status: .unauthorized, code: "10400", message: "Invalid/Missing Authorization Header")
        }
        guard credentials.user == configuration.clientID, credentials.password == configuration.clientSecret else {
            return UPSError.response(status: .unauthorized, code: "10401", message: "ClientId is Invalid")
        }
        guard form["grant_type"] == "client_credentials" else {
            return UPSError.response(status: .badRequest, code: "10400", message: "Invalid grant_type")
        }
        let lifetime = configuration.tokenLifetimeSeconds
        let token = tokens.issue(.ups, clientID: configuration.clientID, lifetime: lifetime, length: 60)
        return .json([
            "token_type": "Bearer",
            "issued_at": .string(String(clock.unixMilliseconds)),
            "client_id": .string(configuration.clientID),
            "access_token": .string(token),
            "expires_in": .string(String(lifetime)),
            "refresh_count": "0",
            "status": "approved",
        ])
    }

    // MARK: Shipping

    private func ship(_ request: Request, version: String) async throws -> Response {
        var request = request
        guard version.hasPrefix("v"), Int(version.dropFirst()) != nil else {
            return UPSError.response(status: .badRequest, code: "10001", message: "The version \(version) is not supported")
        }
        guard let body = try? JSONValue.parse(try await request.bodyBytes()), let shipmentRequest = body["ShipmentRequest"] else {
            return UPSError.missing("ShipmentRequest")
        }
        if let problem = UPSShipmentRules.problem(in: shipmentRequest) { return problem }
        let shipment = shipmentRequest["Shipment"] ?? .null
        let shipperNumber = shipment["Shipper"]?["ShipperNumber"]?.stringValue ?? ""
        let service = shipment["Service"]?["Code"]?.stringValue ?? ""
        let packages = (shipment["Package"] ?? .null).asList

        let format = LabelImage.Format(vendorName: shipmentRequest["LabelSpecification"]?["LabelImageFormat"]?["Code"]?.stringValue ?? "GIF")
        let references = Self.referenceValues(shipment["ReferenceNumber"]) + packages.flatMap { Self.referenceValues($0["ReferenceNumber"]) }
        let reference = references.first
        let transID = request.header("transId")
        let numbers = packages.map { _ in Self.trackingNumber(shipper: shipperNumber, service: service, sequence: labels.nextSequence(.ups)) }
        let charge = Self.rate(service: service) * Decimal(packages.count)
        let shipTo = shipment["ShipTo"]
        let label = ShippingLabel(
            carrier: .ups,
            trackingNumber: numbers[0],
            packageTrackingNumbers: numbers,
            reference: reference,
            references: references,
            idempotencyKey: transID,
            service: service,
            charge: charge,
            createdAt: clock.now,
            imageFormat: format,
            statusChangedAt: clock.now,
            recipient: [shipTo?["Name"], shipTo?["AttentionName"]].compactMap { $0?.stringValue }.joined(separator: " "),
            destination: ShippingLabel.place(city: shipTo?["Address"]?["City"]?.stringValue, state: shipTo?["Address"]?["StateProvinceCode"]?.stringValue)
        )
        labels.add(label)
        ledger.record(.ups, .labelCreated, resource: numbers[0], idempotencyKey: transID, reference: reference, amount: charge, currency: "USD", detail: service)

        let results: [JSONValue] = numbers.map { number in
            var image: [String: JSONValue] = [
                "ImageFormat": ["Code": .string(format.rawValue.uppercased()), "Description": .string(format.rawValue.uppercased())],
                "GraphicImage": .string(LabelImage.base64(format, carrier: "UPS", trackingNumber: number, reference: reference)),
            ]
            if format == .gif || format == .png {
                let html = "<html><body><img src=\"label\(number).\(format.rawValue)\"></body></html>"
                image["HTMLImage"] = .string(Data(html.utf8).base64EncodedString())
            }
            return [
                "TrackingNumber": .string(number),
                "ServiceOptionsCharges": ["CurrencyCode": "USD", "MonetaryValue": "0.00"],
                "ShippingLabel": .object(image),
            ]
        }
        var responseFields: [String: JSONValue] = ["ResponseStatus": ["Code": "1", "Description": "Success"]]
        var transaction: [String: JSONValue] = ["TransactionIdentifier": .string(RandomIDs.alphanumeric(22))]
        if let context = shipmentRequest["Request"]?["TransactionReference"]?["CustomerContext"] { transaction["CustomerContext"] = context }
        responseFields["TransactionReference"] = .object(transaction)
        let money = Self.money(charge)
        return .json([
            "ShipmentResponse": [
                "Response": .object(responseFields),
                "ShipmentResults": [
                    "ShipmentCharges": [
                        "TransportationCharges": ["CurrencyCode": "USD", "MonetaryValue": .string(money)],
                        "ServiceOptionsCharges": ["CurrencyCode": "USD", "MonetaryValue": "0.00"],
                        "TotalCharges": ["CurrencyCode": "USD", "MonetaryValue": .string(money)],
                    ],
                    "BillingWeight": ["UnitOfMeasurement": ["Code": "LBS", "Description": "Pounds"], "Weight": .string(Self.billingWeight(packages))],
                    "ShipmentIdentificationNumber": .string(numbers[0]),
                    "PackageResults": results.count == 1 && !Self.packageResultsAlwaysArray(version: version) ? results[0] : .array(results),
                ],
            ]
        ])
    }

    private func void(_ request: Request, shipmentID: String) -> Response {
        let transID = request.header("transId")
        switch labels.void(shipmentID, carrier: .ups) {
        case .notFound:
            return UPSError.response(status: .badRequest, code: "190102", message: "No shipment found within the allowed void period")
        case .alreadyVoided:
            return UPSError.response(status: .badRequest, code: "190102", message: "The shipment \(shipmentID) has already been voided")
        case .voided(let label):
            ledger.record(
                .ups, .labelVoided, resource: label.trackingNumber, idempotencyKey: transID,
                reference: label.reference, amount: label.charge, currency: "USD", detail: label.service
            )
            return .json([
                "VoidShipmentResponse": [
                    "Response": ["ResponseStatus": ["Code": "1", "Description": "Success"], "TransactionReference": ["TransactionIdentifier": .string(RandomIDs.alphanumeric(22))]],
                    "SummaryResult": ["Status": ["Code": "1", "Description": "Success"]],
                    "PackageLevelResults": .array(
                        label.packageTrackingNumbers.map { ["TrackingNumber": .string($0), "Status": ["Code": "1", "Description": "Voided"]] }
                    ),
                ]
            ])
        }
    }

    /// The `Value`s of a `ReferenceNumber` (an array, or one object as UPS's examples send it).
    private static func referenceValues(_ value: JSONValue?) -> [String] {
        (value ?? .null).asList.compactMap { $0["Value"]?.stringValue }
    }

    /// `PackageResults` is always an array from `v2403` on; older versions answer one package as
    /// a single object (the Shipping document's description of `PackageResults`).
    static func packageResultsAlwaysArray(version: String) -> Bool {
        (Int(version.dropFirst()) ?? 0) >= 2403
    }

    /// `BillingWeight.Weight`: the document fixes it at exactly 8 characters, so the sandbox writes
    /// the billed (whole, rounded up) pounds zero-padded with one decimal, e.g. `000003.0`.
    static func billingWeight(_ packages: [JSONValue]) -> String {
        var total = packages.compactMap { $0["PackageWeight"]?["Weight"]?.decimalValue }.reduce(Decimal(0), +)
        var whole = Decimal()
        NSDecimalRound(&whole, &total, 0, .up)
        let digits = NSDecimalNumber(decimal: whole).stringValue + ".0"
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// 1Z + 6-character shipper number + 2-digit service + 8 digits = 18 characters.
    static func trackingNumber(shipper: String, service: String, sequence: Int) -> String {
        let account = String((shipper.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) } + "000000").prefix(6))
        let serviceDigits = String(("00" + service.filter(\.isNumber)).suffix(2))
        let digits = String(sequence)
        return "1Z" + account + serviceDigits + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    static func rate(service: String) -> Decimal {
        switch service {
        case "01", "14": return Decimal(string: "52.30")!
        case "02", "59": return Decimal(string: "27.95")!
        case "12": return Decimal(string: "18.40")!
        default: return Decimal(string: "12.60")!
        }
    }

    /// UPS prints money as strings with two decimals.
    static func money(_ value: Decimal) -> String {
        var rounded = Decimal()
        var input = value
        NSDecimalRound(&rounded, &input, 2, .plain)
        let text = rounded.description
        guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
        let fraction = text[text.index(after: dot)...]
        return fraction.count == 1 ? text + "0" : text
    }
}
