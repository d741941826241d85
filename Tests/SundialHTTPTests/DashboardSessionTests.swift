import Crypto
import Foundation
import HTTPTypes
import SundialEngine
import Testing
@testable import SundialHTTP

/// The dashboard's server-side sessions: what the cookie holds, what the database keeps, and
/// every way a session ends.
@Suite("Dashboard sessions")
struct DashboardSessionTests {
    @Test("a copied session cookie stops working after logout; another session of the same token goes on")
    func logoutRevokes() async throws {
        try await IntakeHarness.with { h in
            let token = try await h.adminToken(.operator, name: "ops-cy")
            let browser = try await Self.login(h, token: token)
            let elsewhere = try await Self.login(h, token: token)
            // Someone copies the cookie while the session is live.
            let copied = DashboardBrowser(cookie: browser.cookie, csrf: browser.csrf)
            #expect(try await h.page(copied, "/admin").status == .ok)

            let out = try await h.post(browser, "/admin/logout", [])
            #expect(out.status == .seeOther && out.headers[.location] == "/admin/login")
            #expect(IntakeHarness.cookies(out)["sundial_admin"]?.attributes.contains("Max-Age=0") == true)
            // The browser forgot the cookie; the copy opens nothing any more, pages or forms.
            let replay = try await h.page(copied, "/admin")
            #expect(replay.status == .seeOther && replay.headers[.location] == "/admin/login")
            #expect(IntakeHarness.cookies(replay)["sundial_admin"]?.attributes.contains("Max-Age=0") == true)
            #expect(try await h.page(copied, "/admin/audit").status == .seeOther)
            let id = try await h.startOrder("SO-COPY-1")
            try await h.setWorkflow(id, "status = 'failed', run_at = NULL, last_error = 'boom'")
            let action = try await h.post(copied, "/admin/workflows/\(id.uuidString.lowercased())/resume", [("reason", "replayed")])
            #expect(action.status == .seeOther && action.headers[.location] == "/admin/login")
            #expect(try await h.status(id) == "failed")
            // The same token's other session is untouched.
            #expect(try await h.page(elsewhere, "/admin").status == .ok)
            #expect(try await h.count("SELECT 1 FROM dashboard_sessions WHERE token_name = 'ops-cy'") == 1)
        }
    }

    @Test("revoking the admin token ends every session opened with it")
    func revokedToken() async throws {
        try await IntakeHarness.with { h in
            let token = try await h.adminToken(.viewer, name: "viewer-vi")
            let first = try await Self.login(h, token: token)
            let second = try await Self.login(h, token: token)
            #expect(first.cookie != second.cookie && first.csrf != second.csrf, "each session has its own id and CSRF token")
            #expect(try await h.page(first, "/admin").status == .ok)
            #expect(try await h.page(second, "/admin").status == .ok)
            #expect(try await h.workflows.store.revokeAdminToken(name: "viewer-vi"))
            #expect(try await h.page(first, "/admin").status == .seeOther)
            #expect(try await h.page(second, "/admin").status == .seeOther)
            #expect(try await h.count("SELECT 1 FROM dashboard_sessions") == 0)
        }
    }

