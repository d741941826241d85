import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// How long finished workflows are kept, and how the clean-up paces itself.
public struct RetentionConfiguration: Sendable {
    /// Finished workflows older than this are deleted; nil keeps everything.
    public var retainFor: Duration?
    /// Rows deleted per statement; small batches keep locks and WAL bursts short.
    public var batchSize: Int
    /// Pause between sweeps once nothing old is left.
    public var interval: Duration

    public init(retainFor: Duration? = .seconds(30 * 86_400), batchSize: Int = 1000, interval: Duration = .seconds(60)) {
        self.retainFor = retainFor
        self.batchSize = batchSize
        self.interval = interval
    }

    /// Reads `SUNDIAL_RETENTION_DAYS` (0 keeps everything), `SUNDIAL_RETENTION_BATCH` and
    /// `SUNDIAL_RETENTION_INTERVAL_SECONDS`.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws -> RetentionConfiguration {
        let days = try environment.double("SUNDIAL_RETENTION_DAYS", default: 30, range: 0...36_500, unit: "days")
        return RetentionConfiguration(
            retainFor: days == 0 ? nil : .seconds(days * 86_400),
            batchSize: try environment.int("SUNDIAL_RETENTION_BATCH", default: 1000, range: 1...100_000),
            interval: try environment.seconds("SUNDIAL_RETENTION_INTERVAL_SECONDS", default: .seconds(60), range: 1...86_400))
    }
}

/// The maintenance duty that keeps the hot `workflows` table small: it deletes finished
/// workflows past their retention age, in batches, oldest first. Every worker runs one; they
/// share the work without conflict (`SKIP LOCKED`). Counts deletions in the
/// `sundial_retention_deleted_total` metric.
public struct RetentionService: Service {
    let store: WorkflowStore
    let configuration: RetentionConfiguration
    let logger: Logger
    private let deleted = Counter(label: "sundial_retention_deleted_total")

    public init(store: WorkflowStore, configuration: RetentionConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        guard let age = configuration.retainFor else {
            logger.info("retention disabled: finished workflows are kept")
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let removed = await sweep(olderThan: age)
                // A full batch means more is waiting: go on after a breath, else rest.
                let pause: Duration = removed == configuration.batchSize ? .milliseconds(50) : configuration.interval
                try await Task.sleep(for: pause)
            }
        }
    }

    /// One batch; returns how many workflows it deleted.
    @discardableResult
    public func sweep(olderThan age: Duration) async -> Int {
        do {
            let removed = try await store.deleteFinished(olderThan: age, limit: configuration.batchSize)
            if removed > 0 {
                deleted.increment(by: removed)
                logger.info("retention deleted finished workflows", metadata: ["count": "\(removed)"])
            }
            return removed
        } catch {
            logger.warning("retention sweep failed; trying again later", metadata: ["error": "\(ErrorDescription.describe(error))"])
            return 0
        }
    }
}
