import Foundation
import JWTKit

/// Verifies the bearer tokens of the intake API: OAuth 2.0 client-credentials access tokens
/// issued as JWTs by the shop's authorization server.
///
/// The header's `alg` (HS256, ES256 or RS256; `none` never) and `kid` select the keys: a token
/// with a `kid` is checked only against the keys of that `kid` and algorithm (a `kid` no key
/// has is refused, after asking the key set once, as far as its rate limit allows, whether it
/// has been published since); a token without `kid` is tried against every key of its algorithm
/// in turn. Keys are the configured ones (several per algorithm, e.g. during a rotation) and the
/// authorization server's JWKS when one is set; an HS256 token never reaches a public key nor
/// makes the key set be fetched. The signature is checked by jwt-kit; then `exp` (required) and
/// `nbf` with a small leeway, and `iss` and `aud` when configured.
public struct AccessTokenVerifier: Sendable {
    /// The configured keys.
    public let keys: [TokenKey]
    /// The authorization server's published keys (`SUNDIAL_JWT_JWKS_URL`).
    public let keySet: JWKSKeySet?
    public let issuer: String?
    public let audience: String?
    /// Clock skew tolerated on `exp` and `nbf`.
    public let leeway: Duration

    public init(keys: [TokenKey], keySet: JWKSKeySet? = nil, issuer: String? = nil, audience: String? = nil,
                leeway: Duration = .seconds(60)) {
        self.keys = keys
        self.keySet = keySet
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
    }

    /// Whether any token can verify at all: keys configured, or a key set to fetch them from.
    public var hasKeySource: Bool { !keys.isEmpty || keySet != nil }

    /// Why a token was refused, said to the caller in the 401 (never the token itself).
    public struct Rejection: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The client the token speaks for, or a ``Rejection``.
    public func verify(_ token: String, now: Date = Date()) async throws -> AuthenticatedClient {
        let header = try Self.header(of: token)
        guard let algorithm = header.alg.flatMap(TokenKey.Algorithm.init(rawValue:)) else {
            throw Rejection("the token's algorithm '\(Self.shown(header.alg ?? "none"))' is not accepted (HS256, ES256 or RS256)")
        }
        let kid = header.kid
        var known = keys
        // Key sets publish public keys only: an HS256 token has nothing to find there.
        if let keySet, algorithm != .hs256, kid == nil || !keys.contains(where: { $0.kid == kid && $0.algorithm == algorithm }) {
            known += await keySet.keys(naming: kid)
        }
        let candidates = known.filter { $0.algorithm == algorithm && (kid == nil || $0.kid == kid) }
        guard !candidates.isEmpty else {
            let source = keySet != nil && algorithm != .hs256 ? "configured or in the authorization server's key set" : "configured"
            guard let kid else { throw Rejection("no \(algorithm.rawValue) key is \(source)") }
            if let other = known.first(where: { $0.kid == kid }) {
                throw Rejection("the key with kid '\(Self.shown(kid))' is for \(other.algorithm.rawValue), not \(algorithm.rawValue)")
            }
            throw Rejection("no \(algorithm.rawValue) key with kid '\(Self.shown(kid))' is \(source)")
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

    /// A header value as the refusal repeats it: at most 64 characters.
    static func shown(_ value: String) -> String {
        value.count > 64 ? String(value.prefix(64)) + "…" : value
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
