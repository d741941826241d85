import Foundation
import PostgresNIO

/// The SQL of ``EncryptedSecrets``: sealed bytes in and out of `secrets`. The values are already
/// encrypted here; this file never sees plaintext.
extension WorkflowStore {
    /// The sealed value stored under `name`; nil when there is none. Primary key of `secrets`.
    func sealedSecret(_ name: String) async throws -> Data? {
        let rows = try await client.query("SELECT sealed FROM secrets WHERE name = \(name)", logger: logger)
        return try await first(rows.decode(Data?.self)) ?? nil
    }

    /// Stores `sealed` under `name` unless a value is stored already (a row reserved by a renewal
    /// but never written counts as none); true when it was stored. The primary key's conflict
    /// check decides.
    func seedSealedSecret(_ name: String, sealed: Data) async throws -> Bool {
        let rows = try await client.query("""
            INSERT INTO secrets (name, sealed, version) VALUES (\(name), \(sealed), 1)
            ON CONFLICT (name) DO UPDATE SET sealed = EXCLUDED.sealed, version = secrets.version + 1, updated_at = now()
            WHERE secrets.sealed IS NULL
            RETURNING version
            """, logger: logger)
        return try await first(rows.decode(Int64.self)) != nil
    }

    /// Runs `replace` with the sealed value of `name` while holding that row's lock, in one
    /// transaction, and stores what it returns (nil keeps the value); returns the value stored
    /// afterwards. A second caller waits (at most `lockTimeout`) and then sees the first one's
    /// value. The row is inserted empty first when missing, so there is always a row to lock.
    /// Primary key of `secrets` for the insert, the `FOR UPDATE` read and the update.
    func withLockedSealedSecret(
        _ name: String, lockTimeout: Duration, _ replace: (Data?) async throws -> Data?
    ) async throws -> Data? {
        let logger = self.logger
        let timeout = "\(max(Int64(lockTimeout / .milliseconds(1)), 1))ms"
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT set_config('lock_timeout', \(timeout), true)", logger: logger)
                try await connection.query("INSERT INTO secrets (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING", logger: logger)
                let rows = try await connection.query("SELECT sealed FROM secrets WHERE name = \(name) FOR UPDATE", logger: logger)
                let current = try await Self.first(rows.decode(Data?.self)) ?? nil
                guard let replacement = try await replace(current) else { return current }
                try await connection.query("""
                    UPDATE secrets SET sealed = \(replacement), version = version + 1, updated_at = now() WHERE name = \(name)
                    """, logger: logger)
                return replacement
            }
        } catch let error as PostgresTransactionError {
            // The caller's own error (a refused renewal) matters more than the rollback around it.
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }
}
