import Foundation
import HTTPTypes
import JWTKit
import PostgresNIO
import Sundial
import SundialEngine
import SundialHTTP
import Testing
import Workflows

/// Issue #7's bad-input suite, on a server listening on the loopback interface: each probe must
/// be answered with a 4xx and a JSON error body, change nothing in the database, and leave the
/// server answering `/health/live`. The codes each route answers with are pinned in the route's
/// own suite (OrderIntakeTests, AuthenticationTests, StripeWebhookTests, CarrierWebhookTests,
/// AdminAPITests, RoutingTests); this one holds every kind of bad input to the same three promises.
@Suite("Bad input: a JSON 4xx, nothing written, the server still up")
struct BadInputTests {
    /// Who a probe says it is.
    enum Caller: Sendable {
        case nobody
        /// An intake token with `orders:write orders:read`.
        case shop
        case bearer(String)
        case admin(AdminRole)
    }

    /// One bad request, and the status it must get (nil: any 4xx).
    struct Probe: Sendable {
        let name: String
        var method: HTTPRequest.Method = .post
        let path: String
        var caller: Caller = .nobody
        var contentType: String? = "application/json"
        var headers: [(String, String)] = []
        var body: Data?
        var status: Int?

        init(_ name: String, _ method: HTTPRequest.Method = .post, _ path: String, caller: Caller = .nobody,
             contentType: String? = "application/json", headers: [(String, String)] = [], body: Data? = nil, status: Int? = nil) {
            self.name = name
            self.method = method
            self.path = path
            self.caller = caller
            self.contentType = contentType
            self.headers = headers
            self.body = body
            self.status = status
        }

        init(_ name: String, _ path: String, caller: Caller = .nobody, json: String, status: Int? = nil) {
            self.init(name, .post, path, caller: caller, body: Data(json.utf8), status: status)
        }
    }

