import Foundation
import JWTKit
import Logging
@testable import SundialHTTP
import Testing

/// The authorization server's key set (JWKS) against a stand-in on 127.0.0.1. Intervals run on
/// a clock the tests move by hand, so nothing waits on real time.
@Suite("Access tokens verified with a JWKS")
struct JWKSTests {
    static func keySet(_ url: String, clock: ManualClock, log: CapturedLog? = nil) -> JWKSKeySet {
        JWKSKeySet(url: url, timeout: .seconds(10), refreshInterval: .seconds(300), minimumInterval: .seconds(30),
                   logger: log?.logger ?? Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: clock.now)
    }

    static func verifier(_ keySet: JWKSKeySet, keys: [TokenKey] = []) -> AccessTokenVerifier {
        AccessTokenVerifier(keys: keys, keySet: keySet, issuer: IntakeHarness.issuer, audience: IntakeHarness.audience)
    }

    static func refusal(_ verifier: AccessTokenVerifier, _ token: String) async -> String? {
        do {
            _ = try await verifier.verify(token)
            return nil
        } catch {
            return (error as? AccessTokenVerifier.Rejection)?.description ?? "not a rejection: \(error)"
        }
    }

    @Test("ES256 and RS256 keys of a JWKS verify their tokens by kid; a token without kid is tried against its algorithm's keys")
    func esAndRS() async throws {
        let stand = JWKSStandIn()
        let es = await JWKSStandIn.SigningKey.es256(kid: "es-a")
        let rs = try await JWKSStandIn.SigningKey.rs256(kid: "rs-b")
        try stand.publish([es, rs])
        try await stand.serve { url in
            let clock = ManualClock()
            let keySet = Self.keySet(url, clock: clock)
            let verifier = Self.verifier(keySet)
            let tokens = [try await es.sign(), try await rs.sign(), try await es.sign(omitKid: true), try await rs.sign(omitKid: true)]
            for token in tokens {
                #expect(try await verifier.verify(token).clientID == "shop-test")
            }
            // The RS256 key's token under the ES256 key's kid: that kid's key is for another algorithm.
            let crossed = try await rs.sign(kid: "es-a")
            #expect(await Self.refusal(verifier, crossed) == "the key with kid 'es-a' is for ES256, not RS256")
            #expect(stand.requests == 1)
            #expect(await keySet.attempts == 1)
        }
    }

