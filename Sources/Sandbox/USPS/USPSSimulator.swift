import Foundation
import Hummingbird
import Synchronization

/// The simulated USPS v3 REST APIs under `/usps`: OAuth (`/oauth2/v3/token`), the payment
/// authorization token (`/payments/v3/payment-authorization`), labels (`/labels/v3/label`, checked
/// as USPS checks them (``USPSLabelRules``), with `X-Idempotency-Key` honoured per CRID), cancel,
/// and tracking (`/tracking/v3/tracking/{number}`: a `TrackingSummary` by default, the
/// `TrackingDetails` with status fields for `expand=DETAIL`), all behind a small hourly quota.
final class USPSSimulator: Sendable {
    private struct IdempotentLabel {
        let payload: JSONValue
        let trackingNumber: String
    }

    private let configuration: SandboxConfiguration.USPS
    private let tokens: OAuthTokenStore
    private let labels: LabelRegistry
    private let ledger: EffectLedger
    private let clock: SandboxClock
    let quota: USPSQuota
    private let idempotency = Mutex<[String: IdempotentLabel]>([:])
    /// Metadata of each label, for replays.
    private let metadata = Mutex<[String: JSONValue]>([:])

    init(configuration: SandboxConfiguration.USPS, tokens: OAuthTokenStore, labels: LabelRegistry, ledger: EffectLedger, clock: SandboxClock) {
        self.configuration = configuration
        self.tokens = tokens
        self.labels = labels
        self.ledger = ledger
        self.clock = clock
        self.quota = USPSQuota(limit: configuration.hourlyQuota, clock: clock)
    }

    func reset() {
        idempotency.withLock { $0.removeAll() }
        metadata.withLock { $0.removeAll() }
        quota.reset()
    }

    func addRoutes(to group: RouterGroup<SandboxRequestContext>) {
        group.post("oauth2/v3/token") { request, _ in try await self.issueToken(request) }
        group.post("payments/v3/payment-authorization") { request, _ in
            try await self.authorized(request) { request in try await self.authorizePayment(request) }
        }
        group.post("labels/v3/label") { request, _ in
            try await self.authorized(request) { request in try await self.createLabel(request) }
        }
        group.delete("labels/v3/label/:trackingNumber") { request, context in
            let number = context.parameters.get("trackingNumber") ?? ""
            return try await self.authorized(request) { request in self.cancel(request, trackingNumber: number) }
        }
        group.delete("labels/v3/label") { request, _ in
            try await self.authorized(request) { request in self.cancel(request, trackingNumber: nil) }
        }
        group.get("tracking/v3/tracking/:trackingNumber") { request, context in
            let number = context.parameters.get("trackingNumber") ?? ""
            return try await self.authorized(request) { request in self.track(request, trackingNumber: number) }
        }
    }

    private func authorized(_ request: Request, _ body: (Request) async throws -> Response) async throws -> Response {
        switch CarrierAuth.check(request, .usps, tokens: tokens) {
        case .valid: return try await body(request)
        case .invalid(let expired): return USPSError.unauthorized(expired ? "The access token has expired." : "The access token is missing or invalid.")
        }
    }

    // MARK: OAuth and payment token

    private func issueToken(_ request: Request) async throws -> Response {
        var request = request
        let bytes = try await request.bodyBytes()
        var fields: [String: String] = [:]
        if request.contentType.hasPrefix("application/json") {
            guard let json = try? JSONValue.parse(bytes), let object = json.objectValue else {
                return USPSError.oauth(status: .badRequest, error: "invalid_request", description: "The request body is not valid JSON.")
            }
            fields = object.compactMapValues(\.stringValue)
        } else {
            for pair in FormFields(bytes: bytes).pairs { fields[pair.name] = pair.value }
        }
        guard let grant = fields["grant_type"] else {
            return USPSError.oauth(status: .badRequest, error: "invalid_request", description: "Missing grant_type.")
        }
        guard grant == "client_credentials" else {
            return USPSError.oauth(status: .badRequest, error: "unsupported_grant_type", description: "Grant type \(grant) is not supported.")
        }
        guard fields["client_id"] == configuration.clientID, fields["client_secret"] == configuration.clientSecret else {
            return USPSError.oauth(status: .unauthorized, error: "invalid_client", description: "Client authentication failed.")
        }
        let lifetime = configuration.tokenLifetimeSeconds
        let token = tokens.issue(.usps, clientID: configuration.clientID, lifetime: lifetime, length: 48)
        return .json([
            "access_token": .string(token),
            "token_type": "Bearer",
            "issued_at": .string(String(clock.unixMilliseconds)),
            "expires_in": .string(String(lifetime)),
            "status": "approved",
            "scope": .string(fields["scope"] ?? "addresses labels tracking payments"),
            "issuer": "api.usps.com",
            "client_id": .string(configuration.clientID),
            "application_name": "Sundial Sandbox",
            "api_products": "[Public Access]",
            "public_key": "",
        ])
    }

