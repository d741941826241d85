import Foundation
import Hummingbird

/// The check every intake route starts with: a `Bearer` access token that verifies and carries
/// the route's scope. Answers 401 with `WWW-Authenticate: Bearer error="invalid_token"` for a
/// missing, malformed, badly signed or expired token, 403 `insufficient_scope` for a valid token
/// without the scope (RFC 6750 §3), and 503 when no key is configured, so the API never runs
/// open by accident.
public struct BearerAuthentication: Sendable {
    /// nil when no key is configured.
    public let verifier: AccessTokenVerifier?

    public init(verifier: AccessTokenVerifier?) {
        self.verifier = verifier
    }

    /// The client, or an ``APIError`` to answer with.
    func authorize(_ request: Request, scope: String) async throws -> AuthenticatedClient {
        guard let verifier, verifier.hasKeySource else {
            throw APIError.unavailable("authentication_not_configured", "intake authentication is not configured")
        }
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            throw Self.invalidToken("a Bearer access token is required (Authorization: Bearer <token>)")
        }
        let client: AuthenticatedClient
        do {
            client = try await verifier.verify(token)
        } catch let rejection as AccessTokenVerifier.Rejection {
            throw Self.invalidToken(rejection.description)
        }
        RequestIdentity.record(caller: client.clientID)
        guard client.scopes.contains(scope) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = #"Bearer realm="sundial", error="insufficient_scope", scope="\#(scope)""#
            throw APIError(.forbidden, code: "insufficient_scope", message: "the token lacks the scope \(scope)",
                           details: ["scope": scope], headers: headers)
        }
        return client
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    static func invalidToken(_ message: String) -> APIError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer realm="sundial", error="invalid_token""#
        return APIError(.unauthorized, code: "invalid_token", message: message, headers: headers)
    }
}
