import Foundation
import Logging
import PostgresNIO

/// The one place that speaks SQL for workflow instances. Each concern lives in its own
/// extension file: `+Start` (idempotent start), `+Claim` (claiming and leases), `+Transition`
/// (the transition commit), `+Signals`, `+Control` (cancel, resume), `+Inspect`, `+Workers`.
///
/// Every statement on a worker's hot path is a single round trip and names the index that
/// serves it.
public struct WorkflowStore: Sendable {
    public let client: DatabaseClient
    public let database: DatabaseConfiguration
    /// Round trips made through this store, by kind.
    public let counters: StoreCounters
    /// Counters and histograms of what this process does with the store (starts, transitions).
    public var metrics = EngineMetrics()
    let logger: Logger

    public init(client: DatabaseClient, database: DatabaseConfiguration, logger: Logger, counters: StoreCounters = StoreCounters()) {
        self.client = client
        self.database = database
        self.logger = logger
        self.counters = counters
    }

    var wakeupChannel: String { database.wakeupChannel }
}

/// Why a store operation was refused.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Same (type, key) was started before with a different input.
    case conflictingInput(type: String, businessKey: String, existingID: UUID)
    case notFound(UUID)
    /// The action does not apply to a workflow in this status.
    case invalidStatus(UUID, status: String, action: String, expected: String)
    /// The commit was refused: another worker claimed the workflow after this lease expired.
    case fenced(UUID, token: Int64)
    case unknownType(String)
    /// The workflow refuses to be cancelled in its current state (it says why).
    case cancelRefused(UUID, reason: String)

    public var description: String {
        switch self {
        case .conflictingInput(let type, let key, let id):
            "a \(type) workflow with key '\(key)' already exists (\(id.uuidString.lowercased())) with a different input"
        case .notFound(let id):
            "no workflow \(id.uuidString.lowercased())"
        case .invalidStatus(let id, let status, let action, let expected):
            "cannot \(action) workflow \(id.uuidString.lowercased()): it is \(status), and \(action) needs \(expected)"
        case .fenced(let id, let token):
            "commit for workflow \(id.uuidString.lowercased()) refused: lease with fencing token \(token) was taken over"
        case .unknownType(let type):
            "no workflow type '\(type)' is registered"
        case .cancelRefused(let id, let reason):
            "cannot cancel workflow \(id.uuidString.lowercased()): \(reason)"
        }
    }
}
