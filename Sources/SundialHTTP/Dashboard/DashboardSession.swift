import Crypto
import Foundation
import Hummingbird
import SundialEngine

/// The dashboard's login: the pasted admin token (`sundial tokens create`) kept in a cookie that
/// scripts cannot read (HttpOnly), that no other site's page or form sends (SameSite=Strict), and
/// that travels only over TLS when the server has TLS (Secure). Each request looks the token up
/// like a bearer token, so revoking it (`sundial tokens revoke`) logs the browser out at once.
///
/// Forms carry a CSRF token derived from the cookie's token (HMAC-SHA256 keyed with it): a page
/// of the dashboard can embed it, another site cannot compute it, and it changes with the token.
/// Exists so the cookie, its flags and the CSRF check live in one place.
struct DashboardSession: Sendable {
    static let cookieName = "sundial_admin"
    /// The login form's own double-submit token, set before there is a session.
    static let loginCookieName = "sundial_login"
    /// Twelve hours, a working day; log in again after.
    static let lifetimeSeconds = 12 * 60 * 60
    static let cookiePath = "/admin"

    let principal: AdminPrincipal
    let token: String

    /// The CSRF token every form of this session carries.
    var csrf: String { Self.csrf(for: token) }

    static func csrf(for token: String) -> String {
        let key = SymmetricKey(data: Data(token.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("sundial-dashboard-csrf-v1".utf8), using: key)
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

    /// The token in the request's session cookie, when it has the shape of an admin token.
    static func cookieToken(_ request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, value.hasPrefix(AdminTokenSecret.prefix), value.count <= 200,
              isCookieSafe(value) else { return nil }
        return value
    }

    /// Whether `token` can be a cookie value as it is (the token alphabet: base64url and `_`).
    static func isCookieSafe(_ token: String) -> Bool {
        token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// The session of the request's cookie, or nil (no cookie, or an unknown or revoked token).
    static func current(_ request: Request, store: WorkflowStore) async throws -> DashboardSession? {
        guard let token = cookieToken(request), let (name, role) = try await store.authenticateAdminToken(token) else { return nil }
        return DashboardSession(principal: AdminPrincipal(name: name, role: role), token: token)
    }

    static func sessionCookie(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: token, maxAge: lifetimeSeconds, path: cookiePath, secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func clearedCookie(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: cookiePath, secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// A fresh random value for the login form's double-submit check.
    static func loginNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func loginCookie(_ nonce: String, secure: Bool) -> Cookie {
        Cookie(name: loginCookieName, value: nonce, maxAge: 600, path: cookiePath, secure: secure, httpOnly: true, sameSite: .strict)
    }
}