    @Test("rotation: old and new key overlap; the old one is refused once the set's max age has passed without it")
    func rotation() async throws {
        let stand = JWKSStandIn()
        let old = await JWKSStandIn.SigningKey.es256(kid: "2026-01")
        let new = try await JWKSStandIn.SigningKey.rs256(kid: "2026-02")
        try stand.publish([old], cacheControl: "public, max-age=120")
        try await stand.serve { url in
            let clock = ManualClock()
            let verifier = Self.verifier(Self.keySet(url, clock: clock))
            _ = try await verifier.verify(try await old.sign())
            // The authorization server publishes the new key beside the old one, then signs with it.
            try stand.publish([old, new], cacheControl: "public, max-age=120")
            clock.advance(by: .seconds(60))
            _ = try await verifier.verify(try await new.sign())
            _ = try await verifier.verify(try await old.sign())
            #expect(stand.requests == 2)
            // The old key is withdrawn; tokens signed with it pass until the set's 120 s are up.
            try stand.publish([new], cacheControl: "public, max-age=120")
            clock.advance(by: .seconds(119))
            _ = try await verifier.verify(try await old.sign())
            #expect(stand.requests == 2)
            clock.advance(by: .seconds(1))
            #expect(await Self.refusal(verifier, try await old.sign())
                    == "no ES256 key with kid '2026-01' is configured or in the authorization server's key set")
            _ = try await verifier.verify(try await new.sign())
            #expect(stand.requests == 3)
        }
    }

    @Test("a kid published later is picked up by a refresh, once the minimum interval since the last fetch has passed")
    func newKidPublishedLater() async throws {
        let stand = JWKSStandIn()
        let first = await JWKSStandIn.SigningKey.es256(kid: "k1")
        let later = await JWKSStandIn.SigningKey.es256(kid: "k2")
        try stand.publish([first])
        try await stand.serve { url in
            let clock = ManualClock()
            let keySet = Self.keySet(url, clock: clock)
            let verifier = Self.verifier(keySet)
            await keySet.refresh()
            try stand.publish([first, later])
            clock.advance(by: .seconds(29))
            #expect(await Self.refusal(verifier, try await later.sign())
                    == "no ES256 key with kid 'k2' is configured or in the authorization server's key set")
            #expect(stand.requests == 1)
            clock.advance(by: .seconds(1))
            _ = try await verifier.verify(try await later.sign())
            #expect(stand.requests == 2)
        }
    }

    @Test("a flood of tokens with made-up kids makes at most one fetch per minimum interval")
    func unknownKidFlood() async throws {
        let stand = JWKSStandIn()
        let key = await JWKSStandIn.SigningKey.es256(kid: "real")
        try stand.publish([key])
        try await stand.serve { url in
            let clock = ManualClock()
            let keySet = Self.keySet(url, clock: clock)
            let verifier = Self.verifier(keySet)
            await keySet.refresh()
            #expect(stand.requests == 1)

            func flood() async throws -> Int {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<200 {
                        let token = try await key.sign(kid: UUID().uuidString)
                        group.addTask { await Self.refusal(verifier, token) != nil }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
            }
            clock.advance(by: .seconds(10))
            #expect(try await flood() == 200)
            #expect(stand.requests == 1, "within 30 s of the last fetch nothing is fetched")
            clock.advance(by: .seconds(30))
            #expect(try await flood() == 200)
            #expect(stand.requests == 2, "one fetch for the whole flood")
            clock.advance(by: .seconds(15))
            #expect(try await flood() == 200)
            #expect(stand.requests == 2)
            clock.advance(by: .seconds(15))
            #expect(try await flood() == 200)
            #expect(stand.requests == 3)
            #expect(await keySet.attempts == 3)
            _ = try await verifier.verify(try await key.sign())
        }
    }

    @Test("a failing JWKS keeps the keys held and logs a warning without the token; retried once per interval")
    func failingKeepsKeys() async throws {
        let stand = JWKSStandIn()
        let key = await JWKSStandIn.SigningKey.es256(kid: "held")
        try stand.publish([key], cacheControl: "max-age=60")
        try await stand.serve { url in
            let clock = ManualClock()
            let log = CapturedLog()
            let verifier = Self.verifier(Self.keySet(url, clock: clock, log: log))
            let token = try await key.sign()
            _ = try await verifier.verify(token)
            stand.fail(true)
            clock.advance(by: .seconds(61))
            _ = try await verifier.verify(token)
            #expect(stand.requests == 2)
            _ = try await verifier.verify(token)
            #expect(stand.requests == 2, "the failed fetch is not repeated within 30 s")
            let warnings = log.all.filter { $0.message.contains("could not be fetched") }
            #expect(warnings.count == 1)
            #expect(warnings.first?.metadata["reason"] == "the key set answered HTTP 503")
            #expect(warnings.first?.metadata["jwks_host"] == "127.0.0.1")
            #expect(warnings.first?.metadata["keys_held"] == "1")
            for line in log.all {
                #expect(!line.message.contains(token) && !line.metadata.values.contains { $0.contains(token) || $0.contains("jwks.json") })
            }
            stand.fail(false)
            clock.advance(by: .seconds(30))
            _ = try await verifier.verify(token)
            #expect(stand.requests == 3)
        }
    }

    @Test("a JWKS that does not answer within the timeout: the fetch gives up, the keys held stay in use")
    func timeout() async throws {
        let stand = JWKSStandIn()
        let key = await JWKSStandIn.SigningKey.es256(kid: "held")
        try stand.publish([key], cacheControl: "max-age=60")
        try await stand.serve { url in
            let clock = ManualClock()
            let log = CapturedLog()
            // Long enough for the first, answered fetch on a loaded machine; the hung one waits it out.
            let keySet = JWKSKeySet(url: url, timeout: .seconds(3), logger: log.logger, now: clock.now)
            let verifier = Self.verifier(keySet)
            let token = try await key.sign()
            _ = try await verifier.verify(token)
            stand.hang()
            clock.advance(by: .seconds(61))
            _ = try await verifier.verify(token)
            stand.release()
            #expect(stand.requests == 2)
            #expect(log.all.filter { $0.message.contains("could not be fetched") }.count == 1)
        }
    }

    @Test("an unreachable JWKS: tokens are refused with a 401 reason, a warning is logged, nothing throws otherwise")
    func unreachable() async throws {
        // Port 9 (discard) on loopback: nothing listens there in the test environment. The
        // client retries a refused connection until the timeout, hence a short one.
        let clock = ManualClock()
        let log = CapturedLog()
        let keySet = JWKSKeySet(url: "http://127.0.0.1:9/jwks.json", timeout: .seconds(1), logger: log.logger, now: clock.now)
        let key = await JWKSStandIn.SigningKey.es256(kid: "k")
        let verifier = Self.verifier(keySet)
        #expect(await Self.refusal(verifier, try await key.sign())
                == "no ES256 key with kid 'k' is configured or in the authorization server's key set")
        #expect(await Self.refusal(verifier, try await key.sign(omitKid: true))
                == "no ES256 key is configured or in the authorization server's key set")
        #expect(await keySet.attempts == 1)
        #expect(log.all.filter { $0.message.contains("could not be fetched") }.count == 1)
    }

    @Test("alg none, HS256 signed with a published public key, HS256 under a published kid: refused, and they fetch nothing")
    func confusion() async throws {
        let stand = JWKSStandIn()
        let rs = try await JWKSStandIn.SigningKey.rs256(kid: "rs")
        try stand.publish([rs])
        try await stand.serve { url in
            let clock = ManualClock()
            let keySet = Self.keySet(url, clock: clock)
            let verifier = Self.verifier(keySet)
            await keySet.refresh()
            clock.advance(by: .seconds(60))  // past the minimum interval: a fetch would be allowed
            // The classic confusion: HS256 keyed with the published public key as PEM text. An
            // HS256 token is never checked against the key set's keys, whatever its kid.
            let forged = try await TestTokens.hs256(secret: rs.publicKeyPEM, kid: "rs")
            #expect(await Self.refusal(verifier, forged) == "no HS256 key with kid 'rs' is configured")
            #expect(await Self.refusal(verifier, try await TestTokens.hs256(secret: rs.publicKeyPEM))
                    == "no HS256 key is configured")
            #expect(await Self.refusal(verifier, try await TestTokens.hs256(secret: rs.publicKeyPEM, kid: "other"))
                    == "no HS256 key with kid 'other' is configured")
            #expect(await Self.refusal(verifier, try TestTokens.unsigned())
                    == "the token's algorithm 'none' is not accepted (HS256, ES256 or RS256)")
            #expect(stand.requests == 1, "HS256 and none tokens never make the key set be fetched")
        }
    }

    @Test("with a JWKS, iss and aud are held: another issuer, another audience, no audience are refused")
    func issuerAndAudience() async throws {
        let stand = JWKSStandIn()
        let key = await JWKSStandIn.SigningKey.es256(kid: "k")
        try stand.publish([key])
        try await stand.serve { url in
            let verifier = Self.verifier(Self.keySet(url, clock: ManualClock()))
            #expect(await Self.refusal(verifier, try await key.sign(TestTokens.with { $0.iss = "https://other-tenant.auth.test/" }))
                    == "the token was not issued by the configured issuer")
            #expect(await Self.refusal(verifier, try await key.sign(TestTokens.with { $0.aud = AudienceClaim(value: ["billing-api"]) }))
                    == "the token is not meant for this API (aud)")
            #expect(await Self.refusal(verifier, try await key.sign(TestTokens.with { $0.aud = nil }))
                    == "the token is not meant for this API (aud)")
            _ = try await verifier.verify(try await key.sign())
        }
    }

    @Test("entries Sundial cannot use are skipped with the reason; the rest are kept")
    func skippedEntries() async throws {
        let es = await JWKSStandIn.SigningKey.es256(kid: "good-es")
        let small = try await JWKSStandIn.SigningKey.rs256(kid: "small", bits: 1024)
        var encryption = es.jwk
        encryption.keyIdentifier = "enc"
        func json(_ jwk: JWK) throws -> String { String(decoding: try JSONEncoder().encode(jwk), as: UTF8.self) }
        let document = """
            {"keys": [\(try json(es.jwk)),
              \(try json(encryption).dropLast()), "use": "enc"},
              \(try json(small.jwk)),
              {"kty": "oct", "kid": "shared", "k": "c2VjcmV0"},
              {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
              {"kty": "EC", "crv": "P-384", "kid": "p384", "x": "AA", "y": "AA"},
              {"kty": "RSA", "alg": "PS256", "kid": "pss", "n": "AQAB", "e": "AQAB"}]}
            """
        let parsed = try await JWKSDocument.parse(Data(document.utf8))
        #expect(parsed.keys.map(\.kid) == ["good-es"])
        let skipped = parsed.skipped.joined(separator: "\n")
        #expect(parsed.skipped.count == 6, "\(skipped)")
        #expect(skipped.contains("enc: its use is 'enc', not 'sig'"))
        #expect(skipped.contains("small: not a usable RSA public key of 2048 bits or more"))
        #expect(skipped.contains("shared: a oct key"))
        #expect(skipped.contains("ed: a OKP key for no algorithm"))
        #expect(skipped.contains("p384: an EC key on curve P-384"))
        #expect(skipped.contains("pss: a RSA key for PS256"))
        await #expect(throws: JWKSDocument.Invalid.self) { _ = try await JWKSDocument.parse(Data("[]".utf8)) }
        await #expect(throws: JWKSDocument.Invalid.self) { _ = try await JWKSDocument.parse(Data("<html>".utf8)) }
    }

    @Test("Cache-Control: max-age is the set's lifetime, no-store and no-cache count as 0, nothing said is nil")
    func cacheControl() {
        #expect(JWKSFetcher.maxAge(cacheControl: ["public, max-age=3600"]) == .seconds(3600))
        #expect(JWKSFetcher.maxAge(cacheControl: ["max-age=\"60\", must-revalidate"]) == .seconds(60))
        #expect(JWKSFetcher.maxAge(cacheControl: ["no-store"]) == .zero)
        #expect(JWKSFetcher.maxAge(cacheControl: ["public", "no-cache"]) == .zero)
        #expect(JWKSFetcher.maxAge(cacheControl: ["max-age=-5"]) == nil)
        #expect(JWKSFetcher.maxAge(cacheControl: []) == nil)
    }

    @Test("a max-age longer than the refresh interval is cut to it; no-store still fetches at most once per minimum interval")
    func maxAgeBounds() async throws {
        let stand = JWKSStandIn()
        let key = await JWKSStandIn.SigningKey.es256(kid: "k")
        try stand.publish([key], cacheControl: "max-age=86400")
        try await stand.serve { url in
            let clock = ManualClock()
            let verifier = Self.verifier(Self.keySet(url, clock: clock))
            let token = try await key.sign()
            _ = try await verifier.verify(token)
            clock.advance(by: .seconds(299))
            _ = try await verifier.verify(token)
            #expect(stand.requests == 1)
            try stand.publish([key], cacheControl: "no-store")
            clock.advance(by: .seconds(1))
            _ = try await verifier.verify(token)
            #expect(stand.requests == 2)
            clock.advance(by: .seconds(29))
            _ = try await verifier.verify(token)
            #expect(stand.requests == 2)
            clock.advance(by: .seconds(1))
            _ = try await verifier.verify(token)
            #expect(stand.requests == 3)
        }
    }
}
