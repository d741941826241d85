import Foundation
import Logging
import ServiceLifecycle

/// Keeps the fleet counts `/metrics` and the dashboard overview read cheap: every `interval` it
/// folds the deltas the `workflows` triggers appended into `workflow_counts`
/// (``WorkflowStore/foldFleetCounts(batch:)``), so a read sums a handful of rows plus the last
/// few seconds of changes whatever the table holds. Every worker and `sundial serve` run one;
/// a fold that finds another one running skips its turn.
public struct FleetCountsService: Service {
    let store: WorkflowStore
    let interval: Duration
    let logger: Logger

    public init(store: WorkflowStore, interval: Duration = .seconds(2), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let folded = await fold()
                // A full batch means a backlog (after an outage): go on after a breath.
                try await Task.sleep(for: folded == Self.batch ? .milliseconds(50) : interval)
            }
        }
    }

    static let batch = 50_000

    /// One fold; returns how many delta rows it folded.
    @discardableResult
    public func fold() async -> Int {
        do {
            return try await store.foldFleetCounts(batch: Self.batch)
        } catch {
            logger.warning("folding the fleet counts failed; trying again later", metadata: ["error": "\(ErrorDescription.describe(error))"])
            return 0
        }
    }
}
