import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Sundial

/// The ``AccountingSystem`` over the QuickBooks Online v3 API. Exists so the order workflow can
/// book each order's invoice exactly once.
///
/// Every create carries `?requestid=` derived from the caller's idempotency key by
/// ``QuickBooksRequestID`` (SHA-256, 40 hex digits, within the 50-character limit), so a retried
/// step gets the original response instead of a second invoice. Calls send
/// `Authorization: Bearer`, `Accept: application/json` and `minorversion=75`. When a call answers
/// 401 (or the access token's lifetime has passed) the client refreshes with the refresh-token
/// grant, reports the rotated refresh token through `onRefreshTokenRotated`, and retries once.
/// QuickBooks rotates the refresh token on every refresh, so every process that uses the company
/// (and every restart) must share the tokens: give the configuration a
/// ``ClientConfiguration/sharedTokens`` store, where the tokens are kept as
/// `quickbooks:<client id>:<realm id>` and the configured ones only seed the first run.
public struct QuickBooksClient: AccountingSystem {
    public let configuration: ClientConfiguration<QuickBooksCredentials>
    public var minorVersion = 75
    private let exchange: HTTPExchange
    private let session: QuickBooksTokenSession
    private let onRefreshTokenRotated: @Sendable (Secret) async -> Void
    private let logger: Logger

    /// - Parameter onRefreshTokenRotated: called with every new refresh token (already in the
    ///   shared store, when there is one).
    public init(
        httpClient: HTTPClient,
        configuration: ClientConfiguration<QuickBooksCredentials>,
        tokenRefreshMargin: Duration = .seconds(60),
        onRefreshTokenRotated: @escaping @Sendable (Secret) async -> Void = { _ in },
        logger: Logger = Logger(label: "sundial.integrations.quickbooks")
    ) {
        self.configuration = configuration
        self.exchange = HTTPExchange(client: httpClient, timeout: configuration.timeout)
        let credentials = configuration.credentials
        self.session = QuickBooksTokenSession(
            configured: VendorTokens(accessToken: credentials.accessToken, accessTokenExpiresAt: nil, refreshToken: credentials.refreshToken),
            shared: configuration.sharedTokens.map {
                QuickBooksTokenSession.SharedTokens(store: $0, name: "quickbooks:\(credentials.clientID):\(credentials.realmID)")
            },
            margin: tokenRefreshMargin
        )
        self.onRefreshTokenRotated = onRefreshTokenRotated
        self.logger = logger
    }

    public func createInvoice(_ invoice: InvoiceRequest, idempotencyKey: String) async throws -> Invoice {
        let requestID = QuickBooksRequestID.derive(fromIdempotencyKey: idempotencyKey)
        var body: [String: JSONBody] = [
            "CustomerRef": ["value": .string(invoice.customerID)],
            "Line": .array(invoice.lines.map { line in
                let detail: [String: JSONBody] = [
                    "ItemRef": ["value": .string(line.itemID)],
                    "Qty": .decimal(line.quantity),
                    "UnitPrice": .decimal(line.unitPrice),
                ]
                var fields: [String: JSONBody] = [
                    "Amount": .decimal(line.amount),
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": .object(detail),
                ]
                if let description = line.description { fields["Description"] = .string(description) }
                return .object(fields)
            }),
        ]
        if let docNumber = invoice.docNumber { body["DocNumber"] = .string(docNumber) }
        if let txnDate = invoice.txnDate { body["TxnDate"] = .string(txnDate) }
        if let note = invoice.privateNote { body["PrivateNote"] = .string(note) }
        let json = try await call(.POST, "invoice", query: [("requestid", requestID)], body: JSONBody.object(body).bytes)
        guard let created = Self.invoice(json["Invoice"]) else {
            // A 2xx without a readable Invoice: the invoice may exist. Retried under the same
            // requestid, QuickBooks answers with it; never "nothing happened".
            throw QuickBooksError(operation: "POST invoice", status: 200, faultType: nil, codes: [],
                                  message: "unreadable answer (no Invoice); the invoice may exist", retryDisposition: .retryable(after: nil))
        }
        logger.info("quickbooks invoice created", metadata: ["invoice_id": "\(created.id)", "doc_number": "\(created.docNumber ?? "")", "request_id": "\(requestID)"])
        return created
    }

    public func findInvoice(docNumber: String) async throws -> Invoice? {
        let escaped = docNumber.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        let json = try await call(.GET, "query", query: [("query", "select * from Invoice where DocNumber = '\(escaped)'")], body: nil)
        return json["QueryResponse", "Invoice"].elements.compactMap(Self.invoice).first
    }

    // MARK: Wire

