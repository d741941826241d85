import Foundation
import HTTPTypes
import SundialEngine
import Testing

@Suite("Admin API")
struct AdminAPITests {
    /// A cursor token as the server would encode `text` (to forge out-of-range ones).
    static func cursorToken(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Path parameters that exist in no database: every documented operation must still be
    /// routed (answer anything but the router's own 404/405).
    static func concrete(_ path: String) -> String {
        path.replacingOccurrences(of: "{id}", with: path.contains("/outbox/") ? "99" : UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{type}", with: "order").replacingOccurrences(of: "{name}", with: "nightly")
            .replacingOccurrences(of: "{job}", with: "quickbooks-daily").replacingOccurrences(of: "{workflow_id}", with: UUID().uuidString.lowercased())
    }

    @Test("the OpenAPI document and the router agree: every served operation is documented and every documented one served")
    func openAPIMatchesRouter() async throws {
        try await IntakeHarness.with { h in
            let answer = try await h.send(.get, "/admin/v1/openapi.json", contentType: nil)
            #expect(answer.status == .ok && answer.isJSON)
            let spec = try OpenAPIValidator(answer.text)
            #expect(spec.document["openapi"] as? String == "3.1.0")
            // The validator does catch a departure from the documented shape.
            #expect(!spec.problems(method: "GET", path: "/admin/v1/workflows", status: 200, body: ["workflows": "nope"]).isEmpty)
            #expect(!spec.problems(method: "GET", path: "/admin/v1/workflows", status: 200,
                                   body: ["workflows": [["id": 1]], "next_cursor": NSNull()]).isEmpty)
            let served = Set(h.adminOperations.map { "\($0.method) \($0.path)" })
            #expect(served == spec.operations, "served only: \(served.subtracting(spec.operations)); documented only: \(spec.operations.subtracting(served))")
            let admin = try await h.adminToken(.admin)
            for operation in spec.operations.sorted() {
                let parts = operation.split(separator: " ")
                let method = HTTPRequest.Method(String(parts[0]))!
                let reply = try await h.send(method, Self.concrete(String(parts[1])), token: admin,
                                             contentType: method == .post ? "application/json" : nil,
                                             body: method == .post ? Data("{}".utf8) : nil)
                #expect(reply.isJSON, "\(operation)")
                #expect(reply.errorCode != "not_found" && reply.status != .methodNotAllowed, "\(operation) is not routed: \(reply.text)")
                #expect(reply.status.code < 500, "\(operation): \(reply.text)")
                let problems = spec.problems(method: String(parts[0]), path: String(parts[1]), status: reply.status.code,
                                             body: try JSONSerialization.jsonObject(with: Data(reply.text.utf8)))
                #expect(problems.isEmpty, "\(operation) \(reply.status.code): \(problems)")
            }
        }
    }

