import Foundation

/// One run of a batch job as ``WorkflowRecords/runs(type:businessDate:)`` returns it: which
/// instance, how far it got, and its input and output as JSON text. Exists so deadline checks
/// and reruns can see earlier runs of a business date through the public API.
public struct WorkflowRunRecord: Codable, Sendable, Equatable {
    public var id: UUID
    public var businessKey: String
    /// `runnable`, `completed`, `failed`, … (the engine's status names).
    public var status: String
    public var state: String
    public var inputJSON: String
    public var outputJSON: String?
    public var lastError: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(id: UUID, businessKey: String, status: String, state: String, inputJSON: String, outputJSON: String?,
                lastError: String?, createdAt: Date, finishedAt: Date?) {
        self.id = id
        self.businessKey = businessKey
        self.status = status
        self.state = state
        self.inputJSON = inputJSON
        self.outputJSON = outputJSON
        self.lastError = lastError
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}
