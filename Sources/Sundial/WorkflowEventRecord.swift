import Foundation

/// One row of the engine's workflow history as ``WorkflowEventFeed`` returns it: what happened
/// to which workflow, when, and its ``position`` in the feed. Exists so exports and syncs read
/// history through the public API, never through the store.
public struct WorkflowEventRecord: Codable, Sendable, Equatable {
    public var position: EventPosition
    public var workflowID: UUID
    /// Nil when the workflow has since been deleted by retention.
    public var workflowType: String?
    public var businessKey: String?
    public var visit: Int
    /// `started`, `transition`, `retry`, `completed`, `failed`, `cancelled`, `compensated`,
    /// `undo`, `undo, compensated`, … (the engine's history vocabulary).
    public var event: String
    public var fromState: String?
    public var toState: String?
    public var attempt: Int
    public var error: String?
    public var durationMilliseconds: Double?
    public var workerID: String?
    public var occurredAt: Date

    public init(position: EventPosition, workflowID: UUID, workflowType: String?, businessKey: String?, visit: Int, event: String,
                fromState: String?, toState: String?, attempt: Int, error: String?, durationMilliseconds: Double?, workerID: String?,
                occurredAt: Date) {
        self.position = position
        self.workflowID = workflowID
        self.workflowType = workflowType
        self.businessKey = businessKey
        self.visit = visit
        self.event = event
        self.fromState = fromState
        self.toState = toState
        self.attempt = attempt
        self.error = error
        self.durationMilliseconds = durationMilliseconds
        self.workerID = workerID
        self.occurredAt = occurredAt
    }

    /// True for the event that ended its workflow for good (completed, cancelled or compensated):
    /// nothing about that workflow changes after it.
    public var endsWorkflow: Bool {
        ["completed", "cancelled", "compensated"].contains(event) || event.hasSuffix(", cancelled") || event.hasSuffix(", compensated")
    }
}
