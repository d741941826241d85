/// A contact as the simulated email-marketing platform holds it after bulk imports, keyed by
/// email (Klaviyo's natural key for upserts). Exists so tests can count contacts and see how many
/// imports touched each one.
public struct MarketingContact: Sendable, Codable, Equatable {
    /// `01J…`-style profile id, fixed at creation.
    public var id: String
    public var email: String
    public var externalID: String?
    public var firstName: String?
    public var lastName: String?
    /// Custom properties as last imported (string, number and boolean values kept as text).
    public var properties: [String: String]
    /// How many import jobs created or updated this contact.
    public var imports: Int
    public var createdAt: String
    public var updatedAt: String
}
