import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Sundial

/// The ``Carrier`` over the USPS v3 REST APIs (OAuth, Payments, Domestic Labels, Tracking). Exists
/// so the order workflow can buy, cancel and track USPS labels.
///
/// USPS has native idempotency: the caller's key, turned into a UUID by ``USPSIdempotencyKey``, is
/// sent as `X-Idempotency-Key` on label creation, and the same key with the same payload returns
/// the existing label without a second charge (keep
/// `LabelRequest.shipDate` fixed so a retry sends the same payload). Labels also need a
/// payment-authorization token (valid 8 h), fetched once and cached next to the OAuth token; both
/// are refreshed once when a call answers 401. Labels are requested as one JSON document
/// (`Accept: application/vnd.usps.labels+json`) with the PDF base64-encoded.
///
/// The labels document answers `POST /label` as `multipart/form-data` by default and as
/// `LabelVendorResponse` for `application/vnd.usps.labels+json`: one flat object with the
/// `LabelMetadata` fields (`trackingNumber`, `postage`, …) at the top level next to `labelImage`.
/// The client asks for that media type and reads that flat shape, with a nested `labelMetadata`
/// object as a fallback; it does not parse multipart. A 2xx whose label cannot be read is
/// retryable, never permanent: the label may have been bought, and the retry's identical
/// `X-Idempotency-Key` returns it without a second charge.
///
/// ``labels(withReference:)`` is not available (USPS offers no search by reference and does not
/// need one: its idempotency key already prevents duplicates); it throws a permanent ``CarrierError``.
public struct USPSClient: Carrier {
    public let configuration: ClientConfiguration<USPSCredentials>
    public var name: String { "USPS" }
    /// `packageDescription.mailClass` used when `LabelRequest.service` is empty.
    public var defaultMailClass = "USPS_GROUND_ADVANTAGE"
    private let exchange: HTTPExchange
    private let tokens: OAuthTokenCache
    private let paymentTokens: OAuthTokenCache
    private let logger: Logger
    /// USPS documents an 8-hour payment token but returns no lifetime.
    static let paymentTokenLifetimeSeconds = 8 * 3600

    public init(
        httpClient: HTTPClient,
        configuration: ClientConfiguration<USPSCredentials>,
        tokenRefreshMargin: Duration = .seconds(60),
        logger: Logger = Logger(label: "sundial.integrations.usps")
    ) {
        self.configuration = configuration
        self.exchange = HTTPExchange(client: httpClient, timeout: configuration.timeout)
        self.tokens = OAuthTokenCache(margin: tokenRefreshMargin, shared: configuration.sharedTokens, name: "usps:\(configuration.credentials.clientID):access")
        self.paymentTokens = OAuthTokenCache(margin: tokenRefreshMargin, shared: configuration.sharedTokens, name: "usps:\(configuration.credentials.clientID):payment:\(configuration.credentials.crid):\(configuration.credentials.accountNumber)")
        self.logger = logger
    }

    public func buyLabel(_ request: LabelRequest, idempotencyKey: String) async throws -> ShippingLabel {
        let reference = CustomerReference.derive(fromIdempotencyKey: idempotencyKey)
        let body: JSONBody = [
            "fromAddress": Self.address(request.shipper),
            "toAddress": Self.address(request.recipient),
            "packageDescription": [
                "mailClass": .string(request.service.isEmpty ? defaultMailClass : request.service),
                "rateIndicator": "SP",
                "weightUOM": "lb",
                "weight": .decimal(request.weightPounds),
                "dimensionsUOM": "in",
                "length": .decimal(9), "width": .decimal(6), "height": .decimal(2),
                "processingCategory": "MACHINABLE",
                "destinationEntryFacilityType": "NONE",
                "mailingDate": .string(request.shipDate ?? Self.today()),
                "customerReference": [["referenceNumber": .string(reference), "printReferenceNumber": true]],
            ],
            "imageInfo": ["imageType": "PDF", "labelType": "4X6LABEL", "receiptOption": "NONE"],
        ]
        let operation = "POST /labels/v3/label"
        let response = try await paid(.POST, "/labels/v3/label", body: body.bytes, extraHeaders: [
            ("X-Idempotency-Key", USPSIdempotencyKey.derive(fromIdempotencyKey: idempotencyKey)), ("Accept", "application/vnd.usps.labels+json"), ("Content-Type", "application/json"),
        ])
        let answer: USPSLabelAnswer
        do {
            answer = try USPSLabelAnswer.read(response.body)
        } catch {
            throw CarrierError.unreadableAnswer(carrier: name, operation: operation, status: response.status, missing: error.missing)
        }
        logger.info("usps label bought", metadata: ["tracking_number": "\(answer.trackingNumber)", "replayed": "\(response.header("X-Idempotent-Replay") ?? "false")"])
        return ShippingLabel(
            carrier: name, trackingNumber: answer.trackingNumber, labelImage: answer.labelImage, imageFormat: "PDF", reference: reference, charge: answer.postage
        )
    }

