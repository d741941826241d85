import Foundation
import SundialEngine

/// What the intake and webhook routes need besides the database: the keys access tokens are
/// verified with and the webhook secrets. Read from the environment by `sundial serve`; a part
/// left unset makes its routes answer 503 rather than run unauthenticated.
public struct IntakeConfiguration: Sendable {
    public var authentication: BearerAuthentication
    /// `SUNDIAL_STRIPE_WEBHOOK_SECRET`.
    public var stripe: TimestampedSignature?
    /// By carrier (`fedex`, `ups`, `usps`).
    public var carriers: [String: TimestampedSignature]
    /// Per-client rate limit of `/api/v1/orders*` (`SUNDIAL_INTAKE_RATE`); nil: no limit.
    public var rateLimiter: IntakeRateLimiter?

    public init(authentication: BearerAuthentication = BearerAuthentication(verifier: nil),
                stripe: TimestampedSignature? = nil, carriers: [String: TimestampedSignature] = [:],
                rateLimiter: IntakeRateLimiter? = nil) {
        self.authentication = authentication
        self.stripe = stripe
        self.carriers = carriers
        self.rateLimiter = rateLimiter
    }

    /// Reads the `SUNDIAL_JWT_*`, `SUNDIAL_STRIPE_WEBHOOK_SECRET` and
    /// `SUNDIAL_CARRIER_WEBHOOK_SECRET[_<CARRIER>]` variables. Secrets may list several values,
    /// comma-separated, while they are rotated.
    public static func fromEnvironment(_ reader: EnvironmentReader = EnvironmentReader()) async throws -> IntakeConfiguration {
        let verifier = try await tokenVerifier(reader)

        let stripe = commaSeparated(reader, "SUNDIAL_STRIPE_WEBHOOK_SECRET").map { TimestampedSignature(secrets: $0) }
        var carriers: [String: TimestampedSignature] = [:]
        let shared = commaSeparated(reader, "SUNDIAL_CARRIER_WEBHOOK_SECRET")
        for carrier in TrackingEventParser.carriers {
            if let own = commaSeparated(reader, "SUNDIAL_CARRIER_WEBHOOK_SECRET_\(carrier.uppercased())") ?? shared {
                carriers[carrier] = TimestampedSignature(secrets: own)
            }
        }
        var rateLimiter: IntakeRateLimiter?
        if let text = reader.string("SUNDIAL_INTAKE_RATE"), text.lowercased() != "off" {
            guard let rate = RatePerWindow(text) else {
                throw ConfigurationError(setting: "SUNDIAL_INTAKE_RATE", problem: "expected calls per window such as '100/1m', '10/1s' or 'off', got '\(text)'")
            }
            rateLimiter = IntakeRateLimiter(rate: rate)
        }
        return IntakeConfiguration(authentication: BearerAuthentication(verifier: verifier), stripe: stripe, carriers: carriers,
                                   rateLimiter: rateLimiter)
    }

    /// Names of what is configured, for the start-up log line (never the values).
    public var summary: String {
        let auth = authentication.verifier.map { verifier in
            var sources = verifier.keys.map { "\($0.algorithm.rawValue)\($0.kid.map { "(kid \($0))" } ?? "")" }
            if let keySet = verifier.keySet { sources.append("JWKS at \(keySet.host)") }
            return sources.joined(separator: ",")
        } ?? "none"
        return "token keys: \(auth); rate per client: \(rateLimiter.map { "\($0.rate.calls) per \($0.rate.window)" } ?? "off"); stripe webhook: \(stripe == nil ? "off" : "on"); carrier webhooks: \(carriers.keys.sorted().joined(separator: ",").nilIfEmpty ?? "off")"
    }

    /// The comma-separated values of a variable, trimmed; nil when it has none.
    static func commaSeparated(_ reader: EnvironmentReader, _ name: String) -> [String]? {
        guard let raw = reader.string(name) else { return nil }
        let values = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return values.isEmpty ? nil : values
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