    static let injection = "'; DROP TABLE workflows; --"

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    static func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }

    /// An order body with `name` spliced in raw as the customer's name (JSON escapes allowed).
    static func order(id: String = "SO-BAD-1", customerName: String) -> String {
        Orders.body(id: id).replacingOccurrences(of: #""name": "Ada Lovelace", "email""#, with: #""name": "\#(customerName)", "email""#)
    }

    /// `Orders.body()` with raw bytes in place of the customer's name.
    static func order(nameBytes: [UInt8]) -> Data {
        let parts = Orders.body(id: "SO-BAD-2").components(separatedBy: #""name": "Ada Lovelace", "email""#)
        return Data(parts[0].utf8) + Data(#""name": ""#.utf8) + Data(nameBytes) + Data(#"", "email""#.utf8) + Data(parts[1].utf8)
    }

    /// Every table a request could write to, each as its row count and a digest of its rows, so an
    /// update shows as well as an insert. Admin tokens (their last use is stamped on every
    /// authenticated call) count only their rows; the audit log only its `ok` entries (refused
    /// calls that reached an action are recorded on purpose, and counted by the tests that make them).
    static func ledger(_ h: IntakeHarness) async throws -> [String: String] {
        let sources = [
            "workflows": "SELECT * FROM workflows", "workflow_history": "SELECT * FROM workflow_history",
            "workflow_signals": "SELECT * FROM workflow_signals", "workflow_tags": "SELECT * FROM workflow_tags",
            "outbox": "SELECT * FROM outbox", "paused_types": "SELECT * FROM paused_types", "schedules": "SELECT * FROM schedules",
            "schedule_fires": "SELECT * FROM schedule_fires", "admin_tokens": "SELECT name, role, created_at, revoked_at FROM admin_tokens",
            "audit_log ok": "SELECT * FROM audit_log WHERE outcome = 'ok'",
        ]
        var result: [String: String] = [:]
        for (name, sql) in sources {
            let rows = try await h.postgres.query(PostgresQuery(unsafeSQL: """
                SELECT count(*)::int8, coalesce(md5(string_agg(q::text, '|' ORDER BY q::text)), '') FROM (\(sql)) AS q
                """), logger: h.logger)
            for try await (count, digest) in rows.decode((Int64, String).self) { result[name] = "\(count) rows \(digest)" }
        }
        return result
    }

    static func refusedAudits(_ h: IntakeHarness) async throws -> Int {
        try await h.count("SELECT 1 FROM audit_log WHERE outcome = 'refused'")
    }

    /// Sends every probe; checks each answer and that the server is live after it, and that the
    /// ledger is the same after all of them.
    static func expectRefused(_ probes: [Probe], on h: IntakeHarness, tokens: [AdminRole: String] = [:],
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let shop = try await TestTokens.hs256()
        let before = try await ledger(h)
        for probe in probes {
            let token: String? = switch probe.caller {
            case .nobody: nil
            case .shop: shop
            case .bearer(let token): token
            case .admin(let role): tokens[role]
            }
            let answer = try await h.send(probe.method, probe.path, token: token, contentType: probe.contentType,
                                          headers: probe.headers, body: probe.body)
            #expect((400..<500).contains(answer.status.code), "\(probe.name): \(answer.status.code) \(answer.text.prefix(300))",
                    sourceLocation: sourceLocation)
            if let status = probe.status {
                #expect(answer.status.code == status, "\(probe.name): \(answer.status.code) \(answer.text.prefix(300))",
                        sourceLocation: sourceLocation)
            }
            #expect(answer.isJSON && answer.errorCode != nil && (answer.error["message"] as? String)?.isEmpty == false,
                    "\(probe.name): not a JSON error body: \(answer.text.prefix(300))", sourceLocation: sourceLocation)
            let live = try await h.send(.get, "/health/live", contentType: nil)
            #expect(live.status == .ok, "\(probe.name): /health/live answered \(live.status.code) afterwards", sourceLocation: sourceLocation)
        }
        let after = try await ledger(h)
        for (table, rows) in before where after[table] != rows {
            Issue.record("\(table) changed: \(rows) before, \(after[table] ?? "nothing") after", sourceLocation: sourceLocation)
        }
        #expect(try await h.send(.get, "/health/ready", contentType: nil).status == .ok, sourceLocation: sourceLocation)
    }

    @Test("order intake: malformed JSON, wrong types, missing and extra fields, deep nesting, invalid UTF-8, U+0000, huge bodies")
    func orderBodies() async throws {
        try await IntakeHarness.with(live: true) { h in
            _ = try await h.startOrder("SO-1001")
            let orders = "/api/v1/orders"
            let probes: [Probe] = [
                Probe("truncated JSON", orders, caller: .shop, json: #"{"order_id": "SO-1", "#, status: 400),
                Probe("trailing garbage", orders, caller: .shop, json: Orders.body(id: "SO-2") + " x", status: 400),
                Probe("single quotes", orders, caller: .shop, json: "{'order_id': 'SO-3'}", status: 400),
                Probe("NaN", orders, caller: .shop, json: #"{"order_id": NaN}"#, status: 400),
                Probe("a comment", orders, caller: .shop, json: "/* hi */ " + Orders.body(id: "SO-4"), status: 400),
                Probe("empty body", orders, caller: .shop, json: "", status: 400),
                Probe("a JSON array", orders, caller: .shop, json: "[]", status: 422),
                Probe("a JSON string", orders, caller: .shop, json: #""SO-5""#, status: 422),
                Probe("null", orders, caller: .shop, json: "null", status: 422),
                Probe("order_id a number", orders, caller: .shop,
                      json: Orders.body().replacingOccurrences(of: #""order_id": "SO-1001""#, with: #""order_id": 1001"#), status: 422),
                Probe("quantity a string", orders, caller: .shop, json: Orders.body(id: "SO-6", quantity: #""2""#), status: 422),
                Probe("quantity past Int64", orders, caller: .shop, json: Orders.body(id: "SO-7", quantity: "99999999999999999999999"), status: 422),
                Probe("quantity 1e400", orders, caller: .shop, json: Orders.body(id: "SO-8", quantity: "1e400")),
                Probe("unit_price a number", orders, caller: .shop, json: Orders.body(id: "SO-9", unitPrice: "19.99"), status: 422),
                Probe("items an object", orders, caller: .shop,
                      json: Orders.body(id: "SO-10").replacingOccurrences(of: #""items": ["#, with: #""items": {"a": ["#)
                        .replacingOccurrences(of: #""0.4"}],"#, with: #""0.4"}]},"#), status: 422),
                Probe("missing everything", orders, caller: .shop, json: "{}", status: 422),
                Probe("missing the customer", orders, caller: .shop,
                      json: Orders.body(id: "SO-11").replacingOccurrences(
                        of: #""customer": {"id": "c-42", "name": "Ada Lovelace", "email": "ada@example.com"},"#, with: ""), status: 422),
                Probe("no items, and an unknown field", orders, caller: .shop,
                      json: Orders.body(id: "SO-12").replacingOccurrences(of: #""items": ["#, with: #""items": [], "unused": ["#), status: 422),
                Probe("an extra nested field", orders, caller: .shop,
                      json: Orders.body(id: "SO-13").replacingOccurrences(of: #""c-42","#, with: #""c-42", "vip": true,"#), status: 422),
                Probe("600 nested arrays", orders, caller: .shop, json: Self.nested(600), status: 400),
                Probe("20,000 unclosed arrays", orders, caller: .shop, json: String(repeating: "[", count: 20_000), status: 400),
                Probe("300 nested objects as the customer", orders, caller: .shop,
                      json: #"{"customer": "# + String(repeating: #"{"a": "#, count: 300) + "1" + String(repeating: "}", count: 301),
                      status: 422),
                Probe("a 0xFF byte", .post, orders, caller: .shop, body: Self.order(nameBytes: [0x41, 0xFF]), status: 400),
                Probe("an overlong encoding of /", .post, orders, caller: .shop, body: Self.order(nameBytes: [0xC0, 0xAF]), status: 400),
                Probe("an encoded surrogate", .post, orders, caller: .shop, body: Self.order(nameBytes: [0xED, 0xA0, 0x80]), status: 400),
                Probe("a lone surrogate escape", orders, caller: .shop, json: Self.order(customerName: #"A\ud800"#), status: 400),
                Probe("U+0000 in a name", orders, caller: .shop, json: Self.order(customerName: #"A\u0000B"#), status: 422),
                Probe("U+0000 in an address line", orders, caller: .shop,
                      json: Orders.body(id: "SO-14").replacingOccurrences(of: "1 Music Row", with: #"1\u0000Row"#), status: 422),
                Probe("an injection-shaped order id", orders, caller: .shop, json: Orders.body(id: Self.injection), status: 422),
                Probe("the same order id with another body", orders, caller: .shop, json: Orders.body(quantity: "7"), status: 409),
                Probe("70 KiB (the intake limit is 64)", orders, caller: .shop,
                      json: Orders.body(id: "SO-15") + String(repeating: " ", count: 70 * 1024), status: 413),
                // A body over the server-wide cap is refused too, but the server then closes the
                // connection this client shares with every probe: RequestLimitsTests sends it on its own.
                Probe("form-encoded", .post, orders, caller: .shop, contentType: "application/x-www-form-urlencoded",
                      body: Data("order_id=SO-16".utf8), status: 415),
                Probe("cancel: reason a number", "/api/v1/orders/SO-1001/cancel", caller: .shop, json: #"{"reason": 5}"#, status: 422),
                Probe("cancel: reason with U+0000", "/api/v1/orders/SO-1001/cancel", caller: .shop, json: #"{"reason": "a\u0000b"}"#,
                      status: 422),
                Probe("cancel: an unknown order", "/api/v1/orders/SO-404/cancel", caller: .shop, json: #"{"reason": "x"}"#, status: 404),
                Probe("cancel: an injection-shaped order id", "/api/v1/orders/\(Self.escaped(Self.injection))/cancel", caller: .shop,
                      json: #"{"reason": "x"}"#, status: 404),
                Probe("show: an injection-shaped order id", .get, "/api/v1/orders/\(Self.escaped(Self.injection))", caller: .shop,
                      contentType: nil, status: 404),
                Probe("show: a 5,000 character order id", .get, "/api/v1/orders/" + String(repeating: "x", count: 5000), caller: .shop,
                      contentType: nil, status: 404),
            ]
            try await Self.expectRefused(probes, on: h)
            #expect(try await h.count("SELECT 1 FROM workflows") == 1)
        }
    }

    @Test("bad tokens and wrong roles: 401 or 403 on the intake and admin APIs; refusals of mutating calls are audited")
    func tokensAndRoles() async throws {
        try await IntakeHarness.with(live: true) { h in
            let id = try await h.startOrder("SO-1001").uuidString.lowercased()
            var tokens: [AdminRole: String] = [:]
            for role in AdminRole.allCases { tokens[role] = try await h.adminToken(role) }
            let revoked = try await h.adminToken(.admin, name: "revoked")
            _ = try await h.workflows.store.revokeAdminToken(name: "revoked")
            let expired = try await TestTokens.hs256(TestTokens.with { $0.exp = ExpirationClaim(value: Date().addingTimeInterval(-3600)) })
            let readOnly = try await TestTokens.hs256(TestTokens.with { $0.scope = "orders:read" })
            let foreign = try await TestTokens.hs256(secret: "another-secret-0123456789-abcdefghijklmnop")
            let body = Orders.body(id: "SO-2002")
            let w = "/admin/v1/workflows/\(id)"
            var probes: [Probe] = [
                Probe("intake: no token", "/api/v1/orders", json: body, status: 401),
                Probe("intake: not a JWT", "/api/v1/orders", caller: .bearer("garbage"), json: body, status: 401),
                Probe("intake: an injection-shaped token", "/api/v1/orders", caller: .bearer(Self.injection), json: body, status: 401),
                Probe("intake: expired", "/api/v1/orders", caller: .bearer(expired), json: body, status: 401),
                Probe("intake: signed with another key", "/api/v1/orders", caller: .bearer(foreign), json: body, status: 401),
                Probe("intake: alg none", "/api/v1/orders", caller: .bearer(try TestTokens.unsigned()), json: body, status: 401),
                Probe("intake: an admin token", "/api/v1/orders", caller: .admin(.admin), json: body, status: 401),
                Probe("intake: read scope only", "/api/v1/orders", caller: .bearer(readOnly), json: body, status: 403),
                Probe("intake: Basic credentials", .post, "/api/v1/orders", headers: [("Authorization", "Basic c2hvcDpzZWNyZXQ=")],
                      body: Data(body.utf8), status: 401),
                Probe("admin: no token", .get, "/admin/v1/workflows", contentType: nil, status: 401),
                Probe("admin: an intake JWT", .get, "/admin/v1/workflows", caller: .shop, contentType: nil, status: 401),
                Probe("admin: a revoked token", .get, "/admin/v1/workflows", caller: .bearer(revoked), contentType: nil, status: 401),
                Probe("admin: a made-up sdl_ token", .get, "/admin/v1/workflows", caller: .bearer("sdl_" + String(repeating: "A", count: 43)),
                      contentType: nil, status: 401),
                Probe("admin: an injection-shaped token", .get, "/admin/v1/workflows", caller: .bearer("sdl_" + Self.injection),
                      contentType: nil, status: 401),
                Probe("admin: a 1,000 character token", .get, "/admin/v1/workflows", caller: .bearer("sdl_" + String(repeating: "x", count: 1000)),
                      contentType: nil, status: 401),
                Probe("admin: Bearer with nothing after it", .get, "/admin/v1/workflows", contentType: nil,
                      headers: [("Authorization", "Bearer ")], status: 401),
                Probe("admin: no token on an action", w + "/cancel", json: #"{"reason": "x"}"#, status: 401),
            ]
            // Wrong roles on mutating routes: 403, each recorded as a refused audit entry.
            let forbidden: [(AdminRole, String, String)] = [
                (.viewer, w + "/cancel", #"{"reason": "x"}"#), (.finance, w + "/cancel", #"{"reason": "x"}"#),
                (.viewer, w + "/resume", "{}"), (.finance, w + "/signal", #"{"name": "n", "signal_id": "s"}"#),
                (.operator, "/admin/v1/types/order/pause", "{}"), (.viewer, "/admin/v1/schedules/nightly/trigger", "{}"),
                (.operator, "/admin/v1/batches/quickbooks-daily/rerun", #"{"date": "2026-11-20", "reason": "x"}"#),
                (.viewer, "/admin/v1/outbox/1/replay", "{}"),
            ]
            for (role, path, json) in forbidden {
                probes.append(Probe("admin: \(role.rawValue) on \(path)", path, caller: .admin(role), json: json, status: 403))
            }
            let refusedBefore = try await Self.refusedAudits(h)
            try await Self.expectRefused(probes, on: h, tokens: tokens)
            #expect(try await Self.refusedAudits(h) == refusedBefore + forbidden.count)
        }
    }

    static func signed(_ path: String, _ body: String, header: String, secret: String, age: Int = 0, signedBody: String? = nil,
                       name: String, status: Int) -> Probe {
        let stamp = Int(Date().timeIntervalSince1970) - age
        let signature = TimestampedSignature.header(payload: Data((signedBody ?? body).utf8), secret: secret, timestamp: stamp)
        return Probe(name, .post, path, headers: [(header, signature)], body: Data(body.utf8), status: status)
    }

    @Test("webhooks: bad, replayed and stale signatures, unknown carriers, malformed and invalid events, U+0000")
    func webhooks() async throws {
        try await IntakeHarness.with(live: true) { h in
            let order = try await CarrierWebhookTests.trackedOrder(h)
            let stripe = "/webhooks/stripe"
            let fedex = "/webhooks/carriers/fedex"
            let event = StripeWebhookTests.event()
            let tracking = CarrierWebhookTests.event()
            let (stripeSecret, carrierSecret) = (IntakeHarness.stripeSecret, IntakeHarness.carrierSecret)
            func stripeProbe(_ name: String, _ body: String, secret: String = stripeSecret, age: Int = 0, signedBody: String? = nil,
                             status: Int) -> Probe {
                Self.signed(stripe, body, header: "Stripe-Signature", secret: secret, age: age, signedBody: signedBody, name: "stripe: \(name)",
                            status: status)
            }
            func carrierProbe(_ name: String, _ body: String, path: String = fedex, secret: String = carrierSecret, age: Int = 0,
                              signedBody: String? = nil, status: Int) -> Probe {
                Self.signed(path, body, header: "X-Carrier-Signature", secret: secret, age: age, signedBody: signedBody,
                            name: "carrier: \(name)", status: status)
            }
            // A delivery captured ten minutes ago, replayed now: stale.
            let captured = TimestampedSignature.header(payload: Data(event.utf8), secret: stripeSecret,
                                                       timestamp: Int(Date().timeIntervalSince1970) - 600)
            let probes: [Probe] = [
                Probe("stripe: no signature", stripe, json: event, status: 401),
                Probe("stripe: a malformed signature header", .post, stripe, headers: [("Stripe-Signature", "garbage")],
                      body: Data(event.utf8), status: 401),
                Probe("stripe: a v0 signature only", .post, stripe, headers: [("Stripe-Signature", "t=1,v0=abc")],
                      body: Data(event.utf8), status: 401),
                stripeProbe("signed with another secret", event, secret: "whsec_wrong", status: 401),
                stripeProbe("a signature of another body", event, signedBody: StripeWebhookTests.event(id: "evt_other"), status: 401),
                stripeProbe("six minutes old", event, age: 360, status: 401),
                Probe("stripe: a captured delivery replayed after the tolerance", .post, stripe, headers: [("Stripe-Signature", captured)],
                      body: Data(event.utf8), status: 401),
                stripeProbe("malformed JSON, signed", #"{"id": "evt_1", "#, status: 400),
                stripeProbe("not an event, signed", #"{"hello": "world"}"#, status: 400),
                stripeProbe("an event id with U+0000", StripeWebhookTests.event(id: #"evt\u0000"#), status: 400),
                stripeProbe("an order id with U+0000", StripeWebhookTests.event(orderID: #"SO-1001\u0000"#), status: 400),
                stripeProbe("600 nested arrays, signed", Self.nested(600), status: 400),
                Probe("stripe: text/plain", .post, stripe, contentType: "text/plain", body: Data(event.utf8), status: 415),
                Probe("stripe: 300 KiB", .post, stripe, body: Data(repeating: UInt8(ascii: " "), count: 300 * 1024), status: 413),
                carrierProbe("an unknown carrier", CarrierWebhookTests.event(carrier: "dhl"), path: "/webhooks/carriers/dhl", status: 404),
                carrierProbe("an upper-case carrier", tracking, path: "/webhooks/carriers/FEDEX", status: 404),
                carrierProbe("an injection-shaped carrier", tracking, path: "/webhooks/carriers/\(Self.escaped(Self.injection))", status: 404),
                carrierProbe("signed with another secret", tracking, secret: "not-the-secret", status: 401),
                carrierProbe("a signature of another body", tracking, signedBody: CarrierWebhookTests.event(id: "ev-2"), status: 401),
                carrierProbe("six minutes old", tracking, age: 360, status: 401),
                Probe("carrier: no signature", fedex, json: tracking, status: 401),
                carrierProbe("malformed JSON, signed", #"{"event_id": "#, status: 400),
                carrierProbe("missing fields", #"{"event_id": "ev-3"}"#, status: 422),
                carrierProbe("wrong types", #"{"event_id": 3, "carrier": "fedex", "tracking_number": 794600000001, "status": "delivered", "occurred_at": 0}"#,
                             status: 422),
                carrierProbe("another carrier than the URL's", CarrierWebhookTests.event(carrier: "ups"), status: 422),
                carrierProbe("an unknown status", CarrierWebhookTests.event(status: "teleported"), status: 422),
                carrierProbe("U+0000 in the location", tracking.replacingOccurrences(of: "Memphis, TN", with: #"Memphis\u0000"#), status: 422),
            ]
            try await Self.expectRefused(probes, on: h)

            // Invalid UTF-8 cannot be signed as text: raw bytes, correctly signed, are a 400.
            var bytes = Data(tracking.replacingOccurrences(of: "Memphis", with: "Memphis#").utf8)
            bytes[bytes.firstIndex(of: UInt8(ascii: "#"))!] = 0xFF
            let header = TimestampedSignature.header(payload: bytes, secret: carrierSecret, timestamp: Int(Date().timeIntervalSince1970))
            let latin = try await h.send(.post, fedex, headers: [("X-Carrier-Signature", header)], body: bytes)
            #expect(latin.status == .badRequest && latin.isJSON)

            // An injection-shaped tracking number is a well-formed event for no order: acknowledged
            // (the carrier must not retry it), matched as plain text, nothing written.
            let ledger = try await Self.ledger(h)
            let odd = CarrierWebhookTests.event(tracking: Self.injection)
            let oddHeader = TimestampedSignature.header(payload: Data(odd.utf8), secret: carrierSecret,
                                                        timestamp: Int(Date().timeIntervalSince1970))
            let ignored = try await h.send(.post, fedex, headers: [("X-Carrier-Signature", oddHeader)], body: Data(odd.utf8))
            #expect(ignored.status == .accepted && ignored.json["ignored"] as? String == "unknown tracking number")
            #expect(try await Self.ledger(h) == ledger)

            // A replay within the tolerance is a redelivery: acknowledged, and it adds nothing.
            let delivery = TimestampedSignature.header(payload: Data(tracking.utf8), secret: carrierSecret,
                                                       timestamp: Int(Date().timeIntervalSince1970))
            for _ in 0..<3 {
                let answer = try await h.send(.post, fedex, headers: [("X-Carrier-Signature", delivery)], body: Data(tracking.utf8))
                #expect(answer.status == .accepted)
            }
            #expect(try await h.count("SELECT 1 FROM workflow_signals WHERE workflow_id = '\(order.uuidString.lowercased())'") == 1)
        }
    }

    @Test("injection-shaped strings in filters and paths: matched as plain text, nothing run, nothing written")
    func injectionInFilters() async throws {
        try await IntakeHarness.with(live: true) { h in
            let token = try await h.adminToken(.admin)
            _ = try await h.startOrder("SO-1001")
            let before = try await Self.ledger(h)
            let shapes = [Self.injection, "' OR '1'='1", "\" OR 1=1 --", "SO-1001' --", "%", "_", "\\", "1; CREATE TABLE injected_marker (x int)", "x'); CREATE TABLE injected_marker (x int); --",
                          "$1", "SO-1001\\'", "{\"$ne\": null}"]
            for shape in shapes {
                for filter in ["business_key", "state", "type", "actor"] {
                    let path = filter == "actor" ? "/admin/v1/audit" : "/admin/v1/workflows"
                    let answer = try await h.send(.get, "\(path)?\(filter)=\(Self.escaped(shape))", token: token, contentType: nil)
                    #expect(answer.status == .ok && answer.isJSON, "\(filter)=\(shape): \(answer.text)")
                    let rows = (answer.object["workflows"] ?? answer.object["entries"]) as? [Any]
                    #expect(rows?.isEmpty == true, "\(filter)=\(shape) matched something: \(answer.text)")
                }
                for path in ["/admin/v1/workflows/\(Self.escaped(shape))", "/admin/v1/workflows/\(Self.escaped(shape))/explain",
                             "/admin/v1/batches/\(Self.escaped(shape))/runs"] {
                    let answer = try await h.send(.get, path, token: token, contentType: nil)
                    #expect((400..<500).contains(answer.status.code) && answer.isJSON, "\(path): \(answer.text)")
                }
                for path in ["/admin/v1/types/\(Self.escaped(shape))/pause", "/admin/v1/schedules/\(Self.escaped(shape))/pause",
                             "/admin/v1/outbox/\(Self.escaped(shape))/replay"] {
                    let answer = try await h.send(.post, path, token: token, json: "{}")
                    #expect((400..<500).contains(answer.status.code) && answer.isJSON, "\(path): \(answer.text)")
                }
            }
            // The same shapes as a status, a date or a limit are refused as invalid.
            for filter in ["status", "created_from", "limit", "cursor"] {
                let answer = try await h.send(.get, "/admin/v1/workflows?\(filter)=\(Self.escaped(Self.injection))", token: token, contentType: nil)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query", "\(filter): \(answer.text)")
            }
            #expect(try await h.count("SELECT 1 FROM workflows") == 1)
            // A statement smuggled in a filter would have left its table behind.
            #expect(try await h.count("SELECT 1 FROM pg_class WHERE relname = 'injected_marker'") == 0)
            let after = try await Self.ledger(h)
            for (table, rows) in before where after[table] != rows { Issue.record("\(table) changed: \(rows) → \(after[table] ?? "-")") }
            #expect(try await h.send(.get, "/health/live", contentType: nil).status == .ok)
        }
    }

    @Test("invalid cron expressions and time zones are refused where they are read", arguments: [
        ("*/0 * * * *", "UTC"), ("61 * * * *", "UTC"), ("* * * *", "UTC"), ("'; DROP TABLE schedules; --", "UTC"), ("\u{0} * * * *", "UTC"),
        ("0 23 * * *", "Mars/Olympus_Mons"), ("0 23 * * *", ""), ("0 23 * * *", "UTC+25"), ("0 23 * * *", "../../etc/passwd"),
        ("0 23 * * *", "America/New_York'; --"),
    ])
    func schedules(cron: String, zone: String) throws {
        #expect(throws: CronError.self) { try Schedule(cron: cron, timeZone: zone) }
        if cron == "0 23 * * *" {
            #expect(throws: (any Error).self) { try StoreCalendar(timeZone: zone) }
        }
    }

    static var sundialBinary: URL {
        if let folder = ProcessInfo.processInfo.environment["SUNDIAL_TEST_BUILD_DIR"] {
            return URL(fileURLWithPath: folder).appendingPathComponent("sundial")
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/sundial")
    }

    @Test("the CLI and the server refuse an unknown store time zone at start, naming the setting",
          .enabled(if: FileManager.default.isExecutableFile(atPath: BadInputTests.sundialBinary.path)))
    func timeZoneSetting() async throws {
        for arguments in [["serve", "--port", "0"], ["schedules", "trigger", "nightly"]] {
            let process = Process()
            process.executableURL = Self.sundialBinary
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = IntakeHarness.url
            environment["SUNDIAL_SCHEMA"] = "no_such_schema"
            environment["SUNDIAL_STORE_TIME_ZONE"] = "Mars/Olympus_Mons"
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let deadline = ContinuousClock.now + .seconds(20)
            while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus != 0, "\(arguments): \(text)")
            #expect(text.contains("SUNDIAL_STORE_TIME_ZONE"), "\(arguments): \(text)")
        }
    }
}
