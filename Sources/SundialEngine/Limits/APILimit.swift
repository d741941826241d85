import Foundation

/// The configured limits of one outside API, shared by the whole fleet: a rate (calls per
/// window), an optional cap on calls in flight, and when its circuit breaker opens. Exists so
/// each API's contract (QuickBooks: 10 concurrent and 500/min per company; FedEx: 1,400 per
/// 10 s; USPS: a small hourly quota) is written once and synced into `api_limits`.
public struct APILimit: Sendable, Equatable, Codable {
    public var api: String
    public var rateCapacity: Int
    public var rateWindow: Duration
    public var maxConcurrent: Int?
    /// Failures in a row (across the fleet) that open the circuit.
    public var failureThreshold: Int
    /// How long an open circuit refuses calls before one probe goes through.
    public var cooldown: Duration

    public init(api: String, rateCapacity: Int, rateWindow: Duration, maxConcurrent: Int? = nil,
                failureThreshold: Int = 5, cooldown: Duration = .seconds(30)) {
        self.api = api
        self.rateCapacity = rateCapacity
        self.rateWindow = rateWindow
        self.maxConcurrent = maxConcurrent
        self.failureThreshold = failureThreshold
        self.cooldown = cooldown
    }

    /// The published limits of the APIs SunStyle calls (see `../shared/reference/external-apis.md`).
    public static let sunStyleDefaults: [APILimit] = [
        APILimit(api: "stripe", rateCapacity: 100, rateWindow: .seconds(1)),
        APILimit(api: "fedex", rateCapacity: 1400, rateWindow: .seconds(10)),
        APILimit(api: "ups", rateCapacity: 50, rateWindow: .seconds(1)),
        APILimit(api: "usps", rateCapacity: 60, rateWindow: .seconds(3600), cooldown: .seconds(60)),
        APILimit(api: "quickbooks", rateCapacity: 500, rateWindow: .seconds(60), maxConcurrent: 10),
        APILimit(api: "klaviyo", rateCapacity: 150, rateWindow: .seconds(60)),
    ]

    /// Reads `rate=1400/10s,concurrent=10,failures=5,cooldown=30s` (any subset) over `self`.
    /// Durations take `ms`, `s`, `m` or `h`.
    public func overridden(by text: String) throws -> APILimit {
        let setting = Self.environmentName(api)
        var limit = self
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else { throw ConfigurationError(setting: setting, problem: "expected key=value pairs, got '\(text)'") }
            let (key, value) = (pieces[0], pieces[1])
            switch key {
            case "rate":
                let fraction = value.split(separator: "/").map(String.init)
                guard fraction.count == 2, let count = Int(fraction[0]), count > 0, let window = Self.duration(fraction[1]) else {
                    throw ConfigurationError(setting: setting, problem: "expected rate=<calls>/<duration>, e.g. 1400/10s, got '\(value)'")
                }
                limit.rateCapacity = count
                limit.rateWindow = window
            case "concurrent":
                if value == "none" { limit.maxConcurrent = nil; continue }
                guard let count = Int(value), count > 0 else {
                    throw ConfigurationError(setting: setting, problem: "expected concurrent=<positive number> or none, got '\(value)'")
                }
                limit.maxConcurrent = count
            case "failures":
                guard let count = Int(value), count > 0 else {
                    throw ConfigurationError(setting: setting, problem: "expected failures=<positive number>, got '\(value)'")
                }
                limit.failureThreshold = count
            case "cooldown":
                guard let duration = Self.duration(value) else {
                    throw ConfigurationError(setting: setting, problem: "expected cooldown=<duration>, e.g. 30s, got '\(value)'")
                }
                limit.cooldown = duration
            default:
                throw ConfigurationError(setting: setting, problem: "expected one of rate, concurrent, failures, cooldown, got '\(key)'")
            }
        }
        return limit
    }

    /// The environment variable that overrides `api`'s limits: `SUNDIAL_API_LIMIT_FEDEX`.
    public static func environmentName(_ api: String) -> String { "SUNDIAL_API_LIMIT_\(api.uppercased())" }

    /// The defaults with every `SUNDIAL_API_LIMIT_<API>` override applied.
    public static func configured(_ reader: EnvironmentReader = EnvironmentReader()) throws -> [APILimit] {
        try sunStyleDefaults.map { limit in
            guard let text = reader.string(environmentName(limit.api)) else { return limit }
            return try limit.overridden(by: text)
        }
    }

    static func duration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number > 0 else { return nil }
            return .milliseconds(Int64(number * seconds * 1000))
        }
        return nil
    }
}
