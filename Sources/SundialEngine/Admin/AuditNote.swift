/// The audit entry an action writes in its own statement when it succeeds, so the action and its
/// audit row commit together. Exists to carry who/what/why into the store's single-statement
/// actions; refusals are recorded by ``AdminActions`` right after.
public struct AuditNote: Sendable, Equatable {
    public let actor: String
    public let action: String
    public let target: String
    public let reason: String?
    public var detail: String?

    public init(actor: String, action: String, target: String, reason: String?, detail: String? = nil) {
        self.actor = actor
        self.action = action
        self.target = target
        self.reason = reason
        self.detail = detail
    }
}