    private func authorizePayment(_ request: Request) async throws -> Response {
        var request = request
        guard let body = try? JSONValue.parse(try await request.bodyBytes()), let roles = body["roles"]?.arrayValue else {
            return USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "roles is required.", parameter: "roles")
        }
        func role(_ name: String) -> JSONValue? { roles.first { $0["roleName"]?.stringValue == name } }
        for name in ["PAYER", "LABEL_OWNER"] {
            guard let found = role(name) else {
                return USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "A role with roleName \(name) is required.", parameter: "roles")
            }
            for field in ["CRID", "MID"] where found[field]?.isNonEmptyString != true {
                return USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "\(name) role requires \(field).", parameter: "roles.\(field)")
            }
        }
        guard role("PAYER")?["accountNumber"]?.isNonEmptyString == true else {
            return USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "PAYER role requires accountNumber.", parameter: "roles.accountNumber")
        }
        let crid = role("LABEL_OWNER")?["CRID"]?.stringValue ?? ""
        let token = tokens.issue(
            .usps, kind: "payment", clientID: configuration.clientID, lifetime: configuration.paymentTokenLifetimeSeconds,
            attributes: ["crid": crid], length: 64
        )
        return .json(["paymentAuthorizationToken": .string(token), "roles": .array(roles)])
    }

    /// The CRID the payment token was issued for, or the 4xx to answer with.
    private func paymentOwner(_ request: Request) -> Result<String, USPSAnswer> {
        guard let token = request.header("X-Payment-Authorization-Token"), !token.isEmpty else {
            return .failure(USPSAnswer(USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "The X-Payment-Authorization-Token header is required.", parameter: "X-Payment-Authorization-Token")))
        }
        switch tokens.check(token, api: .usps, kind: "payment") {
        case .valid(let grant): return .success(grant.attributes["crid"] ?? "")
        case .expired: return .failure(USPSAnswer(USPSError.unauthorized("The payment authorization token has expired.")))
        case .missing: return .failure(USPSAnswer(USPSError.unauthorized("The payment authorization token is invalid.")))
        }
    }

    // MARK: Labels

    private func createLabel(_ request: Request) async throws -> Response {
        var request = request
        let crid: String
        switch paymentOwner(request) {
        case .success(let owner): crid = owner
        case .failure(let answer): return answer.response
        }
        guard let body = try? JSONValue.parse(try await request.bodyBytes()) else {
            return USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "The request body is not valid JSON.")
        }
        let key = request.header("X-Idempotency-Key")
        if let problem = USPSLabelRules.problem(in: body, idempotencyKey: key) { return problem }
        let package = body["packageDescription"] ?? .null
        let weight = package["weight"]?.decimalValue ?? 0
        let imageType = body["imageInfo"]?["imageType"]?.stringValue ?? "PDF"
        let receiptOption = body["imageInfo"]?["receiptOption"]?.stringValue ?? "NONE"
        let wantsJSON = (request.header("Accept") ?? "").contains("application/vnd.usps.labels+json")

        if let key, !key.isEmpty {
            let scoped = crid + "\u{0}" + key
            let existing = idempotency.withLock { $0[scoped] }
            if let existing {
                guard existing.payload == body else {
                    // Sandbox choice: the spec only promises that an identical payload is deduplicated.
                    return USPSError.response(status: .conflict, code: "409", message: "Conflict", detail: "The X-Idempotency-Key was already used with a different request payload.", parameter: "X-Idempotency-Key")
                }
                if let label = labels.label(existing.trackingNumber), let meta = metadata.withLock({ $0[existing.trackingNumber] }) {
                    return render(label: label, metadata: meta, imageType: imageType, receiptOption: receiptOption, json: wantsJSON, replayed: true)
                }
            }
        }

        let mailClass = package["mailClass"]?.stringValue ?? ""
        let reference = package["customerReference"]?.arrayValue?.first?["referenceNumber"]?.stringValue
        let number = Self.trackingNumber(labels.nextSequence(.usps))
        let postage = Self.postage(mailClass: mailClass)
        let label = ShippingLabel(
            carrier: .usps,
            trackingNumber: number,
            packageTrackingNumbers: [number],
            reference: reference,
            idempotencyKey: key,
            service: mailClass,
            charge: postage,
            createdAt: clock.now,
            imageFormat: LabelImage.Format(vendorName: imageType),
            statusChangedAt: clock.now,
            owner: crid,
            recipient: ["firstName", "lastName", "firm"].compactMap { body["toAddress"]?[$0]?.stringValue }.joined(separator: " "),
            destination: ShippingLabel.place(city: body["toAddress"]?["city"]?.stringValue, state: body["toAddress"]?["state"]?.stringValue)
        )
        let toZIP = body["toAddress"]?["ZIPCode"]?.stringValue ?? "00000"
        let meta: JSONValue = [
            "labelAddress": body["toAddress"]!,
            "routingInformation": .string("420" + toZIP),
            "trackingNumber": .string(number),
            "constructCode": "C01",
            "SKU": "DUXP0XXXXC01010",
            "postage": .decimal(postage),
            "extraServices": [],
            "zone": "04",
            "commitment": ["name": "2 Days", "scheduleDeliveryDate": .string(clock.day(clock.now.addingTimeInterval(2 * 86400)))],
            "weightUOM": "lb",
            "weight": .decimal(weight),
            "dimensionalWeight": 0,
            "fees": [],
            "labelBrokerID": "",
            "bannerText": "",
        ]
        labels.add(label)
        metadata.withLock { $0[number] = meta }
        if let key, !key.isEmpty {
            idempotency.withLock { $0[crid + "\u{0}" + key] = IdempotentLabel(payload: body, trackingNumber: number) }
        }
        ledger.record(.usps, .labelCreated, resource: number, idempotencyKey: key, reference: reference, amount: postage, currency: "USD", detail: mailClass)
        return render(label: label, metadata: meta, imageType: imageType, receiptOption: receiptOption, json: wantsJSON, replayed: false)
    }

    /// The label response: `multipart/form-data` by default (parts `labelMetadata`, `labelImage`
    /// as base64, `receiptImage`), or, when asked for `application/vnd.usps.labels+json`, the
    /// documented `LabelVendorResponse`: the metadata fields at the top level next to the base64
    /// `labelImage` (and `receiptImage`).
    private func render(label: ShippingLabel, metadata: JSONValue, imageType: String, receiptOption: String, json: Bool, replayed: Bool) -> Response {
        let image = imageType == "NONE" ? nil : LabelImage.base64(label.imageFormat, carrier: "USPS", trackingNumber: label.trackingNumber, reference: label.reference)
        let receipt = receiptOption == "SEPARATE_PAGE" ? LabelImage.base64(.pdf, carrier: "USPS RECEIPT", trackingNumber: label.trackingNumber, reference: label.reference) : nil
        let headers = replayed ? ["X-Idempotent-Replay": "true"] : [:]
        if json {
            // `LabelVendorResponse`: `allOf[LabelMetadata, {labelImage, receiptImage, …}]`, one flat object.
            var document = metadata.objectValue ?? [:]
            if let image { document["labelImage"] = .string(image) }
            if let receipt { document["receiptImage"] = .string(receipt) }
            return .bytes(JSONValue.object(document).serialized(), contentType: "application/vnd.usps.labels+json", headers: headers)
        }
        let boundary = "usps-" + RandomIDs.hex(24)
        var parts: [(name: String, filename: String?, type: String, body: String)] = [("labelMetadata", nil, "application/json", metadata.serializedString)]
        if let image { parts.append(("labelImage", "labelImage.\(label.imageFormat.rawValue)", label.imageFormat.mimeType, image)) }
        if let receipt { parts.append(("receiptImage", "receiptImage.pdf", "application/pdf", receipt)) }
        var text = ""
        for part in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { text += "; filename=\"\(filename)\"" }
            text += "\r\nContent-Type: \(part.type)\r\n\r\n\(part.body)\r\n"
        }
        text += "--\(boundary)--\r\n"
        return .bytes(Array(text.utf8), contentType: "multipart/form-data; boundary=\(boundary)", headers: headers)
    }

    private func cancel(_ request: Request, trackingNumber: String?) -> Response {
        let crid: String
        switch paymentOwner(request) {
        case .success(let owner): crid = owner
        case .failure(let answer): return answer.response
        }
        var number = trackingNumber
        if number == nil {
            guard let key = request.header("X-Idempotency-Key"), !key.isEmpty else {
                return USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "A tracking number or X-Idempotency-Key is required.", parameter: "X-Idempotency-Key")
            }
            number = idempotency.withLock { $0[crid + "\u{0}" + key]?.trackingNumber }
        }
        guard let number, let label = labels.label(number), label.carrier == .usps else {
            return USPSError.response(status: .notFound, code: "404", message: "Not Found", detail: "No label was found for the given tracking number.")
        }
        if label.status != .labelCreated, !label.voided {
            let disputeID = RandomIDs.alphanumeric(12)
            if case .voided = labels.void(number, carrier: .usps) {
                ledger.record(.usps, .labelVoided, resource: number, idempotencyKey: label.idempotencyKey, reference: label.reference, amount: label.charge, currency: "USD", detail: "DISPUTED")
            }
            return .json(["trackingNumber": .string(number), "status": "DISPUTED", "disputeId": .string(disputeID)])
        }
        if case .voided = labels.void(number, carrier: .usps) {
            ledger.record(.usps, .labelVoided, resource: number, idempotencyKey: label.idempotencyKey, reference: label.reference, amount: label.charge, currency: "USD", detail: "CANCELED")
        }
        return .json(["trackingNumber": .string(number), "status": "CANCELED"])
    }

    // MARK: Tracking

    private func track(_ request: Request, trackingNumber: String) -> Response {
        guard let label = labels.label(trackingNumber), label.carrier == .usps else {
            return USPSError.response(status: .notFound, code: "404", message: "Not Found", detail: "The tracking number \(trackingNumber) was not found.", parameter: "trackingNumber")
        }
        let expand = (request.queryFields["expand"] ?? "SUMMARY").uppercased()
        guard expand == "SUMMARY" || expand == "DETAIL" else {
            return USPSError.response(status: .badRequest, code: "400", message: "Bad Request", detail: "expand must be SUMMARY or DETAIL.", parameter: "expand")
        }
        let current = Self.status(label)
        let expected = clock.day(label.createdAt.addingTimeInterval(2 * 86400))
        let summary = "\(current.summary) (\(clock.day(label.statusChangedAt)))"
        guard expand == "DETAIL" else {
            // `TrackingSummary` (no other fields allowed): sentences only, newest first.
            return .json(["trackingNumber": .string(trackingNumber), "expectedDeliveryDate": .string(expected), "eventSummaries": [.string(summary)]])
        }
        var document: [String: JSONValue] = [
            "trackingNumber": .string(trackingNumber),
            "statusCategory": .string(current.category),
            "status": .string(current.status),
            "statusSummary": .string(summary),
            "mailType": "DOMESTIC_MAIL",
            "trackingEvents": [
                [
                    "eventType": .string(current.status),
                    "eventTimestamp": .string(clock.iso8601(label.statusChangedAt, fractional: false)),
                    "GMTTimestamp": .string(clock.iso8601(label.statusChangedAt, fractional: false)),
                    "eventCode": .string(current.code),
                    "eventCity": "ATLANTA",
                    "eventState": "GA",
                    "eventZIP": "30301",
                ]
            ],
        ]
        // `TrackingDetails.mailClass` enumerates tracking's own names, which lack
        // USPS_GROUND_ADVANTAGE: a class outside the list is left out.
        if Self.trackingMailClasses.contains(label.service) { document["mailClass"] = .string(label.service) }
        return .json(.object(document))
    }

    /// The `mailClass` values of tracking's `TrackingDetails` that labels can be bought with.
    static let trackingMailClasses: Set<String> = [
        "BOUND_PRINTED_MATTER", "LIBRARY_MAIL", "MEDIA_MAIL", "PRIORITY_MAIL_EXPRESS", "PARCEL_SELECT_LIGHTWEIGHT", "PRIORITY_MAIL", "PARCEL_SELECT",
    ]

    private static func status(_ label: ShippingLabel) -> (category: String, status: String, summary: String, code: String) {
        if label.voided { return ("Pre-Shipment", "Label Cancelled", "The shipping label was cancelled", "MA") }
        switch label.status {
        case .labelCreated: return ("Pre-Shipment", "Shipping Label Created, USPS Awaiting Item", "A shipping label has been prepared", "GX")
        case .pickedUp: return ("Accepted", "USPS in possession of item", "USPS is now in possession of your item", "03")
        case .inTransit: return ("In Transit", "In Transit to Next Facility", "Your item is in transit to the next facility", "NT")
        case .outForDelivery: return ("Out for Delivery", "Out for Delivery", "Your item is out for delivery", "OF")
        case .delivered: return ("Delivered", "Delivered, In/At Mailbox", "Your item was delivered", "01")
        case .exception: return ("Alert", "Delivery Attempted - No Access to Delivery Location", "Delivery was attempted", "55")
        }
    }

    /// 22-digit IMpb tracking numbers.
    static func trackingNumber(_ sequence: Int) -> String {
        let digits = String(sequence)
        return "9400100000000" + String(repeating: "0", count: max(0, 9 - digits.count)) + digits
    }

    static func postage(mailClass: String) -> Decimal {
        switch mailClass {
        case "PRIORITY_MAIL_EXPRESS": return Decimal(string: "30.45")!
        case "PRIORITY_MAIL": return Decimal(string: "10.40")!
        default: return Decimal(string: "7.65")!
        }
    }
}

/// A finished response carried through `Result` (responses are not errors themselves).
struct USPSAnswer: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}
