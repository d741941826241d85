import CryptoExtras
import Foundation
import JWTKit
import SundialHTTP
import Testing

@Suite("Access token verification without a server")
struct AccessTokenVerifierTests {
    static func sign(_ claims: TestTokens.Claims, key: JWTKit.Insecure.RSA.PrivateKey, kid: String?) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        var header = JWTHeader()
        if let kid { header.kid = kid }
        return try await keys.sign(claims, header: header)
    }

    @Test("an RS256 public key from PEM verifies its tokens, recognised as RS256 by its type")
    func rs256() async throws {
        let privateKey = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let key = try await TokenKey.publicKey(pem: privateKey.publicKey.pemRepresentation, kid: "rsa-1")
        #expect(key.algorithm == .rs256)
        let verifier = AccessTokenVerifier(keys: [key], issuer: IntakeHarness.issuer, audience: IntakeHarness.audience)
        let client = try await verifier.verify(try await Self.sign(TestTokens.Claims(), key: privateKey, kid: "rsa-1"))
        #expect(client == AuthenticatedClient(clientID: "shop-test", scopes: ["orders:write", "orders:read"]))
        // Without a kid the key is found by algorithm.
        _ = try await verifier.verify(try await Self.sign(TestTokens.Claims(), key: privateKey, kid: nil))
    }

    @Test("keys are chosen by alg and kid: an HS256 token is never checked against an RS256 or ES256 key")
    func noAlgorithmSwitching() async throws {
        let es = try await TokenKey.publicKey(pem: IntakeHarness.ecdsaKey.publicKey.pemRepresentation, algorithm: .es256, kid: "es-1")
        let verifier = AccessTokenVerifier(keys: [es])
        await #expect(throws: AccessTokenVerifier.Rejection.self) {
            _ = try await verifier.verify(try await TestTokens.hs256(kid: "es-1"))
        }
        let both = AccessTokenVerifier(keys: [es, try await TokenKey.hs256(secret: IntakeHarness.hmacSecret, kid: "hs-1")])
        _ = try await both.verify(try await TestTokens.hs256(kid: "hs-1"))
        _ = try await both.verify(try await TestTokens.es256())
        await #expect(throws: AccessTokenVerifier.Rejection.self) {
            _ = try await both.verify(try await TestTokens.hs256(kid: "hs-2"))
        }
    }

    @Test("configuration refuses weak or mismatched keys")
    func badKeys() async throws {
        await #expect(throws: TokenKeyError.self) { _ = try await TokenKey.hs256(secret: "short") }
        await #expect(throws: TokenKeyError.self) { _ = try await TokenKey.publicKey(pem: "not a key") }
        await #expect(throws: TokenKeyError.self) {
            _ = try await TokenKey.publicKey(pem: IntakeHarness.ecdsaKey.publicKey.pemRepresentation, algorithm: .rs256)
        }
    }
}
