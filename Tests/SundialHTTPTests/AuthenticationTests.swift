import Foundation
import JWTKit
import SundialHTTP
import Testing

@Suite("Intake authentication (OAuth 2.0 access tokens as JWTs)")
struct AuthenticationTests {
    @Test("a valid HS256 token with orders:write starts the order (201)")
    func validHS256() async throws {
        try await IntakeHarness.with { h in
            let answer = try await h.send(.post, "/api/v1/orders", token: try await TestTokens.hs256(), json: Orders.body())
            #expect(answer.status == .created)
        }
    }

    @Test("a valid ES256 token selected by kid is accepted; scp as an array counts as scopes")
    func validES256() async throws {
        try await IntakeHarness.with { h in
            let token = try await TestTokens.es256(TestTokens.with { $0.scope = nil; $0.scp = ["orders:write"] })
            let answer = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body())
            #expect(answer.status == .created)
        }
    }

    @Test("missing, expired, not yet valid, badly signed, wrong issuer or audience, unknown kid, alg none: 401 invalid_token")
    func refused() async throws {
        try await IntakeHarness.with { h in
            let otherKey = ES256PrivateKey()
            let cases: [(String, String?)] = [
                ("missing", nil),
                ("not a JWT", "not-a-jwt"),
                ("expired", try await TestTokens.hs256(TestTokens.with { $0.exp = ExpirationClaim(value: Date().addingTimeInterval(-120)) })),
                ("no exp", try await TestTokens.hs256(TestTokens.with { $0.exp = nil })),
                ("not yet valid", try await TestTokens.hs256(TestTokens.with { $0.nbf = NotBeforeClaim(value: Date().addingTimeInterval(600)) })),
                ("wrong secret", try await TestTokens.hs256(secret: "another-secret-of-enough-length-0123456789")),
                ("wrong ES256 key", try await TestTokens.es256(key: otherKey)),
                ("unknown kid", try await TestTokens.es256(kid: "es-2")),
                ("wrong issuer", try await TestTokens.hs256(TestTokens.with { $0.iss = "https://evil.test/" })),
                ("wrong audience", try await TestTokens.hs256(TestTokens.with { $0.aud = AudienceClaim(value: ["another-api"]) })),
                ("alg none", try TestTokens.unsigned()),
            ]
            for (name, token) in cases {
                let answer = try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body())
                #expect(answer.status == .unauthorized, "\(name)")
                #expect(answer.errorCode == "invalid_token", "\(name)")
                #expect(answer.isJSON, "\(name)")
                #expect(answer.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true, "\(name)")
            }
            #expect(try await h.count("SELECT 1 FROM workflows") == 0)
        }
    }

    @Test("a valid token within the leeway of exp still passes")
    func leeway() async throws {
        try await IntakeHarness.with { h in
            let token = try await TestTokens.hs256(TestTokens.with { $0.exp = ExpirationClaim(value: Date().addingTimeInterval(-20)) })
            #expect(try await h.send(.post, "/api/v1/orders", token: token, json: Orders.body()).status == .created)
        }
    }

    @Test("a valid token without the route's scope: 403 insufficient_scope")
    func wrongScope() async throws {
        try await IntakeHarness.with { h in
            let readOnly = try await TestTokens.hs256(TestTokens.with { $0.scope = "orders:read" })
            let post = try await h.send(.post, "/api/v1/orders", token: readOnly, json: Orders.body())
            #expect(post.status == .forbidden)
            #expect(post.errorCode == "insufficient_scope")
            #expect(post.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope""#) == true)
            let writeOnly = try await TestTokens.hs256(TestTokens.with { $0.scope = "orders:write" })
            let get = try await h.send(.get, "/api/v1/orders/SO-1001", token: writeOnly, contentType: nil)
            #expect(get.status == .forbidden)
            #expect(try await h.count("SELECT 1 FROM workflows") == 0)
        }
    }

    @Test("with no key configured the API answers 503, never runs open")
    func notConfigured() async throws {
        try await IntakeHarness.with(authenticated: false) { h in
            let answer = try await h.send(.post, "/api/v1/orders", token: try await TestTokens.hs256(), json: Orders.body())
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.error["message"] as? String == "intake authentication is not configured")
            #expect(try await h.count("SELECT 1 FROM workflows") == 0)
        }
    }

    @Test("tokens minted by `sundial tokens mint` verify against the same secret, issuer and audience")
    func devTokens() async throws {
        let token = try await DevTokenMinter.mint(
            secret: IntakeHarness.hmacSecret, clientID: "demo-shop", scopes: ["orders:read"], ttl: .seconds(60),
            issuer: IntakeHarness.issuer, audience: IntakeHarness.audience)
        let verifier = AccessTokenVerifier(keys: [try await TokenKey.hs256(secret: IntakeHarness.hmacSecret)],
                                           issuer: IntakeHarness.issuer, audience: IntakeHarness.audience)
        let client = try await verifier.verify(token)
        #expect(client == AuthenticatedClient(clientID: "demo-shop", scopes: ["orders:read"]))
        await #expect(throws: AccessTokenVerifier.Rejection.self) {
            _ = try await verifier.verify(token, now: Date().addingTimeInterval(3600))
        }
    }
}
