import Foundation
import Hummingbird

/// The simulated FedEx REST APIs under `/fedex`: OAuth (`/oauth/token`), Ship
/// (`/ship/v1/shipments`, `/ship/v1/shipments/cancel`) and Track (`/track/v1/trackingnumbers`,
/// `/track/v1/referencenumbers`). Like the real service it has no idempotency: every create buys
/// another label, and the customer reference is kept so duplicates can be found and voided.
/// Shipments are checked as FedEx checks them (``FedExShipmentRules``).
struct FedExSimulator: Sendable {
    let configuration: SandboxConfiguration.FedEx
    let tokens: OAuthTokenStore
    let labels: LabelRegistry
    let ledger: EffectLedger
    let clock: SandboxClock

    func addRoutes(to group: RouterGroup<SandboxRequestContext>) {
        group.post("oauth/token") { request, _ in try await self.issueToken(request) }
        group.post("ship/v1/shipments") { request, _ in
            try await self.authorized(request) { request in try await self.createShipment(request) }
        }
        group.put("ship/v1/shipments/cancel") { request, _ in
            try await self.authorized(request) { request in try await self.cancelShipment(request) }
        }
        group.post("track/v1/trackingnumbers") { request, _ in
            try await self.authorized(request) { request in try await self.trackByNumbers(request) }
        }
        group.post("track/v1/referencenumbers") { request, _ in
            try await self.authorized(request) { request in try await self.trackByReference(request) }
        }
        group.get("document/v1/labels/:trackingNumber") { _, context in
            let number = context.parameters.get("trackingNumber") ?? ""
            guard let label = self.labels.label(number), label.carrier == .fedex else {
                return FedExError.response(status: .notFound, code: "NOT.FOUND.ERROR", message: "The resource you requested is no longer available. Please modify your request and try again.")
            }
            return Response.bytes(
                LabelImage.render(label.imageFormat, carrier: "FEDEX", trackingNumber: number, reference: label.reference),
                contentType: label.imageFormat.mimeType
            )
        }
    }

    private func authorized(_ request: Request, _ body: (Request) async throws -> Response) async throws -> Response {
        switch CarrierAuth.check(request, .fedex, tokens: tokens) {
        case .valid: return try await body(request)
        case .invalid(let expired): return FedExError.notAuthorized(expired: expired)
        }
    }

    // MARK: OAuth

