/// The external systems the sandbox simulates. Faults are set per API and the path prefix of each
/// simulator is its raw value (`/stripe`, `/fedex`, `/ups`, `/usps`, `/quickbooks`, `/shop`, `/klaviyo`).
public enum SandboxAPI: String, Sendable, Codable, CaseIterable, Hashable, CodingKeyRepresentable {
    case stripe
    case fedex
    case ups
    case usps
    case quickbooks
    case shop
    /// The email-marketing platform (INT-008): Klaviyo's bulk profile import.
    case klaviyo

    /// The URL path prefix under which this simulator is served, e.g. `/stripe`.
    public var pathPrefix: String { "/" + rawValue }
}
