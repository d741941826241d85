import PostgresNIO

extension WorkflowStore {
    /// Runs a single-statement write whose outcome a caller is told ("cancel accepted"), and
    /// returns its rows only once PostgreSQL has committed it.
    ///
    /// An autocommit statement commits when the server processes the protocol's Sync, after it
    /// sent the rows and CommandComplete: a connection lost in between (a PostgreSQL restart)
    /// rolls back a write whose rows the client already read. A second statement on the same
    /// connection is answered only after that Sync, so its answer proves the write committed;
    /// a connection lost before it throws instead of acknowledging a write that did not survive.
    /// One extra round trip: used for operator and API actions, not on a worker's hot path.
    func acknowledgedWrite(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let logger = self.logger
        return try await client.withConnection { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
            for try await _ in try await connection.query("SELECT 1", logger: logger) {}
            return rows
        }
    }
}
