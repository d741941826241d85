import Foundation
import Hummingbird
import Synchronization

/// The simulated QuickBooks Online accounting API under `/quickbooks`: the OAuth token endpoint
/// (`/oauth2/v1/tokens/bearer`) and `/v3/company/{realmId}/…` for invoices, customers, items and
/// queries. Creates honour `?requestid=`: the same id replays the original response and never
/// makes a second invoice. Money is exact `Decimal` throughout.
final class QuickBooksSimulator: Sendable {
    private struct SavedResponse {
        let status: HTTPResponse.Status
        let body: JSONValue
    }

    private struct State {
        var entities: [String: [String: JSONValue]] = [:]
        var nextID: [String: Int] = [:]
        var nextDocNumber = 1001
        var requests: [String: SavedResponse] = [:]
    }

    private let configuration: SandboxConfiguration.QuickBooks
    private let tokens: OAuthTokenStore
    private let ledger: EffectLedger
    private let clock: SandboxClock
    private let state: Mutex<State>
    private let refreshes = Atomic<Int>(0)

    /// Refresh-token grants answered with new tokens so far.
    var refreshCount: Int { refreshes.load(ordering: .relaxed) }

    init(configuration: SandboxConfiguration.QuickBooks, tokens: OAuthTokenStore, ledger: EffectLedger, clock: SandboxClock) {
        self.configuration = configuration
        self.tokens = tokens
        self.ledger = ledger
        self.clock = clock
        self.state = Mutex(Self.seeded(configuration, clock: clock))
        installConfiguredTokens()
    }

    func installConfiguredTokens() {
        tokens.install(configuration.accessToken, api: .quickbooks, kind: "access", clientID: configuration.clientID, lifetime: configuration.accessTokenLifetimeSeconds)
        tokens.install(configuration.refreshToken, api: .quickbooks, kind: "refresh", clientID: configuration.clientID, lifetime: configuration.refreshTokenLifetimeSeconds)
    }

    func reset() {
        state.withLock { $0 = Self.seeded(configuration, clock: clock) }
    }

    private static func seeded(_ configuration: SandboxConfiguration.QuickBooks, clock: SandboxClock) -> State {
        var state = State()
        let meta: JSONValue = ["CreateTime": .string(clock.iso8601()), "LastUpdatedTime": .string(clock.iso8601())]
        for (id, name) in configuration.customers {
            state.entities["Customer", default: [:]][id] = [
                "Id": .string(id), "SyncToken": "0", "DisplayName": .string(name), "Active": true, "Balance": 0, "domain": "QBO", "sparse": false, "MetaData": meta,
            ]
        }
        for (id, name) in configuration.items {
            state.entities["Item", default: [:]][id] = [
                "Id": .string(id), "SyncToken": "0", "Name": .string(name), "Type": "Service", "Active": true, "domain": "QBO", "sparse": false, "MetaData": meta,
            ]
        }
        state.nextID["Customer"] = (configuration.customers.keys.compactMap { Int($0) }.max() ?? 0) + 1
        state.nextID["Item"] = (configuration.items.keys.compactMap { Int($0) }.max() ?? 0) + 1
        state.nextID["Invoice"] = 130
        return state
    }

    func addRoutes(to group: RouterGroup<SandboxRequestContext>) {
        group.post("oauth2/v1/tokens/bearer") { request, _ in try await self.token(request) }
        group.post("v3/company/:realmId/invoice") { request, context in
            try await self.create(request, context, entity: "Invoice") { body, requestID, state in
                try self.buildInvoice(body, requestID: requestID, state: &state)
            }
        }
        group.post("v3/company/:realmId/customer") { request, context in
            try await self.create(request, context, entity: "Customer") { body, _, state in
                try self.buildNamed(body, entity: "Customer", nameField: "DisplayName", state: &state)
            }
        }
        group.post("v3/company/:realmId/item") { request, context in
            try await self.create(request, context, entity: "Item") { body, _, state in
                try self.buildNamed(body, entity: "Item", nameField: "Name", state: &state)
            }
        }
        for entity in ["Invoice", "Customer", "Item"] {
            group.get("v3/company/:realmId/\(entity.lowercased())/:id") { request, context in
                let id = context.parameters.get("id") ?? ""
                return self.guarded(request, context) {
                    guard let object = self.state.withLock({ $0.entities[entity]?[id] }) else { throw QuickBooksFault.objectNotFound(entity, id) }
                    return [entity: object, "time": .string(self.clock.iso8601())]
                }
            }
        }
        group.get("v3/company/:realmId/query") { request, context in
            let text = request.queryFields["query"] ?? ""
            return self.guarded(request, context) { try self.query(text) }
        }
        group.post("v3/company/:realmId/query") { request, context in
            var request = request
            let text = String(decoding: try await request.bodyBytes(), as: UTF8.self)
            return self.guarded(request, context) { try self.query(text) }
        }
    }

