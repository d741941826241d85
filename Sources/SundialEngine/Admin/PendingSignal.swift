import Foundation

/// A signal in a workflow's inbox that no state has consumed yet, as an operator sees it
/// (the workflow detail): it explains what a waiting workflow will do next.
public struct PendingSignal: Sendable, Codable, Equatable {
    public let signalID: String
    public let name: String
    public let payload: String
    public let receivedAt: Date
}
