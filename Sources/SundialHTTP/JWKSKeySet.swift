import Foundation
import Logging

/// The keys an authorization server publishes at its JWKS URL (`SUNDIAL_JWT_JWKS_URL`), fetched
/// and cached so that its key rotations need no change here.
///
/// The set is fetched again once it is older than its max age (the response's
/// `Cache-Control: max-age`, at most `refreshInterval`) and when a token names a `kid` the set
/// does not hold (a key published since). Every fetch, whatever asked for it, waits until
/// `minimumInterval` has passed since the previous attempt, so a flood of tokens with made-up
/// kids costs the authorization server at most one request per interval; concurrent askers share
/// one fetch. A fetch that fails keeps the keys held and logs a warning (the host and the
/// reason, never the URL's query or a key): an unreachable authorization server does not stop
/// tokens signed with known keys.
public actor JWKSKeySet {
    /// Where the set comes from, for the start-up line and warnings (no path or query).
    public nonisolated let host: String
    let fetcher: JWKSFetcher
    let refreshInterval: Duration
    let minimumInterval: Duration
    let now: @Sendable () -> ContinuousClock.Instant
    let logger: Logger

    private var held: [TokenKey] = []
    /// When the held set must be fetched again; nil until a fetch has succeeded.
    private var expiry: ContinuousClock.Instant?
    private var lastAttempt: ContinuousClock.Instant?
    private var inFlight: Task<Void, Never>?
    /// Fetches started so far.
    public private(set) var attempts = 0

    /// - Parameters:
    ///   - url: `https://…` (or `http://` to a loopback address), checked by the caller.
    ///   - now: the clock the intervals are measured on; tests move it by hand.
    public init(url: String, timeout: Duration = .seconds(5), refreshInterval: Duration = .seconds(300),
                minimumInterval: Duration = .seconds(30), logger: Logger = Logger(label: "sundial.jwks"),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.host = URL(string: url)?.host ?? "(no host)"
        self.fetcher = JWKSFetcher(url: url, timeout: timeout)
        self.refreshInterval = refreshInterval
        self.minimumInterval = minimumInterval
        self.logger = logger
        self.now = now
    }

    /// The keys to verify a token with. Fetched again first when the held set has expired, or
    /// when `kid` names no key held, as far as the minimum interval allows.
    func keys(naming kid: String?) async -> [TokenKey] {
        let expired = expiry.map { now() >= $0 } ?? true
        if expired || (kid != nil && !held.contains { $0.kid == kid }) {
            await refresh()
        }
        return held
    }

    /// Fetches the set now, unless a fetch is under way (then waits for it) or the last attempt
    /// was less than the minimum interval ago. `sundial serve` calls it once at start.
    public func refresh() async {
        if let inFlight {
            await inFlight.value
            return
        }
        let started = now()
        if let lastAttempt, started < lastAttempt + minimumInterval { return }
        lastAttempt = started
        attempts += 1
        let fetch = Task { await self.fetchAndHold(started: started) }
        inFlight = fetch
        await fetch.value
        inFlight = nil
    }

    private func fetchAndHold(started: ContinuousClock.Instant) async {
        let document: JWKSDocument
        let maxAge: Duration
        do {
            let fetched = try await fetcher.fetch()
            document = try await JWKSDocument.parse(fetched.body)
            maxAge = min(fetched.maxAge ?? refreshInterval, refreshInterval)
        } catch {
            logger.warning("the JWKS could not be fetched; the keys held stay in use", metadata: [
                "jwks_host": "\(host)", "reason": "\(error)", "keys_held": "\(held.count)",
                "next_attempt_after_seconds": "\(minimumInterval.components.seconds)",
            ])
            return
        }
        held = document.keys
        expiry = started + maxAge
        var metadata: Logger.Metadata = [
            "jwks_host": "\(host)", "keys": "\(held.map { "\($0.algorithm.rawValue)(\($0.kid ?? "no kid"))" }.joined(separator: ","))",
            "max_age_seconds": "\(maxAge.components.seconds)",
        ]
        if !document.skipped.isEmpty { metadata["skipped"] = "\(document.skipped.joined(separator: "; "))" }
        if held.isEmpty {
            logger.warning("the JWKS holds no ES256 or RS256 signing key; tokens are refused until it does", metadata: metadata)
        } else {
            logger.info("JWKS fetched", metadata: metadata)
        }
    }
}
