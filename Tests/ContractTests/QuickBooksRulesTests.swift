import Foundation
import Synchronization
import Integrations
import Sandbox
import Sundial
import Testing

/// QuickBooks Online has no vendor OpenAPI document (`Tests/Contracts/vendor-openapi/README.md`,
/// "Not found"): its client and simulator are checked against this written table of Intuit's
/// documented rules instead, each with its source. A rule applies to every recorded exchange it
/// concerns; the behavioural rules are checked by the scenario.
struct QuickBooksRule: Sendable {
    let id: String
    let rule: String
    let source: String
    /// The problem with `exchange`, or nil when it keeps the rule (or the rule does not concern it).
    let check: @Sendable (RecordedExchange, QuickBooksRule.Context) -> String?

    struct Context: Sendable {
        let realmID: String
        /// The token endpoint's path (the sandbox serves it beside the API).
        let tokenPath: String
    }

    static let developer = "developer.intuit.com"

    /// The table.
    static let all: [QuickBooksRule] = [
        QuickBooksRule(id: "QB1", rule: "every API call is under /v3/company/{realmId}/ of the configured company",
                       source: "\(developer) REST quick reference") { exchange, context in
            guard exchange.path != context.tokenPath else { return nil }
            return exchange.path.hasPrefix("/v3/company/\(context.realmID)/") ? nil : "path \(exchange.path)"
        },
        QuickBooksRule(id: "QB2", rule: "every API call sends minorversion=75 (75 is the floor since 2025-08-01)",
                       source: "blogs.intuit.com 2025-01-21; \(developer) minor versions") { exchange, context in
            guard exchange.path != context.tokenPath else { return nil }
            let version = exchange.query.first { $0.name == "minorversion" }?.value
            return version.flatMap(Int.init).map { $0 >= 75 ? nil : "minorversion=\($0)" } ?? "no minorversion"
        },
        QuickBooksRule(id: "QB3", rule: "every call asks for JSON (Accept: application/json), else QuickBooks answers XML",
                       source: "\(developer) REST quick reference") { exchange, _ in
            (exchange.requestHeader("Accept") ?? "").contains("application/json") ? nil : "Accept \(exchange.requestHeader("Accept") ?? "missing")"
        },
        QuickBooksRule(id: "QB4", rule: "API calls carry Authorization: Bearer <access token>",
                       source: "\(developer) OAuth 2.0") { exchange, context in
            guard exchange.path != context.tokenPath else { return nil }
            return (exchange.requestHeader("Authorization") ?? "").hasPrefix("Bearer ") ? nil : "no bearer token"
        },
        QuickBooksRule(id: "QB5", rule: "a create carries requestid, 1 to 50 characters, so a repeat answers with the first result",
                       source: "blogs.intuit.com 2015-04-06 (idempotency)") { exchange, context in
            guard exchange.method == "POST", exchange.path != context.tokenPath else { return nil }
            let id = exchange.query.first { $0.name == "requestid" }?.value ?? ""
            return (1...50).contains(id.count) ? nil : "requestid of \(id.count) characters"
        },
        QuickBooksRule(id: "QB6", rule: "an invoice body is JSON with CustomerRef.value and at least one SalesItemLineDetail line (Amount, ItemRef.value); DocNumber at most 21 characters",
                       source: "\(developer) Invoice entity") { exchange, context in
            guard exchange.method == "POST", exchange.path.hasSuffix("/invoice") else { return nil }
            guard (exchange.requestHeader("Content-Type") ?? "").contains("application/json"),
                  let body = try? JSON.parse(exchange.requestBody) else { return "not a JSON body" }
            if body["CustomerRef"]?["value"]?.string?.isEmpty != false { return "CustomerRef.value missing" }
            guard let lines = body["Line"]?.array, !lines.isEmpty else { return "no Line" }
            for (index, line) in lines.enumerated() {
                if line["DetailType"]?.string != "SalesItemLineDetail" { return "Line[\(index)].DetailType" }
                if line["Amount"]?.numeric == nil { return "Line[\(index)].Amount" }
                if line["SalesItemLineDetail"]?["ItemRef"]?["value"]?.string == nil { return "Line[\(index)].SalesItemLineDetail.ItemRef.value" }
            }
            if let doc = body["DocNumber"]?.string, doc.count > 21 { return "DocNumber of \(doc.count) characters" }
            return nil
        },
        QuickBooksRule(id: "QB7", rule: "the refresh-token grant: POST, Basic client authentication, form grant_type=refresh_token&refresh_token=…",
                       source: "\(developer) OAuth 2.0 (token endpoint)") { exchange, context in
            guard exchange.path == context.tokenPath else { return nil }
            guard exchange.method == "POST", (exchange.requestHeader("Authorization") ?? "").hasPrefix("Basic ") else { return "not POST with Basic auth" }
            let form = RecordedExchange.parseQuery(exchange.requestText)
            guard form.first(where: { $0.name == "grant_type" })?.value == "refresh_token",
                  form.first(where: { $0.name == "refresh_token" })?.value.isEmpty == false else { return "form \(form.map(\.name))" }
            return nil
        },
        QuickBooksRule(id: "QB8", rule: "a token answer carries token_type bearer, access_token, refresh_token (rotated: store the latest), expires_in and x_refresh_token_expires_in",
                       source: "\(developer) OAuth 2.0 (refresh token rotation)") { exchange, context in
            guard exchange.path == context.tokenPath, exchange.status == 200 else { return nil }
            guard let body = try? JSON.parse(exchange.responseBody) else { return "not JSON" }
            let missing = ["token_type", "access_token", "refresh_token", "expires_in", "x_refresh_token_expires_in"].filter { body[$0] == nil }
            return missing.isEmpty ? nil : "missing \(missing)"
        },
        QuickBooksRule(id: "QB9", rule: "an error body is a Fault {Error: [{Message, Detail, code}], type}, or for a 401 the lower-case fault {error: [{message, detail, code}]}",
                       source: "\(developer) error codes") { exchange, context in
            guard exchange.path != context.tokenPath, let body = try? JSON.parse(exchange.responseBody) else { return nil }
            if exchange.status == 401 {
                return body["fault"]?["error"]?.array?.first?["code"]?.string == nil ? "401 without fault.error[].code" : nil
            }
            guard let fault = body["Fault"] else { return exchange.status >= 400 ? "a \(exchange.status) without Fault" : nil }
            guard let first = fault["Error"]?.array?.first, first["code"]?.string != nil, first["Message"]?.string != nil,
                  fault["type"]?.string != nil else { return "Fault without Error[].code/Message or type" }
            return nil
        },
    ]
}