    // MARK: Plumbing

    /// Authenticates, checks the realm, runs `body` and renders JSON or XML per `Accept`.
    private func guarded(_ request: Request, _ context: SandboxRequestContext, _ body: () throws -> JSONValue) -> Response {
        if let failure = authenticate(request, context) { return failure }
        do {
            return render(try body(), status: .ok, request)
        } catch let fault as QuickBooksFault {
            return render(fault.body(time: clock.iso8601()), status: fault.status, request)
        } catch {
            return render(QuickBooksFault.validation("10000", "An application error has occurred while processing your request", "\(error)").body(time: clock.iso8601()), status: .internalServerError, request)
        }
    }

    private func authenticate(_ request: Request, _ context: SandboxRequestContext) -> Response? {
        switch tokens.check(request.bearerToken, api: .quickbooks) {
        case .valid: break
        case .expired: return QuickBooksFault.authenticationFailed(expired: true)
        case .missing: return QuickBooksFault.authenticationFailed(expired: false)
        }
        let realm = context.parameters.get("realmId") ?? ""
        guard realm == configuration.realmID else {
            let fault = QuickBooksFault(
                status: .forbidden,
                type: "AuthorizationFault",
                code: "3100",
                message: "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                detail: "The application is not authorized to access company \(realm)."
            )
            return render(fault.body(time: clock.iso8601()), status: .forbidden, request)
        }
        return nil
    }

    private func render(_ body: JSONValue, status: HTTPResponse.Status, _ request: Request) -> Response {
        let accept = (request.header("Accept") ?? "").lowercased()
        if accept.contains("json") { return .json(body, status: status) }
        return .bytes(Array(body.intuitXML(time: body["time"]?.stringValue ?? clock.iso8601()).utf8), contentType: "application/xml", status: status)
    }

    /// A create call with `requestid` replay: the first response for a request id is saved, with
    /// its status, and returned again for every later call with that id.
    private func create(
        _ request: Request,
        _ context: SandboxRequestContext,
        entity: String,
        build: (JSONValue, String?, inout State) throws -> JSONValue
    ) async throws -> Response {
        var request = request
        if let failure = authenticate(request, context) { return failure }
        let requestID = request.queryFields["requestid"]
        if let requestID, requestID.isEmpty || requestID.count > 50 {
            let fault = QuickBooksFault.validation("2010", "Request has invalid or unsupported property", "requestid must be 1 to 50 characters long", element: "requestid")
            return render(fault.body(time: clock.iso8601()), status: fault.status, request)
        }
        let bytes = try await request.bodyBytes()
        guard let body = try? JSONValue.parse(bytes), body.objectValue != nil else {
            let fault = QuickBooksFault.validation("2010", "Request has invalid or unsupported property", "The request body is not a valid \(entity) JSON object.")
            return render(fault.body(time: clock.iso8601()), status: fault.status, request)
        }
        let savedKey = requestID.map { configuration.realmID + "\u{0}" + $0 }
        // Replay check, build and save happen under one lock, so two concurrent calls with the
        // same request id can never both create.
        let result = state.withLock { state -> SavedResponse in
            if let savedKey, let saved = state.requests[savedKey] { return saved }
            let result: SavedResponse
            do {
                result = SavedResponse(status: .ok, body: try build(body, requestID, &state))
            } catch let fault as QuickBooksFault {
                result = SavedResponse(status: fault.status, body: fault.body(time: clock.iso8601()))
            } catch {
                result = SavedResponse(status: .internalServerError, body: QuickBooksFault.validation("10000", "An application error has occurred while processing your request", "\(error)").body(time: clock.iso8601()))
            }
            if let savedKey { state.requests[savedKey] = result }
            return result
        }
        return render(result.body, status: result.status, request)
    }

    // MARK: OAuth

