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
        var keys: [TokenKey] = []
        if let secret = reader.string("SUNDIAL_JWT_HS256_SECRET") {
            do {
                keys.append(try await TokenKey.hs256(secret: secret, kid: reader.string("SUNDIAL_JWT_HS256_KID")))
            } catch {
                throw ConfigurationError(setting: "SUNDIAL_JWT_HS256_SECRET", problem: "\(error)")
            }
        }
        if let path = reader.string("SUNDIAL_JWT_PUBLIC_KEY_FILE") {
            let algorithm: TokenKey.Algorithm?
            if let name = reader.string("SUNDIAL_JWT_PUBLIC_KEY_ALG") {
                guard let parsed = TokenKey.Algorithm(rawValue: name.uppercased()), parsed != .hs256 else {
                    throw ConfigurationError(setting: "SUNDIAL_JWT_PUBLIC_KEY_ALG", problem: "expected ES256 or RS256, got '\(name)'")
                }
                algorithm = parsed
            } else {
                algorithm = nil
            }
            let pem: String
            do {
                pem = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError(setting: "SUNDIAL_JWT_PUBLIC_KEY_FILE", problem: "cannot read '\(path)'")
            }
            do {
                keys.append(try await TokenKey.publicKey(pem: pem, algorithm: algorithm, kid: reader.string("SUNDIAL_JWT_PUBLIC_KEY_KID")))
            } catch {
                throw ConfigurationError(setting: "SUNDIAL_JWT_PUBLIC_KEY_FILE", problem: "\(error)")
            }
        }
        let verifier = keys.isEmpty ? nil : AccessTokenVerifier(
            keys: keys, issuer: reader.string("SUNDIAL_JWT_ISSUER"), audience: reader.string("SUNDIAL_JWT_AUDIENCE"),
            leeway: try reader.seconds("SUNDIAL_JWT_LEEWAY_SECONDS", default: .seconds(60), range: 0...600))

        let stripe = secrets(reader, "SUNDIAL_STRIPE_WEBHOOK_SECRET").map { TimestampedSignature(secrets: $0) }
        var carriers: [String: TimestampedSignature] = [:]
        let shared = secrets(reader, "SUNDIAL_CARRIER_WEBHOOK_SECRET")
        for carrier in TrackingEventParser.carriers {
            if let own = secrets(reader, "SUNDIAL_CARRIER_WEBHOOK_SECRET_\(carrier.uppercased())") ?? shared {
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
            verifier.keys.map { "\($0.algorithm.rawValue)\($0.kid.map { "(kid \($0))" } ?? "")" }.joined(separator: ",")
        } ?? "none"
        return "token keys: \(auth); rate per client: \(rateLimiter.map { "\($0.rate.calls) per \($0.rate.window)" } ?? "off"); stripe webhook: \(stripe == nil ? "off" : "on"); carrier webhooks: \(carriers.keys.sorted().joined(separator: ",").nilIfEmpty ?? "off")"
    }

    private static func secrets(_ reader: EnvironmentReader, _ name: String) -> [String]? {
        guard let raw = reader.string(name) else { return nil }
        let values = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return values.isEmpty ? nil : values
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
