import Foundation

/// One recorded mutating admin call: who did what to what, why, and whether it was done or
/// refused (and why). The audit trail operators and auditors read back.
public struct AuditEntry: Sendable, Codable, Equatable {
    public let id: Int64
    public let at: Date
    public let actor: String
    public let action: String
    public let target: String
    public let reason: String?
    /// `ok` or `refused`.
    public let outcome: String
    public let detail: String?
}

/// Filters and page of the audit listing (newest first by id).
public struct AuditQuery: Sendable, Equatable {
    public var actor: String?
    public var action: String?
    public var target: String?
    /// The id of the last entry of the previous page.
    public var before: Int64?
    public var limit: Int

    public init(actor: String? = nil, action: String? = nil, target: String? = nil, before: Int64? = nil, limit: Int = 50) {
        self.actor = actor
        self.action = action
        self.target = target
        self.before = before
        self.limit = limit
    }
}
