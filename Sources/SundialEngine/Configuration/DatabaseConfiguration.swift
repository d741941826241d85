import Foundation
import PostgresNIO

/// Where the Postgres database is and which schema Sundial's tables live in.
///
/// Built from a `postgres://user:password@host:port/database` URL. The schema is selected with
/// the `search_path` startup parameter, so queries name tables without a schema and one
/// database can hold several isolated Sundial schemas (the tests use one per suite).
public struct DatabaseConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var schema: String
    public var maxConnections: Int

    public init(url: String, schema: String = "sundial", maxConnections: Int = 10) throws {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql"
        else {
            throw ConfigurationError(setting: "DATABASE_URL", problem: "expected postgres://user[:password]@host[:port]/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ConfigurationError(setting: "DATABASE_URL", problem: "the URL names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ConfigurationError(setting: "DATABASE_URL", problem: "the URL names no user")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw ConfigurationError(setting: "DATABASE_URL", problem: "the URL names no database")
        }
        try Self.validate(schema: schema)
        self.host = host
        self.port = components.port ?? 5432
        self.username = user
        self.password = components.password
        self.database = database
        self.schema = schema
        self.maxConnections = maxConnections
    }

    /// Schema names become SQL identifiers (`CREATE SCHEMA`, `search_path`), so only plain
    /// lower-case identifiers are accepted.
    public static func validate(schema: String) throws {
        let allowed = schema.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard allowed, let first = schema.unicodeScalars.first, !("0"..."9").contains(first), schema.count <= 48 else {
            throw ConfigurationError(setting: "SUNDIAL_SCHEMA", problem: "expected a lower-case identifier ([a-z_][a-z0-9_]*, at most 48 characters), got '\(schema)'")
        }
    }

    /// The NOTIFY channel that wakes this schema's workers.
    public var wakeupChannel: String { "\(schema)_wakeup" }

    /// A PostgresNIO client configuration for this database.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        // The hot-path statements are prepared once per connection; a generic plan spares the
        // planner on every execution (their plans do not depend on parameter values).
        configuration.options.additionalStartupParameters = [("search_path", schema), ("plan_cache_mode", "force_generic_plan")]
        configuration.options.maximumConnections = maxConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(15))
        return configuration
    }

    /// The URL with the password masked, for logs.
    public var redactedDescription: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database) schema=\(schema)"
    }
}
