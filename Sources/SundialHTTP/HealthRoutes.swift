import Foundation
import Hummingbird
import Logging
import PostgresNIO
import SundialEngine

/// `/health/live` (the process answers) and `/health/ready` (the database answers and its
/// schema is current), for load balancers and systemd watchdogs.
struct HealthRoutes: Sendable {
    let client: DatabaseClient
    let schema: String
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health/live") { _, _ in
            JSONResponse.make(["status": "live"])
        }
        router.get("/health/ready") { _, _ in
            do {
                try await Migrator(client: client, schema: schema, logger: logger).requireCurrent()
                return JSONResponse.make(["status": "ready", "schema": schema])
            } catch let error as MigrationError {
                return JSONResponse.error(.serviceUnavailable, code: "schema_not_current", message: error.description)
            } catch {
                return JSONResponse.error(.serviceUnavailable, code: "database_unreachable",
                                          message: "the database did not answer: \(ErrorDescription.describe(error))")
            }
        }
    }
}
