import Foundation
import Logging
import PostgresNIO
import SundialEngine
import SundialTestSupport

/// The probe worker the engine tests run as a real process (to SIGKILL it, SIGTERM it, and
/// restart it). Configured from the environment like `sundial worker`.
@main
enum TestWorkerMain {
    static func main() async throws {
        let environment = try EngineEnvironment.fromEnvironment()
        LoggingSetup.bootstrap(level: environment.logLevel, format: "json")
        let configuration = try WorkerConfiguration.fromEnvironment()
        let logger = Logger(label: "sundial.test-worker")
        let worldClient = PostgresClient(configuration: environment.database.clientConfiguration, backgroundLogger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await worldClient.run() }
            let registry = Probes.registry(world: WorldLedger(client: worldClient))
            // Schedules only when a test asks, so other process tests see no scheduled work.
            let schedules = ProcessInfo.processInfo.environment["SUNDIAL_TEST_SCHEDULES"] == "1" ? [Probes.everyMinute] : []
            try await WorkerHost.run(environment: environment, worker: configuration, registry: registry, logger: logger,
                                     schedules: schedules)
            group.cancelAll()
        }
    }
}
