import Foundation
import Hummingbird
import Logging
import SundialEngine

/// The operator dashboard at `/admin` (issue #5): server-rendered HTML pages over the same store
/// reads and ``SundialEngine/AdminActions`` the JSON admin API uses, behind the same admin tokens
/// and role checks, with every action in the same audit trail.
///
/// Every page but the login form and the stylesheet goes through ``on(_:_:_:permission:auditAction:_:)``:
/// no live session (none, logged out, expired, token revoked; checked in the database on every
/// request, see ``DashboardSession``) → 303 to the login page; a POST whose CSRF token is not the session's → 403 and
/// nothing changes; a role that may not → 403 (recorded as refused in the audit trail, as the
/// JSON API records it); any refusal → an HTML page with its 4xx status.
struct DashboardRoutes: Sendable {
    typealias Handler = @Sendable (Request, BasicRequestContext, DashboardSession, DashboardForm) async throws -> Response

    let admin: AdminRoutes
    /// Session lifetimes and the cookie setting.
    let settings: DashboardSettings
    /// Set the cookies' Secure flag (unless plain HTTP and `SUNDIAL_DASHBOARD_INSECURE_COOKIE`).
    let secureCookies: Bool

    var workflows: WorkflowClient { admin.workflows }
    var store: WorkflowStore { admin.store }
    var logger: Logger { admin.logger }

    func register(on router: Router<BasicRequestContext>) {
        var methods: [String: [HTTPRequest.Method]] = [:]
        func route(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
            router.on(RouterPath(path), method: method, use: handler)
            methods[path, default: []].append(method)
        }
        route(.get, DashboardStyle.path) { _, _ in DashboardStyle.response() }
        route(.get, "/admin/login") { request, _ in try await loginPage(request) }
        route(.post, "/admin/login") { request, _ in try await login(request) }
        on(route, .post, "/admin/logout") { _, _, session, _ in try await logout(session) }
        on(route, .get, "/admin") { _, _, session, query in try await overview(session, query) }
        on(route, .get, "/admin/workflows") { _, _, session, query in try await workflowList(session, query) }
        on(route, .get, "/admin/workflows/{id}") { _, context, session, query in try await workflowPage(session, context, query) }
        for action in WorkflowAction.allCases {
            on(route, .post, "/admin/workflows/{id}/\(action.rawValue)", permission: .steerWorkflows, auditAction: "workflow.\(action.rawValue)") {
                _, context, session, form in try await perform(action, session, context, form)
            }
        }
        on(route, .get, "/admin/finance") { _, _, session, query in try await finance(session, query) }
        on(route, .get, "/admin/finance/{job}/runs/{workflow_id}/exceptions") { _, context, session, query in
            try await exceptions(session, context, query)
        }
        on(route, .post, "/admin/finance/{job}/rerun", permission: .batches, auditAction: "batch.rerun") { _, context, session, form in
            try await rerunBatch(session, context, form)
        }
        on(route, .get, "/admin/audit") { _, _, session, query in try await audit(session, query) }
        for (path, allowed) in methods { router.refuseOtherMethods(RouterPath(path), allowed: allowed) }
    }

