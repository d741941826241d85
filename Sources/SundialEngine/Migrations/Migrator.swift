import Foundation
import Logging
import PostgresNIO

/// Applies the bundled migrations to the configured schema, and checks a schema is current.
///
/// `migrate` takes a session advisory lock keyed by the schema name, so concurrent runs queue up
/// and the later ones find nothing to do. Each migration runs in its own transaction and is
/// recorded with the SHA-256 of its text; an applied migration whose text changed is refused.
public struct Migrator: Sendable {
    public let client: DatabaseClient
    public let schema: String
    public let migrations: [Migration]
    public let logger: Logger

    public init(client: DatabaseClient, schema: String, migrations: [Migration] = Migration.bundled, logger: Logger) {
        self.client = client
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies what is missing; returns the file names it applied (empty when up to date).
    @discardableResult
    public func migrate() async throws -> [String] {
        try DatabaseConfiguration.validate(schema: schema)
        let schema = self.schema
        let migrations = self.migrations
        let logger = self.logger
        return try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(hashtext(\("sundial-migrate:" + schema)))", logger: logger)
            do {
                let applied = try await Self.prepare(connection, schema: schema, migrations: migrations, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(hashtext(\("sundial-migrate:" + schema)))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(\("sundial-migrate:" + schema)))", logger: logger)
                throw error
            }
        }
    }

    private static func prepare(
        _ connection: PostgresConnection, schema: String, migrations: [Migration], logger: Logger
    ) async throws -> [String] {
        // The schema name was validated as a plain identifier; identifiers cannot be bound.
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                file_name  text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)

        let applied = try await appliedChecksums(connection, logger: logger)
        var newlyApplied: [String] = []
        for migration in migrations {
            let checksum = try await Self.checksum(of: migration.sql, connection, logger: logger)
            if let recorded = applied[migration.version] {
                guard recorded == checksum else {
                    throw MigrationError.checksumMismatch(fileName: migration.fileName, recorded: recorded, actual: checksum)
                }
                continue
            }
            logger.info("applying migration", metadata: ["file": "\(migration.fileName)", "schema": "\(schema)"])
            try await connection.withTransaction(logger: logger) { transaction in
                for statement in SQLScript.statements(in: migration.sql) {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await transaction.query(
                    "INSERT INTO schema_migrations (version, file_name, checksum) VALUES (\(migration.version), \(migration.fileName), \(checksum))",
                    logger: logger)
            }
            newlyApplied.append(migration.fileName)
        }
        return newlyApplied
    }

    /// The schema version found in the database (0 when nothing is applied).
    public func currentVersion() async throws -> Int {
        let exists = try await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        var found = false
        for try await value in exists.decode(Bool.self) { found = value }
        guard found else { return 0 }
        let rows = try await client.query("SELECT COALESCE(max(version), 0) FROM schema_migrations", logger: logger)
        for try await version in rows.decode(Int.self) { return version }
        return 0
    }

    /// Refuses to go on against a schema older than this binary needs.
    public func requireCurrent() async throws {
        let required = migrations.map(\.version).max() ?? 0
        let current = try await currentVersion()
        guard current >= required else {
            throw MigrationError.schemaTooOld(schema: schema, current: current, required: required)
        }
    }

    private static func appliedChecksums(_ connection: PostgresConnection, logger: Logger) async throws -> [Int: String] {
        let rows = try await connection.query("SELECT version, checksum FROM schema_migrations", logger: logger)
        var result: [Int: String] = [:]
        for try await (version, checksum) in rows.decode((Int, String).self) { result[version] = checksum }
        return result
    }

    private static func checksum(of sql: String, _ connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query("SELECT encode(sha256(convert_to(\(sql), 'UTF8')), 'hex')", logger: logger)
        for try await value in rows.decode(String.self) { return value }
        throw MigrationError.noChecksum
    }
}

/// Why migrating, or starting against the database, was refused.
public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case checksumMismatch(fileName: String, recorded: String, actual: String)
    case schemaTooOld(schema: String, current: Int, required: Int)
    case noChecksum

    public var description: String {
        switch self {
        case .checksumMismatch(let fileName, let recorded, let actual):
            "migration \(fileName) was changed after it was applied (recorded checksum \(recorded.prefix(12))…, file now \(actual.prefix(12))…); migrations are append-only: restore the file and add a new migration instead"
        case .schemaTooOld(let schema, let current, let required):
            "schema '\(schema)' is at version \(current) but this build needs \(required): run `sundial migrate` first"
        case .noChecksum:
            "the database returned no checksum"
        }
    }
}
