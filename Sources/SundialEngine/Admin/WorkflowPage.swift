import Foundation

/// One page of an operator's workflow listing and the cursor of the next page (nil on the last).
/// Exists to keep the keyset position with the rows it follows.
public struct WorkflowPage: Sendable {
    public let rows: [WorkflowListRow]
    public let next: ListCursor?
}

/// One line of the admin workflow listing: enough to pick a workflow and see where it stands.
public struct WorkflowListRow: Sendable, Codable, Equatable {
    public let id: UUID
    public let type: String
    public let version: Int
    public let businessKey: String
    public let state: String
    public let status: WorkflowStatus
    public let runAt: Date?
    public let attempt: Int
    public let lastError: String?
    public let createdAt: Date
    public let updatedAt: Date
}
