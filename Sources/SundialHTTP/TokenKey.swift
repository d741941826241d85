import Foundation
import JWTKit

/// One key access tokens may be signed with: an HS256 shared secret, or an ES256 or RS256
/// public key from PEM or from a JSON Web Key Set, with the `kid` tokens name it by. Each key
/// sits in a key collection of its own, so a token is only ever checked against the key its
/// header selects and the algorithm that key is for (no fallback to another key, no algorithm
/// switching).
public struct TokenKey: Sendable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case hs256 = "HS256", es256 = "ES256", rs256 = "RS256"
    }

    public let algorithm: Algorithm
    public let kid: String?
    let keys: JWTKeyCollection

    private init(algorithm: Algorithm, kid: String?, keys: JWTKeyCollection) {
        self.algorithm = algorithm
        self.kid = kid
        self.keys = keys
    }

    /// An HS256 shared secret (at least 32 bytes, as RFC 7518 asks of HS256 keys).
    public static func hs256(secret: String, kid: String? = nil) async throws -> TokenKey {
        guard secret.utf8.count >= 32 else { throw TokenKeyError("an HS256 secret must be at least 32 bytes") }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return TokenKey(algorithm: .hs256, kid: kid, keys: keys)
    }

    /// A public key in PEM (`-----BEGIN PUBLIC KEY-----`, or a certificate). With no algorithm
    /// given, a P-256 key is ES256 and an RSA key (2048 bits or more) RS256.
    public static func publicKey(pem: String, algorithm: Algorithm? = nil, kid: String? = nil) async throws -> TokenKey {
        let keys = JWTKeyCollection()
        let isCertificate = pem.contains("BEGIN CERTIFICATE")
        switch algorithm {
        case .hs256?:
            throw TokenKeyError("HS256 takes a shared secret, not a public key")
        case .es256?:
            let key = try Self.ecdsa(pem, certificate: isCertificate)
            await keys.add(ecdsa: key)
            return TokenKey(algorithm: .es256, kid: kid, keys: keys)
        case .rs256?:
            let key = try Self.rsa(pem, certificate: isCertificate)
            await keys.add(rsa: key, digestAlgorithm: .sha256)
            return TokenKey(algorithm: .rs256, kid: kid, keys: keys)
        case nil:
            if let key = try? Self.ecdsa(pem, certificate: isCertificate) {
                await keys.add(ecdsa: key)
                return TokenKey(algorithm: .es256, kid: kid, keys: keys)
            }
            if let key = try? Self.rsa(pem, certificate: isCertificate) {
                await keys.add(rsa: key, digestAlgorithm: .sha256)
                return TokenKey(algorithm: .rs256, kid: kid, keys: keys)
            }
            throw TokenKeyError("the PEM is neither a P-256 (ES256) nor an RSA (RS256, 2048 bits or more) public key")
        }
    }

    /// A public key from a JWKS entry (RFC 7517), built by jwt-kit. The algorithm is the entry's
    /// `alg` when it has one, else follows from its type: `RSA` is RS256, `EC` on P-256 is ES256.
    /// Entries for encryption (`use` other than `sig`), other algorithms or curves, and RSA keys
    /// under 2048 bits are refused with the reason.
    static func jwk(_ entry: JWK, use: String?) async throws -> TokenKey {
        if let use, use != "sig" { throw TokenKeyError("its use is '\(use)', not 'sig'") }
        let algorithm: Algorithm
        switch entry.keyType {
        case .ecdsa where entry.algorithm == nil || entry.algorithm == .es256:
            guard entry.curve == .ecdsa(.p256) else {
                throw TokenKeyError("an EC key on curve \(entry.curve?.rawValue ?? "(none)"), not P-256 as ES256 needs")
            }
            algorithm = .es256
        case .rsa where entry.algorithm == nil || entry.algorithm == .rs256:
            algorithm = .rs256
        default:
            throw TokenKeyError("a \(entry.keyType.rawValue) key for \(entry.algorithm?.rawValue ?? "no algorithm") (ES256 and RS256 keys are accepted)")
        }
        guard entry.privateExponent == nil else { throw TokenKeyError("it holds a private key, which a key set must not publish") }
        var entry = entry
        // With `alg` set, jwt-kit builds the key now (and refuses bad ones) rather than at the
        // first token, and never for another algorithm a token's header might ask for.
        entry.algorithm = JWK.Algorithm(rawValue: algorithm.rawValue)
        let kid = entry.keyIdentifier?.string
        // The collection files a key under a kid; one without is only ever used for kid-less tokens.
        entry.keyIdentifier = entry.keyIdentifier ?? JWKIdentifier(string: "unnamed")
        let keys = JWTKeyCollection()
        do {
            try await keys.add(jwk: entry)
        } catch {
            throw TokenKeyError(algorithm == .rs256 ? "not a usable RSA public key of 2048 bits or more" : "not a usable P-256 public key")
        }
        return TokenKey(algorithm: algorithm, kid: kid, keys: keys)
    }

    private static func ecdsa(_ pem: String, certificate: Bool) throws -> ES256PublicKey {
        do {
            return certificate ? try ES256PublicKey(certificate: pem) : try ES256PublicKey(pem: pem)
        } catch {
            throw TokenKeyError("the PEM is not a P-256 public key for ES256")
        }
    }

    private static func rsa(_ pem: String, certificate: Bool) throws -> Insecure.RSA.PublicKey {
        do {
            return certificate ? try Insecure.RSA.PublicKey(certificatePEM: pem) : try Insecure.RSA.PublicKey(pem: pem)
        } catch {
            throw TokenKeyError("the PEM is not an RSA public key of 2048 bits or more for RS256")
        }
    }
}

/// A key that cannot be used, with the reason, for configuration errors.
public struct TokenKeyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
