import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Sundial

/// The ``Carrier`` over FedEx's REST APIs (OAuth, Ship, Track). Exists so the order workflow can
/// buy, void and track FedEx labels.
///
/// FedEx has **no idempotency**: a retried create buys a second label. The caller's idempotency key
/// therefore goes into the package's `CUSTOMER_REFERENCE` (through ``CustomerReference``) and the
/// `x-customer-transaction-id` header, and ``labels(withReference:)`` (Track by reference) lists
/// every label bought under it so duplicates can be voided. A 2xx answer to a purchase or cancel
/// that cannot be read is retryable: the purchase may have happened, and the retry's lookup
/// finds and voids it.
///
/// The OAuth token (client credentials, form body) is cached until `expires_in` minus a margin and
/// refreshed once when a call answers 401.
public struct FedExClient: Carrier {
    public let configuration: ClientConfiguration<CarrierCredentials>
    public var name: String { "FedEx" }
    /// `labelSpecification.labelStockType`.
    public var labelStockType = "PAPER_4X6"
    private let exchange: HTTPExchange
    private let tokens: OAuthTokenCache
    private let logger: Logger

    public init(
        httpClient: HTTPClient,
        configuration: ClientConfiguration<CarrierCredentials>,
        tokenRefreshMargin: Duration = .seconds(60),
        logger: Logger = Logger(label: "sundial.integrations.fedex")
    ) {
        self.configuration = configuration
        self.exchange = HTTPExchange(client: httpClient, timeout: configuration.timeout)
        self.tokens = OAuthTokenCache(margin: tokenRefreshMargin, shared: configuration.sharedTokens, name: "fedex:\(configuration.credentials.clientID):access")
        self.logger = logger
    }

