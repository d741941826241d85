/// How one simulated API misbehaves. Exists so tests and demos can make the outside world slow,
/// flaky, throttled or unreachable without touching the orchestrator.
///
/// Rates are fractions in 0...1 and are drawn from the sandbox's seeded generator, so a run with
/// the same seed and the same request order sees the same faults. The checks run in this order:
/// `down`, `failNext`, `hangRate`, `rateLimitRate`, `errorRate`; then `latencyMilliseconds` is
/// added, the request is served, and `resetAfterEffectRate` may drop the connection afterwards
/// (else `unreadableAfterEffectRate` may replace the answer by one the client cannot read).
/// Injected faults happen in front of the API (as a load balancer would), so they are never saved
/// under an idempotency key.
public struct FaultSettings: Sendable, Codable, Equatable {
    /// Fraction of requests answered with a server error (`errorStatus`, else 500 or 503 at random).
    public var errorRate: Double
    /// Status for injected errors. `nil` picks 500 or 503. For QuickBooks, 200 sends a `Fault` body
    /// inside a 200, as the real service sometimes does.
    public var errorStatus: Int?
    /// Delay added before the request is served (for Stripe: after the idempotency key is claimed,
    /// so a concurrent retry with the same key sees 409 `idempotency_key_in_use`).
    public var latencyMilliseconds: Int
    /// Fraction of requests answered 429 with the API's rate-limit body.
    public var rateLimitRate: Double
    /// `Retry-After` seconds sent with injected 429s; 0 omits the header.
    public var retryAfterSeconds: Int
    /// Fraction of requests that never get an answer until the client gives up. A hang is bounded
    /// by `SandboxConfiguration.hangLimit` and released when faults change, on reset and at shutdown;
    /// then a 503 is sent.
    public var hangRate: Double
    /// Every request gets 503 with the API's error body. A single server cannot refuse connections
    /// for one path prefix, so "down" is simulated at the HTTP level.
    public var down: Bool
    /// Fraction of requests that are fully served (the side effect happens) but whose connection is
    /// then closed without a response: the "did my label get bought?" case.
    public var resetAfterEffectRate: Double
    /// Fraction of requests that are fully served (the side effect happens) but answered 200 with
    /// the first half of the real body, which no client can decode: the "it said OK, but what did
    /// I buy?" case (a proxy that cut the body off). Lets tests prove such an answer is treated as
    /// "maybe it happened" (retryable), never as a permanent failure.
    public var unreadableAfterEffectRate: Double
    /// The next N requests get an injected error regardless of `errorRate`; counts down to 0.
    public var failNext: Int
    /// When set, the faults apply only to requests to this path under the API's prefix (for
    /// example `/ship/v1/shipments`); every other request of the API is served normally. Lets a
    /// test lose purchase answers while the token, lookup and void calls still work.
    public var onlyPath: String?

    public init(
        errorRate: Double = 0,
        errorStatus: Int? = nil,
        latencyMilliseconds: Int = 0,
        rateLimitRate: Double = 0,
        retryAfterSeconds: Int = 1,
        hangRate: Double = 0,
        down: Bool = false,
        resetAfterEffectRate: Double = 0,
        unreadableAfterEffectRate: Double = 0,
        failNext: Int = 0,
        onlyPath: String? = nil
    ) {
        self.errorRate = errorRate
        self.errorStatus = errorStatus
        self.latencyMilliseconds = latencyMilliseconds
        self.rateLimitRate = rateLimitRate
        self.retryAfterSeconds = retryAfterSeconds
        self.hangRate = hangRate
        self.down = down
        self.resetAfterEffectRate = resetAfterEffectRate
        self.unreadableAfterEffectRate = unreadableAfterEffectRate
        self.failNext = failNext
        self.onlyPath = onlyPath
    }

    /// No faults: the API behaves.
    public static let none = FaultSettings()

    /// Every field is optional in JSON, so `{"errorRate": 1}` is a complete setting.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FaultSettings()
        errorRate = try container.decodeIfPresent(Double.self, forKey: .errorRate) ?? defaults.errorRate
        errorStatus = try container.decodeIfPresent(Int.self, forKey: .errorStatus)
        latencyMilliseconds = try container.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? defaults.latencyMilliseconds
        rateLimitRate = try container.decodeIfPresent(Double.self, forKey: .rateLimitRate) ?? defaults.rateLimitRate
        retryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? defaults.retryAfterSeconds
        hangRate = try container.decodeIfPresent(Double.self, forKey: .hangRate) ?? defaults.hangRate
        down = try container.decodeIfPresent(Bool.self, forKey: .down) ?? defaults.down
        resetAfterEffectRate = try container.decodeIfPresent(Double.self, forKey: .resetAfterEffectRate) ?? defaults.resetAfterEffectRate
        unreadableAfterEffectRate = try container.decodeIfPresent(Double.self, forKey: .unreadableAfterEffectRate) ?? defaults.unreadableAfterEffectRate
        failNext = try container.decodeIfPresent(Int.self, forKey: .failNext) ?? defaults.failNext
        onlyPath = try container.decodeIfPresent(String.self, forKey: .onlyPath)
    }

    /// Problems that make the setting meaningless (rates outside 0...1, negative delays).
    var validationErrors: [String] {
        var errors: [String] = []
        let rates = [
            ("errorRate", errorRate), ("rateLimitRate", rateLimitRate), ("hangRate", hangRate),
            ("resetAfterEffectRate", resetAfterEffectRate), ("unreadableAfterEffectRate", unreadableAfterEffectRate),
        ]
        for (name, rate) in rates where !(0...1).contains(rate) {
            errors.append("\(name) must be between 0 and 1")
        }
        if latencyMilliseconds < 0 { errors.append("latencyMilliseconds must not be negative") }
        if retryAfterSeconds < 0 { errors.append("retryAfterSeconds must not be negative") }
        if failNext < 0 { errors.append("failNext must not be negative") }
        if let status = errorStatus, !(200...599).contains(status) { errors.append("errorStatus must be an HTTP status") }
        return errors
    }
}
