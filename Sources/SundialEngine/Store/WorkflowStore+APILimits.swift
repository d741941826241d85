import Foundation
import PostgresNIO

/// One API's limits and circuit as stored in `api_limits`, for the CLI and metrics.
public struct APILimitState: Sendable, Codable, Equatable {
    public let api: String
    public let rateCapacity: Int
    public let rateWindowMilliseconds: Int
    public let maxConcurrent: Int?
    public let inFlight: Int
    /// `closed`, `open` or `half_open`.
    public let circuit: String
    public let circuitUntil: Date?
    public let consecutiveFailures: Int
    /// How many times the circuit has opened.
    public let openedCount: Int64
}

/// The answer of `api_acquire`.
struct APIAcquisition: Sendable {
    let granted: Bool
    /// `circuit_open`, `rate` or `concurrency` when refused.
    let refusal: String?
    let retryAfterMilliseconds: Int
    let permitTaken: Bool
    let circuit: String
    /// The API has failed at least once in a row: a success must be reported to reset it.
    let failing: Bool
}

extension WorkflowStore {
    /// Writes the configured limits into `api_limits`, keeping each API's bucket and circuit
    /// state (a new API starts with a full bucket). Every worker does this at start; the last
    /// configuration written wins, so roll limit changes out to the whole fleet.
    public func syncAPILimits(_ limits: [APILimit]) async throws {
        for limit in limits {
            let windowMilliseconds = Int(limit.rateWindow.seconds * 1000)
            let cooldownMilliseconds = Int(limit.cooldown.seconds * 1000)
            try await client.query("""
                INSERT INTO api_limits (api, rate_capacity, rate_window_ms, tokens, max_concurrent, failure_threshold, cooldown_ms)
                VALUES (\(limit.api), \(limit.rateCapacity), \(windowMilliseconds), \(Double(limit.rateCapacity)),
                        \(limit.maxConcurrent), \(limit.failureThreshold), \(cooldownMilliseconds))
                ON CONFLICT (api) DO UPDATE SET
                    rate_capacity = EXCLUDED.rate_capacity, rate_window_ms = EXCLUDED.rate_window_ms,
                    tokens = LEAST(api_limits.tokens, EXCLUDED.rate_capacity),
                    max_concurrent = EXCLUDED.max_concurrent, failure_threshold = EXCLUDED.failure_threshold,
                    cooldown_ms = EXCLUDED.cooldown_ms, updated_at = now()
                """, logger: logger)
        }
    }

    /// Asks for one call to `api` (function `api_acquire`: primary key of `api_limits`, and
    /// `api_permits_by_api` for the count of calls in flight).
    func acquireAPICall(api: String, permit: UUID, holder: String, lease: Duration) async throws -> APIAcquisition {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            SELECT granted, refusal, retry_after_ms, permit_taken, circuit, failing
            FROM api_acquire(\(api), \(permit), \(holder), \(Int(lease.seconds * 1000))::integer)
            """, logger: logger)
        if let (granted, refusal, retryAfter, permitTaken, circuit, failing)
            = try await first(rows.decode((Bool, String?, Int, Bool, String, Bool).self)) {
            return APIAcquisition(granted: granted, refusal: refusal, retryAfterMilliseconds: retryAfter,
                                  permitTaken: permitTaken, circuit: circuit, failing: failing)
        }
        return APIAcquisition(granted: true, refusal: nil, retryAfterMilliseconds: 0, permitTaken: false, circuit: "closed", failing: false)
    }

    /// Reports how a call went (function `api_release`: primary keys of `api_permits` and
    /// `api_limits`). Returns the circuit state when it changed.
    @discardableResult
    func releaseAPICall(api: String, permit: UUID?, outcome: String) async throws -> String? {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            SELECT circuit FROM api_release(\(api), \(permit), \(outcome))
            """, logger: logger)
        var circuit: String?
        for try await state in rows.decode(String.self) { circuit = state }
        return circuit
    }

    /// Every API's limits, calls in flight and circuit.
    public func apiLimitStates() async throws -> [APILimitState] {
        let rows = try await client.query("""
            SELECT l.api, l.rate_capacity, l.rate_window_ms, l.max_concurrent,
                   (SELECT count(*) FROM api_permits p WHERE p.api = l.api AND p.expires_at >= now())::int8,
                   CASE WHEN l.circuit = 'open' AND l.circuit_until <= now() THEN 'half_open' ELSE l.circuit END,
                   l.circuit_until, l.consecutive_failures, l.opened_count
            FROM api_limits l ORDER BY l.api
            """, logger: logger)
        var states: [APILimitState] = []
        for try await (api, capacity, window, concurrent, inFlight, circuit, until, failures, opened)
            in rows.decode((String, Int, Int, Int?, Int64, String, Date?, Int, Int64).self) {
            states.append(APILimitState(
                api: api, rateCapacity: capacity, rateWindowMilliseconds: window, maxConcurrent: concurrent,
                inFlight: Int(inFlight), circuit: circuit, circuitUntil: until, consecutiveFailures: failures, openedCount: opened))
        }
        return states
    }
}
