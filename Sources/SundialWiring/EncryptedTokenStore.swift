import Foundation
import Integrations
import Sundial
import SundialEngine

/// The fleet's ``SharedTokenStore``: each name's ``VendorTokens`` are one of the engine's
/// ``EncryptedSecrets`` (JSON, encrypted at rest). Exists so the clients in `Integrations` share
/// rotated vendor tokens through Postgres without depending on the engine, and the engine stores
/// them without knowing any vendor.
struct EncryptedTokenStore: SharedTokenStore {
    let secrets: EncryptedSecrets

    func tokens(named name: String) async throws -> VendorTokens? {
        try await secrets.value(name).map { try Self.decode($0, name: name) }
    }

    func seed(_ tokens: VendorTokens, named name: String) async throws {
        try await secrets.seed(name, value: try Self.encode(tokens))
    }

    func renew(named name: String, _ renew: @Sendable (VendorTokens?) async throws -> VendorTokens?) async throws -> VendorTokens? {
        let stored = try await secrets.renew(name) { current in
            try await renew(try current.map { try Self.decode($0, name: name) }).map(Self.encode)
        }
        return try stored.map { try Self.decode($0, name: name) }
    }

    /// The stored form: tokens as text, the expiry in Unix seconds.
    private struct Stored: Codable {
        var accessToken: String?
        var accessTokenExpiresAt: Double?
        var refreshToken: String?
    }

    private static func encode(_ tokens: VendorTokens) throws -> Data {
        let stored = Stored(accessToken: tokens.accessToken?.value, accessTokenExpiresAt: tokens.accessTokenExpiresAt?.timeIntervalSince1970,
                            refreshToken: tokens.refreshToken?.value)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(stored)
    }

    private static func decode(_ data: Data, name: String) throws -> VendorTokens {
        guard let stored = try? JSONDecoder().decode(Stored.self, from: data) else { throw UnreadableTokens(name: name) }
        return VendorTokens(accessToken: stored.accessToken.map { Secret($0) }, accessTokenExpiresAt: stored.accessTokenExpiresAt.map(Date.init(timeIntervalSince1970:)),
                            refreshToken: stored.refreshToken.map { Secret($0) })
    }

    /// A secret under a token name that decrypts but is not tokens (written by something else).
    private struct UnreadableTokens: Error, RetryClassifiable, CustomStringConvertible {
        let name: String
        var retryDisposition: RetryDisposition { .permanent }
        var description: String { "the stored secret '\(name)' does not hold vendor tokens" }
    }
}
