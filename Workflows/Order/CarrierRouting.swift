import Foundation

/// Which carriers, in which order, and with which service code, for each service level. Exists
/// because service codes differ per carrier (FedEx `FEDEX_GROUND`, UPS `03`, USPS
/// `USPS_GROUND_ADVANTAGE`) and the preference order is configuration, not code.
public struct CarrierRouting: Sendable, Equatable {
    /// One carrier choice: the carrier's key (`fedex`, `ups`, `usps`) and its service code.
    public struct Choice: Sendable, Equatable, Codable {
        public var carrier: String
        public var service: String

        public init(carrier: String, service: String) {
            self.carrier = carrier
            self.service = service
        }
    }

    public var routes: [ServiceLevel: [Choice]]

    public init(routes: [ServiceLevel: [Choice]]) { self.routes = routes }

    /// The carriers to try for `level`, most preferred first.
    public func choices(for level: ServiceLevel) -> [Choice] { routes[level] ?? [] }

    /// Every carrier's service code for each level.
    public static let serviceCodes: [String: [ServiceLevel: String]] = [
        "fedex": [.ground: "FEDEX_GROUND", .express: "FEDEX_2_DAY", .overnight: "STANDARD_OVERNIGHT"],
        "ups": [.ground: "03", .express: "02", .overnight: "01"],
        "usps": [.ground: "USPS_GROUND_ADVANTAGE", .express: "PRIORITY_MAIL", .overnight: "PRIORITY_MAIL_EXPRESS"],
    ]

    /// FedEx → UPS → USPS for every level.
    public static let standard = CarrierRouting(preference: ["fedex", "ups", "usps"])

    /// The same carrier order for every service level, with each carrier's code for the level.
    public init(preference: [String]) {
        var routes: [ServiceLevel: [Choice]] = [:]
        for level in ServiceLevel.allCases {
            routes[level] = preference.compactMap { carrier in
                Self.serviceCodes[carrier]?[level].map { Choice(carrier: carrier, service: $0) }
            }
        }
        self.routes = routes
    }

    /// Parses a preference list such as `ups,fedex` (unknown carriers are refused).
    public static func preference(_ text: String) throws -> CarrierRouting {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        let unknown = names.filter { serviceCodes[$0] == nil }
        guard names.count > 0, unknown.isEmpty else {
            throw InputErrorText("expected a comma-separated list of fedex, ups, usps; got '\(text)'")
        }
        return CarrierRouting(preference: names)
    }
}

/// A configuration value that does not parse.
public struct InputErrorText: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
