import Foundation
import Logging
import PostgresNIO

/// The settings every `sundial` command shares, read from the environment and validated at
/// start: `DATABASE_URL`, `SUNDIAL_SCHEMA`, `SUNDIAL_DB_POOL_SIZE`, `SUNDIAL_LOG_LEVEL`.
public struct EngineEnvironment: Sendable {
    public var database: DatabaseConfiguration
    public var logLevel: Logger.Level

    public init(database: DatabaseConfiguration, logLevel: Logger.Level = .info) {
        self.database = database
        self.logLevel = logLevel
    }

    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader(), databaseURL: String? = nil) throws -> EngineEnvironment {
        guard let url = databaseURL ?? environment.string("DATABASE_URL") else {
            throw ConfigurationError(setting: "DATABASE_URL", problem: "is not set (e.g. postgres://postgres@127.0.0.1:5433/sundial; `ops/postgres url` prints the local one)")
        }
        let schema = environment.string("SUNDIAL_SCHEMA") ?? "sundial"
        let pool = try environment.int("SUNDIAL_DB_POOL_SIZE", default: 10, range: 2...500)
        let database = try DatabaseConfiguration(url: url, schema: schema, maxConnections: pool)
        var level = Logger.Level.info
        if let raw = environment.string("SUNDIAL_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: raw.lowercased()) else {
                throw ConfigurationError(setting: "SUNDIAL_LOG_LEVEL", problem: "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(raw)'")
            }
            level = parsed
        }
        return EngineEnvironment(database: database, logLevel: level)
    }
}
