import Foundation
import PostgresNIO

/// Where the Postgres database is, how the link to it is secured, and which schema Sundial's
/// tables live in.
///
/// Built from a libpq-style URL: `postgres://user[:password]@host[:port][,host2[:port]…]/database`
/// with the query parameters `sslmode` and `sslrootcert` (see ``DatabaseTLSMode``),
/// `target_session_attrs` (`any`, or `read-write`/`primary`: with several hosts, use the one that
/// accepts writes, as after a standby was promoted) and `connect_timeout` (seconds). The schema
/// is selected with the `search_path` startup parameter, so queries name tables without a schema
/// and one database can hold several isolated Sundial schemas (the tests use one per suite).
public struct DatabaseConfiguration: Sendable {
    /// Every host the URL names, in order; with several, ``DatabaseClient`` finds the primary.
    public var endpoints: [DatabaseEndpoint]
    public var username: String
    public var password: String?
    public var database: String
    public var schema: String
    public var maxConnections: Int
    public var tlsMode: DatabaseTLSMode
    /// PEM file of the certificate authorities trusted for the server's certificate (`sslrootcert`).
    public var rootCertificate: String?
    /// With several hosts: only a host that accepts writes will do (`target_session_attrs=read-write`).
    public var requiresPrimary: Bool
    public var connectTimeout: Duration
    /// The engine's prepared statements have plans that do not depend on their values, so its
    /// connections force generic plans; the admin pool leaves the planner its default.
    public var forcesGenericPlans = true
    /// More startup parameters (the admin pool's `statement_timeout`).
    public var extraStartupParameters: [(String, String)] = []

    /// The first host (the only one, usually).
    public var host: String { endpoints[0].host }
    public var port: Int { endpoints[0].port }

    /// The query parameters this reads; any other is refused rather than silently ignored.
    static let knownParameters: Set<String> = ["sslmode", "sslrootcert", "target_session_attrs", "connect_timeout", "application_name"]

    /// - Parameter environment: `PGSSLMODE` and `PGSSLROOTCERT` apply when the URL sets no
    ///   `sslmode`/`sslrootcert`, as with libpq.
    public init(url: String, schema: String = "sundial", maxConnections: Int = 10,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let parsed = try DatabaseURL(url)
        func refuse(_ problem: String) -> ConfigurationError { ConfigurationError(setting: DatabaseURL.setting, problem: problem) }
        if let unknown = parsed.parameters.keys.sorted().first(where: { !Self.knownParameters.contains($0) }) {
            throw refuse("unknown parameter '\(unknown)'; supported: \(Self.knownParameters.sorted().joined(separator: ", "))")
        }
        try Self.validate(schema: schema)
        self.endpoints = parsed.endpoints
        self.username = parsed.username
        self.password = parsed.password
        self.database = parsed.database
        self.schema = schema
        self.maxConnections = maxConnections

        let allLoopback = parsed.endpoints.allSatisfy(\.isLoopback)
        let modeText = parsed.parameters["sslmode"] ?? environment["PGSSLMODE"] ?? (allLoopback ? "disable" : "prefer")
        guard let mode = DatabaseTLSMode(sslmode: modeText) else {
            throw refuse("sslmode '\(modeText)' is not one of disable, allow, prefer, require, verify-ca, verify-full")
        }
        self.tlsMode = mode
        self.rootCertificate = parsed.parameters["sslrootcert"] ?? environment["PGSSLROOTCERT"]
        if let root = rootCertificate, mode != .disable, !FileManager.default.isReadableFile(atPath: root) {
            throw refuse("sslrootcert '\(root)' is not a readable file")
        }

        switch parsed.parameters["target_session_attrs"] ?? "any" {
        case "any": self.requiresPrimary = false
        case "read-write", "primary": self.requiresPrimary = true
        case let other: throw refuse("target_session_attrs '\(other)' is not supported (any, read-write or primary)")
        }
        if let timeout = parsed.parameters["connect_timeout"] {
            guard let seconds = Int(timeout), seconds > 0 else { throw refuse("connect_timeout '\(timeout)' is not a number of seconds") }
            self.connectTimeout = .seconds(seconds)
        } else {
            self.connectTimeout = .seconds(5)
        }
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

    /// A PostgresNIO client configuration for the first host.
    public var clientConfiguration: PostgresClient.Configuration { clientConfiguration(for: endpoints[0]) }

    /// A PostgresNIO client configuration for `endpoint`.
    public func clientConfiguration(for endpoint: DatabaseEndpoint) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: endpoint.host, port: endpoint.port, username: username, password: password, database: database,
            tls: tlsMode.postgresTLS(rootCertificate: rootCertificate))
        // The hot-path statements are prepared once per connection; a generic plan spares the
        // planner on every execution (their plans do not depend on parameter values).
        configuration.options.additionalStartupParameters = [("search_path", schema)]
            + (forcesGenericPlans ? [("plan_cache_mode", "force_generic_plan")] : [])
            + extraStartupParameters
        configuration.options.maximumConnections = maxConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = connectTimeout
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(15))
        return configuration
    }

    /// The URL with the password masked, for logs.
    public var redactedDescription: String {
        let hosts = endpoints.map(\.description).joined(separator: ",")
        return "postgres://\(username)\(password == nil ? "" : ":***")@\(hosts)/\(database) schema=\(schema) sslmode=\(tlsMode.rawValue)"
            + (endpoints.count > 1 ? " target_session_attrs=\(requiresPrimary ? "read-write" : "any")" : "")
    }
}
