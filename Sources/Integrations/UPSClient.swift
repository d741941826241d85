import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Sundial

/// The ``Carrier`` over UPS's REST APIs (OAuth, Shipping `v2409`, Tracking). Exists so the order
/// workflow can buy, void and track UPS labels.
///
/// UPS has **no idempotency**: a retried ship call buys a second label. The caller's idempotency
/// key goes into the shipment `ReferenceNumber` (through ``CustomerReference``) and the `transId`
/// header, and ``labels(withReference:)`` (Track by reference number) lists every label bought
/// under it so duplicates can be voided.
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
        let body: JSONBody = [
            "ShipmentRequest": [
                "Request": ["RequestOption": "nonvalidate", "TransactionReference": ["CustomerContext": .string(reference)]],
                "Shipment": [
                    "Shipper": .object(shipper),
                    "ShipTo": .object(Self.party(request.recipient)),
                    "PaymentInformation": ["ShipmentCharge": [["Type": "01", "BillShipper": ["AccountNumber": .string(account)]]]],
                    "Service": ["Code": .string(request.service)],
                    "ReferenceNumber": ["Value": .string(reference)],
                    "Package": [
                        [
                            "Packaging": ["Code": "02"],
                            "PackageWeight": ["UnitOfMeasurement": ["Code": "LBS"], "Weight": .string("\(request.weightPounds)")],
                        ]
                    ],
                ],
                "LabelSpecification": ["LabelImageFormat": ["Code": "GIF"], "LabelStockSize": ["Height": "6", "Width": "4"]],
            ]
        ]
        let operation = "POST /api/shipments/\(shippingVersion)/ship"
        let json = try await call(.POST, "/api/shipments/\(shippingVersion)/ship", body: body.bytes, transID: Self.transID(reference))
        let results = json["ShipmentResponse", "ShipmentResults"]
        let package = results["PackageResults"].elements.first ?? JSONDocument(nil)
        guard let number = results["ShipmentIdentificationNumber"].string ?? package["TrackingNumber"].string else {
            throw CarrierError(carrier: name, operation: operation, status: 200, codes: [], message: "response has no shipment identification number", retryDisposition: .permanent)
        }
        guard let image = package["ShippingLabel", "GraphicImage"].string.flatMap({ Data(base64Encoded: $0) }) else {
            throw CarrierError(carrier: name, operation: operation, status: 200, codes: [], message: "label \(number) has no decodable GraphicImage", retryDisposition: .permanent)
        }
        let format = package["ShippingLabel", "ImageFormat", "Code"].string ?? "GIF"
        logger.info("ups label bought", metadata: ["tracking_number": "\(number)", "reference": "\(reference)"])
        return ShippingLabel(
            carrier: name, trackingNumber: number, labelImage: Array(image), imageFormat: format, reference: reference,
            charge: results["ShipmentCharges", "TotalCharges", "MonetaryValue"].decimal
        )
    }

    public func voidLabel(trackingNumber: String) async throws {
        _ = try await call(.DELETE, "/api/shipments/\(shippingVersion)/void/cancel/\(FormEncoding.escape(trackingNumber))", body: nil, transID: Self.transID(trackingNumber))
        logger.info("ups label voided", metadata: ["tracking_number": "\(trackingNumber)"])
    }

    public func track(trackingNumber: String) async throws -> TrackingInfo {
        let path = "/api/track/v1/details/\(FormEncoding.escape(trackingNumber))?locale=en_US&returnSignature=false"
        let json = try await call(.GET, path, body: nil, transID: Self.transID(trackingNumber))
        let shipment = json["trackResponse", "shipment", 0]
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
        let json = try await call(.GET, path, body: nil, transID: Self.transID(reference))
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

    private static func party(_ address: PostalAddress) -> [String: JSONBody] {
        var party: [String: JSONBody] = [
            "Name": .string(address.company ?? address.name),
            "Phone": ["Number": .string(address.phone)],
            "Address": [
                "AddressLine": .array(address.streetLines.map(JSONBody.string)),
                "City": .string(address.city),
                "StateProvinceCode": .string(address.stateCode),
                "PostalCode": .string(address.postalCode),
                "CountryCode": .string(address.countryCode),
            ],
        ]
        if address.company != nil { party["AttentionName"] = .string(address.name) }
        return party
    }

    /// `transId` is at most 32 characters.
    private static func transID(_ text: String) -> String { String(text.prefix(32)) }

    private func call(_ method: HTTPMethod, _ path: String, body: [UInt8]?, transID: String) async throws -> JSONDocument {
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
        return JSONDocument(bytes: response.body)
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
