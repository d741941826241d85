import Foundation
import Sundial

/// One line of `events/…ndjson`: a workflow history event, any workflow type.
struct WarehouseEventRow: Encodable {
    var eventPosition: String
    var historyID: Int64
    var workflowID: String
    var workflowType: String?
    var businessKey: String?
    var visit: Int
    var event: String
    var fromState: String?
    var toState: String?
    var attempt: Int
    var error: String?
    var durationMs: Double?
    var workerID: String?
    var occurredAt: Date

    init(_ event: WorkflowEventRecord) {
        eventPosition = event.position.text
        historyID = event.position.id
        workflowID = event.workflowID.uuidString.lowercased()
        workflowType = event.workflowType
        businessKey = event.businessKey
        visit = event.visit
        self.event = event.event
        fromState = event.fromState
        toState = event.toState
        attempt = event.attempt
        error = event.error
        durationMs = event.durationMilliseconds
        workerID = event.workerID
        occurredAt = event.occurredAt
    }

    enum CodingKeys: String, CodingKey {
        case eventPosition = "event_position", historyID = "history_id", workflowID = "workflow_id", workflowType = "workflow_type"
        case businessKey = "business_key", visit, event, fromState = "from_state", toState = "to_state", attempt, error
        case durationMs = "duration_ms", workerID = "worker_id", occurredAt = "occurred_at"
    }
}
