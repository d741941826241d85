import Foundation
import HTTPTypes
import SundialEngine
import SundialHTTP
import Testing
import Workflows

/// A browser's view of the dashboard in a test: the session cookie and the CSRF token its pages
/// carry.
struct DashboardBrowser {
    let cookie: String
    let csrf: String
}

extension IntakeHarness {
    static let form = "application/x-www-form-urlencoded"

    /// Logs in with a new token of `role` through the login form, as a browser does.
    func dashboardLogin(_ role: AdminRole, name: String? = nil) async throws -> DashboardBrowser {
        let token = try await adminToken(role, name: name)
        let page = try await send(.get, "/admin/login", contentType: nil)
        let nonce = try #require(Self.cookies(page)["sundial_login"]?.value)
        let answer = try await send(.post, "/admin/login", contentType: Self.form, headers: [("Cookie", "sundial_login=\(nonce)")],
                                    body: Data("csrf=\(nonce)&token=\(token)".utf8))
        #expect(answer.status == .seeOther)
        let cookie = try #require(Self.cookies(answer)["sundial_admin"]?.value)
        let overview = try await send(.get, "/admin", contentType: nil, headers: [("Cookie", "sundial_admin=\(cookie)")])
        #expect(overview.status == .ok)
        return DashboardBrowser(cookie: cookie, csrf: try #require(Self.csrf(in: overview.text)))
    }

    func page(_ browser: DashboardBrowser, _ path: String) async throws -> Answer {
        try await send(.get, path, contentType: nil, headers: [("Cookie", "sundial_admin=\(browser.cookie)")])
    }

    func post(_ browser: DashboardBrowser, _ path: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> Answer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let pairs = [("csrf", csrf ?? browser.csrf)] + fields
        let body = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        return try await send(.post, path, contentType: Self.form, headers: [("Cookie", "sundial_admin=\(browser.cookie)")], body: Data(body.utf8))
    }

    /// Set-Cookie headers by cookie name: the value and the attributes as written.
    static func cookies(_ answer: Answer) -> [String: (value: String, attributes: [String])] {
        var result: [String: (String, [String])] = [:]
        for header in answer.headers[values: .setCookie] {
            let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = parts.first, let equals = first.firstIndex(of: "=") else { continue }
            result[String(first[..<equals])] = (String(first[first.index(after: equals)...]), Array(parts.dropFirst()))
        }
        return result
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="([0-9a-f]{64})""#, options: .regularExpression) else { return nil }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    func auditCount(_ id: UUID, outcome: String) async throws -> Int {
        try await count("SELECT 1 FROM audit_log WHERE target = 'workflow:\(id.uuidString.lowercased())' AND outcome = '\(outcome)'")
    }

    func status(_ id: UUID) async throws -> String { try await workflows.workflow(id).status.rawValue }
}

@Suite("Dashboard")
struct DashboardTests {
    @Test("login sets a Secure, HttpOnly, SameSite=Strict session cookie scoped to /admin that is not the token; a bad token or a missing form token logs nobody in; logout clears it")
    func loginCookie() async throws {
        try await IntakeHarness.with(live: true) { h in
            // Without a session every page leads to the login form.
            let anonymous = try await h.send(.get, "/admin/workflows", contentType: nil)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/admin/login")

            let form = try await h.send(.get, "/admin/login", contentType: nil)
            #expect(form.status == .ok && form.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(form.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let nonce = try #require(IntakeHarness.cookies(form)["sundial_login"])
            #expect(nonce.attributes.contains("HttpOnly") && nonce.attributes.contains("SameSite=Strict"))

            let token = try await h.adminToken(.operator, name: "ops-ada")
            // No login cookie: 403, no session.
            let forged = try await h.send(.post, "/admin/login", contentType: IntakeHarness.form, body: Data("csrf=\(nonce.value)&token=\(token)".utf8))
            #expect(forged.status == .forbidden && IntakeHarness.cookies(forged)["sundial_admin"] == nil)
            // A token nobody issued: 401, no session.
            let unknown = try await h.send(.post, "/admin/login", contentType: IntakeHarness.form, headers: [("Cookie", "sundial_login=\(nonce.value)")],
                                           body: Data("csrf=\(nonce.value)&token=sdl_nope".utf8))
            #expect(unknown.status == .unauthorized && IntakeHarness.cookies(unknown)["sundial_admin"] == nil)
            #expect(unknown.text.contains("unknown or revoked"))

            let answer = try await h.send(.post, "/admin/login", contentType: IntakeHarness.form, headers: [("Cookie", "sundial_login=\(nonce.value)")],
                                          body: Data("csrf=\(nonce.value)&token=\(token)".utf8))
            #expect(answer.status == .seeOther && answer.headers[.location] == "/admin")
            let session = try #require(IntakeHarness.cookies(answer)["sundial_admin"])
            #expect(session.value != token && !session.value.contains(AdminTokenSecret.prefix))
            #expect(session.value.count == 64)
            #expect(session.attributes.contains("HttpOnly"))
            #expect(session.attributes.contains("SameSite=Strict"))
            #expect(session.attributes.contains("Path=/admin"))
            #expect(session.attributes.contains("Max-Age=43200"))
            #expect(session.attributes.contains("Secure"), "Secure by default, even on plain HTTP (a proxy terminates TLS)")

            let browser = DashboardBrowser(cookie: session.value, csrf: "")
            let overview = try await h.page(browser, "/admin")
            #expect(overview.status == .ok && overview.text.contains("ops-ada") && overview.text.contains("Workflows by type and status"))
            #expect(overview.text.contains("<svg class=\"chart\""))

            // Logging out needs the form's CSRF token too, and clears the cookie.
            let csrf = try #require(IntakeHarness.csrf(in: overview.text))
            let out = try await h.post(DashboardBrowser(cookie: session.value, csrf: csrf), "/admin/logout", [])
            #expect(out.status == .seeOther && out.headers[.location] == "/admin/login")
            #expect(IntakeHarness.cookies(out)["sundial_admin"]?.attributes.contains("Max-Age=0") == true)

            // The logged-out session is gone server-side.
            #expect(try await h.page(browser, "/admin").status == .seeOther)
        }
    }

