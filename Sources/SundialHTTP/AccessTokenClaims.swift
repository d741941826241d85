import Foundation
import JWTKit

/// The claims of an OAuth 2.0 access token in JWT form (RFC 9068) that the intake API reads:
/// who the client is, for whom and until when the token holds, and its scopes (`scope` as a
/// space-separated string, or `scp` as an array as some servers write it). Claim checks that
/// depend on configuration (issuer, audience, leeway) are done by ``AccessTokenVerifier``.
struct AccessTokenClaims: JWTPayload, Equatable {
    var issuer: String?
    var subject: String?
    var audience: AudienceClaim?
    var expiresAt: ExpirationClaim?
    var notBefore: NotBeforeClaim?
    var issuedAt: IssuedAtClaim?
    var tokenID: String?
    var clientID: String?
    var scope: String?
    var scopeList: [String]?

    enum CodingKeys: String, CodingKey {
        case issuer = "iss", subject = "sub", audience = "aud", expiresAt = "exp", notBefore = "nbf"
        case issuedAt = "iat", tokenID = "jti", clientID = "client_id", scope, scopeList = "scp"
    }

    init(issuer: String? = nil, subject: String? = nil, audience: AudienceClaim? = nil, expiresAt: ExpirationClaim? = nil,
         notBefore: NotBeforeClaim? = nil, issuedAt: IssuedAtClaim? = nil, tokenID: String? = nil, clientID: String? = nil,
         scope: String? = nil, scopeList: [String]? = nil) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.tokenID = tokenID
        self.clientID = clientID
        self.scope = scope
        self.scopeList = scopeList
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decodeIfPresent(String.self, forKey: .issuer)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        audience = try container.decodeIfPresent(AudienceClaim.self, forKey: .audience)
        expiresAt = try container.decodeIfPresent(ExpirationClaim.self, forKey: .expiresAt)
        notBefore = try container.decodeIfPresent(NotBeforeClaim.self, forKey: .notBefore)
        issuedAt = try container.decodeIfPresent(IssuedAtClaim.self, forKey: .issuedAt)
        tokenID = try container.decodeIfPresent(String.self, forKey: .tokenID)
        clientID = try container.decodeIfPresent(String.self, forKey: .clientID)
        scope = try container.decodeIfPresent(String.self, forKey: .scope)
        // `scp` is an array in most servers' tokens, a space-separated string in a few.
        if let list = try? container.decodeIfPresent([String].self, forKey: .scopeList) {
            scopeList = list
        } else if let text = try container.decodeIfPresent(String.self, forKey: .scopeList) {
            scopeList = text.split(separator: " ").map(String.init)
        }
    }

    /// Every scope granted, from `scope` and `scp` together.
    var scopes: Set<String> {
        Set((scope ?? "").split(separator: " ").map(String.init) + (scopeList ?? []))
    }

    /// The calling client: `client_id` (RFC 9068), else the subject.
    var client: String { clientID ?? subject ?? "unknown" }

    /// Signature checks only; the claims are checked by ``AccessTokenVerifier`` with its settings.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