    private static func invoice(_ json: JSONDocument) -> Invoice? {
        guard let id = json["Id"].string else { return nil }
        return Invoice(id: id, docNumber: json["DocNumber"].string, totalAmount: json["TotalAmt"].decimal, balance: json["Balance"].decimal, syncToken: json["SyncToken"].string)
    }

    private func call(_ method: HTTPMethod, _ resource: String, query: [(String, String)], body: [UInt8]?) async throws -> JSONDocument {
        let path = "/v3/company/\(FormEncoding.escape(configuration.credentials.realmID))/\(resource)"
        let operation = "\(method.rawValue) \(path)"
        let url = configuration.baseURL + path + "?" + FormEncoding.encode([("minorversion", String(minorVersion))] + query)
        let refresh: QuickBooksTokenSession.Refresh = { [self] token in try await self.refresh(token) }
        let first = try await session.token(refresh: refresh)
        var response = try await send(method, url, token: first, body: body, operation: operation)
        if response.status == 401 {
            let second = try await session.token(refusing: first, refresh: refresh)
            response = try await send(method, url, token: second, body: body, operation: operation)
        }
        let json = JSONDocument(bytes: response.body)
        let fault = json["Fault"].exists ? json["Fault"] : json["fault"]
        guard (200..<300).contains(response.status), !fault.exists else {
            let errors = fault["Error"].exists ? fault["Error"].elements : fault["error"].elements
            let faultType = fault["type"].string
            let message = errors.map { error in
                [error["Message"].string ?? error["message"].string, error["Detail"].string ?? error["detail"].string].compactMap { $0 }.joined(separator: ": ")
            }.joined(separator: "; ")
            throw QuickBooksError(
                operation: operation,
                status: response.status,
                faultType: faultType,
                codes: errors.compactMap { $0["code"].string },
                message: redact(message.isEmpty ? String(response.text.prefix(200)) : message),
                retryDisposition: QuickBooksError.disposition(status: response.status, faultType: faultType, retryAfter: RetryAfter.parse(response.header("Retry-After")))
            )
        }
        return json
    }

    private func send(_ method: HTTPMethod, _ url: String, token: Secret, body: [UInt8]?, operation: String) async throws -> HTTPExchange.Response {
        var headers = [("Authorization", "Bearer \(token.value)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        do {
            return try await exchange.send(method: method, url: url, headers: headers, body: body)
        } catch {
            throw QuickBooksError(operation: operation, status: nil, faultType: nil, codes: [], message: redact(error.description), retryDisposition: .retryable(after: nil))
        }
    }

    /// The refresh-token grant: Basic client auth, form body.
    private func refresh(_ refreshToken: Secret) async throws -> VendorTokens {
        let operation = QuickBooksTokenSession.operation
        let credentials = configuration.credentials
        let basic = Data("\(credentials.clientID):\(credentials.clientSecret.value)".utf8).base64EncodedString()
        let form = FormEncoding.encode([("grant_type", "refresh_token"), ("refresh_token", refreshToken.value)])
        let response: HTTPExchange.Response
        do {
            response = try await exchange.send(
                method: .POST, url: credentials.tokenURL,
                headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                body: Array(form.utf8)
            )
        } catch {
            throw QuickBooksError(operation: operation, status: nil, faultType: nil, codes: [], message: redact(error.description, refreshToken), retryDisposition: .retryable(after: nil))
        }
        let json = JSONDocument(bytes: response.body)
        guard response.status == 200, let access = json["access_token"].string, let newRefresh = json["refresh_token"].string else {
            let oauthError = json["error"].string ?? "unreadable token response"
            // invalid_grant / invalid_client need a person (new consent or new credentials).
            let disposition: RetryDisposition = response.status == 429 || response.status >= 500 ? .retryable(after: RetryAfter.parse(response.header("Retry-After"))) : .permanent
            throw QuickBooksError(operation: operation, status: response.status, faultType: nil, codes: [oauthError], message: "token refresh refused: \(oauthError)", retryDisposition: disposition)
        }
        let rotated = Secret(newRefresh)
        await onRefreshTokenRotated(rotated)
        logger.info("quickbooks access token refreshed")
        let expiresAt = Date().addingTimeInterval(TimeInterval(json["expires_in"].int ?? 3600))
        return VendorTokens(accessToken: Secret(access), accessTokenExpiresAt: expiresAt, refreshToken: rotated)
    }

    private func redact(_ text: String, _ extra: Secret? = nil) -> String {
        let credentials = configuration.credentials
        return text.redacting([credentials.clientSecret, credentials.refreshToken] + (credentials.accessToken.map { [$0] } ?? []) + (extra.map { [$0] } ?? []))
    }
}
