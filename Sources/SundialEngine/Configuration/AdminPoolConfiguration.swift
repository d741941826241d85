import Foundation
import PostgresNIO

/// The connection pool of the admin side of `sundial serve`: the admin API, the dashboard and
/// `/metrics` (which needs no token). Exists so that traffic can never take the intake's and the
/// webhooks' connections (it has its own, fewer), and so that every statement it runs is
/// bounded: its connections start with `statement_timeout` set, which the engine's pool never
/// has (a worker's commit must not be cut short).
///
/// `SUNDIAL_ADMIN_DB_POOL_SIZE` (default 4) and `SUNDIAL_ADMIN_STATEMENT_TIMEOUT_MS` (default
/// 5000) set them.
public struct AdminPoolConfiguration: Sendable, Equatable {
    /// Connections the admin side may hold at once, on top of the intake's pool.
    public var maxConnections: Int
    /// The longest any one admin, dashboard or metrics statement may run before PostgreSQL
    /// cancels it (SQLSTATE 57014, answered 503 `query_timeout`).
    public var statementTimeout: Duration

    public init(maxConnections: Int = 4, statementTimeout: Duration = .seconds(5)) {
        self.maxConnections = maxConnections
        self.statementTimeout = statementTimeout
    }

    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws -> AdminPoolConfiguration {
        AdminPoolConfiguration(
            maxConnections: try environment.int("SUNDIAL_ADMIN_DB_POOL_SIZE", default: 4, range: 1...100),
            statementTimeout: .milliseconds(try environment.int("SUNDIAL_ADMIN_STATEMENT_TIMEOUT_MS", default: 5000, range: 100...600_000)))
    }

    /// The timeout in whole milliseconds, as the `statement_timeout` setting takes it.
    public var statementTimeoutMilliseconds: Int {
        let (seconds, attoseconds) = statementTimeout.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

extension DatabaseConfiguration {
    /// The admin pool's database configuration: the engine's (same hosts, TLS and schema) with
    /// its own connection cap and `statement_timeout` as a startup parameter, so it holds from a
    /// connection's first statement without a round trip of its own.
    ///
    /// Plans are the planner's default (`plan_cache_mode=auto`) rather than the engine's forced
    /// generic plans: the engine's prepared statements have plans that do not depend on their
    /// values, while an operator's listing filters by a status or type whose frequency decides
    /// the index to walk (a generic plan assumes an average status and may walk
    /// `workflows_by_created` looking for `failed` rows that are not there). An unnamed statement
    /// is planned with its values each time, as the EXPLAIN tests in `AdminStoreTests` see it.
    public func adminConfiguration(_ admin: AdminPoolConfiguration) -> DatabaseConfiguration {
        var configuration = self
        configuration.forcesGenericPlans = false
        configuration.extraStartupParameters.append(("statement_timeout", String(admin.statementTimeoutMilliseconds)))
        configuration.maxConnections = admin.maxConnections
        return configuration
    }
}
