import PostgresNIO

/// Turns an error into a log-safe line for logs and API error bodies. PostgresNIO hides everything behind a generic text by
/// default; this keeps the code, SQLSTATE and server message (useful at 3 a.m.) and leaves out the
/// query and its bound values (which may carry customer data).
public enum ErrorDescription {
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            var parts = ["database error \(error.code)"]
            if let state = error.serverInfo?[.sqlState] { parts.append("sqlstate \(state)") }
            if let message = error.serverInfo?[.message] { parts.append(message) }
            // A connection failure's cause (a refused connection, a TLS handshake that failed).
            if error.serverInfo == nil, let underlying = error.underlying { parts.append(String(describing: underlying)) }
            return parts.joined(separator: ": ")
        }
        if let error = error as? PostgresTransactionError {
            return "transaction failed: " + [error.beginError, error.closureError, error.commitError, error.rollbackError]
                .compactMap { $0.map(describe) }.joined(separator: "; ")
        }
        if "\(error)".contains("connectionCreationCircuitBreakerTripped") {
            return "the database could not be reached: every new connection failed for a while (\(error))"
        }
        return String(describing: error)
    }
}