    @Test("401 without a live token, 403 for a role that may not, per role; refusals are audited")
    func roleMatrix() async throws {
        try await IntakeHarness.with { h in
            let tokens: [AdminRole: String] = [
                .viewer: try await h.adminToken(.viewer), .operator: try await h.adminToken(.operator),
                .finance: try await h.adminToken(.finance), .admin: try await h.adminToken(.admin),
            ]
            let id = try await h.startOrder("SO-ROLE")
            let read = "/admin/v1/workflows/\(id.uuidString.lowercased())"
            for (status, token) in [(HTTPResponse.Status.unauthorized, nil), (.unauthorized, "sdl_not-a-real-token"), (.unauthorized, "garbage")] {
                let answer = try await h.send(.get, read, token: token, contentType: nil)
                #expect(answer.status == status && answer.errorCode == "invalid_token" && answer.isJSON)
            }
            _ = try await h.workflows.store.revokeAdminToken(name: "viewer-token")
            #expect(try await h.send(.get, read, token: tokens[.viewer], contentType: nil).status == .unauthorized)
            let viewer = try await h.adminToken(.viewer, name: "viewer-2")

            // (path, body, roles allowed)
            let calls: [(String, String, Set<AdminRole>)] = [
                ("/workflows/\(id.uuidString.lowercased())/cancel", #"{"reason":"x"}"#, [.operator, .admin]),
                ("/workflows/\(id.uuidString.lowercased())/signal", #"{"name":"n","signal_id":"s"}"#, [.operator, .admin]),
                ("/workflows/\(id.uuidString.lowercased())/resume", "{}", [.operator, .admin]),
                ("/workflows/\(id.uuidString.lowercased())/retry", "{}", [.operator, .admin]),
                ("/workflows/\(id.uuidString.lowercased())/rerun", #"{"state":"track","reason":"x"}"#, [.operator, .admin]),
                ("/types/order/pause", "{}", [.admin]),
                ("/types/order/resume", "{}", [.admin]),
                ("/schedules/nightly/pause", "{}", [.admin]),
                ("/outbox/1/replay", "{}", [.admin]),
                ("/batches/quickbooks-daily/rerun", #"{"date":"2026-11-20","reason":"x"}"#, [.finance, .admin]),
            ]
            var all = tokens
            all[.viewer] = viewer
            for (path, body, allowed) in calls {
                for role in AdminRole.allCases {
                    let answer = try await h.send(.post, "/admin/v1" + path, token: all[role], json: body)
                    if allowed.contains(role) {
                        #expect(answer.status != .forbidden && answer.status != .unauthorized, "\(role) \(path): \(answer.text)")
                    } else {
                        #expect(answer.status == .forbidden && answer.errorCode == "forbidden", "\(role) \(path): \(answer.text)")
                    }
                }
            }
            for role in AdminRole.allCases {
                for path in ["/workflows", read.replacingOccurrences(of: "/admin/v1", with: ""), "/workers", "/types", "/schedules", "/outbox/parked", "/audit",
                             "/batches/quickbooks-daily/runs", "/batches/quickbooks-daily/runs?date=2026-11-20"] {
                    #expect(try await h.send(.get, "/admin/v1" + path, token: all[role], contentType: nil).status == .ok, "\(role) GET \(path)")
                }
            }
            let refusals = try await h.count("SELECT 1 FROM audit_log WHERE outcome = 'refused' AND detail LIKE 'forbidden%'")
            // viewer on all ten calls, finance on the nine that are not batch reruns, operator on
            // the four fleet calls and the batch rerun.
            #expect(refusals == 10 + 9 + 5)
        }
    }

    @Test("list: filters, cursor pages without duplicates or gaps, and 400 for unknown filters, bad cursors, dates, statuses")
    func listWorkflows() async throws {
        try await IntakeHarness.with { h in
            let token = try await h.adminToken(.viewer)
            var ids = Set<UUID>()
            for n in 0..<12 { ids.insert(try await h.startOrder("SO-L\(n)")) }
            var seen: [String] = []
            var uri = "/admin/v1/workflows?type=order&limit=5"
            var pages = 0
            while true {
                let page = try await h.send(.get, uri, token: token, contentType: nil)
                #expect(page.status == .ok)
                try await h.expectDocumented(page, "GET", "/admin/v1/workflows")
                let rows = page.object["workflows"] as? [[String: Any]] ?? []
                seen += rows.compactMap { $0["id"] as? String }
                pages += 1
                guard let next = page.object["next_cursor"] as? String else { break }
                uri = "/admin/v1/workflows?type=order&limit=5&cursor=\(next)"
            }
            #expect(pages == 3)
            #expect(seen.count == 12 && Set(seen) == Set(ids.map { $0.uuidString.lowercased() }))
            let none = try await h.send(.get, "/admin/v1/workflows?business_key=SO-L3&status=completed", token: token, contentType: nil)
            #expect((none.object["workflows"] as? [[String: Any]])?.isEmpty == true)
            let byKey = try await h.send(.get, "/admin/v1/workflows?business_key=SO-L3", token: token, contentType: nil)
            #expect((byKey.object["workflows"] as? [[String: Any]])?.first?["business_key"] as? String == "SO-L3")

            for bad in ["colour=red", "cursor=abc", "cursor=\(UUID())", "created_from=yesterday", "status=sleepy", "limit=0", "limit=5000",
                        "type=a&type=b", "updated_to=2026-13-01T00:00:00Z", "type=%00", "business_key=a%0Ab",
                        "cursor=" + Self.cursorToken("c1:9223372036854775807:\(UUID())"), "cursor=" + Self.cursorToken("c1:-5:\(UUID())")] {
                let answer = try await h.send(.get, "/admin/v1/workflows?\(bad)", token: token, contentType: nil)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query" && answer.isJSON, "\(bad): \(answer.text)")
            }
        }
    }

    @Test("detail and explain: input, context, history, pending signals, the reason it waits; bad and unknown ids")
    func detailAndExplain() async throws {
        try await IntakeHarness.with { h in
            let token = try await h.adminToken(.viewer)
            let id = try await h.startOrder("SO-D1")
            _ = try await h.workflows.signal(id, name: "early", signalID: "e-1", payloadJSON: #"{"n":1}"#)
            let detail = try await h.send(.get, "/admin/v1/workflows/\(id.uuidString.lowercased())", token: token, contentType: nil)
            #expect(detail.status == .ok)
            try await h.expectDocumented(detail, "GET", "/admin/v1/workflows/{id}")
            let workflow = detail.object["workflow"] as? [String: Any] ?? [:]
            #expect(workflow["id"] as? String == id.uuidString.lowercased())
            #expect((workflow["input"] as? [String: Any])?["order_id"] as? String == "SO-D1")
            #expect(workflow["context"] is [String: Any])
            #expect((detail.object["history"] as? [[String: Any]])?.first?["event"] as? String == "started")
            #expect((detail.object["pending_signals"] as? [[String: Any]])?.first?["name"] as? String == "early")
            // No worker runs the probe: due, and no live worker registers it.
            let explain = try await h.send(.get, "/admin/v1/workflows/\(id.uuidString.lowercased())/explain", token: token, contentType: nil)
            #expect(explain.object["reason"] as? String == "not_deployed")
            try await h.setWorkflow(id, "status = 'waiting', wait_signal = 'payment', run_at = now() + interval '1 hour'")
            let waiting = try await h.send(.get, "/admin/v1/workflows/\(id.uuidString.lowercased())/explain", token: token, contentType: nil)
            #expect(waiting.object["reason"] as? String == "awaiting_signal" && waiting.object["signal"] as? String == "payment")
            try await h.expectDocumented(waiting, "GET", "/admin/v1/workflows/{id}/explain")

            let badID = try await h.send(.get, "/admin/v1/workflows/not-a-uuid", token: token, contentType: nil)
            #expect(badID.status == .badRequest && badID.errorCode == "invalid_id")
            let unknown = try await h.send(.get, "/admin/v1/workflows/\(UUID().uuidString.lowercased())/explain", token: token, contentType: nil)
            #expect(unknown.status == .notFound && unknown.errorCode == "workflow_not_found")
            let extra = try await h.send(.get, "/admin/v1/workflows/\(id.uuidString.lowercased())?x=1", token: token, contentType: nil)
            #expect(extra.status == .badRequest)
        }
    }

    @Test("actions: each happy path and each 409 precondition, with audit rows for every call")
    func actions() async throws {
        try await IntakeHarness.with { h in
            let op = try await h.adminToken(.operator, name: "ops-anna")
            let admin = try await h.adminToken(.admin, name: "root")
            func post(_ path: String, _ body: String, token: String? = nil) async throws -> IntakeHarness.Answer {
                try await h.send(.post, "/admin/v1" + path, token: token ?? op, json: body)
            }
            let a = try await h.startOrder("SO-A1")
            let w = "/workflows/\(a.uuidString.lowercased())"

            // resume: only failed, compensation_failed or parked for an operator.
            let notFailed = try await post(w + "/resume", "{}")
            #expect(notFailed.status == .conflict && notFailed.errorCode == "precondition_failed" && notFailed.error["reason"] != nil)
            try await h.expectDocumented(notFailed, "POST", "/admin/v1/workflows/{id}/resume")
            try await h.setWorkflow(a, "status = 'failed', run_at = NULL, last_error = 'boom'")
            #expect(try await post(w + "/resume", #"{"reason":"fixed"}"#).status == .ok)
            #expect(try await h.workflows.workflow(a).status == .runnable)

            // retry: only backing off after a failed attempt.
            #expect(try await post(w + "/retry", "{}").status == .conflict)
            try await h.setWorkflow(a, "attempt = 1, last_error = 'timeout', run_at = now() + interval '1 hour'")
            #expect(try await post(w + "/retry", "{}").status == .ok)

            // signal: accepted, then a duplicate.
            let signal = try await post(w + "/signal", #"{"name":"payment","signal_id":"p-1","payload":{"status":"succeeded"}}"#)
            #expect(signal.status == .ok && signal.object["delivery"] as? String == "accepted")
            try await h.expectDocumented(signal, "POST", "/admin/v1/workflows/{id}/signal")
            #expect(try await post(w + "/signal", #"{"name":"payment","signal_id":"p-1"}"#).object["delivery"] as? String == "duplicate")

            // cancel: the workflow's own refusal is a 409 with its reason; reason is required.
            let shipped = try await h.startOrder("shipped-1")
            let refused = try await post("/workflows/\(shipped.uuidString.lowercased())/cancel", #"{"reason":"customer asked"}"#)
            #expect(refused.status == .conflict && refused.errorCode == "cancel_refused" && refused.error["reason"] as? String == OrderProbe.refusal)
            try await h.expectDocumented(refused, "POST", "/admin/v1/workflows/{id}/cancel")
            #expect(try await post(w + "/cancel", "{}").status == .unprocessableContent)
            #expect(try await post(w + "/cancel", #"{"reason":"customer asked"}"#).status == .accepted)

            // rerun: refused while active; from a finished run it starts <key>#rerun-1 linked to it.
            #expect(try await post(w + "/rerun", #"{"state":"track","reason":"again"}"#).status == .conflict)
            try await h.setWorkflow(a, "status = 'cancelled', run_at = NULL, finished_at = now()")
            #expect(try await post(w + "/resume", "{}").status == .conflict)
            #expect(try await post(w + "/signal", #"{"name":"payment","signal_id":"p-2"}"#).status == .conflict)
            #expect(try await post(w + "/cancel", #"{"reason":"again"}"#).status == .conflict)
            #expect(try await post(w + "/rerun", #"{"state":"nowhere","reason":"again"}"#).status == .unprocessableContent)
            let rerun = try await post(w + "/rerun", #"{"state":"track","reason":"label reprinted"}"#)
            #expect(rerun.status == .created && rerun.object["business_key"] as? String == "SO-A1#rerun-1")
            try await h.expectDocumented(rerun, "POST", "/admin/v1/workflows/{id}/rerun")
            let newID = try #require((rerun.object["new_workflow_id"] as? String).flatMap(UUID.init(uuidString:)))
            let created = try await h.workflows.workflow(newID)
            let original = try await h.workflows.workflow(a)
            #expect(created.rerunOf == a && created.state == "track" && created.input == original.input)

            // types: pause, 409 when paused twice, resume, 409 when not paused.
            #expect(try await post("/types/order/pause", #"{"reason":"carrier outage"}"#, token: admin).status == .ok)
            #expect(try await post("/types/order/pause", "{}", token: admin).status == .conflict)
            let types = try await h.send(.get, "/admin/v1/types", token: admin, contentType: nil)
            #expect((types.object["types"] as? [[String: Any]])?.first { $0["type"] as? String == "order" }?["paused"] as? Bool == true)
            try await h.expectDocumented(types, "GET", "/admin/v1/types")
            #expect(try await post("/types/order/resume", "{}", token: admin).status == .ok)
            #expect(try await post("/types/order/resume", "{}", token: admin).status == .conflict)

            // schedules and outbox: unknown names and ids.
            #expect(try await post("/schedules/nightly/trigger", "{}", token: admin).status == .notFound)
            #expect(try await post("/outbox/12/replay", "{}", token: admin).status == .conflict)
            #expect(try await post("/outbox/abc/replay", "{}", token: admin).status == .badRequest)

            // Audit: one row per mutating call (the 400 for a bad outbox id never reached an action).
            let audit = try await h.send(.get, "/admin/v1/audit?actor=ops-anna&limit=100", token: admin, contentType: nil)
            let entries = audit.object["entries"] as? [[String: Any]] ?? []
            try await h.expectDocumented(audit, "GET", "/admin/v1/audit")
            #expect(entries.count == 14, "\(entries.map { "\($0["action"]!) \($0["outcome"]!)" })")
            #expect(entries.contains { $0["action"] as? String == "workflow.cancel" && $0["outcome"] as? String == "refused"
                && ($0["detail"] as? String)?.contains(OrderProbe.refusal) == true && $0["reason"] as? String == "customer asked" })
            #expect(entries.contains { $0["action"] as? String == "workflow.rerun" && $0["outcome"] as? String == "ok"
                && $0["target"] as? String == "workflow:\(a.uuidString.lowercased())" })
            // A workflow action that took wrote its audit row in its own statement: same transaction, same now().
            for (action, event) in [("workflow.rerun", "rerun"), ("workflow.cancel", "cancel-requested"), ("workflow.resume", "resumed"),
                                    ("workflow.retry", "retry-now")] {
                let together = try await h.count("""
                    SELECT 1 FROM audit_log a JOIN workflow_history w ON w.created_at = a.at AND w.event = '\(event)'
                    WHERE a.action = '\(action)' AND a.outcome = 'ok'
                    """)
                #expect(together == 1, "\(action)")
            }
            let fleet = try await h.send(.get, "/admin/v1/audit?actor=root&limit=100", token: admin, contentType: nil)
            #expect((fleet.object["entries"] as? [[String: Any]])?.count == 6)
            let paged = try await h.send(.get, "/admin/v1/audit?limit=10", token: admin, contentType: nil)
            let cursor = try #require(paged.object["next_cursor"] as? String)
            let second = try await h.send(.get, "/admin/v1/audit?limit=10&cursor=\(cursor)", token: admin, contentType: nil)
            let firstIDs = (paged.object["entries"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            let secondIDs = (second.object["entries"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            #expect(Set(firstIDs).isDisjoint(with: secondIDs) && (firstIDs.min() ?? 0) > (secondIDs.max() ?? 0))
        }
    }

    @Test("malformed input on every mutating route is a 4xx JSON and changes nothing")
    func malformedInput() async throws {
        try await IntakeHarness.with { h in
            let admin = try await h.adminToken(.admin)
            let id = try await h.startOrder("SO-M1")
            let w = "/admin/v1/workflows/\(id.uuidString.lowercased())"
            let routes = [w + "/resume", w + "/retry", w + "/cancel", w + "/signal", w + "/rerun", "/admin/v1/types/order/pause",
                          "/admin/v1/types/order/resume", "/admin/v1/schedules/nightly/pause", "/admin/v1/outbox/1/replay",
                          "/admin/v1/batches/quickbooks-daily/rerun"]
            let before = try await h.count("SELECT * FROM workflows WHERE status = 'runnable'")
            let invalidUTF8 = Data(#"{"reason":"a"#.utf8) + Data([0xFF]) + Data(#""}"#.utf8)
            let nested = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
            let oversized = "{\"reason\":\"" + String(repeating: "x", count: 20_000) + "\"}"
            let bodies: [(String, Data, HTTPResponse.Status)] = [
                ("application/json", Data("{not json".utf8), HTTPResponse.Status.badRequest),
                ("application/json", Data("[1,2]".utf8), .unprocessableContent),
                ("application/json", Data(#"{"unknown_member":1}"#.utf8), .unprocessableContent),
                ("text/plain", Data("reason".utf8), .unsupportedMediaType),
                ("application/json", Data(oversized.utf8), .contentTooLarge),
                // Found by ops/fuzz: `null` where the document says string was taken as absent.
                ("application/json", Data(#"{"reason":null}"#.utf8), .unprocessableContent),
                ("application/json", Data(#"{"reason":5}"#.utf8), .unprocessableContent),
                ("application/json", Data(#""reason""#.utf8), .unprocessableContent),
                ("application/json", invalidUTF8, .badRequest),
                ("application/json", Data(nested.utf8), .badRequest),
            ]
            for route in routes {
                for (contentType, body, expected) in bodies {
                    let answer = try await h.send(.post, route, token: admin, contentType: contentType, body: body)
                    #expect(answer.status == expected && answer.isJSON && answer.errorCode != nil, "\(route) \(contentType): \(answer.status) \(answer.text)")
                }
            }
            // U+0000, which Postgres text and jsonb refuse, is a 422 rather than a 500.
            for (route, body) in [(w + "/cancel", #"{"reason":"a\u0000b"}"#), (w + "/signal", #"{"name":"n","signal_id":"s","payload":{"k":"\u0000"}}"#),
                                  (w + "/resume", #"{"reason":"\u0000"}"#)] {
                let answer = try await h.send(.post, route, token: admin, json: body)
                #expect(answer.status == .unprocessableContent && answer.isJSON, "\(route): \(answer.text)")
            }
            // Lengths count code points, as the document's maxLength does (found by ops/fuzz: 300
            // thumbs with skin tones are 300 characters to Swift and 600 code points to the schema).
            let thumbs = String(repeating: "\u{1F44D}\u{1F3FB}", count: 300)
            for (route, body) in [(w + "/cancel", "{\"reason\":\"\(thumbs)\"}"),
                                  (w + "/signal", "{\"name\":\"\(String(repeating: "n", count: 201))\",\"signal_id\":\"s\"}")] {
                let answer = try await h.send(.post, route, token: admin, json: body)
                #expect(answer.status == .unprocessableContent && answer.isJSON, "\(route): \(answer.text.prefix(200))")
            }
            for route in routes.filter({ $0.hasPrefix(w) }) {
                let bad = route.replacingOccurrences(of: id.uuidString.lowercased(), with: "12345")
                let answer = try await h.send(.post, bad, token: admin, json: #"{"reason":"x"}"#)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_id", "\(bad)")
            }
            #expect(try await h.count("SELECT * FROM workflows WHERE status = 'runnable'") == before)
            #expect(try await h.count("SELECT * FROM paused_types") == 0)
            #expect(try await h.count("SELECT * FROM workflow_history WHERE event <> 'started'") == 0)
        }
    }
}
