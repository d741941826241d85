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
    public static let maxLimit = PageSize.workflows.maximum

    /// The most rows one page examines when a filter is not part of the index the listing walks
    /// (state; updated_from and updated_to; type together with status or a business key; status
    /// together with a business key). Such a page may hold fewer rows than `limit`, even none,
    /// and still name a next cursor: where its scan stopped. Without this bound, a filter that
    /// matches nothing (a state no row is in) would walk the whole table.
    public static let scanLimit = 10_000

    /// How far in the future a lower time bound may lie (clocks differ a little).
    public static let clockSkew: TimeInterval = 60

    /// What is wrong with these filters, by API parameter name (empty when nothing is): a lower
    /// bound in the future (no row was created or updated then, and `updated_from` cannot use an
    /// index), or a range whose end is not after its start.
    public func problems(now: Date = Date()) -> [String: String] {
        var problems: [String: String] = [:]
        let latest = now.addingTimeInterval(Self.clockSkew)
        if let from = createdFrom, from > latest { problems["created_from"] = "must not be in the future" }
        if let from = updatedFrom, from > latest { problems["updated_from"] = "must not be in the future" }
        if let from = createdFrom, let to = createdTo, to <= from { problems["created_to"] = "must be after created_from" }
        if let from = updatedFrom, let to = updatedTo, to <= from { problems["updated_to"] = "must be after updated_from" }
        return problems
    }
}
