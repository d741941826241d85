/// One customer profile as sent to the email-marketing platform: the email is the natural key;
/// the names and properties are what the platform personalizes with. Exists so workflows build
/// profiles without knowing the vendor's wire format.
public struct MarketingProfile: Sendable, Codable, Equatable {
    public var email: String
    /// The shop's customer id.
    public var externalID: String?
    public var firstName: String?
    public var lastName: String?
    /// Custom properties (`last_order_id`, `lifetime_orders`, …), sent as strings.
    public var properties: [String: String]

    public init(email: String, externalID: String? = nil, firstName: String? = nil, lastName: String? = nil, properties: [String: String] = [:]) {
        self.email = email
        self.externalID = externalID
        self.firstName = firstName
        self.lastName = lastName
        self.properties = properties
    }
}
