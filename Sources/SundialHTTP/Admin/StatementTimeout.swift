import Hummingbird
import PostgresNIO

/// The answer to a query PostgreSQL cancelled (SQLSTATE 57014): on the admin pool that is the
/// admin statement timeout (``SundialEngine/AdminPoolConfiguration``) cutting a read or action
/// that ran too long. A 503 `query_timeout` with `Retry-After`, rather than a 500: the server is
/// fine, this request asked for more than it may cost.
enum StatementTimeout {
    static func refusal(_ error: any Error) -> APIError? {
        guard isCancelledStatement(error) else { return nil }
        var headers = HTTPFields()
        headers[.retryAfter] = "5"
        return APIError(.serviceUnavailable, code: "query_timeout",
                         message: "the database stopped this request's query at the admin statement timeout; narrow the filters or try again later",
                         headers: headers)
    }

    /// Whether `error` is PostgreSQL's 57014, alone or as what failed inside a transaction.
    private static func isCancelledStatement(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "57014" }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(isCancelledStatement) == true }
        }
        return false
    }
}
