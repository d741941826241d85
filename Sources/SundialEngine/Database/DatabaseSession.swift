import Foundation
import Logging
import PostgresNIO

/// Runs a database client for the length of one piece of work (a CLI command, a test): the
/// client's `run()` is a long-running service that must be going before queries get a
/// connection, and must end when the work ends. The link is checked first, so a command that
/// cannot reach the database says why at once (a wrong `sslrootcert`, a server without TLS)
/// instead of waiting on a pool that keeps retrying.
public enum DatabaseSession {
    public static func with<T: Sendable>(
        _ database: DatabaseConfiguration, logger: Logger,
        _ body: @Sendable (DatabaseClient) async throws -> T
    ) async throws -> T {
        // Pool chatter (connections opening and closing with the session) is not the user's concern.
        var poolLogger = logger
        poolLogger.logLevel = .error
        let primary = try await DatabaseLinkCheck.run(database, logger: poolLogger)
        let client = DatabaseClient(configuration: database, startingAt: primary, backgroundLogger: poolLogger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
