import Foundation

/// A worker process as the fleet view shows it: what it runs, how much at once, when it was last
/// heard from. Exists so operators (and `explain`) can see which definitions are deployed.
public struct WorkerInfo: Sendable, Codable, Equatable {
    public let id: String
    public let host: String
    public let pid: Int
    public let concurrency: Int
    /// `type@version` of every definition the worker registered.
    public let definitions: [String]
    public let startedAt: Date
    public let heartbeatAt: Date
    /// True when its heartbeat is recent and it has not stopped.
    public let live: Bool
}
