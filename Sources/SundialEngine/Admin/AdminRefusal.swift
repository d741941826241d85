/// An admin action refused for a reason the store does not name (a type already paused, an
/// unknown schedule). Exists so the admin API answers 404/409 and the CLI one clear line, and
/// the audit trail records the same words.
public struct AdminRefusal: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case notFound
        /// A precondition does not hold (HTTP 409).
        case conflict
    }

    public let kind: Kind
    public let code: String
    public let message: String

    public init(_ kind: Kind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
