import Foundation
import JWTKit

/// Verifies the bearer tokens of the intake API: OAuth 2.0 client-credentials access tokens
/// issued as JWTs by the shop's authorization server. The header's `alg` and `kid` select one
/// configured key (an unknown `kid` or an algorithm no key is for is refused, `none` always);
/// the signature is checked by jwt-kit; then `exp` (required) and `nbf` with a small leeway, and
/// `iss` and `aud` when configured.
public struct AccessTokenVerifier: Sendable {
    public let keys: [TokenKey]
    public let issuer: String?
    public let audience: String?
    /// Clock skew tolerated on `exp` and `nbf`.
    public let leeway: Duration

    public init(keys: [TokenKey], issuer: String? = nil, audience: String? = nil, leeway: Duration = .seconds(60)) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
    }

    /// Why a token was refused, said to the caller in the 401 (never the token itself).
    public struct Rejection: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The client the token speaks for, or a ``Rejection``.
    public func verify(_ token: String, now: Date = Date()) async throws -> AuthenticatedClient {
        let header = try Self.header(of: token)
        guard let algorithm = header.alg.flatMap(TokenKey.Algorithm.init(rawValue:)) else {
            throw Rejection("the token's algorithm '\(header.alg ?? "none")' is not accepted (HS256, ES256 or RS256)")
        }
        let candidates = keys.filter { key in
            key.algorithm == algorithm && (header.kid == nil || key.kid == header.kid)
        }
        guard !candidates.isEmpty else {
            if let kid = header.kid { throw Rejection("no \(algorithm.rawValue) key with kid '\(kid)' is configured") }
            throw Rejection("no \(algorithm.rawValue) key is configured")
        }
        var claims: AccessTokenClaims?
        for key in candidates {
            if let verified = try? await key.keys.verify(token, as: AccessTokenClaims.self) {
                claims = verified
                break
            }
        }
        guard let claims else { throw Rejection("the token's signature does not verify") }
        try check(claims, now: now)
        return AuthenticatedClient(clientID: claims.client, scopes: claims.scopes)
    }

    func check(_ claims: AccessTokenClaims, now: Date) throws {
        let slack = Double(leeway.components.seconds)
        guard let expiry = claims.expiresAt?.value else { throw Rejection("the token has no expiry (exp)") }
        guard now.timeIntervalSince(expiry) < slack else { throw Rejection("the token has expired") }
        if let notBefore = claims.notBefore?.value, notBefore.timeIntervalSince(now) > slack {
            throw Rejection("the token is not valid yet (nbf)")
        }
        if let issuer, claims.issuer != issuer {
            throw Rejection("the token was not issued by the configured issuer")
        }
        if let audience, !(claims.audience?.value.contains(audience) ?? false) {
            throw Rejection("the token is not meant for this API (aud)")
        }
    }

    /// The token's header, decoded without trusting it: only to pick the key.
    static func header(of token: String) throws -> JWTHeader {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecode(parts[0]),
              let header = try? JSONDecoder().decode(JWTHeader.self, from: data)
        else { throw Rejection("the token is not a JWT") }
        return header
    }

    private static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
