import CryptoExtras
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import NIOCore
import Synchronization
import Testing

/// An authorization server's JWKS endpoint on 127.0.0.1 for the tests: serves the keys the test
/// publishes (with the Cache-Control it sets), counts the requests, and can be told to fail.
final class JWKSStandIn: Sendable {
    struct State: Sendable {
        var document = #"{"keys": []}"#
        var cacheControl: String?
        var failing = false
        /// Requests wait (answering nothing) until ``release()``.
        var hanging = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var requests = 0
    }

    private let state = Mutex(State())

    var requests: Int { state.withLock { $0.requests } }

    func publish(_ keys: [SigningKey], cacheControl: String? = nil) throws {
        let document = String(decoding: try JSONEncoder().encode(JWKS(keys: keys.map(\.jwk))), as: UTF8.self)
        publish(json: document, cacheControl: cacheControl)
    }

    /// Publishes a document as it is (entries jwt-kit cannot read, or Sundial must skip).
    func publish(json: String, cacheControl: String? = nil) {
        state.withLock {
            $0.document = json
            $0.cacheControl = cacheControl
        }
    }

    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

    /// From now on requests get no answer until ``release()``.
    func hang() { state.withLock { $0.hanging = true } }

    /// Lets the requests held by ``hang()`` go (with the document) and answers the next at once.
    func release() {
        let waiting = state.withLock { state in
            state.hanging = false
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Runs `body` with the URL of the key set, served until `body` returns.
    func serve(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            self.state.withLock { $0.requests += 1 }
            await withCheckedContinuation { continuation in
                let answerNow = self.state.withLock { state in
                    if state.hanging { state.waiting.append(continuation) }
                    return !state.hanging
                }
                if answerNow { continuation.resume() }
            }
            let (document, cacheControl, failing) = self.state.withLock { ($0.document, $0.cacheControl, $0.failing) }
            guard !failing else { return Response(status: .serviceUnavailable) }
            var headers = HTTPFields()
            headers[.contentType] = "application/jwk-set+json"
            if let cacheControl { headers[.cacheControl] = cacheControl }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
        }
        var logger = Logger(label: "jwks-stand-in")
        logger.logLevel = .critical
        let application = Application(router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                                      logger: logger)
        try await application.test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)/.well-known/jwks.json")
        }
    }

    /// A key pair of the stand-in authorization server: the private half signs tokens, the
    /// public half is what the key set publishes.
    struct SigningKey: Sendable {
        let kid: String
        let jwk: JWK
        /// The public half as PEM, as an attacker can derive it from the published entry.
        let publicKeyPEM: String
        let signers: JWTKeyCollection

        static func es256(kid: String) async -> SigningKey {
            let key = ES256PrivateKey()
            let (x, y) = key.publicKey.parameters!
            let signers = JWTKeyCollection()
            await signers.add(ecdsa: key)
            return SigningKey(kid: kid, jwk: .ecdsa(.es256, identifier: JWKIdentifier(string: kid), x: x, y: y, curve: .p256),
                              publicKeyPEM: key.publicKey.pemRepresentation, signers: signers)
        }

        /// RSA without `alg` in the published entry, as several servers publish it (RS256 by type).
        static func rs256(kid: String, bits: Int = 2048) async throws -> SigningKey {
            let backing = try _RSA.Signing.PrivateKey(unsafeKeySize: _RSA.Signing.KeySize(bitCount: bits))
            let primitives = try backing.publicKey.getKeyPrimitives()
            let signers = JWTKeyCollection()
            if bits >= 2048 {
                await signers.add(rsa: try Insecure.RSA.PrivateKey(backing: backing), digestAlgorithm: .sha256)
            }
            return SigningKey(kid: kid, jwk: .rsa(nil, identifier: JWKIdentifier(string: kid), modulus: primitives.modulus.base64URL,
                                                  exponent: primitives.publicExponent.base64URL),
                              publicKeyPEM: backing.publicKey.pemRepresentation, signers: signers)
        }

        func sign(_ claims: TestTokens.Claims = TestTokens.Claims(), kid: String? = nil, omitKid: Bool = false) async throws -> String {
            var header = JWTHeader()
            if !omitKid { header.kid = kid ?? self.kid }
            return try await signers.sign(claims, header: header)
        }
    }
}

private extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A clock the test moves by hand, for the key set's intervals: nothing waits on real time.
final class ManualClock: Sendable {
    private let origin = ContinuousClock.now
    private let offset = Mutex(Duration.zero)

    var now: @Sendable () -> ContinuousClock.Instant {
        { [self] in origin + offset.withLock { $0 } }
    }

    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}
