import PostgresNIO

/// Tells a lost or unusable database link (a connection closed, a pool replaced after a
/// failover, a server shutting down or refusing writes as a standby) from an error of the
/// statement itself. The HTTP layer answers the first with 503 and `Retry-After`, so a caller
/// retries (with its idempotency key) instead of reading a 500 as a verdict.
public enum LinkFailure {
    public static func matches(_ error: any Error) -> Bool {
        if error is LostStatementGuard.ConnectionLost || error is DatabaseUnreachable { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
            return true
        case .server:
            // 08: connection exception; 57P01..57P03: shutting down or starting up;
            // 25006: read-only transaction (the host was demoted to a standby).
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006"].contains(state)
        default:
            return false
        }
    }
}