    private func token(_ request: Request) async throws -> Response {
        var request = request
        let form = FormFields(bytes: try await request.bodyBytes())
        guard let client = request.basicCredentials, client.user == configuration.clientID, client.password == configuration.clientSecret else {
            return .json(["error": "invalid_client"], status: .unauthorized)
        }
        switch form["grant_type"] {
        case "refresh_token":
            guard let presented = form["refresh_token"], case .valid = tokens.check(presented, api: .quickbooks, kind: "refresh") else {
                return .json(["error": "invalid_grant"], status: .badRequest)
            }
            // As at Intuit: the token just used stops working once its short overlap has passed.
            tokens.retire(presented, grace: configuration.rotatedRefreshTokenGraceSeconds)
            refreshes.add(1, ordering: .relaxed)
        case "authorization_code":
            guard let code = form["code"], !code.isEmpty else { return .json(["error": "invalid_grant"], status: .badRequest) }
        default:
            return .json(["error": "unsupported_grant_type"], status: .badRequest)
        }
        let access = tokens.issue(.quickbooks, clientID: configuration.clientID, lifetime: configuration.accessTokenLifetimeSeconds, length: 64)
        let refresh = tokens.issue(.quickbooks, kind: "refresh", clientID: configuration.clientID, lifetime: configuration.refreshTokenLifetimeSeconds, length: 50)
        return .json([
            "token_type": "bearer",
            "expires_in": .int(configuration.accessTokenLifetimeSeconds),
            "access_token": .string(access),
            "refresh_token": .string(refresh),
            "x_refresh_token_expires_in": .int(configuration.refreshTokenLifetimeSeconds),
        ])
    }

    // MARK: Entities

