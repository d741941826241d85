import Foundation

/// A workflow type an operator paused: workers stop claiming it, steps already running finish.
/// Kept in the small `paused_types` table that every worker reads at each heartbeat.
public struct PausedType: Sendable, Codable, Equatable {
    public let type: String
    public let pausedAt: Date
    public let pausedBy: String
    public let reason: String?
}
