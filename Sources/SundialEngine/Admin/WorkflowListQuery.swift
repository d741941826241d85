import Foundation

/// The filters and page of an operator's workflow listing (admin API, `sundial workflows list`).
/// Exists so HTTP, CLI and store agree on one set of filters, each served by a named index (see
/// `Migrations/0008_admin.sql`). Pages are newest first by (created_at, id).
public struct WorkflowListQuery: Sendable, Equatable {
    public var type: String?
    public var status: WorkflowStatus?
    public var state: String?
    public var businessKey: String?
    public var createdFrom: Date?
    public var createdTo: Date?
    public var updatedFrom: Date?
    public var updatedTo: Date?
    /// Where the previous page ended; nil for the first page.
    public var after: ListCursor?
    public var limit: Int

    public init(type: String? = nil, status: WorkflowStatus? = nil, state: String? = nil, businessKey: String? = nil,
                createdFrom: Date? = nil, createdTo: Date? = nil, updatedFrom: Date? = nil, updatedTo: Date? = nil,
                after: ListCursor? = nil, limit: Int = 50) {
        self.type = type
        self.status = status
        self.state = state
        self.businessKey = businessKey
        self.createdFrom = createdFrom
        self.createdTo = createdTo
        self.updatedFrom = updatedFrom
        self.updatedTo = updatedTo
        self.after = after
        self.limit = limit
    }

    /// The most rows one page may hold.
    public static let maxLimit = 500
}