    public func voidLabel(trackingNumber: String) async throws {
        let response = try await paid(.DELETE, "/labels/v3/label/\(FormEncoding.escape(trackingNumber))", body: nil, extraHeaders: [("Accept", "application/json")])
        // `CancelResponse.status`: CANCELED, or DISPUTED when a refund was requested instead.
        guard let status = JSONDocument(bytes: response.body)["status"].string, ["CANCELED", "DISPUTED"].contains(status) else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: "DELETE /labels/v3/label/{trackingNumber}", status: response.status, missing: "no status CANCELED or DISPUTED")
        }
        logger.info("usps label cancelled", metadata: ["tracking_number": "\(trackingNumber)", "status": "\(status)"])
    }

    /// `DELETE /labels/v3/label` with the purchase's `X-Idempotency-Key`: USPS cancels the label
    /// bought under that key (unique per CRID) and echoes it; 404 when none was bought.
    public func voidLabel(boughtWithIdempotencyKey idempotencyKey: String) async throws -> String? {
        let operation = "DELETE /labels/v3/label"
        let response: HTTPExchange.Response
        do {
            response = try await paid(.DELETE, "/labels/v3/label", body: nil, extraHeaders: [
                ("X-Idempotency-Key", USPSIdempotencyKey.derive(fromIdempotencyKey: idempotencyKey)), ("Accept", "application/json"),
            ])
        } catch let error as CarrierError where error.status == 404 {
            return nil
        }
        let answer = JSONDocument(bytes: response.body)
        guard let number = answer["trackingNumber"].string, let status = answer["status"].string, ["CANCELED", "DISPUTED"].contains(status) else {
            throw CarrierError.unreadableAnswer(carrier: name, operation: operation, status: response.status, missing: "no trackingNumber and status CANCELED or DISPUTED")
        }
        logger.info("usps label cancelled by its purchase key", metadata: ["tracking_number": "\(number)", "status": "\(status)"])
        return number
    }

    public func track(trackingNumber: String) async throws -> TrackingInfo {
        let operation = "GET /tracking/v3/tracking"
        // `expand=DETAIL`: only `TrackingDetails` carries `statusCategory` and `status`; the
        // default SUMMARY answer (`TrackingSummary`) has nothing but sentences.
        let path = "/tracking/v3/tracking/\(FormEncoding.escape(trackingNumber))?expand=DETAIL"
        let response = try await authorized(.GET, path, operation: operation, body: nil, headers: [("Accept", "application/json")])
        if response.status == 404 {
            return TrackingInfo(trackingNumber: trackingNumber, status: .notFound, carrierCode: "404", carrierDescription: nil)
        }
        guard (200..<300).contains(response.status) else { throw error(response, operation: operation) }
        let json = JSONDocument(bytes: response.body)
        let category = json["statusCategory"].string
        let statusText = json["status"].string
        let status: TrackingInfo.Status =
            switch category {
            case "Pre-Shipment": statusText?.localizedCaseInsensitiveContains("cancel") == true ? .cancelled : .labelCreated
            case "Accepted", "In Transit": .inTransit
            case "Out for Delivery": .outForDelivery
            case "Delivered": .delivered
            case "Alert", "Delivery Attempt", "Return to Sender": .exception
            default: .unknown
            }
        return TrackingInfo(trackingNumber: trackingNumber, status: status, carrierCode: category, carrierDescription: statusText)
    }

    /// Not available: see the type's documentation.
    /// USPS dedupes purchases by `X-Idempotency-Key`: a retried purchase returns the first label.
    public var purchasesAreIdempotent: Bool { true }

    public func labels(withReference reference: String) async throws -> [TrackingInfo] {
        throw CarrierError(
            carrier: name, operation: "labels(withReference:)", status: nil, codes: [],
            message: "USPS offers no lookup by reference; its X-Idempotency-Key prevents duplicates", retryDisposition: .permanent
        )
    }

    // MARK: Wire

    /// An address as `DomesticLabelAddress`/`DomesticLabelToAddress` allow it: `streetAddress` and
    /// `secondaryAddress` 50, `city` 28, `ZIPCode` five digits plus `ZIPPlus4`, names and `firm` 50,
    /// `phone` digits only; a field left empty is left out (`lastName` has a minimum length of 1).
    private static func address(_ address: PostalAddress) -> JSONBody {
        let parts = address.name.split(separator: " ", maxSplits: 1).map(String.init)
        let zip = address.postalCode.filter(\.isNumber)
        var fields: [String: JSONBody] = [
            "streetAddress": .string(String((address.streetLines.first ?? "").prefix(50))),
            "city": .string(String(address.city.prefix(28))),
            "state": .string(address.stateCode.uppercased()),
            "ZIPCode": .string(String(zip.prefix(5))),
            "ignoreBadAddress": false,
        ]
        if zip.count == 9 { fields["ZIPPlus4"] = .string(String(zip.suffix(4))) }
        if let first = parts.first, !first.isEmpty { fields["firstName"] = .string(String(first.prefix(50))) }
        if parts.count > 1, !parts[1].isEmpty { fields["lastName"] = .string(String(parts[1].prefix(50))) }
        let phone = address.phone.filter(\.isNumber)
        if (6...15).contains(phone.count) { fields["phone"] = .string(phone) }
        if address.streetLines.count > 1 { fields["secondaryAddress"] = .string(String(address.streetLines.dropFirst().joined(separator: " ").prefix(50))) }
        if let company = address.company { fields["firm"] = .string(String(company.prefix(50))) }
        return .object(fields)
    }

    private static func today() -> String {
        Date().formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day())
    }

    /// A labels call: Bearer plus `X-Payment-Authorization-Token`. On 401 both tokens are
    /// refreshed (the answer does not say which one expired) and the call is retried once.
    private func paid(_ method: HTTPMethod, _ path: String, body: [UInt8]?, extraHeaders: [(String, String)]) async throws -> HTTPExchange.Response {
        let operation = "\(method.rawValue) \(path.hasPrefix("/labels/v3/label/") ? "/labels/v3/label/{trackingNumber}" : path)"
        func attempt() async throws -> (HTTPExchange.Response, Secret, Secret) {
            let bearer = try await tokens.token(fetch: { try await self.fetchToken() })
            let payment = try await paymentTokens.token(fetch: { try await self.fetchPaymentToken(bearer: bearer) })
            let headers = [("Authorization", "Bearer \(bearer.value)"), ("X-Payment-Authorization-Token", payment.value)] + extraHeaders
            return (try await send(method, path, headers: headers, body: body, operation: operation), bearer, payment)
        }
        let first = try await attempt()
        var response = first.0
        if response.status == 401 {
            await tokens.invalidate(first.1)
            await paymentTokens.invalidate(first.2)
            response = try await attempt().0
        }
        guard (200..<300).contains(response.status) else { throw error(response, operation: operation) }
        return response
    }

    private func authorized(_ method: HTTPMethod, _ path: String, operation: String, body: [UInt8]?, headers: [(String, String)]) async throws -> HTTPExchange.Response {
        try await tokens.withRefreshOn401(fetch: { try await self.fetchToken() }) { token in
            try await send(method, path, headers: [("Authorization", "Bearer \(token.value)")] + headers, body: body, operation: operation)
        }
    }

    private func fetchToken() async throws -> (Secret, Int) {
        let operation = "POST /oauth2/v3/token"
        let credentials = configuration.credentials
        let form = FormEncoding.encode([
            ("grant_type", "client_credentials"), ("client_id", credentials.clientID),
            ("client_secret", credentials.clientSecret.value), ("scope", "labels tracking payments"),
        ])
        let response = try await send(.POST, "/oauth2/v3/token", headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")], body: Array(form.utf8), operation: operation)
        guard response.status == 200 else { throw error(response, operation: operation) }
        let json = JSONDocument(bytes: response.body)
        guard let token = json["access_token"].string else {
            throw CarrierError(carrier: name, operation: operation, status: 200, codes: [], message: "token response has no access_token", retryDisposition: .retryable(after: nil))
        }
        return (Secret(token), json["expires_in"].int ?? 28800)
    }

    private func fetchPaymentToken(bearer: Secret) async throws -> (Secret, Int) {
        let operation = "POST /payments/v3/payment-authorization"
        let credentials = configuration.credentials
        let body: JSONBody = [
            "roles": [
                ["roleName": "PAYER", "CRID": .string(credentials.crid), "MID": .string(credentials.mid), "accountType": "EPS", "accountNumber": .string(credentials.accountNumber)],
                [
                    "roleName": "LABEL_OWNER", "CRID": .string(credentials.crid), "MID": .string(credentials.mid),
                    "manifestMID": .string(credentials.manifestMID), "accountType": "EPS", "accountNumber": .string(credentials.accountNumber),
                ],
            ]
        ]
        let response = try await send(
            .POST, "/payments/v3/payment-authorization",
            headers: [("Authorization", "Bearer \(bearer.value)"), ("Content-Type", "application/json"), ("Accept", "application/json")],
            body: body.bytes, operation: operation
        )
        guard response.status == 200 else { throw error(response, operation: operation) }
        guard let token = JSONDocument(bytes: response.body)["paymentAuthorizationToken"].string else {
            throw CarrierError(carrier: name, operation: operation, status: 200, codes: [], message: "response has no paymentAuthorizationToken", retryDisposition: .retryable(after: nil))
        }
        return (Secret(token), Self.paymentTokenLifetimeSeconds)
    }

    private func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: [UInt8]?, operation: String) async throws -> HTTPExchange.Response {
        do {
            return try await exchange.send(method: method, url: configuration.baseURL + path, headers: headers, body: body)
        } catch {
            throw CarrierError(carrier: name, operation: operation, status: nil, codes: [], message: redact(error.description), retryDisposition: .retryable(after: nil))
        }
    }

    /// USPS errors: `{"apiVersion","error":{"code","message","errors":[{"status","code","title","detail"}]}}`,
    /// or RFC 6749 `{"error","error_description"}` from the token endpoint. A 409 here means the
    /// idempotency key was reused with another payload: permanent.
    private func error(_ response: HTTPExchange.Response, operation: String) -> CarrierError {
        let json = JSONDocument(bytes: response.body)
        var codes: [String] = []
        var messages: [String] = []
        if let oauthError = json["error"].string {
            codes.append(oauthError)
            if let text = json["error_description"].string { messages.append(text) }
        } else {
            if let code = json["error", "code"].string { codes.append(code) }
            if let text = json["error", "message"].string { messages.append(text) }
            messages += json["error", "errors"].elements.compactMap { $0["detail"].string }
        }
        let disposition = response.status == 409 ? .permanent : CarrierError.disposition(status: response.status, retryAfter: RetryAfter.parse(response.header("Retry-After")))
        return CarrierError(
            carrier: name, operation: operation, status: response.status, codes: codes,
            message: redact(messages.isEmpty ? String(response.text.prefix(200)) : messages.joined(separator: ": ")),
            retryDisposition: disposition
        )
    }

    private func redact(_ text: String) -> String {
        text.redacting([configuration.credentials.clientSecret])
    }
}