    private func buildInvoice(_ body: JSONValue, requestID: String?, state: inout State) throws -> JSONValue {
        guard let customerID = body["CustomerRef"]?["value"]?.stringValue, !customerID.isEmpty else { throw QuickBooksFault.requiredParam("CustomerRef") }
        guard let lines = body["Line"]?.arrayValue, !lines.isEmpty else { throw QuickBooksFault.requiredParam("Line") }
        if let docNumber = body["DocNumber"]?.stringValue, docNumber.count > 21 {
            throw QuickBooksFault.validation("2050", "String length is either shorter or longer than supported by specification", "DocNumber is longer than 21 characters", element: "DocNumber")
        }
        do {
            guard let customer = state.entities["Customer"]?[customerID] else { throw QuickBooksFault.invalidReference("Customer", customerID, element: "CustomerRef") }
            var total = Decimal(0)
            var renderedLines: [JSONValue] = []
            for (index, line) in lines.enumerated() {
                guard let detailType = line["DetailType"]?.stringValue else { throw QuickBooksFault.requiredParam("Line.DetailType") }
                if detailType == "SubTotalLineDetail" { continue }
                guard let amount = line["Amount"]?.decimalValue else { throw QuickBooksFault.requiredParam("Line.Amount") }
                var rendered = line.objectValue ?? [:]
                if detailType == "SalesItemLineDetail" {
                    guard var detail = line["SalesItemLineDetail"]?.objectValue else { throw QuickBooksFault.requiredParam("Line.SalesItemLineDetail") }
                    let itemID = detail["ItemRef"]?["value"]?.stringValue ?? "1"
                    guard let item = state.entities["Item"]?[itemID] else { throw QuickBooksFault.invalidReference("Item", itemID, element: "Line.SalesItemLineDetail.ItemRef") }
                    if let qty = detail["Qty"]?.decimalValue, let price = detail["UnitPrice"]?.decimalValue, qty * price != amount {
                        throw QuickBooksFault.validation("6070", "Amount is not equal to UnitPrice * Qty", "Amount is not equal to UnitPrice * Qty. Supplied value:\(amount)", element: "Line.Amount")
                    }
                    detail["ItemRef"] = ["value": .string(itemID), "name": item["Name"] ?? .null]
                    rendered["SalesItemLineDetail"] = .object(detail)
                }
                total += detailType == "DiscountLineDetail" ? -amount : amount
                rendered["Id"] = .string(String(index + 1))
                rendered["LineNum"] = .int(index + 1)
                rendered["Amount"] = .decimal(amount)
                renderedLines.append(.object(rendered))
            }
            renderedLines.append(["Amount": .decimal(total), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": [:]])

            let docNumber: String
            if let given = body["DocNumber"]?.stringValue, !given.isEmpty {
                if let clash = state.entities["Invoice"]?.values.first(where: { $0["DocNumber"]?.stringValue == given }) {
                    throw QuickBooksFault.validation(
                        "6210",
                        "Duplicate Document Number Error",
                        "Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=\(given) is assigned to TxnType=Invoice with TxnId=\(clash["Id"]?.stringValue ?? "")",
                        element: "DocNumber"
                    )
                }
                docNumber = given
            } else {
                docNumber = String(state.nextDocNumber)
                state.nextDocNumber += 1
            }
            let id = String(state.nextID["Invoice"] ?? 130)
            state.nextID["Invoice"] = (state.nextID["Invoice"] ?? 130) + 1
            let txnDate = body["TxnDate"]?.stringValue ?? clock.day()
            let now = clock.iso8601()
            var invoice: [String: JSONValue] = [
                "Id": .string(id),
                "SyncToken": "0",
                "domain": "QBO",
                "sparse": false,
                "DocNumber": .string(docNumber),
                "TxnDate": .string(txnDate),
                "DueDate": .string(body["DueDate"]?.stringValue ?? clock.day(clock.now.addingTimeInterval(30 * 86400))),
                "CurrencyRef": ["value": "USD", "name": "United States Dollar"],
                "CustomerRef": ["value": .string(customerID), "name": customer["DisplayName"] ?? .null],
                "Line": .array(renderedLines),
                "TxnTaxDetail": ["TotalTax": 0],
                "TotalAmt": .decimal(total),
                "Balance": .decimal(total),
                "ApplyTaxAfterDiscount": false,
                "PrintStatus": "NotSet",
                "EmailStatus": "NotSet",
                "MetaData": ["CreateTime": .string(now), "LastUpdatedTime": .string(now)],
            ]
            for field in ["BillEmail", "PrivateNote", "CustomerMemo", "BillAddr", "ShipAddr"] {
                if let value = body[field] { invoice[field] = value }
            }
            state.entities["Invoice", default: [:]][id] = .object(invoice)
            ledger.record(.quickbooks, .invoiceCreated, resource: id, idempotencyKey: requestID, reference: docNumber, amount: total, currency: "USD", detail: customerID)
            return ["Invoice": .object(invoice), "time": .string(now)]
        }
    }

    private func buildNamed(_ body: JSONValue, entity: String, nameField: String, state: inout State) throws -> JSONValue {
        guard let name = body[nameField]?.stringValue, !name.isEmpty else { throw QuickBooksFault.requiredParam(nameField) }
        do {
            if state.entities[entity]?.values.contains(where: { $0[nameField]?.stringValue == name }) == true {
                throw QuickBooksFault.validation(
                    "6240",
                    "Duplicate Name Exists Error",
                    "The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.",
                    element: nameField
                )
            }
            let id = String(state.nextID[entity] ?? 1)
            state.nextID[entity] = (state.nextID[entity] ?? 1) + 1
            let now = clock.iso8601()
            var object = body.objectValue ?? [:]
            object["Id"] = .string(id)
            object["SyncToken"] = "0"
            object["Active"] = true
            object["domain"] = "QBO"
            object["sparse"] = false
            object["MetaData"] = ["CreateTime": .string(now), "LastUpdatedTime": .string(now)]
            if entity == "Item", object["Type"] == nil { object["Type"] = "Service" }
            if entity == "Customer" { object["Balance"] = 0 }
            state.entities[entity, default: [:]][id] = .object(object)
            return [entity: .object(object), "time": .string(now)]
        }
    }

    private func query(_ text: String) throws -> JSONValue {
        let parsed: QuickBooksQuery
        do {
            parsed = try QuickBooksQuery(text)
        } catch let error as QuickBooksQuery.ParseError {
            throw QuickBooksFault.validation("4000", "Error parsing query", "QueryParserError: \(error.detail)")
        }
        let canonical = ["invoice": "Invoice", "customer": "Customer", "item": "Item"]
        guard let entity = canonical[parsed.entity.lowercased()] else {
            throw QuickBooksFault.validation("4001", "Invalid query", "QueryValidationError: the entity \(parsed.entity) is not supported by the sandbox")
        }
        let matching = state.withLock { state in
            (state.entities[entity] ?? [:]).values
                .filter(parsed.matches)
                .sorted { Int($0["Id"]?.stringValue ?? "") ?? 0 < Int($1["Id"]?.stringValue ?? "") ?? 0 }
        }
        let time = JSONValue.string(clock.iso8601())
        if parsed.countOnly { return ["QueryResponse": ["totalCount": .int(matching.count)], "time": time] }
        let page = Array(matching.dropFirst(parsed.startPosition - 1).prefix(parsed.maxResults))
        guard !page.isEmpty else { return ["QueryResponse": [:], "time": time] }
        return ["QueryResponse": [entity: .array(page), "startPosition": .int(parsed.startPosition), "maxResults": .int(page.count)], "time": time]
    }
}
