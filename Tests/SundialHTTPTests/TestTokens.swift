import Foundation
import JWTKit

/// Access tokens for the tests, signed with the harness's keys or deliberately wrong ones.
enum TestTokens {
    /// Claims as an authorization server would write them; every field can be bent.
    struct Claims: JWTPayload {
        var iss: String? = IntakeHarness.issuer
        var sub: String? = "shop-test"
        var aud: AudienceClaim? = AudienceClaim(value: [IntakeHarness.audience])
        var exp: ExpirationClaim? = ExpirationClaim(value: Date().addingTimeInterval(600))
        var nbf: NotBeforeClaim?
        var iat: IssuedAtClaim? = IssuedAtClaim(value: Date())
        var client_id: String? = "shop-test"
        var scope: String? = "orders:write orders:read"
        var scp: [String]?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func hs256(_ claims: Claims = Claims(), secret: String = IntakeHarness.hmacSecret, kid: String? = nil) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        var header = JWTHeader()
        if let kid { header.kid = kid }
        return try await keys.sign(claims, header: header)
    }

    static func es256(_ claims: Claims = Claims(), key: ES256PrivateKey = IntakeHarness.ecdsaKey, kid: String? = "es-1") async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        var header = JWTHeader()
        if let kid { header.kid = kid }
        return try await keys.sign(claims, header: header)
    }

    static func with(_ change: (inout Claims) -> Void) -> Claims {
        var claims = Claims()
        change(&claims)
        return claims
    }

    /// A token with `alg: none` and no signature.
    static func unsigned(_ claims: Claims = Claims()) throws -> String {
        func encode(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encode(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + encode(try encoder.encode(claims)) + "."
    }
}
