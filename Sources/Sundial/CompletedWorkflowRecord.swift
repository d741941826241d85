import Foundation

/// One completed workflow as ``WorkflowRecords`` returns it: enough for a report (its output),
/// and the ``cursor`` to continue a paged read after it.
public struct CompletedWorkflowRecord: Codable, Sendable, Equatable {
    public var id: UUID
    public var businessKey: String
    /// The workflow's output as JSON text (decode it with `JSONDecoder.sundial`).
    public var outputJSON: String
    public var finishedAt: Date
    /// `finishedAt` exactly, in microseconds since 1970 (what the cursor compares).
    public var finishedAtMicroseconds: Int64

    public init(id: UUID, businessKey: String, outputJSON: String, finishedAt: Date, finishedAtMicroseconds: Int64) {
        self.id = id
        self.businessKey = businessKey
        self.outputJSON = outputJSON
        self.finishedAt = finishedAt
        self.finishedAtMicroseconds = finishedAtMicroseconds
    }

    /// Where a paged read continues after this record.
    public var cursor: RecordCursor { RecordCursor(finishedAtMicroseconds: finishedAtMicroseconds, id: id) }

    /// The output decoded as `type`.
    public func output<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONDecoder.sundial.decode(T.self, from: Data(outputJSON.utf8))
    }
}
