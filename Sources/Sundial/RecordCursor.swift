import Foundation

/// A position in a paged read of ``WorkflowRecords``: the last record seen, by finish time (in
/// whole microseconds, Postgres' precision, so the position survives JSON exactly) and id.
/// Codable so a checkpointed workflow keeps it in its context and resumes after a crash at the
/// next page.
public struct RecordCursor: Codable, Sendable, Hashable {
    /// Microseconds since 1970-01-01 UTC of the last record's finish.
    public var finishedAtMicroseconds: Int64
    public var id: UUID

    public init(finishedAtMicroseconds: Int64, id: UUID) {
        self.finishedAtMicroseconds = finishedAtMicroseconds
        self.id = id
    }

    enum CodingKeys: String, CodingKey {
        case finishedAtMicroseconds = "finished_at_us", id
    }
}
