import Foundation
import Hummingbird
import Synchronization

/// Per-client rate limits of the intake API: one token bucket per authenticated client id,
/// in this server process's memory (so a fleet of N servers allows up to N times the rate;
/// the shop usually talks to one address behind a load balancer, and the fleet-wide API limits
/// of the engine protect the outside APIs themselves). A call over the limit is refused with
/// `429` and `Retry-After` before its body is read. Idle buckets are forgotten.
public final class IntakeRateLimiter: Sendable {
    public let rate: RatePerWindow

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(rate: RatePerWindow, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.rate = rate
        self.now = now
    }

    private var windowSeconds: Double {
        Double(rate.window.components.seconds) + Double(rate.window.components.attoseconds) / 1e18
    }

    /// Takes one call from the client's bucket, or says how many whole seconds until one is free.
    public func take(client: String) -> Int? {
        let capacity = Double(rate.calls)
        let perSecond = capacity / windowSeconds
        let instant = now()
        return buckets.withLock { buckets -> Int? in
            if buckets.count > 10_000 { Self.forgetFull(&buckets, at: instant, perSecond: perSecond, capacity: capacity) }
            var bucket = buckets[client] ?? Bucket(tokens: capacity, updated: instant)
            let elapsed = instant - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + max(0, seconds) * perSecond)
            bucket.updated = instant
            defer { buckets[client] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    /// Throws the `429` for a client over its rate.
    func admit(_ client: AuthenticatedClient) throws {
        guard let wait = take(client: client.clientID) else { return }
        var headers = HTTPFields()
        headers[.retryAfter] = "\(wait)"
        throw APIError(.tooManyRequests, code: "rate_limited",
                       message: "client \(client.clientID) is over its rate of \(rate.calls) calls per \(rate.window); retry after \(wait) s",
                       details: ["retry_after_seconds": "\(wait)"], headers: headers)
    }

    /// Drops buckets that have refilled completely (they hold nothing a new bucket would not).
    private static func forgetFull(_ buckets: inout [String: Bucket], at instant: ContinuousClock.Instant, perSecond: Double, capacity: Double) {
        buckets = buckets.filter { _, bucket in
            let elapsed = instant - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return bucket.tokens + seconds * perSecond < capacity
        }
    }
}
