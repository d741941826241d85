import Foundation

/// A workflow as ``WorkflowEventFeed/workflows(ids:)`` returns it: status, input, context and
/// output as JSON text. Exists so a sync can turn an event into a business record (the order
/// behind an order's `completed` event) through the public API.
public struct WorkflowSnapshotRecord: Codable, Sendable, Equatable {
    public var id: UUID
    public var type: String
    public var businessKey: String
    /// `runnable`, `completed`, `cancelled`, … (the engine's status names).
    public var status: String
    public var state: String
    public var inputJSON: String
    public var contextJSON: String
    public var outputJSON: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(id: UUID, type: String, businessKey: String, status: String, state: String, inputJSON: String, contextJSON: String,
                outputJSON: String?, createdAt: Date, finishedAt: Date?) {
        self.id = id
        self.type = type
        self.businessKey = businessKey
        self.status = status
        self.state = state
        self.inputJSON = inputJSON
        self.contextJSON = contextJSON
        self.outputJSON = outputJSON
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    /// The context decoded as `type`.
    public func context<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONDecoder.sundial.decode(T.self, from: Data(contextJSON.utf8))
    }

    /// The output decoded as `type`; nil when the workflow has none.
    public func output<T: Decodable>(as type: T.Type = T.self) throws -> T? {
        guard let outputJSON, outputJSON != "null" else { return nil }
        return try JSONDecoder.sundial.decode(T.self, from: Data(outputJSON.utf8))
    }
}
