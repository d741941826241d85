import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Sundial

/// The ``Carrier`` over UPS's REST APIs (OAuth, Shipping `v2409`, Tracking). Exists so the order
/// workflow can buy, void and track UPS labels.
///
/// UPS has **no idempotency**: a retried ship call buys a second label. The caller's idempotency
/// key goes into the `ReferenceNumber` (through ``CustomerReference``; on the package for US/US and
/// PR/PR shipments, at shipment level otherwise) and the `transId` header, and
/// ``labels(withReference:)`` (Track by reference number) lists every label bought under it so
/// duplicates can be voided. A 2xx answer to a purchase or void that cannot be read is
/// retryable: the purchase may have happened, and the retry's lookup finds and voids it.
///
/// Where UPS's document and its examples disagree, the client follows the document: `Package`,
/// `ShipmentCharge`, `AddressLine` and `ReferenceNumber` go out as arrays (every one of UPS's own
/// examples sends single objects there, and the API takes both), and `Request.RequestOption` is
/// sent because the schema requires it (its description calls it optional).
///
/// The token (client credentials with HTTP Basic client auth) is cached until `expires_in` (a
/// string at UPS) minus a margin and refreshed once when a call answers 401.
public struct UPSClient: Carrier {
    public let configuration: ClientConfiguration<CarrierCredentials>
    public var name: String { "UPS" }
    /// Shipping API version in the path.
    public var shippingVersion = "v2409"
    private let exchange: HTTPExchange
    private let tokens: OAuthTokenCache
    private let logger: Logger

    public init(
        httpClient: HTTPClient,
        configuration: ClientConfiguration<CarrierCredentials>,
        tokenRefreshMargin: Duration = .seconds(60),
        logger: Logger = Logger(label: "sundial.integrations.ups")
    ) {
        self.configuration = configuration
        self.exchange = HTTPExchange(client: httpClient, timeout: configuration.timeout)
        self.tokens = OAuthTokenCache(margin: tokenRefreshMargin, shared: configuration.sharedTokens, name: "ups:\(configuration.credentials.clientID):access")
        self.logger = logger
    }