    /// Registers a page behind the session, CSRF and role checks.
    private func on(_ route: (HTTPRequest.Method, String, @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) -> Void,
                    _ method: HTTPRequest.Method, _ path: String, permission: AdminPermission = .read, auditAction: String? = nil,
                    _ handler: @escaping Handler) {
        route(method, path) { request, context in
            var session: DashboardSession?
            do {
                session = try await DashboardSession.current(request, store: store, settings: settings)
                guard let session else {
                    var response = DashboardLayout.redirect("/admin/login")
                    if request.cookies[DashboardSession.cookieName] != nil {
                        response.setCookie(DashboardSession.clearedCookie(DashboardSession.cookieName, secure: secureCookies))
                    }
                    return response
                }
                let form: DashboardForm
                if method == .post {
                    form = try await DashboardForm.body(request)
                    guard session.acceptsCSRF(try? form.value("csrf")) else {
                        throw DashboardError(.forbidden, "The form's CSRF token is missing or not this session's, so nothing was done. Reload the page and try again.")
                    }
                } else {
                    form = try DashboardForm.query(request)
                }
                guard session.principal.role.allows(permission) else {
                    if let auditAction {
                        // A validated target and a short reason at most, never the raw path or form (RefusalAudit).
                        await AdminActions(workflows: workflows, actor: session.principal.name).recordRefusal(
                            action: auditAction, target: RefusalAudit.target(of: path, context: context),
                            reason: RefusalAudit.reason(try? form.value("reason")),
                            why: "forbidden: role \(session.principal.role.rawValue) lacks \(permission.rawValue)")
                    }
                    throw DashboardError(.forbidden, "Your role (\(session.principal.role.rawValue)) may not do this; it needs \(permission.rawValue).")
                }
                return try await handler(request, context, session, form)
            } catch {
                let refusal = DashboardError.from(error)
                if refusal.status.code >= 500 {
                    logger.error("dashboard page failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
                }
                return DashboardLayout.error(refusal, session: session, back: method == .post ? Self.back(from: request.uri.path) : nil)
            }
        }
    }

    /// Where a refused form leads back to: the page it was on (`.../{id}/resume` → `.../{id}`).
    static func back(from path: String) -> String {
        if path.hasPrefix("/admin/finance/") { return "/admin/finance" }
        guard path.hasPrefix("/admin/workflows/"), let slash = path.lastIndex(of: "/") else { return "/admin" }
        return String(path[..<slash])
    }

    // MARK: Login

    private func loginPage(_ request: Request, problem: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        if problem == nil, try await DashboardSession.current(request, store: store, settings: settings) != nil {
            return DashboardLayout.redirect("/admin")
        }
        let nonce = DashboardSession.loginNonce()
        var notice: HTML = .empty
        if let problem { notice = "<div class=\"notice error\" role=\"alert\"><p>\(problem)</p></div>" }
        var response = DashboardLayout.page("Log in", session: nil, status: status, notice: notice, """
            <div class="login">
            <p>Paste an admin token. Tokens are made with <code>sundial tokens create --role viewer|operator|finance|admin --name NAME</code>;
            the role decides what you may do here, exactly as in the admin API.</p>
            <form method="post" action="/admin/login">
            <input type="hidden" name="csrf" value="\(nonce)">
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="off" required placeholder="sdl_…" size="60">
            <button type="submit">Log in</button>
            </form>
            <p class="muted">The token opens a session on the server; the browser keeps only the session's id, in an HttpOnly,
            SameSite=Strict\(secureCookies ? ", Secure" : "") cookie. It ends after \(Self.describe(settings.sessionLifetime)), after
            \(Self.describe(settings.idleTimeout)) without a page, when the token is revoked, or when you log out.</p>
            </div>
            """)
        response.setCookie(DashboardSession.loginCookie(nonce, secure: secureCookies))
        return response
    }

    private func login(_ request: Request) async throws -> Response {
        do {
            let form = try await DashboardForm.body(request)
            let expected = request.cookies[DashboardSession.loginCookieName]?.value ?? ""
            guard !expected.isEmpty, let submitted = try form.value("csrf"), DashboardSession.constantTimeEqual(submitted, expected) else {
                return try await loginPage(request, problem: "The login form expired or did not come from this server; please try again.",
                                           status: .forbidden)
            }
            let token = (try form.value("token") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.hasPrefix(AdminTokenSecret.prefix), token.count <= 200, DashboardSession.isTokenShaped(token),
                  let (name, role) = try await store.authenticateAdminToken(token),
                  let session = try await DashboardSession.open(tokenName: name, role: role, store: store, settings: settings) else {
                return try await loginPage(request, problem: "That token is unknown or revoked.", status: .unauthorized)
            }
            logger.info("dashboard login", metadata: ["actor": "\(name)"])
            var response = DashboardLayout.redirect("/admin")
            response.setCookie(DashboardSession.sessionCookie(session.id, settings: settings, secure: secureCookies))
            response.setCookie(DashboardSession.clearedCookie(DashboardSession.loginCookieName, secure: secureCookies))
            return response
        } catch {
            return DashboardLayout.error(DashboardError.from(error), session: nil, back: "/admin/login")
        }
    }

    /// Ends the session on the server (a copy of the cookie is worthless afterwards) and clears
    /// the cookie.
    private func logout(_ session: DashboardSession) async throws -> Response {
        try await store.closeDashboardSession(session.id)
        logger.info("dashboard logout", metadata: ["actor": "\(session.principal.name)"])
        var response = DashboardLayout.redirect("/admin/login")
        response.setCookie(DashboardSession.clearedCookie(DashboardSession.cookieName, secure: secureCookies))
        return response
    }

    /// "12 hours", "30 minutes", "90 seconds": a lifetime as the login page states it.
    static func describe(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        if seconds % 3600 == 0 { return seconds == 3600 ? "1 hour" : "\(seconds / 3600) hours" }
        if seconds % 60 == 0 { return seconds == 60 ? "1 minute" : "\(seconds / 60) minutes" }
        return "\(seconds) seconds"
    }
}
