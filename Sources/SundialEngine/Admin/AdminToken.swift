import Foundation

/// An admin API token as stored (never the token itself, only its SHA-256): listed by
/// `sundial tokens list`, looked up on every admin request.
public struct AdminToken: Sendable, Codable, Equatable {
    public let name: String
    public let role: AdminRole
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?
}