    public func buyLabel(_ request: LabelRequest, idempotencyKey: String) async throws -> ShippingLabel {
        let reference = CustomerReference.derive(fromIdempotencyKey: idempotencyKey)
        let account = configuration.credentials.accountNumber
        var shipper = Self.party(request.shipper)
        shipper["ShipperNumber"] = .string(account)
        let referenceNumbers: JSONBody = [["Value": .string(reference)]]
        var package: [String: JSONBody] = [
            "Packaging": ["Code": "02"],
            "PackageWeight": ["UnitOfMeasurement": ["Code": "LBS"], "Weight": .string(UPSPackageWeight.text(pounds: request.weightPounds))],
        ]
        var shipment: [String: JSONBody] = [
            "Shipper": .object(shipper),
            "ShipTo": .object(Self.party(request.recipient)),
            "PaymentInformation": ["ShipmentCharge": [["Type": "01", "BillShipper": ["AccountNumber": .string(account)]]]],
            "Service": ["Code": .string(request.service)],
        ]
        if Self.referenceGoesOnPackage(from: request.shipper, to: request.recipient) {
            package["ReferenceNumber"] = referenceNumbers
        } else {
            shipment["ReferenceNumber"] = referenceNumbers
        }
        shipment["Package"] = [.object(package)]
        let body: JSONBody = [
            "ShipmentRequest": [
                "Request": ["RequestOption": "nonvalidate", "TransactionReference": ["CustomerContext": .string(reference)]],
                "Shipment": .object(shipment),
                "LabelSpecification": ["LabelImageFormat": ["Code": "GIF"], "LabelStockSize": ["Height": "6", "Width": "4"]],
            ]
        ]
        let operation = "POST /api/shipments/\(shippingVersion)/ship"
        let (status, json) = try await call(.POST, "/api/shipments/\(shippingVersion)/ship", body: body.bytes, transID: Self.transID(reference))
        let results = json["ShipmentResponse", "ShipmentResults"]
        let packageResult = results["PackageResults"].elements.first ?? JSONDocument(nil)
        guard let number = results["ShipmentIdentificationNumber"].string ?? packageResult["TrackingNumber"].string else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: operation, status: status, missing: "no ShipmentIdentificationNumber")
        }
        guard let image = packageResult["ShippingLabel", "GraphicImage"].string.flatMap({ Data(base64Encoded: $0) }), !image.isEmpty else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: operation, status: status, missing: "label \(number) has no decodable GraphicImage")
        }
        let format = packageResult["ShippingLabel", "ImageFormat", "Code"].string ?? "GIF"
        logger.info("ups label bought", metadata: ["tracking_number": "\(number)", "reference": "\(reference)"])
        return ShippingLabel(
            carrier: name, trackingNumber: number, labelImage: Array(image), imageFormat: format, reference: reference,
            charge: results["ShipmentCharges", "TotalCharges", "MonetaryValue"].decimal
        )
    }

    /// Voided when UPS answers `VoidShipmentResponse.SummaryResult.Status.Code` `1`; any other
    /// 2xx answer may or may not have voided the label, so it is retryable (a retry of the order's
    /// void or lookup sees the label as voided and moves on).
    public func voidLabel(trackingNumber: String) async throws {
        let operation = "DELETE /api/shipments/\(shippingVersion)/void/cancel"
        let (status, json) = try await call(.DELETE, "/api/shipments/\(shippingVersion)/void/cancel/\(FormEncoding.escape(trackingNumber))", body: nil, transID: Self.transID(trackingNumber))
        guard json["VoidShipmentResponse", "SummaryResult", "Status", "Code"].string == "1" else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: operation, status: status, missing: "no VoidShipmentResponse.SummaryResult.Status.Code 1")
        }
        logger.info("ups label voided", metadata: ["tracking_number": "\(trackingNumber)"])
    }

    public func track(trackingNumber: String) async throws -> TrackingInfo {
        let path = "/api/track/v1/details/\(FormEncoding.escape(trackingNumber))?locale=en_US&returnSignature=false"
        let (status, json) = try await call(.GET, path, body: nil, transID: Self.transID(trackingNumber))
        let shipment = json["trackResponse", "shipment", 0]
        guard shipment.exists else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: "GET /api/track/v1/details", status: status, missing: "no trackResponse.shipment")
        }
        if let warning = shipment["warnings", 0, "code"].string, !shipment["package", 0].exists {
            return TrackingInfo(trackingNumber: trackingNumber, status: .notFound, carrierCode: warning, carrierDescription: shipment["warnings", 0, "message"].string)
        }
        return Self.trackingInfo(shipment["package", 0], number: trackingNumber)
    }

    /// `GET /api/track/v1/reference/details/{referenceNumber}` (UPS `Tracking.yaml`, "Track by
    /// Reference Number"; its response has the same `trackResponse.shipment[].package[]` shape as
    /// the details call). Returns one entry per shipment in the order UPS lists them (the sandbox:
    /// oldest first), numbered by the shipment's first package; a voided label shows as
    /// `cancelled` (status type `MV`). No label under the reference (warning `TW0001`) is `[]`.
    /// UPS searches pickup dates from 14 days back by default (`fromPickUpDate`), which covers a
    /// workflow reconciling its own recent retries.
    public func labels(withReference reference: String) async throws -> [TrackingInfo] {
        let path = "/api/track/v1/reference/details/\(FormEncoding.escape(reference))?locale=en_US&refNumType=SmallPackage"
        let (status, json) = try await call(.GET, path, body: nil, transID: Self.transID(reference))
        // An answer without the list must not read as "no labels": the caller would buy another.
        guard json["trackResponse", "shipment"].isArray else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: "GET /api/track/v1/reference/details", status: status, missing: "no trackResponse.shipment array")
        }
        return json["trackResponse", "shipment"].elements.compactMap { shipment in
            let package = shipment["package", 0]
            guard let number = package["trackingNumber"].string ?? shipment["inquiryNumber"].string, package.exists else { return nil }
            return Self.trackingInfo(package, number: number)
        }
    }

    /// Maps a Track API `package` to ``TrackingInfo`` by its `currentStatus`: type `M` manifest
    /// (label created), `MV` voided, `I`/`P` in progress (code `OT` out for delivery), `D`
    /// delivered, `X` exception.
    static func trackingInfo(_ package: JSONDocument, number: String) -> TrackingInfo {
        let current = package["currentStatus"]
        let type = current["type"].string
        let status: TrackingInfo.Status =
            switch type {
            case "M": .labelCreated
            case "MV": .cancelled
            case "I", "P": current["code"].string == "OT" ? .outForDelivery : .inTransit
            case "D": .delivered
            case "X": .exception
            default: .unknown
            }
        return TrackingInfo(trackingNumber: number, status: status, carrierCode: type, carrierDescription: current["description"].string)
    }

    // MARK: Wire

    /// UPS keeps the shipment-level `ReferenceNumber` for shipments whose origin/destination pair
    /// is not US/US or PR/PR; for those two it must sit on the package
    /// (`Shipment.Package[].ReferenceNumber[]`), else UPS refuses the shipment (error 120541).
    static func referenceGoesOnPackage(from origin: PostalAddress, to destination: PostalAddress) -> Bool {
        let pair = "\(origin.countryCode.uppercased())/\(destination.countryCode.uppercased())"
        return pair == "US/US" || pair == "PR/PR"
    }

    /// A `Shipper`/`ShipTo` cut to UPS's lengths: `Name` and `AttentionName` 35, at most three
    /// `AddressLine`s of 35, `City` 30, `StateProvinceCode` 5, `PostalCode` 9 (a US ZIP+4 without
    /// its dash), `Phone.Number` 15 digits (left out when there are none).
    private static func party(_ address: PostalAddress) -> [String: JSONBody] {
        var fields: [String: JSONBody] = [
            "AddressLine": .array(address.streetLines.filter { !$0.isEmpty }.prefix(3).map { .string(String($0.prefix(35))) }),
            "City": .string(String(address.city.prefix(30))),
            "CountryCode": .string(address.countryCode.uppercased()),
        ]
        if !address.stateCode.isEmpty { fields["StateProvinceCode"] = .string(String(address.stateCode.prefix(5))) }
        let postal = address.postalCode.filter { $0.isLetter || $0.isNumber || $0 == " " }
        if !postal.isEmpty { fields["PostalCode"] = .string(String(postal.prefix(9))) }
        var party: [String: JSONBody] = ["Name": .string(String((address.company ?? address.name).prefix(35))), "Address": .object(fields)]
        let phone = address.phone.filter(\.isNumber)
        if !phone.isEmpty { party["Phone"] = ["Number": .string(String(phone.prefix(15)))] }
        if address.company != nil { party["AttentionName"] = .string(String(address.name.prefix(35))) }
        return party
    }

    /// `transId` is at most 32 characters.
    private static func transID(_ text: String) -> String { String(text.prefix(32)) }

    /// Sends an authorized call (refreshing the token once on 401) and returns the status and
    /// parsed body of a 2xx (an unparsable body is an empty document), or throws ``CarrierError``.
    private func call(_ method: HTTPMethod, _ path: String, body: [UInt8]?, transID: String) async throws -> (status: Int, json: JSONDocument) {
        let operation = "\(method.rawValue) \(path.split(separator: "?").first.map(String.init) ?? path)"
        let response = try await tokens.withRefreshOn401(fetch: { try await self.fetchToken() }) { token in
            var headers = [
                ("Authorization", "Bearer \(token.value)"), ("Accept", "application/json"),
                ("transId", transID), ("transactionSrc", "sundial"),
            ]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            return try await send(method, path, headers: headers, body: body, operation: operation)
        }
        guard (200..<300).contains(response.status) else { throw error(response, operation: operation) }
        return (response.status, JSONDocument(bytes: response.body))
    }

    private func fetchToken() async throws -> (Secret, Int) {
        let operation = "POST /security/v1/oauth/token"
        let credentials = configuration.credentials
        let basic = Data("\(credentials.clientID):\(credentials.clientSecret.value)".utf8).base64EncodedString()
        let response = try await send(
            .POST, "/security/v1/oauth/token",
            headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded"), ("x-merchant-id", credentials.accountNumber)],
            body: Array(FormEncoding.encode([("grant_type", "client_credentials")]).utf8),
            operation: operation
        )
        guard response.status == 200 else { throw error(response, operation: operation) }
        let json = JSONDocument(bytes: response.body)
        guard let token = json["access_token"].string else {
            throw CarrierError(carrier: name, operation: operation, status: 200, codes: [], message: "token response has no access_token", retryDisposition: .retryable(after: nil))
        }
        return (Secret(token), json["expires_in"].int ?? 14399)
    }

    private func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: [UInt8]?, operation: String) async throws -> HTTPExchange.Response {
        do {
            return try await exchange.send(method: method, url: configuration.baseURL + path, headers: headers, body: body)
        } catch {
            throw CarrierError(carrier: name, operation: operation, status: nil, codes: [], message: redact(error.description), retryDisposition: .retryable(after: nil))
        }
    }

    /// UPS errors: `{"response":{"errors":[{"code","message"}]}}`.
    private func error(_ response: HTTPExchange.Response, operation: String) -> CarrierError {
        let errors = JSONDocument(bytes: response.body)["response", "errors"].elements
        let message = errors.compactMap { $0["message"].string }.joined(separator: "; ")
        return CarrierError(
            carrier: name,
            operation: operation,
            status: response.status,
            codes: errors.compactMap { $0["code"].string },
            message: redact(message.isEmpty ? String(response.text.prefix(200)) : message),
            retryDisposition: CarrierError.disposition(status: response.status, retryAfter: RetryAfter.parse(response.header("Retry-After")))
        )
    }

    private func redact(_ text: String) -> String {
        text.redacting([configuration.credentials.clientSecret])
    }
}
