import Foundation
import PostgresNIO

extension WorkflowStore {
    /// Runs `body` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws) and rethrows the
    /// error `body` threw as itself, not wrapped in PostgresNIO's `PostgresTransactionError`, so a
    /// ``StoreError``, ``AdminRefusal`` or ``InputError`` raised inside reaches the caller (and the
    /// API's mapping to a 4xx) as it would outside a transaction. A failed BEGIN or COMMIT is
    /// rethrown as it is.
    func inTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }
}
