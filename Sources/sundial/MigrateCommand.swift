import ArgumentParser
import Foundation
import Logging
import SundialEngine

/// `sundial migrate`: applies the bundled migrations under an advisory lock.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (safe to run concurrently).")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let environment = try common.engineEnvironment(defaultFormat: "text")
        let logger = Logger(label: "sundial.migrate")
        let applied = try await DatabaseSession.with(environment.database, logger: logger) { client in
            try await Migrator(client: client, schema: environment.database.schema, logger: logger).migrate()
        }
        if applied.isEmpty {
            print("schema '\(environment.database.schema)' is up to date (version \(Migration.requiredVersion))")
        } else {
            print("applied \(applied.count) migration(s) to schema '\(environment.database.schema)': \(applied.joined(separator: ", "))")
        }
    }
}
