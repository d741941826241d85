import Foundation
import Sundial

/// A workflow row a worker has leased: everything needed to run its next step without
/// reading the row again.
struct ClaimedWorkflow: Sendable {
    let id: UUID
    let type: String
    let version: Int
    let businessKey: String
    var state: String
    var status: WorkflowStatus
    /// The context as JSON text, exactly as stored.
    var context: String
    var visit: Int
    /// Failed attempts of the current visit (or current undo).
    var attempt: Int
    let fencingToken: Int64
    var waitSignal: String?
    var waitTimeoutState: String?
    var waitTimedOut: Bool
    var waitDeadline: Date?
    var signalSeq: Int64
    var cancelRequested: Bool
    var lastError: String?
    /// The newest registered undo action (JSON), when the stack is not empty.
    var topUndo: String?
    var undoDepth: Int
    /// The oldest pending signal matching `waitSignal`, found under the claim's row lock.
    var pendingSignal: ReceivedSignal?
    /// The worker whose lease expired, when this claim took over from it.
    let previousOwner: String?
}