@Suite("QuickBooks: client and simulator against the written table of Intuit's rules")
struct QuickBooksRulesTests {
    @Test("every exchange keeps every rule; a repeated requestid answers with the first invoice; a Fault in a 200 is an error; a 401 refreshes once")
    func everyRuleHolds() async throws {
        let clock = Mutex<TimeInterval>(0)
        var configuration = SandboxConfiguration()
        configuration.clock = SandboxClock { Date().addingTimeInterval(clock.withLock { $0 }) }
        configuration.quickBooks.rotatedRefreshTokenGraceSeconds = 0
        let qbo = configuration.quickBooks
        let tokenPath = "/oauth2/v1/tokens/bearer"
        let exchanges = try await RecordedSandbox.record(.quickbooks, configuration) { sandbox in
            let base = sandbox.baseURL(for: .quickbooks)
            let client = QuickBooksClient(httpClient: sandbox.http, configuration: ClientConfiguration(
                baseURL: base, credentials: QuickBooksCredentials(
                    realmID: qbo.realmID, clientID: qbo.clientID, clientSecret: Secret(qbo.clientSecret),
                    refreshToken: Secret(qbo.refreshToken), accessToken: nil, tokenURL: base + tokenPath),
                timeout: .seconds(10)))
            let request = InvoiceRequest(customerID: "1", docNumber: "SO-RULES-1",
                                         lines: [InvoiceLine(itemID: "1", description: "Straw hat", quantity: 2, unitPrice: Decimal(string: "19.99")!)],
                                         txnDate: "2026-12-07", privateNote: "contract test")
            let first = try await client.createInvoice(request, idempotencyKey: "wf-1/invoice")
            let again = try await client.createInvoice(request, idempotencyKey: "wf-1/invoice")
            #expect(again.id == first.id, "QB5: a repeated requestid must answer with the first invoice")
            #expect(sandbox.server.ledger.count(.quickbooks, .invoiceCreated) == 1)
            #expect(try await client.findInvoice(docNumber: "SO-RULES-1")?.id == first.id)

            sandbox.server.faults.update(.quickbooks) { $0.failNext = 1; $0.errorStatus = 200 }
            let faultIn200 = await outcome { try await client.findInvoice(docNumber: "SO-RULES-1") }
            guard case .failure(let error) = faultIn200, error is QuickBooksError else {
                Issue.record("QB9: a Fault inside a 200 must be an error, got \(faultIn200)")
                return
            }
            sandbox.server.faults.set(.none, for: .quickbooks)

            clock.withLock { $0 += 3700 }   // past the access token's hour, well within the refresh token's 100 days
            #expect(try await client.findInvoice(docNumber: "SO-RULES-1")?.id == first.id, "a 401 refreshes and retries once")
        }
        let context = QuickBooksRule.Context(realmID: qbo.realmID, tokenPath: tokenPath)
        for exchange in exchanges {
            for rule in QuickBooksRule.all {
                if let problem = rule.check(exchange, context) {
                    Issue.record("QuickBooks \(exchange): \(rule.id) \(rule.rule) — \(problem) (\(rule.source))")
                }
            }
        }
        // Every kind of exchange the table speaks of happened.
        #expect(exchanges.contains { $0.path == tokenPath && $0.status == 200 }, "no token refresh was recorded")
        #expect(exchanges.contains { $0.status == 401 }, "no 401 was recorded")
        #expect(exchanges.contains { $0.method == "POST" && $0.path.hasSuffix("/invoice") })
        #expect(exchanges.contains { $0.path.hasSuffix("/query") })
    }

    @Test("the table catches what it is about: a create without requestid, an API call without minorversion")
    func tableCatchesBreaches() {
        let context = QuickBooksRule.Context(realmID: "123", tokenPath: "/oauth2/v1/tokens/bearer")
        let withoutRequestID = RecordedExchange(
            method: "POST", path: "/v3/company/123/invoice", query: [("minorversion", "75")],
            requestHeaders: [("Accept", "application/json"), ("Authorization", "Bearer x"), ("Content-Type", "application/json")],
            requestBody: Array(#"{"CustomerRef":{"value":"1"},"Line":[{"Amount":1,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"}}}]}"#.utf8),
            status: 200, responseHeaders: [], responseBody: [])
        let broken = QuickBooksRule.all.filter { $0.check(withoutRequestID, context) != nil }.map(\.id)
        #expect(broken == ["QB5"])
        var withoutVersion = withoutRequestID
        withoutVersion.method = "GET"
        withoutVersion.path = "/v3/company/123/query"
        withoutVersion.query = []
        #expect(QuickBooksRule.all.filter { $0.check(withoutVersion, context) != nil }.map(\.id) == ["QB2"])
    }
}
