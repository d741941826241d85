import Crypto
import Foundation
import Hummingbird
import SundialEngine

/// The dashboard's login session. Logging in with an admin token (`sundial tokens create`) opens
/// a session server-side (``SundialEngine/WorkflowStore/openDashboardSession(_:tokenName:lifetime:idleTimeout:)``)
/// and gives the browser only its random id, in a cookie that scripts cannot read (HttpOnly),
/// that no other site's page or form sends (SameSite=Strict) and that travels only over HTTPS
/// (Secure, unless turned off for plain-HTTP local use). The token itself never reaches the
/// browser after the login form. Every dashboard request checks the session in the database:
/// logout deletes it, so a copied cookie stops working; revoking the token, the idle timeout and
/// the absolute lifetime end it too.
///
/// Forms carry a CSRF token derived from the session id (HMAC-SHA256 keyed with it): a page of
/// the dashboard can embed it, another site cannot compute it, and each session has its own.
/// Exists so the cookie, its flags and the CSRF check live in one place.
struct DashboardSession: Sendable {
    static let cookieName = "sundial_admin"
    /// The login form's own double-submit token, set before there is a session.
    static let loginCookieName = "sundial_login"
    static let cookiePath = "/admin"

    let principal: AdminPrincipal
    /// The cookie's value: the session's secret id (only its SHA-256 is stored).
    let id: String

    /// The CSRF token every form of this session carries.
    var csrf: String { Self.csrf(for: id) }

    static func csrf(for sessionID: String) -> String {
        let key = SymmetricKey(data: Data(sessionID.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("sundial-dashboard-csrf-v2".utf8), using: key)
        return Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `submitted` is this session's CSRF token (compared in constant time).
    func acceptsCSRF(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        return Self.constantTimeEqual(submitted, csrf)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// A new session id: 32 bytes of the system's cryptographic generator, in hex.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The session id in the request's cookie, when it has the shape of one (64 hex digits).
    static func cookieSessionID(_ request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, value.utf8.count == 64,
              value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return value
    }

    /// Whether `token` can be checked as it is (the admin token alphabet: base64url and `_`).
    static func isTokenShaped(_ token: String) -> Bool {
        token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// The live session of the request's cookie, or nil (no cookie, or a session that is
    /// unknown, logged out, expired or whose token was revoked).
    static func current(_ request: Request, store: WorkflowStore, settings: DashboardSettings) async throws -> DashboardSession? {
        guard let id = cookieSessionID(request),
              let (name, role) = try await store.dashboardSession(id, idleTimeout: settings.idleTimeout) else { return nil }
        return DashboardSession(principal: AdminPrincipal(name: name, role: role), id: id)
    }

    /// Opens a session for the token named `tokenName`; nil when the token was revoked meanwhile.
    static func open(tokenName: String, role: AdminRole, store: WorkflowStore, settings: DashboardSettings) async throws -> DashboardSession? {
        let id = newID()
        guard try await store.openDashboardSession(id, tokenName: tokenName, lifetime: settings.sessionLifetime,
                                                   idleTimeout: settings.idleTimeout) else { return nil }
        return DashboardSession(principal: AdminPrincipal(name: tokenName, role: role), id: id)
    }

    static func sessionCookie(_ id: String, settings: DashboardSettings, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: id, maxAge: Int(settings.sessionLifetime.components.seconds), path: cookiePath, secure: secure,
               httpOnly: true, sameSite: .strict)
    }

    static func clearedCookie(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: cookiePath, secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// A fresh random value for the login form's double-submit check.
    static func loginNonce() -> String { newID() }

    static func loginCookie(_ nonce: String, secure: Bool) -> Cookie {
        Cookie(name: loginCookieName, value: nonce, maxAge: 600, path: cookiePath, secure: secure, httpOnly: true, sameSite: .strict)
    }
}
