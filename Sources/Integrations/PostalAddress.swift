import Foundation

/// A postal address with the contact the carrier prints on the label. Exists so a label request
/// is stated once and each client maps it to its carrier's JSON.
public struct PostalAddress: Sendable, Codable, Equatable {
    public var name: String
    public var company: String?
    public var phone: String
    public var streetLines: [String]
    public var city: String
    /// State or province code (`TN`).
    public var stateCode: String
    public var postalCode: String
    /// ISO 3166-1 alpha-2 (`US`).
    public var countryCode: String

    public init(name: String, company: String? = nil, phone: String, streetLines: [String], city: String, stateCode: String, postalCode: String, countryCode: String = "US") {
        self.name = name
        self.company = company
        self.phone = phone
        self.streetLines = streetLines
        self.city = city
        self.stateCode = stateCode
        self.postalCode = postalCode
        self.countryCode = countryCode
    }
}
