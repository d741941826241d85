import Foundation
import PostgresNIO
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Encrypted secrets store")
struct EncryptedSecretsTests {
    static func randomKey() throws -> SecretsKey {
        var generator = SystemRandomNumberGenerator()
        return try SecretsKey(base64: Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString())
    }

    @Test("a seed is stored once and never overwrites a newer value; the table holds no plaintext")
    func seedAndCiphertext() async throws {
        try await TestDatabase.with { db in
            let secrets = EncryptedSecrets(store: db.store, key: try Self.randomKey())
            let plaintext = Data("refresh-token-PLAINTEXT-1234".utf8)
            #expect(try await secrets.value("vendor:a") == nil)
            #expect(try await secrets.seed("vendor:a", value: plaintext))
            #expect(try await secrets.value("vendor:a") == plaintext)

            let newer = Data("refresh-token-NEWER-5678".utf8)
            _ = try await secrets.renew("vendor:a") { current in
                #expect(current == plaintext)
                return newer
            }
            #expect(try await secrets.seed("vendor:a", value: plaintext) == false)
            #expect(try await secrets.value("vendor:a") == newer)

            let stored = try #require(try await db.scalar("SELECT sealed FROM secrets WHERE name = 'vendor:a'", as: Data.self))
            #expect(stored.count == 12 + newer.count + 16)  // nonce, ciphertext, tag
            #expect(stored.range(of: newer) == nil)
            #expect(stored.range(of: Data("NEWER".utf8)) == nil)
            #expect(try await db.scalar("SELECT version FROM secrets WHERE name = 'vendor:a'", as: Int64.self) == 2)
        }
    }

    @Test("a wrong key gives a clear, permanent error that names the variable and not the value")
    func wrongKey() async throws {
        try await TestDatabase.with { db in
            try await EncryptedSecrets(store: db.store, key: try Self.randomKey()).seed("vendor:b", value: Data("token-xyz".utf8))
            let other = EncryptedSecrets(store: db.store, key: try Self.randomKey())
            let error = try #require(await #expect(throws: SecretUnreadable.self) { try await other.value("vendor:b") })
            #expect(error.retryDisposition == .permanent)
            #expect(error.description.contains("SUNDIAL_SECRETS_KEY"))
            #expect(error.description.contains("vendor:b"))
            #expect(!error.description.contains("token-xyz"))
            // A renewal cannot overwrite what it cannot read either.
            await #expect(throws: SecretUnreadable.self) { _ = try await other.renew("vendor:b") { _ in Data("other".utf8) } }

            // A value moved to another name does not open: the name is authenticated.
            try await db.client.query("INSERT INTO secrets (name, sealed) SELECT 'vendor:c', sealed FROM secrets WHERE name = 'vendor:b'", logger: db.logger)
            await #expect(throws: SecretUnreadable.self) { _ = try await other.value("vendor:c") }
        }
    }

    @Test("malformed or missing keys are configuration errors naming SUNDIAL_SECRETS_KEY")
    func keyConfiguration() throws {
        #expect(throws: ConfigurationError.self) { try SecretsKey(base64: "not base64!") }
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        let error = try #require(#expect(throws: ConfigurationError.self) { try SecretsKey(base64: short) })
        #expect(error.setting == "SUNDIAL_SECRETS_KEY")
        #expect(!error.problem.contains(short))
        #expect(try SecretsKey.fromEnvironment(EnvironmentReader([:])) == nil)
        let missing = try #require(#expect(throws: ConfigurationError.self) {
            try SecretsKey.required(EnvironmentReader([:]), because: "to share vendor tokens")
        })
        #expect(missing.setting == "SUNDIAL_SECRETS_KEY")
        #expect(missing.problem.contains("to share vendor tokens"))
        let key = try SecretsKey(base64: Data(repeating: 1, count: 32).base64EncodedString())
        #expect("\(key)" == "<redacted>")
    }

    @Test("a second renewal waits for the first one's row lock and then sees its value")
    func renewalsAreSerialised() async throws {
        try await TestDatabase.with { db in
            let secrets = EncryptedSecrets(store: db.store, key: try Self.randomKey())
            try await secrets.seed("vendor:d", value: Data("v0".utf8))
            let (firstHasLock, lockTaken) = AsyncStream.makeStream(of: Void.self)
            let (releaseFirst, release) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Data?.self) { group in
                group.addTask {
                    try await secrets.renew("vendor:d") { current in
                        #expect(current == Data("v0".utf8))
                        lockTaken.yield()
                        for await _ in releaseFirst { break }
                        return Data("v1".utf8)
                    }
                }
                for await _ in firstHasLock { break }
                group.addTask {
                    try await secrets.renew("vendor:d") { current in
                        // Runs only after the first committed: it sees v1 and keeps it.
                        #expect(current == Data("v1".utf8))
                        return nil
                    }
                }
                // The second renewal is queued on the row: it holds the tuple lock of a waiter.
                #expect(try await eventually(timeout: .seconds(10)) {
                    try await db.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'tuple' AND relation = 'secrets'::regclass", as: Int64.self) == 1
                })
                release.yield()
                var results: [Data?] = []
                for try await result in group { results.append(result) }
                #expect(results == [Data("v1".utf8), Data("v1".utf8)])
            }
            #expect(try await secrets.value("vendor:d") == Data("v1".utf8))
            #expect(try await db.scalar("SELECT version FROM secrets WHERE name = 'vendor:d'", as: Int64.self) == 2)
        }
    }
}
