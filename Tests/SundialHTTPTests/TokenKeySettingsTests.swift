import CryptoExtras
import Foundation
import JWTKit
import SundialEngine
import SundialHTTP
import Testing

/// The `SUNDIAL_JWT_*` settings: several keys per algorithm, kids in order, the JWKS URL and
/// what it requires; and the key set through the running server.
@Suite("Token key settings")
struct TokenKeySettingsTests {
    static let newSecret = "intake-secret-2026-02-0123456789abcdef"
    static let oldSecret = "intake-secret-2026-01-0123456789abcdef"

    static func configuration(_ environment: [String: String]) async throws -> IntakeConfiguration {
        try await IntakeConfiguration.fromEnvironment(EnvironmentReader(environment))
    }

    static func problem(_ environment: [String: String]) async -> String? {
        do {
            _ = try await configuration(environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("several HS256 secrets and PEM files, kids in the same order: each token finds its key by kid, or without one by trying")
    func severalKeys() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let es = await JWKSStandIn.SigningKey.es256(kid: "es-1")
        let rs = try await JWKSStandIn.SigningKey.rs256(kid: "rs-1")
        let esPath = folder.appendingPathComponent("es.pem").path, rsPath = folder.appendingPathComponent("rs.pem").path
        try es.publicKeyPEM.write(toFile: esPath, atomically: true, encoding: .utf8)
        try rs.publicKeyPEM.write(toFile: rsPath, atomically: true, encoding: .utf8)
        let environment = [
            "SUNDIAL_JWT_HS256_SECRET": "\(Self.newSecret), \(Self.oldSecret)", "SUNDIAL_JWT_HS256_KID": "hs-new,hs-old",
            "SUNDIAL_JWT_PUBLIC_KEY_FILE": "\(esPath),\(rsPath)", "SUNDIAL_JWT_PUBLIC_KEY_KID": "es-1,rs-1",
            "SUNDIAL_JWT_ISSUER": IntakeHarness.issuer, "SUNDIAL_JWT_AUDIENCE": IntakeHarness.audience,
        ]
        let configuration = try await Self.configuration(environment)
        let verifier = try #require(configuration.authentication.verifier)
        #expect(verifier.keys.map { "\($0.algorithm.rawValue):\($0.kid ?? "-")" } == ["HS256:hs-new", "HS256:hs-old", "ES256:es-1", "RS256:rs-1"])
        #expect(configuration.summary.hasPrefix("token keys: HS256(kid hs-new),HS256(kid hs-old),ES256(kid es-1),RS256(kid rs-1);"))
        #expect(!configuration.summary.contains(Self.newSecret))
        _ = try await verifier.verify(try await TestTokens.hs256(secret: Self.newSecret, kid: "hs-new"))
        _ = try await verifier.verify(try await TestTokens.hs256(secret: Self.oldSecret, kid: "hs-old"))
        _ = try await verifier.verify(try await TestTokens.hs256(secret: Self.oldSecret))
        _ = try await verifier.verify(try await es.sign())
        _ = try await verifier.verify(try await rs.sign())
        _ = try await verifier.verify(try await rs.sign(omitKid: true))
        // A kid selects exactly its key: the old secret under the new kid does not verify.
        let crossed = try await TestTokens.hs256(secret: Self.oldSecret, kid: "hs-new")
        let refusal = await #expect(throws: AccessTokenVerifier.Rejection.self) { _ = try await verifier.verify(crossed) }
        #expect(refusal?.description == "the token's signature does not verify")
        // `sundial tokens mint` signs with the first secret and its kid.
        let first = try #require(try IntakeConfiguration.hs256Secrets(EnvironmentReader(environment)).first)
        #expect(first.secret == Self.newSecret && first.kid == "hs-new")
    }

    @Test("refused at start: kids not one per key, algorithms not one or one per file, a JWKS without iss and aud or over plain HTTP")
    func configurationErrors() async throws {
        let both = ["SUNDIAL_JWT_ISSUER": IntakeHarness.issuer, "SUNDIAL_JWT_AUDIENCE": IntakeHarness.audience]
        #expect(await Self.problem(["SUNDIAL_JWT_HS256_SECRET": "\(Self.newSecret),\(Self.oldSecret)", "SUNDIAL_JWT_HS256_KID": "only-one"])
                == "SUNDIAL_JWT_HS256_KID: lists 1 kids for the 2 keys of SUNDIAL_JWT_HS256_SECRET: one per key, in the same order")
        #expect(await Self.problem(["SUNDIAL_JWT_PUBLIC_KEY_FILE": "/a.pem,/b.pem,/c.pem", "SUNDIAL_JWT_PUBLIC_KEY_ALG": "ES256,RS256"])
                == "SUNDIAL_JWT_PUBLIC_KEY_ALG: lists 2 algorithms for 3 key files: one for all, or one per file")
        let url = "https://auth.shop.test/.well-known/jwks.json"
        for missing in ["SUNDIAL_JWT_ISSUER", "SUNDIAL_JWT_AUDIENCE"] {
            var environment = both.merging(["SUNDIAL_JWT_JWKS_URL": url]) { $1 }
            environment[missing] = nil
            #expect(await Self.problem(environment)?.hasPrefix("SUNDIAL_JWT_JWKS_URL: a JWKS needs SUNDIAL_JWT_ISSUER and SUNDIAL_JWT_AUDIENCE") == true)
        }
        for bad in ["http://auth.shop.test/jwks.json", "ftp://auth.shop.test/jwks", "not a url", "https:///jwks"] {
            #expect(await Self.problem(both.merging(["SUNDIAL_JWT_JWKS_URL": bad]) { $1 })
                    == "SUNDIAL_JWT_JWKS_URL: expected an https:// URL (http:// only to 127.0.0.1, ::1 or localhost)", "\(bad)")
        }
        #expect(await Self.problem(both.merging(["SUNDIAL_JWT_JWKS_URL": url, "SUNDIAL_JWT_JWKS_MIN_REFRESH_SECONDS": "0"]) { $1 })?
                .hasPrefix("SUNDIAL_JWT_JWKS_MIN_REFRESH_SECONDS: expected seconds from 1.0 to 3600.0") == true)
    }

    @Test("a JWKS URL alone is a key source; the start-up summary names its host, not its path or query")
    func jwksOnly() async throws {
        let configuration = try await Self.configuration([
            "SUNDIAL_JWT_JWKS_URL": "https://auth.shop.test/tenant/keys?token=do-not-log",
            "SUNDIAL_JWT_ISSUER": IntakeHarness.issuer, "SUNDIAL_JWT_AUDIENCE": IntakeHarness.audience,
        ])
        let verifier = try #require(configuration.authentication.verifier)
        #expect(verifier.keys.isEmpty && verifier.hasKeySource)
        #expect(configuration.summary.hasPrefix("token keys: JWKS at auth.shop.test;"))
        #expect(!configuration.summary.contains("do-not-log"))
    }

    @Test("through the server: a JWKS-signed token starts the order (201); an unknown kid is a 401 invalid_token naming the kid")
    func throughTheServer() async throws {
        let stand = JWKSStandIn()
        let key = try await JWKSStandIn.SigningKey.rs256(kid: "rs-live")
        try stand.publish([key])
        try await stand.serve { url in
            let keySet = JWKSKeySet(url: url, timeout: .seconds(10), now: ManualClock().now)
            let verifier = AccessTokenVerifier(keys: [], keySet: keySet, issuer: IntakeHarness.issuer, audience: IntakeHarness.audience)
            try await IntakeHarness.with(intake: { $0.authentication = BearerAuthentication(verifier: verifier) }) { h in
                let created = try await h.send(.post, "/api/v1/orders", token: try await key.sign(), json: Orders.body())
                #expect(created.status == .created)
                let unknown = try await h.send(.post, "/api/v1/orders", token: try await key.sign(kid: "rs-gone"), json: Orders.body())
                #expect(unknown.status == .unauthorized)
                #expect(unknown.isJSON)
                #expect(unknown.errorCode == "invalid_token")
                #expect(unknown.error["message"] as? String
                        == "no RS256 key with kid 'rs-gone' is configured or in the authorization server's key set")
                #expect(unknown.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
                let hs = try await h.send(.post, "/api/v1/orders", token: try await TestTokens.hs256(), json: Orders.body())
                #expect(hs.status == .unauthorized)
            }
            #expect(stand.requests == 1)
        }
    }
}
