import Foundation

/// An OAuth access token with the instant it stops being used.
struct OAuthToken: Sendable {
    let value: Secret
    let expiresAt: ContinuousClock.Instant
}

/// Caches one OAuth access token until `expires_in` minus a safety margin, so a client fetches a
/// token once per lifetime rather than per call (FedEx and USPS throttle their token endpoints),
/// and forgets it after a 401 so the next call fetches a fresh one. An actor, so concurrent calls
/// of one client share the cache safely; a fetch in progress is shared by every caller waiting
/// for it instead of each caller fetching its own token.
actor OAuthTokenCache {
    /// Subtracted from `expires_in` so a token is never sent in its last moments.
    let margin: Duration
    private var current: OAuthToken?
    private var inFlight: Task<OAuthToken, any Error>?

    init(margin: Duration = .seconds(60)) {
        self.margin = margin
    }

    /// The cached token if still fresh, else the result of `fetch` (which returns the token and
    /// its `expires_in` in seconds).
    func token(fetch: @escaping @Sendable () async throws -> (Secret, Int)) async throws -> Secret {
        if let current, ContinuousClock.now < current.expiresAt { return current.value }
        if let inFlight { return try await inFlight.value.value }
        let margin = self.margin
        let task = Task<OAuthToken, any Error> {
            let (value, expiresIn) = try await fetch()
            let lifetime = max(Duration.seconds(expiresIn) - margin, .zero)
            return OAuthToken(value: value, expiresAt: ContinuousClock.now + lifetime)
        }
        inFlight = task
        defer { inFlight = nil }
        let token = try await task.value
        current = token
        return token.value
    }

    /// Forgets `token` (after the API answered 401 to it); a newer token is kept.
    func invalidate(_ token: Secret) {
        if current?.value == token { current = nil }
    }
}

extension OAuthTokenCache {
    /// Runs `call` with the cached (or a fresh) token; when the API answers 401, forgets that
    /// token, fetches a new one and runs `call` once more. A second 401 is returned to the caller.
    nonisolated func withRefreshOn401(
        fetch: @escaping @Sendable () async throws -> (Secret, Int),
        _ call: (Secret) async throws -> HTTPExchange.Response
    ) async throws -> HTTPExchange.Response {
        let first = try await token(fetch: fetch)
        let response = try await call(first)
        guard response.status == 401 else { return response }
        await invalidate(first)
        let second = try await token(fetch: fetch)
        return try await call(second)
    }
}