    private func issueToken(_ request: Request) async throws -> Response {
        var request = request
        let bytes = try await request.bodyBytes()
        guard request.contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return FedExError.response(status: .badRequest, code: "BAD.REQUEST.ERROR", message: "The given request is invalid: the body must be application/x-www-form-urlencoded.")
        }
        let form = FormFields(bytes: bytes)
        guard form["grant_type"] == "client_credentials" else {
            return FedExError.response(status: .badRequest, code: "BAD.REQUEST.ERROR", message: "Missing or unsupported grant_type. Please modify your request and try again.")
        }
        guard form["client_id"] == configuration.clientID, form["client_secret"] == configuration.clientSecret else {
            return FedExError.response(status: .unauthorized, code: "NOT.AUTHORIZED.ERROR", message: "The given client credentials were not valid. Please modify your request and try again.")
        }
        let lifetime = configuration.tokenLifetimeSeconds
        let token = tokens.issue(.fedex, clientID: configuration.clientID, lifetime: lifetime, length: 64)
        return .json(["access_token": .string(token), "token_type": "bearer", "expires_in": .int(max(lifetime - 1, 0)), "scope": "CXS"])
    }

    // MARK: Ship

    private func createShipment(_ request: Request) async throws -> Response {
        var request = request
        let customerTransactionID = request.header("x-customer-transaction-id")
        guard let body = try? JSONValue.parse(try await request.bodyBytes()) else {
            return FedExError.response(status: .badRequest, code: "INVALID.INPUT.EXCEPTION", message: "Invalid field value in the input", customerTransactionID: customerTransactionID)
        }
        guard let account = body["accountNumber"]?["value"]?.stringValue, !account.isEmpty,
            configuration.accountNumber == nil || configuration.accountNumber == account
        else {
            return FedExError.response(
                status: .badRequest,
                code: "ACCOUNTNUMBER.REGISTRATION.REQUIRED",
                message: "Please provide a valid account number.",
                customerTransactionID: customerTransactionID
            )
        }
        let shipment = body["requestedShipment"] ?? .null
        let packages = shipment["requestedPackageLineItems"]?.arrayValue ?? []
        let invalid = FedExShipmentRules.invalidFields(in: body)
        guard invalid.isEmpty else { return FedExError.invalidInput(invalid, customerTransactionID: customerTransactionID) }

        let urlOnly = body["labelResponseOptions"]?.stringValue == "URL_ONLY"
        let format = LabelImage.Format(vendorName: shipment["labelSpecification"]?["imageType"]?.stringValue ?? "PDF")
        let service = shipment["serviceType"]?.stringValue ?? "FEDEX_GROUND"
        let references = packages.flatMap { $0["customerReferences"]?.arrayValue ?? [] }
        let reference = (references.first { $0["customerReferenceType"]?.stringValue == "CUSTOMER_REFERENCE" } ?? references.first)?["value"]?.stringValue
        let customerReferences = references.filter { $0["customerReferenceType"]?.stringValue == "CUSTOMER_REFERENCE" }.compactMap { $0["value"]?.stringValue }
        let numbers = packages.map { _ in Self.trackingNumber(labels.nextSequence(.fedex)) }
        let charge = Self.rate(service: service) * Decimal(packages.count)
        let recipient = shipment["recipients"]?[0]
        let contact = recipient?["contact"]
        let address = recipient?["address"]
        let label = ShippingLabel(
            carrier: .fedex,
            trackingNumber: numbers[0],
            packageTrackingNumbers: numbers,
            reference: reference,
            references: customerReferences,
            idempotencyKey: customerTransactionID,
            service: service,
            charge: charge,
            createdAt: clock.now,
            imageFormat: format,
            statusChangedAt: clock.now,
            recipient: [contact?["personName"], contact?["companyName"]].compactMap { $0?.stringValue }.joined(separator: " "),
            destination: ShippingLabel.place(city: address?["city"]?.stringValue, state: address?["stateOrProvinceCode"]?.stringValue)
        )
        labels.add(label)
        ledger.record(
            .fedex, .labelCreated, resource: numbers[0], idempotencyKey: customerTransactionID,
            reference: reference, amount: charge, currency: "USD", detail: service
        )

        let host = CarrierAuth.authority(of: request)
        let pieces: [JSONValue] = numbers.enumerated().map { index, number in
            var document: [String: JSONValue] = ["contentType": "LABEL", "copiesToPrint": 1, "docType": .string(format.rawValue.uppercased())]
            if urlOnly {
                document["url"] = .string("http://\(host)\(SandboxAPI.fedex.pathPrefix)/document/v1/labels/\(number)")
            } else {
                document["encodedLabel"] = .string(LabelImage.base64(format, carrier: "FEDEX", trackingNumber: number, reference: reference))
            }
            return [
                "masterTrackingNumber": .string(numbers[0]),
                "trackingNumber": .string(number),
                "packageSequenceNumber": .int(index + 1),
                "customerReferences": packages[index]["customerReferences"] ?? [],
                "packageDocuments": [.object(document)],
                "netChargeAmount": .decimal(Self.rate(service: service)),
                "currency": "USD",
            ]
        }
        var output: [String: JSONValue] = [
            "transactionId": .string(RandomIDs.uuid()),
            "output": [
                "transactionShipments": [
                    [
                        "masterTrackingNumber": .string(numbers[0]),
                        "serviceType": .string(service),
                        "shipDatestamp": .string(clock.day()),
                        "serviceName": .string(service.replacingOccurrences(of: "_", with: " ").capitalized),
                        "pieceResponses": .array(pieces),
                        "completedShipmentDetail": [
                            "completedPackageDetails": .array(
                                numbers.enumerated().map { index, number in
                                    ["sequenceNumber": .int(index + 1), "trackingIds": [["trackingIdType": "FEDEX", "trackingNumber": .string(number)]]]
                                }
                            ),
                            "shipmentRating": ["shipmentRateDetails": [["totalNetCharge": .decimal(charge), "currency": "USD"]]],
                        ],
                        "alerts": [],
                    ]
                ],
                "alerts": [],
            ],
        ]
        if let customerTransactionID { output["customerTransactionId"] = .string(customerTransactionID) }
        return .json(.object(output))
    }

    private func cancelShipment(_ request: Request) async throws -> Response {
        var request = request
        let customerTransactionID = request.header("x-customer-transaction-id")
        guard let body = try? JSONValue.parse(try await request.bodyBytes()) else {
            return FedExError.response(status: .badRequest, code: "INVALID.INPUT.EXCEPTION", message: "Invalid field value in the input", customerTransactionID: customerTransactionID)
        }
        var missing: [String] = []
        if body["accountNumber"]?["value"]?.isNonEmptyString != true { missing.append("accountNumber") }
        if body["trackingNumber"]?.isNonEmptyString != true { missing.append("trackingNumber") }
        guard missing.isEmpty, let number = body["trackingNumber"]?.stringValue else {
            return FedExError.invalidInput(missing, customerTransactionID: customerTransactionID)
        }
        var output: [String: JSONValue]
        switch labels.void(number, carrier: .fedex) {
        case .notFound:
            return FedExError.response(
                status: .notFound,
                code: "NOT.FOUND.ERROR",
                message: "The resource you requested is no longer available. Please modify your request and try again.",
                customerTransactionID: customerTransactionID
            )
        case .voided(let label):
            ledger.record(
                .fedex, .labelVoided, resource: label.trackingNumber, idempotencyKey: customerTransactionID,
                reference: label.reference, amount: label.charge, currency: "USD", detail: label.service
            )
            output = ["cancelledShipment": true, "cancelledHistory": true, "successMessage": "Success", "alerts": []]
        case .alreadyVoided:
            // Sandbox choice: a second cancel succeeds as a no-op with an alert.
            output = [
                "cancelledShipment": false, "cancelledHistory": false,
                "alerts": [["code": "SHIPMENT.ALREADY.CANCELLED", "alertType": "NOTE", "message": "The shipment has already been cancelled."]],
            ]
        }
        var response: [String: JSONValue] = ["transactionId": .string(RandomIDs.uuid()), "output": .object(output)]
        if let customerTransactionID { response["customerTransactionId"] = .string(customerTransactionID) }
        return .json(.object(response))
    }

    /// 12-digit numbers in the range FedEx uses for Express/Ground test labels.
    static func trackingNumber(_ sequence: Int) -> String {
        let digits = String(sequence)
        return "7949" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// A fixed list price per service, so charges are predictable in tests.
    static func rate(service: String) -> Decimal {
        switch service {
        case "PRIORITY_OVERNIGHT", "FIRST_OVERNIGHT", "STANDARD_OVERNIGHT": return Decimal(string: "48.75")!
        case "FEDEX_2_DAY", "FEDEX_2_DAY_AM": return Decimal(string: "24.10")!
        case "FEDEX_EXPRESS_SAVER": return Decimal(string: "19.60")!
        default: return Decimal(string: "11.85")!
        }
    }
}
