import Logging
import ServiceLifecycle

/// Writes the configured API limits into Postgres once at worker start (retrying while the
/// database is unreachable), then ends. Exists as a service so it runs inside the worker's
/// ServiceGroup, after the Postgres client is up.
struct APILimitSync: Service {
    let store: WorkflowStore
    let limits: [APILimit]
    let logger: Logger

    func run() async throws {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await store.syncAPILimits(limits)
                logger.info("api limits synced", metadata: ["apis": "\(limits.map(\.api).joined(separator: ","))"])
                return
            } catch {
                logger.warning("could not sync api limits yet", metadata: ["error": "\(ErrorDescription.describe(error))"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }
}
