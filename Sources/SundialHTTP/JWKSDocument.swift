import Foundation
import JWTKit

/// A JSON Web Key Set (RFC 7517) as an authorization server publishes it, read into the keys
/// tokens may be verified with. jwt-kit decodes and builds each key; an entry Sundial cannot use
/// (an encryption key, another algorithm or curve, a symmetric or malformed key) is skipped with
/// its reason, so one odd entry beside the signing keys does not cost the whole set.
struct JWKSDocument: Sendable {
    let keys: [TokenKey]
    /// One line per skipped entry (`kid: reason`), for the log; never key material.
    let skipped: [String]

    /// More entries than any authorization server publishes; a document beyond it is refused.
    static let maximumEntries = 100

    /// Why a document was refused as a whole; the keys held before stay in use.
    struct Invalid: Error, CustomStringConvertible, Sendable {
        let description: String
    }

    static func parse(_ data: Data) async throws(Invalid) -> JWKSDocument {
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode(Entries.self, from: data).keys
        } catch {
            throw Invalid(description: "the document is not a JSON Web Key Set ({\"keys\": [...]})")
        }
        guard entries.count <= maximumEntries else {
            throw Invalid(description: "the key set has \(entries.count) entries, more than \(maximumEntries)")
        }
        var keys: [TokenKey] = []
        var skipped: [String] = []
        for entry in entries {
            let name = entry.kid ?? "(no kid)"
            guard let jwk = entry.jwk else {
                skipped.append("\(name): a \(entry.kty ?? "typeless") key for \(entry.alg ?? "no algorithm") that jwt-kit cannot read")
                continue
            }
            do {
                keys.append(try await TokenKey.jwk(jwk, use: entry.use))
            } catch {
                skipped.append("\(name): \(error)")
            }
        }
        return JWKSDocument(keys: keys, skipped: skipped)
    }

    private struct Entries: Decodable {
        let keys: [Entry]
    }

    /// One entry, decoded leniently: jwt-kit's `JWK` when it can read it, and the members that
    /// name the entry in a skip reason either way.
    private struct Entry: Decodable {
        let jwk: JWK?
        let kid: String?
        let kty: String?
        let alg: String?
        let use: String?

        enum CodingKeys: String, CodingKey { case kid, kty, alg, use }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kid = try? container.decodeIfPresent(String.self, forKey: .kid)
            kty = try? container.decodeIfPresent(String.self, forKey: .kty)
            alg = try? container.decodeIfPresent(String.self, forKey: .alg)
            use = try? container.decodeIfPresent(String.self, forKey: .use)
            jwk = try? JWK(from: decoder)
        }
    }
}