    public func buyLabel(_ request: LabelRequest, idempotencyKey: String) async throws -> ShippingLabel {
        let reference = CustomerReference.derive(fromIdempotencyKey: idempotencyKey)
        let body: JSONBody = [
            "accountNumber": ["value": .string(configuration.credentials.accountNumber)],
            "labelResponseOptions": "LABEL",
            "requestedShipment": [
                "shipper": Self.party(request.shipper),
                "recipients": [Self.party(request.recipient)],
                "pickupType": "DROPOFF_AT_FEDEX_LOCATION",
                "serviceType": .string(request.service),
                "packagingType": "YOUR_PACKAGING",
                "totalWeight": .decimal(request.weightPounds),
                "shippingChargesPayment": ["paymentType": "SENDER"],
                "labelSpecification": ["imageType": "PDF", "labelStockType": .string(labelStockType)],
                "requestedPackageLineItems": [
                    [
                        "weight": ["units": "LB", "value": .decimal(request.weightPounds)],
                        "customerReferences": [["customerReferenceType": "CUSTOMER_REFERENCE", "value": .string(reference)]],
                    ]
                ],
            ],
        ]
        let operation = "POST /ship/v1/shipments"
        let (status, json) = try await call(.POST, "/ship/v1/shipments", body, transactionID: reference)
        let shipment = json["output", "transactionShipments", 0]
        guard let trackingNumber = shipment["masterTrackingNumber"].string ?? shipment["pieceResponses", 0, "trackingNumber"].string else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: operation, status: status, missing: "no tracking number")
        }
        guard let encoded = shipment["pieceResponses", 0, "packageDocuments", 0, "encodedLabel"].string, let pdf = Data(base64Encoded: encoded), !pdf.isEmpty else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: operation, status: status, missing: "label \(trackingNumber) has no decodable encodedLabel")
        }
        let charge = shipment["completedShipmentDetail", "shipmentRating", "shipmentRateDetails", 0, "totalNetCharge"].decimal
        logger.info("fedex label bought", metadata: ["tracking_number": "\(trackingNumber)", "reference": "\(reference)"])
        return ShippingLabel(carrier: name, trackingNumber: trackingNumber, labelImage: Array(pdf), imageFormat: "PDF", reference: reference, charge: charge)
    }

    public func voidLabel(trackingNumber: String) async throws {
        let body: JSONBody = [
            "accountNumber": ["value": .string(configuration.credentials.accountNumber)],
            "trackingNumber": .string(trackingNumber),
            "deletionControl": "DELETE_ALL_PACKAGES",
        ]
        let operation = "PUT /ship/v1/shipments/cancel"
        let (status, json) = try await call(.PUT, "/ship/v1/shipments/cancel", body, transactionID: nil)
        guard let cancelled = json["output", "cancelledShipment"].bool else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: operation, status: status, missing: "no output.cancelledShipment")
        }
        guard cancelled else {
            // FedEx read the request and declined: retrying will not change its mind.
            let alerts = json["output", "alerts"].elements
            throw CarrierError(
                carrier: name, operation: operation, status: status, codes: alerts.compactMap { $0["code"].string },
                message: "FedEx did not cancel \(trackingNumber): " + (alerts.compactMap { $0["message"].string }.first ?? "cancelledShipment is false"),
                retryDisposition: .permanent
            )
        }
        logger.info("fedex label voided", metadata: ["tracking_number": "\(trackingNumber)"])
    }

    public func track(trackingNumber: String) async throws -> TrackingInfo {
        let body: JSONBody = [
            "includeDetailedScans": true,
            "trackingInfo": [["trackingNumberInfo": ["trackingNumber": .string(trackingNumber)]]],
        ]
        let (status, json) = try await call(.POST, "/track/v1/trackingnumbers", body, transactionID: nil)
        let result = json["output", "completeTrackResults", 0, "trackResults", 0]
        guard result.exists else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: "POST /track/v1/trackingnumbers", status: status, missing: "no output.completeTrackResults[0].trackResults[0]")
        }
        return Self.trackingInfo(result, number: trackingNumber)
    }

    /// `POST /track/v1/referencenumbers` for the labels bought under `reference` with a ship date
    /// in ``referenceSearchWindow(now:)``.
    ///
    /// Document and practice disagree on the end of the window: `Full_Schema_Tracking_References`
    /// requires `shipDateBegin` and `shipDateEndDate`, while the schema's own example (and, by
    /// third-party accounts, FedEx's Postman collection) sends `shipDateEnd`. The document's names
    /// are sent, plus `shipDateEnd` with the same date (the schema allows extra properties), so
    /// whichever name FedEx reads finds the same window. `includeDetailedScans` is sent as the
    /// boolean the schema declares, not the string `"true"` of its example.
    ///
    /// An answer without `output.completeTrackResults` throws (retryable) instead of reading as
    /// "no labels", which would make the caller buy another one.
    public func labels(withReference reference: String) async throws -> [TrackingInfo] {
        let window = Self.referenceSearchWindow(now: Date())
        let body: JSONBody = [
            "includeDetailedScans": false,
            "referencesInformation": [
                "type": "CUSTOMER_REFERENCE",
                "value": .string(reference),
                "accountNumber": .string(configuration.credentials.accountNumber),
                "shipDateBegin": .string(window.begin),
                "shipDateEndDate": .string(window.end),
                "shipDateEnd": .string(window.end),
            ],
        ]
        let (status, json) = try await call(.POST, "/track/v1/referencenumbers", body, transactionID: nil)
        guard json["output", "completeTrackResults"].isArray else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: "POST /track/v1/referencenumbers", status: status, missing: "no output.completeTrackResults array")
        }
        return json["output", "completeTrackResults"].elements.compactMap { result in
            guard let number = result["trackingNumber"].string, !number.isEmpty else { return nil }
            return Self.trackingInfo(result["trackResults", 0], number: number)
        }
    }

    /// Ship dates (`YYYY-MM-DD`, UTC) searched by ``labels(withReference:)``: from 14 days back
    /// (as UPS's own lookup by reference; far longer than a workflow retries a purchase or sweeps
    /// for strays) to tomorrow (a label bought late in the day carries the shipper's local date,
    /// which may be ahead of UTC).
    static func referenceSearchWindow(now: Date) -> (begin: String, end: String) {
        let day: TimeInterval = 86_400
        return (FedExShipDate.text(now.addingTimeInterval(-14 * day)), FedExShipDate.text(now.addingTimeInterval(day)))
    }

    // MARK: Wire

    private static func party(_ address: PostalAddress) -> JSONBody {
        var contact: [String: JSONBody] = ["personName": .string(address.name), "phoneNumber": .string(address.phone)]
        if let company = address.company { contact["companyName"] = .string(company) }
        return [
            "contact": .object(contact),
            "address": [
                "streetLines": .array(address.streetLines.map(JSONBody.string)),
                "city": .string(address.city),
                "stateOrProvinceCode": .string(address.stateCode),
                "postalCode": .string(address.postalCode),
                "countryCode": .string(address.countryCode),
            ],
        ]
    }

    static func trackingInfo(_ result: JSONDocument, number: String) -> TrackingInfo {
        if let code = result["error", "code"].string {
            return TrackingInfo(trackingNumber: number, status: code.hasSuffix("NOTFOUND") ? .notFound : .unknown, carrierCode: code, carrierDescription: result["error", "message"].string)
        }
        let code = result["latestStatusDetail", "code"].string
        let status: TrackingInfo.Status =
            switch code {
            case "IN", "OC": .labelCreated
            case "PU", "IT", "AR", "DP", "AF": .inTransit
            case "OD": .outForDelivery
            case "DL": .delivered
            case "DE", "SE", "DY": .exception
            case "CA": .cancelled
            default: .unknown
            }
        return TrackingInfo(trackingNumber: number, status: status, carrierCode: code, carrierDescription: result["latestStatusDetail", "description"].string)
    }

    /// Sends an authorized JSON call (refreshing the token once on 401) and returns the status and
    /// parsed body of a 2xx (an unparsable body is an empty document), or throws ``CarrierError``.
    private func call(_ method: HTTPMethod, _ path: String, _ body: JSONBody, transactionID: String?) async throws -> (status: Int, json: JSONDocument) {
        let operation = "\(method.rawValue) \(path)"
        let bytes = body.bytes
        let response = try await tokens.withRefreshOn401(fetch: { try await self.fetchToken() }) { token in
            var headers = [
                ("Authorization", "Bearer \(token.value)"), ("Content-Type", "application/json"),
                ("Accept", "application/json"), ("X-locale", "en_US"),
            ]
            if let transactionID { headers.append(("x-customer-transaction-id", transactionID)) }
            return try await send(method, path, headers: headers, body: bytes, operation: operation)
        }
        guard (200..<300).contains(response.status) else { throw error(response, operation: operation) }
        return (response.status, JSONDocument(bytes: response.body))
    }

    private func fetchToken() async throws -> (Secret, Int) {
        let operation = "POST /oauth/token"
        let form = FormEncoding.encode([
            ("grant_type", "client_credentials"),
            ("client_id", configuration.credentials.clientID),
            ("client_secret", configuration.credentials.clientSecret.value),
        ])
        let response = try await send(.POST, "/oauth/token", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8), operation: operation)
        guard response.status == 200 else { throw error(response, operation: operation) }
        let json = JSONDocument(bytes: response.body)
        guard let token = json["access_token"].string else {
            throw CarrierError(carrier: name, operation: operation, status: 200, codes: [], message: "token response has no access_token", retryDisposition: .retryable(after: nil))
        }
        return (Secret(token), json["expires_in"].int ?? 3600)
    }

    private func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: [UInt8], operation: String) async throws -> HTTPExchange.Response {
        do {
            return try await exchange.send(method: method, url: configuration.baseURL + path, headers: headers, body: body)
        } catch {
            throw CarrierError(carrier: name, operation: operation, status: nil, codes: [], message: redact(error.description), retryDisposition: .retryable(after: nil))
        }
    }

    private func error(_ response: HTTPExchange.Response, operation: String) -> CarrierError {
        let json = JSONDocument(bytes: response.body)
        let errors = json["errors"].elements
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