    @Test("with TLS on, the session and login cookies are Secure and answers carry Strict-Transport-Security")
    func secureCookieUnderTLS() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-dash-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let made = try await TLSListenerTests.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
        ])
        try #require(made.status == 0, "\(made.output)")
        let security = try ServerSecurity.fromEnvironment(EnvironmentReader(["SUNDIAL_TLS_CERT_FILE": cert, "SUNDIAL_TLS_KEY_FILE": key]))
        // The router alone (no listener): the cookie flags follow the server's TLS setting.
        try await IntakeHarness.with(configure: { $0.security = security }) { h in
            let form = try await h.send(.get, "/admin/login", contentType: nil)
            let nonce = try #require(IntakeHarness.cookies(form)["sundial_login"])
            #expect(nonce.attributes.contains("Secure"))
            #expect(form.headers[.strictTransportSecurity] == "max-age=31536000")
            let token = try await h.adminToken(.viewer)
            let answer = try await h.send(.post, "/admin/login", contentType: IntakeHarness.form, headers: [("Cookie", "sundial_login=\(nonce.value)")],
                                          body: Data("csrf=\(nonce.value)&token=\(token)".utf8))
            let session = try #require(IntakeHarness.cookies(answer)["sundial_admin"])
            #expect(session.attributes.contains("Secure") && session.attributes.contains("HttpOnly") && session.attributes.contains("SameSite=Strict"))
        }
    }

    @Test("pages escape what they show: a business key and an error holding markup come out as text")
    func escaping() async throws {
        try await IntakeHarness.with { h in
            let browser = try await h.dashboardLogin(.viewer)
            let id = try await h.startOrder("SO-ESC-1")
            try await h.setWorkflow(id, #"business_key = '<img src=x onerror=alert(1)>', status = 'failed', run_at = NULL, last_error = '<script>alert("x")</script> & more'"#)
            for path in ["/admin/workflows/\(id.uuidString.lowercased())", "/admin/workflows?status=failed", "/admin"] {
                let answer = try await h.page(browser, path)
                #expect(answer.status == .ok, "\(path)")
                #expect(!answer.text.contains("<script>") && !answer.text.contains("<img src=x"), "\(path)")
                #expect(answer.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"), "\(path)")
            }
            let page = try await h.page(browser, "/admin/workflows/\(id.uuidString.lowercased())")
            #expect(page.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
            // The type's diagram, with the current state marked.
            #expect(page.text.contains("<svg class=\"state-diagram\""))
            #expect(page.text.contains(#"<g class="state current visited" data-state="authorize">"#))
            #expect(page.text.contains(#"data-state="track""#))
            // A filter value is escaped back into the form.
            let list = try await h.page(browser, "/admin/workflows?business_key=%22%3E%3Cb%3Ex")
            #expect(list.status == .ok && list.text.contains("value=\"&quot;&gt;&lt;b&gt;x\"") && !list.text.contains("\"><b>x"))
        }
    }

    @Test("a POST without this session's CSRF token answers 403 and changes nothing; with it, the action is done and audited")
    func csrf() async throws {
        try await IntakeHarness.with { h in
            let browser = try await h.dashboardLogin(.operator, name: "ops-bea")
            let id = try await h.startOrder("SO-CSRF-1")
            try await h.setWorkflow(id, "status = 'failed', run_at = NULL, last_error = 'boom'")
            let path = "/admin/workflows/\(id.uuidString.lowercased())/resume"
            let other = try await h.dashboardLogin(.operator, name: "ops-other")
            for csrf in ["", "00", String(repeating: "a", count: 64), other.csrf] {
                let answer = try await h.post(browser, path, [("reason", "try it")], csrf: csrf)
                #expect(answer.status == .forbidden, "csrf '\(csrf)'")
                #expect(answer.text.contains("CSRF"))
            }
            // No csrf field at all.
            let bare = try await h.send(.post, path, contentType: IntakeHarness.form, headers: [("Cookie", "sundial_admin=\(browser.cookie)")],
                                        body: Data("reason=x".utf8))
            #expect(bare.status == .forbidden)
            #expect(try await h.status(id) == "failed")
            #expect(try await h.auditCount(id, outcome: "ok") == 0)
            #expect(try await h.auditCount(id, outcome: "refused") == 0)

            // A reason is asked for.
            let noReason = try await h.post(browser, path, [("reason", "  ")])
            #expect(noReason.status == .unprocessableContent && noReason.text.contains("reason"))
            #expect(try await h.status(id) == "failed")

            let done = try await h.post(browser, path, [("reason", "carrier is back <b>up</b>")])
            #expect(done.status == .seeOther && done.headers[.location] == "/admin/workflows/\(id.uuidString.lowercased())?done=resume")
            #expect(try await h.status(id) == "runnable")
            let entries = try await h.workflows.store.audit(AuditQuery(target: AdminActions.target(id)))
            let entry = try #require(entries.first)
            #expect(entry.actor == "ops-bea" && entry.action == "workflow.resume" && entry.outcome == "ok" && entry.reason == "carrier is back <b>up</b>")
            // The page shows the entry (escaped) and the confirmation.
            let page = try await h.page(browser, "/admin/workflows/\(id.uuidString.lowercased())?done=resume")
            #expect(page.text.contains("Resumed.") && page.text.contains("carrier is back &lt;b&gt;up&lt;/b&gt;"))
            // Resuming again is refused with the engine's reason, as a 409 page, and audited as refused.
            let again = try await h.post(browser, path, [("reason", "again")])
            #expect(again.status == .conflict && again.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(try await h.auditCount(id, outcome: "refused") == 1)
        }
    }

    @Test("a viewer reads but cannot act: no forms, and a posted action is 403, changes nothing and is audited as refused")
    func viewerCannotAct() async throws {
        try await IntakeHarness.with { h in
            let viewer = try await h.dashboardLogin(.viewer, name: "viewer-vic")
            let finance = try await h.dashboardLogin(.finance, name: "fin-fay")
            let id = try await h.startOrder("SO-VIEW-1")
            try await h.setWorkflow(id, "status = 'failed', run_at = NULL, last_error = 'boom'")
            let page = try await h.page(viewer, "/admin/workflows/\(id.uuidString.lowercased())")
            #expect(page.status == .ok && page.text.contains("reads only") && !page.text.contains("id=\"resume-form\""))
            for (browser, action, fields) in [(viewer, "resume", [("reason", "x")]), (viewer, "cancel", [("reason", "x")]),
                                              (finance, "cancel", [("reason", "finance may not cancel orders")]),
                                              (viewer, "rerun", [("state", "authorize"), ("reason", "x")])] {
                let answer = try await h.post(browser, "/admin/workflows/\(id.uuidString.lowercased())/\(action)", fields)
                #expect(answer.status == .forbidden, "\(action)")
            }
            #expect(try await h.status(id) == "failed")
            #expect(try await h.count("SELECT 1 FROM workflows") == 1)
            #expect(try await h.auditCount(id, outcome: "refused") == 4)
            #expect(try await h.auditCount(id, outcome: "ok") == 0)
            // A viewer's finance page offers no rerun, and a posted rerun is refused.
            let financePage = try await h.page(viewer, "/admin/finance")
            #expect(financePage.status == .ok && !financePage.text.contains("id=\"rerun-quickbooks-daily\""))
            let rerun = try await h.post(viewer, "/admin/finance/quickbooks-daily/rerun", [("date", "2026-11-20"), ("reason", "x")])
            #expect(rerun.status == .forbidden)
            #expect(try await h.count("SELECT 1 FROM audit_log WHERE action = 'batch.rerun' AND outcome = 'refused'") == 1)
        }
    }

    @Test("bad input answers a 4xx page, never a 5xx")
    func badInput() async throws {
        try await IntakeHarness.with { h in
            let browser = try await h.dashboardLogin(.operator)
            let workflowID = try await h.startOrder("SO-BAD-1")
            let before = try await h.status(workflowID)
            let id = workflowID.uuidString.lowercased()
            let gets: [(String, Int)] = [
                ("/admin/workflows?nope=1", 400), ("/admin/workflows?status=bogus", 400), ("/admin/workflows?created_from=yesterday", 400),
                ("/admin/workflows?cursor=garbage", 400), ("/admin/workflows?type=a&type=b", 400), ("/admin/workflows?state=%ZZ", 400),
                ("/admin/workflows/not-a-uuid", 400), ("/admin/workflows/\(UUID().uuidString.lowercased())", 404),
                ("/admin/workflows/\(id)?done=explode", 400), ("/admin?x=1", 400), ("/admin/finance?date=2026-13-40", 400),
                ("/admin/finance/nope/runs/\(id)/exceptions", 404), ("/admin/finance/quickbooks-daily/runs/\(id)/exceptions", 404),
                ("/admin/audit?cursor=zz", 400),
            ]
            for (path, status) in gets {
                let answer = try await h.page(browser, path)
                #expect(Int(answer.status.code) == status, "\(path): \(answer.status.code)")
                #expect(answer.headers[.contentType]?.hasPrefix("text/html") == true, "\(path)")
            }
            let posts: [(String, [(String, String)], Int)] = [
                ("/admin/workflows/not-a-uuid/resume", [("reason", "x")], 400),
                ("/admin/workflows/\(UUID().uuidString.lowercased())/resume", [("reason", "x")], 404),
                ("/admin/workflows/\(id)/resume", [("reason", "x")], 409),
                ("/admin/workflows/\(id)/rerun", [("state", "nowhere"), ("reason", "x")], 422),
                ("/admin/workflows/\(id)/signal", [("name", "payment"), ("payload", "{not json"), ("reason", "x")], 422),
                ("/admin/workflows/\(id)/signal", [("reason", "x")], 422),
                ("/admin/workflows/\(id)/cancel", [("reason", "a\u{1}b")], 422),
                ("/admin/workflows/\(id)/cancel", [("reason", String(repeating: "r", count: 501))], 422),
                ("/admin/workflows/\(id)/cancel", [("reason", "x"), ("reason", "y")], 400),
            ]
            for (path, fields, status) in posts {
                let answer = try await h.post(browser, path, fields)
                #expect(Int(answer.status.code) == status, "\(path) \(fields): \(answer.status.code) \(answer.text.prefix(300))")
            }
            let notForm = try await h.send(.post, "/admin/workflows/\(id)/cancel", contentType: "application/json",
                                           headers: [("Cookie", "sundial_admin=\(browser.cookie)")], body: Data("{}".utf8))
            #expect(notForm.status == .unsupportedMediaType)
            let malformed = try await h.send(.post, "/admin/workflows/\(id)/cancel", contentType: IntakeHarness.form,
                                             headers: [("Cookie", "sundial_admin=\(browser.cookie)")], body: Data("csrf=%E0%A4%A&reason=x".utf8))
            #expect(malformed.status == .badRequest)
            #expect(try await h.status(workflowID) == before)
        }
    }

    @Test("a type that declares no graph gets its diagram's edges from its history: seen dashed, this run's path highlighted")
    func observedGraph() async throws {
        try await IntakeHarness.with { h in
            // OrderProbe declares no state graph.
            let browser = try await h.dashboardLogin(.viewer)
            let earlier = try await h.startOrder("SO-GRAPH-1")
            let later = try await h.startOrder("SO-GRAPH-2")
            try await h.execute("""
                INSERT INTO workflow_history (workflow_id, visit, event, from_state, to_state)
                VALUES ('\(earlier.uuidString.lowercased())', 2, 'transition', 'authorize', 'track')
                """)
            #expect(try await h.workflows.store.observedEdges(type: "order") == [StateEdge(from: "authorize", to: "track")])
            let page = try await h.page(browser, "/admin/workflows/\(later.uuidString.lowercased())")
            #expect(page.text.contains(#"<path class="edge seen""#))
            #expect(page.text.contains("declares no state graph"))
            try await h.setWorkflow(earlier, "state = 'track'")
            let own = try await h.page(browser, "/admin/workflows/\(earlier.uuidString.lowercased())")
            #expect(own.text.contains(#"<path class="edge visited""#))
            #expect(own.text.contains(#"<g class="state current visited" data-state="track">"#))
        }
    }

    @Test("the order and batch workflows declare their state graphs; failure branches come from their policies")
    func declaredGraphs() {
        let registry = WorkflowRegistry(SunStyleWorkflows.definitionsOnly)
        let order = Set(registry.latest("order")?.edges ?? [])
        #expect(order.contains(StateEdge(from: "authorize", to: "label")))
        #expect(order.contains(StateEdge(from: "label", to: "nextCarrier")), "the label state's onFailure branch")
        #expect(order.contains(StateEdge(from: "invoice", to: "needsAttention")), "the invoice state's onFailure branch")
        let batch = registry.latest("quickbooks-daily")?.edges ?? []
        #expect(batch.first == StateEdge(from: "extract", to: "upload"))
        #expect(batch.contains(StateEdge(from: "reconcile", to: "reconcile")))
        for name in registry.all.map(\.name) { #expect(registry.latest(name)?.edges.isEmpty == false, "\(name) declares no graph") }
    }
}
