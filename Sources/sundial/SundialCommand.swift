import ArgumentParser
import Foundation
import Logging
import SundialEngine
import Workflows

/// The `sundial` executable: one subcommand per job, each wiring the engine from the
/// environment (see the README's configuration table).
@main
struct SundialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sundial",
        abstract: "Durable workflows on Postgres for SunStyle Retail.",
        subcommands: [MigrateCommand.self, WorkerCommand.self, ServeCommand.self, WorkflowsCommand.self, SchedulesCommand.self, BatchesCommand.self, OutboxCommand.self, APIsCommand.self, TokensCommand.self, SandboxCommand.self])
}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "Overrides DATABASE_URL.")
    var databaseURL: String?

    @Option(name: .customLong("log-format"), help: "json or text (overrides SUNDIAL_LOG_FORMAT).")
    var logFormat: String?

    /// Reads and validates the environment, sets up logging, and returns the settings.
    func engineEnvironment(defaultFormat: String) throws -> EngineEnvironment {
        let reader = EnvironmentReader()
        let environment: EngineEnvironment
        do {
            environment = try EngineEnvironment.fromEnvironment(reader, databaseURL: databaseURL)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }
        let format = logFormat ?? reader.string("SUNDIAL_LOG_FORMAT") ?? defaultFormat
        guard ["json", "text"].contains(format.lowercased()) else {
            throw ValidationError("configuration: SUNDIAL_LOG_FORMAT: expected json or text, got '\(format)'")
        }
        LoggingSetup.bootstrap(level: environment.logLevel, format: format)
        return environment
    }
}

/// The registry of every workflow this build runs.
enum Definitions {
    static var registry: WorkflowRegistry { WorkflowRegistry(SunStyleWorkflows.definitionsOnly) }
}
