import Foundation
import SundialEngine

/// The `SUNDIAL_JWT_*` settings: the keys intake access tokens are verified with. Several keys
/// per algorithm are listed comma-separated (with their kids in the same order), so a key can be
/// rotated with the old and the new one accepted for a while; a JWKS URL lets the authorization
/// server's own rotations reach Sundial without a change here.
extension IntakeConfiguration {
    /// The verifier the variables describe; nil when they name no key and no key set.
    static func tokenVerifier(_ reader: EnvironmentReader) async throws -> AccessTokenVerifier? {
        var keys: [TokenKey] = []
        for (secret, kid) in try hs256Secrets(reader) {
            do {
                keys.append(try await TokenKey.hs256(secret: secret, kid: kid))
            } catch {
                throw ConfigurationError(setting: "SUNDIAL_JWT_HS256_SECRET", problem: "\(error)")
            }
        }
        keys += try await publicKeys(reader)
        let issuer = reader.string("SUNDIAL_JWT_ISSUER")
        let audience = reader.string("SUNDIAL_JWT_AUDIENCE")
        let keySet = try jwksKeySet(reader, issuer: issuer, audience: audience)
        guard !keys.isEmpty || keySet != nil else { return nil }
        return AccessTokenVerifier(keys: keys, keySet: keySet, issuer: issuer, audience: audience,
                                   leeway: try reader.seconds("SUNDIAL_JWT_LEEWAY_SECONDS", default: .seconds(60), range: 0...600))
    }

    /// `SUNDIAL_JWT_HS256_SECRET` (comma-separated while one is rotated, the current one first)
    /// with the kids `SUNDIAL_JWT_HS256_KID` gives them (one per secret, same order; an empty
    /// item or no variable: no kid). `sundial tokens mint` signs with the first.
    public static func hs256Secrets(_ reader: EnvironmentReader) throws -> [(secret: String, kid: String?)] {
        guard let secrets = commaSeparated(reader, "SUNDIAL_JWT_HS256_SECRET") else { return [] }
        let kids = try pairedKids(reader, "SUNDIAL_JWT_HS256_KID", for: secrets.count, of: "SUNDIAL_JWT_HS256_SECRET")
        return Array(zip(secrets, kids)).map { (secret: $0.0, kid: $0.1) }
    }

    /// `SUNDIAL_JWT_PUBLIC_KEY_FILE`: PEM files, comma-separated, with their kids
    /// (`SUNDIAL_JWT_PUBLIC_KEY_KID`) and algorithms (`SUNDIAL_JWT_PUBLIC_KEY_ALG`: one for all,
    /// or one per file; unset: from each key's type).
    static func publicKeys(_ reader: EnvironmentReader) async throws -> [TokenKey] {
        let setting = "SUNDIAL_JWT_PUBLIC_KEY_FILE"
        guard let paths = commaSeparated(reader, setting) else { return [] }
        let kids = try pairedKids(reader, "SUNDIAL_JWT_PUBLIC_KEY_KID", for: paths.count, of: setting)
        let algorithms = try publicKeyAlgorithms(reader, for: paths.count)
        var keys: [TokenKey] = []
        for (index, path) in paths.enumerated() {
            let pem: String
            do {
                pem = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError(setting: setting, problem: "cannot read '\(path)'")
            }
            do {
                keys.append(try await TokenKey.publicKey(pem: pem, algorithm: algorithms[index], kid: kids[index]))
            } catch {
                throw ConfigurationError(setting: setting, problem: paths.count == 1 ? "\(error)" : "'\(path)': \(error)")
            }
        }
        return keys
    }

    /// `SUNDIAL_JWT_JWKS_URL` with its intervals; refused without an issuer and an audience to
    /// hold tokens to, because an authorization server's keys also sign tokens meant for other
    /// APIs (and, on a shared server, for other tenants).
    static func jwksKeySet(_ reader: EnvironmentReader, issuer: String?, audience: String?) throws -> JWKSKeySet? {
        let setting = "SUNDIAL_JWT_JWKS_URL"
        guard let url = reader.string(setting) else { return nil }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host, !host.isEmpty,
              scheme == "https" || (scheme == "http" && ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host.lowercased()))
        else {
            throw ConfigurationError(setting: setting, problem: "expected an https:// URL (http:// only to 127.0.0.1, ::1 or localhost)")
        }
        guard issuer != nil, audience != nil else {
            throw ConfigurationError(setting: setting, problem: """
                a JWKS needs SUNDIAL_JWT_ISSUER and SUNDIAL_JWT_AUDIENCE too: the authorization server's keys also sign \
                tokens meant for other APIs
                """)
        }
        return JWKSKeySet(
            url: url,
            timeout: try reader.seconds("SUNDIAL_JWT_JWKS_TIMEOUT_SECONDS", default: .seconds(5), range: 0.1...60),
            refreshInterval: try reader.seconds("SUNDIAL_JWT_JWKS_REFRESH_SECONDS", default: .seconds(300), range: 1...86_400),
            minimumInterval: try reader.seconds("SUNDIAL_JWT_JWKS_MIN_REFRESH_SECONDS", default: .seconds(30), range: 1...3600))
    }

    /// The kids a comma-separated list gives `count` keys, in order; empty items are keys without one.
    private static func pairedKids(_ reader: EnvironmentReader, _ name: String, for count: Int, of keysSetting: String) throws -> [String?] {
        guard let raw = reader.string(name) else { return Array(repeating: nil, count: count) }
        let kids = raw.split(separator: ",", omittingEmptySubsequences: false).map { item -> String? in
            let kid = item.trimmingCharacters(in: .whitespaces)
            return kid.isEmpty ? nil : kid
        }
        guard kids.count == count else {
            throw ConfigurationError(setting: name, problem: "lists \(kids.count) kids for the \(count) keys of \(keysSetting): one per key, in the same order")
        }
        return kids
    }

    private static func publicKeyAlgorithms(_ reader: EnvironmentReader, for count: Int) throws -> [TokenKey.Algorithm?] {
        let setting = "SUNDIAL_JWT_PUBLIC_KEY_ALG"
        guard let names = commaSeparated(reader, setting) else { return Array(repeating: nil, count: count) }
        guard names.count == 1 || names.count == count else {
            throw ConfigurationError(setting: setting, problem: "lists \(names.count) algorithms for \(count) key files: one for all, or one per file")
        }
        let algorithms = try names.map { name in
            guard let algorithm = TokenKey.Algorithm(rawValue: name.uppercased()), algorithm != .hs256 else {
                throw ConfigurationError(setting: setting, problem: "expected ES256 or RS256, got '\(name)'")
            }
            return algorithm
        }
        return names.count == 1 ? Array(repeating: algorithms[0], count: count) : algorithms
    }
}
