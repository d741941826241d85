import Foundation
import Logging
import PostgresNIO

/// The start-up check of workers and servers: wait for the database to answer, then refuse
/// to go on against a schema older than this build needs.
public enum SchemaCheck {
    public static func requireCurrentSchema(client: DatabaseClient, schema: String, logger: Logger) async throws {
        var attempt = 0
        while true {
            do {
                try await Migrator(client: client, schema: schema, logger: logger).requireCurrent()
                return
            } catch let error as MigrationError {
                logger.critical("refusing to start: \(error)")
                throw error
            } catch {
                attempt += 1
                if attempt >= 30 || Task.isCancelled { throw error }
                logger.warning("database not reachable yet; retrying", metadata: ["error": "\(ErrorDescription.describe(error))"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