    @Test("only the SHA-256 of the session id is stored, with the token, created, last seen, absolute and idle expiry")
    func storedHashed() async throws {
        try await IntakeHarness.with { h in
            let browser = try await h.dashboardLogin(.viewer, name: "viewer-hash")
            let hash = SHA256.hash(data: Data(browser.cookie.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(try await h.text("SELECT id_hash FROM dashboard_sessions") == hash)
            #expect(try await h.count("SELECT 1 FROM dashboard_sessions WHERE id_hash = '\(browser.cookie)'") == 0)
            #expect(try await h.text("SELECT token_name FROM dashboard_sessions") == "viewer-hash")
            #expect(try await h.count("""
                SELECT 1 FROM dashboard_sessions WHERE expires_at = created_at + interval '12 hours'
                AND idle_expires_at = created_at + interval '30 minutes' AND last_seen_at = created_at
                """) == 1)
        }
    }

    @Test("a session past its idle or its absolute expiry leads to the login page")
    func expiry() async throws {
        try await IntakeHarness.with { h in
            let idle = try await h.dashboardLogin(.viewer, name: "viewer-idle")
            try await h.execute("UPDATE dashboard_sessions SET idle_expires_at = now() - interval '1 second' WHERE token_name = 'viewer-idle'")
            let idleAnswer = try await h.page(idle, "/admin/workflows")
            #expect(idleAnswer.status == .seeOther && idleAnswer.headers[.location] == "/admin/login")
            #expect(try await h.send(.get, "/admin/login", contentType: nil, headers: [("Cookie", "sundial_admin=\(idle.cookie)")]).status == .ok)

            let old = try await h.dashboardLogin(.viewer, name: "viewer-old")
            try await h.execute("UPDATE dashboard_sessions SET expires_at = now() - interval '1 second' WHERE token_name = 'viewer-old'")
            #expect(try await h.page(old, "/admin").status == .seeOther)

            // Ended sessions are swept away at the next login.
            _ = try await h.dashboardLogin(.viewer, name: "viewer-new")
            #expect(try await h.count("SELECT 1 FROM dashboard_sessions WHERE token_name IN ('viewer-idle', 'viewer-new')") == 1)
        }
    }

    @Test("pages do not write the session on every request: last seen (and the idle expiry) move at most once a minute, never past the absolute expiry")
    func lastSeenThrottled() async throws {
        try await IntakeHarness.with { h in
            let browser = try await h.dashboardLogin(.viewer, name: "viewer-seen")
            let version = try #require(try await h.text("SELECT xmin FROM dashboard_sessions"))
            let tokenVersion = try #require(try await h.text("SELECT xmin FROM admin_tokens WHERE name = 'viewer-seen'"))
            for path in ["/admin", "/admin/workflows", "/admin/audit", "/admin"] {
                #expect(try await h.page(browser, path).status == .ok)
            }
            #expect(try await h.text("SELECT xmin FROM dashboard_sessions") == version, "a page wrote the session row")
            #expect(try await h.text("SELECT xmin FROM admin_tokens WHERE name = 'viewer-seen'") == tokenVersion, "a page wrote the token row")

            // Last seen two minutes ago, three minutes of lifetime left: the next page refreshes it,
            // and the idle expiry stops at the absolute one.
            try await h.execute("""
                UPDATE dashboard_sessions SET last_seen_at = now() - interval '2 minutes', expires_at = now() + interval '3 minutes'
                """)
            try await h.execute("UPDATE admin_tokens SET last_used_at = now() - interval '2 minutes' WHERE name = 'viewer-seen'")
            #expect(try await h.page(browser, "/admin").status == .ok)
            #expect(try await h.count("""
                SELECT 1 FROM dashboard_sessions WHERE last_seen_at > now() - interval '1 minute' AND idle_expires_at = expires_at
                """) == 1)
            #expect(try await h.count("SELECT 1 FROM admin_tokens WHERE name = 'viewer-seen' AND last_used_at > now() - interval '1 minute'") == 1)
        }
    }

    @Test("the cookie is Secure unless the server is plain HTTP and SUNDIAL_DASHBOARD_INSECURE_COOKIE is set")
    func insecureCookieSetting() async throws {
        try await IntakeHarness.with(configure: { $0.dashboard.insecureCookie = true }) { h in
            let form = try await h.send(.get, "/admin/login", contentType: nil)
            let nonce = try #require(IntakeHarness.cookies(form)["sundial_login"])
            #expect(!nonce.attributes.contains("Secure"))
            let token = try await h.adminToken(.viewer)
            let answer = try await h.send(.post, "/admin/login", contentType: IntakeHarness.form, headers: [("Cookie", "sundial_login=\(nonce.value)")],
                                          body: Data("csrf=\(nonce.value)&token=\(token)".utf8))
            let session = try #require(IntakeHarness.cookies(answer)["sundial_admin"])
            #expect(!session.attributes.contains("Secure") && session.attributes.contains("HttpOnly"))
            #expect(answer.headers[.strictTransportSecurity] == nil, "no HSTS over plain HTTP")
        }
        #expect(DashboardSettings(insecureCookie: true).secureCookies(tls: true), "with TLS the cookie is always Secure")
        #expect(DashboardSettings().secureCookies(tls: false))
        #expect(try DashboardSettings.fromEnvironment(EnvironmentReader([:])) == DashboardSettings())
        let set = try DashboardSettings.fromEnvironment(EnvironmentReader([
            "SUNDIAL_DASHBOARD_INSECURE_COOKIE": "1", "SUNDIAL_DASHBOARD_SESSION_SECONDS": "3600", "SUNDIAL_DASHBOARD_IDLE_SECONDS": "600",
        ]))
        #expect(set == DashboardSettings(sessionLifetime: .seconds(3600), idleTimeout: .seconds(600), insecureCookie: true))
        for (name, value) in [("SUNDIAL_DASHBOARD_INSECURE_COOKIE", "maybe"), ("SUNDIAL_DASHBOARD_SESSION_SECONDS", "10"),
                              ("SUNDIAL_DASHBOARD_IDLE_SECONDS", "5")] {
            #expect(throws: ConfigurationError.self, "\(name)=\(value)") {
                try DashboardSettings.fromEnvironment(EnvironmentReader([name: value]))
            }
        }
    }

    /// Logs in with an existing token through the login form.
    static func login(_ h: IntakeHarness, token: String) async throws -> DashboardBrowser {
        let page = try await h.send(.get, "/admin/login", contentType: nil)
        let nonce = try #require(IntakeHarness.cookies(page)["sundial_login"]?.value)
        let answer = try await h.send(.post, "/admin/login", contentType: IntakeHarness.form, headers: [("Cookie", "sundial_login=\(nonce)")],
                                      body: Data("csrf=\(nonce)&token=\(token)".utf8))
        let cookie = try #require(IntakeHarness.cookies(answer)["sundial_admin"]?.value)
        let overview = try await h.send(.get, "/admin", contentType: nil, headers: [("Cookie", "sundial_admin=\(cookie)")])
        return DashboardBrowser(cookie: cookie, csrf: try #require(IntakeHarness.csrf(in: overview.text)))
    }
}
