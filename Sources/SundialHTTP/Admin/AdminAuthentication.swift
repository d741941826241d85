import Foundation
import Hummingbird
import SundialEngine

/// The admin API's own bearer tokens (`sundial tokens create`), separate from the intake API's
/// JWTs: the token's SHA-256 is looked up in `admin_tokens`, and its role is checked against the
/// route's permission. 401 `invalid_token` without a live token, 403 `forbidden` for a role that
/// may not (recorded in the audit trail for mutating routes).
struct AdminAuthentication: Sendable {
    let store: WorkflowStore

    /// The caller, or an ``APIError`` to answer with.
    func authenticate(_ request: Request) async throws -> AdminPrincipal {
        guard let token = BearerAuthentication.bearerToken(request.headers[.authorization]) else {
            throw Self.invalidToken("an admin token is required (Authorization: Bearer sdl_...)")
        }
        guard token.hasPrefix(AdminTokenSecret.prefix), token.count <= 200,
              let (name, role) = try await store.authenticateAdminToken(token) else {
            throw Self.invalidToken("the admin token is unknown or revoked")
        }
        return AdminPrincipal(name: name, role: role)
    }

    static func invalidToken(_ message: String) -> APIError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer realm="sundial-admin", error="invalid_token""#
        return APIError(.unauthorized, code: "invalid_token", message: message, headers: headers)
    }

    static func forbidden(_ principal: AdminPrincipal, _ permission: AdminPermission) -> APIError {
        APIError(.forbidden, code: "forbidden", message: "role \(principal.role.rawValue) may not do this (needs \(permission.rawValue))",
                 details: ["role": principal.role.rawValue, "permission": permission.rawValue])
    }
}

/// Who is calling the admin API: the token's name (the audit actor) and its role.
struct AdminPrincipal: Sendable {
    let name: String
    let role: AdminRole
}
