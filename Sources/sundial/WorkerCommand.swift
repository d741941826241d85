import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SundialEngine
import Workflows

/// `sundial worker`: claims and runs workflows until SIGTERM or SIGINT, then drains.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run workflows (drains on SIGTERM/SIGINT).")

    @OptionGroup var common: CommonOptions

    @Option(help: "Workflows run at once (overrides SUNDIAL_CONCURRENCY).")
    var concurrency: Int?

    func run() async throws {
        let environment = try common.engineEnvironment(defaultFormat: "json")
        var workerConfiguration: WorkerConfiguration
        let retention: RetentionConfiguration
        do {
            workerConfiguration = try WorkerConfiguration.fromEnvironment()
            retention = try RetentionConfiguration.fromEnvironment()
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }
        if let concurrency {
            guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency: expected 1 to 1024") }
            workerConfiguration.concurrency = concurrency
        }
        let logger = Logger(label: "sundial.worker")
        try await WorkerHost.run(environment: environment, worker: workerConfiguration,
                                 registry: Definitions.registry, logger: logger, retention: retention,
                                 schedules: SunStyleWorkflows.schedules)
    }
}
