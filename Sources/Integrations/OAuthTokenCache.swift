import Foundation
import Sundial

/// An OAuth access token with the instant it expires (wall-clock time: it may be shared between
/// processes).
struct OAuthToken: Sendable {
    let value: Secret
    let expiresAt: Date

    /// Usable: not `refused` and more than `margin` before its expiry.
    func isUsable(margin: Duration, refused: Secret?) -> Bool {
        value != refused && Date().addingTimeInterval(margin.seconds) < expiresAt
    }
}

/// Caches one OAuth access token until `expires_in` minus a safety margin, so a client fetches a
/// token once per lifetime rather than per call (FedEx and USPS throttle their token endpoints),
/// and forgets it after a 401 so the next call fetches a fresh one. An actor, so concurrent calls
/// of one client share the cache safely; a fetch in progress is shared by every caller waiting
/// for it instead of each caller fetching its own token.
///
/// With a ``SharedTokenStore`` the token is the fleet's: a process without a fresh token takes the
/// stored one, and a fetch happens under the store's lock, so the fleet fetches once per token
/// lifetime instead of once per process and restart (a new USPS app has 60 calls an hour, tokens
/// included). The store only saves calls: when it fails, the token is fetched as without one.
actor OAuthTokenCache {
    /// Subtracted from `expires_in` so a token is never sent in its last moments.
    let margin: Duration
    private let shared: Shared?
    private var current: OAuthToken?
    /// The token the API last refused; never taken from the store again.
    private var refused: Secret?
    private var inFlight: Task<OAuthToken, any Error>?

    /// The store and the name the token has there (`<api>:<client id>:<kind>`).
    struct Shared: Sendable {
        let store: any SharedTokenStore
        let name: String
    }

    init(margin: Duration = .seconds(60), shared store: (any SharedTokenStore)? = nil, name: String = "") {
        self.margin = margin
        self.shared = store.map { Shared(store: $0, name: name) }
    }

    /// The cached token if still fresh, else the stored one if fresh, else the result of `fetch`
    /// (which returns the token and its `expires_in` in seconds).
    func token(fetch: @escaping @Sendable () async throws -> (Secret, Int)) async throws -> Secret {
        if let current, current.isUsable(margin: margin, refused: nil) { return current.value }
        if let inFlight { return try await inFlight.value.value }
        let task = Task { [margin, shared, refused] in
            try await Self.obtain(fetch: fetch, margin: margin, shared: shared, refused: refused)
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
        refused = token
    }

    private static func obtain(
        fetch: @Sendable () async throws -> (Secret, Int), margin: Duration, shared: Shared?, refused: Secret?
    ) async throws -> OAuthToken {
        @Sendable func fetched() async throws -> OAuthToken {
            let (value, expiresIn) = try await fetch()
            return OAuthToken(value: value, expiresAt: Date().addingTimeInterval(TimeInterval(expiresIn)))
        }
        guard let shared else { return try await fetched() }
        /// The stored token, when it may be used.
        @Sendable func usable(_ tokens: VendorTokens?) -> OAuthToken? {
            guard let value = tokens?.accessToken, let expiresAt = tokens?.accessTokenExpiresAt else { return nil }
            let token = OAuthToken(value: value, expiresAt: expiresAt)
            return token.isUsable(margin: margin, refused: refused) ? token : nil
        }
        if let stored = usable(try? await shared.store.tokens(named: shared.name)) { return stored }
        do {
            let renewed = try await shared.store.renew(named: shared.name) { stored in
                // Fetched by the worker this one waited for.
                if usable(stored) != nil { return nil }
                do {
                    let token = try await fetched()
                    return VendorTokens(accessToken: token.value, accessTokenExpiresAt: token.expiresAt, refreshToken: nil)
                } catch {
                    throw FetchFailed(error: error)
                }
            }
            if let value = renewed?.accessToken, let expiresAt = renewed?.accessTokenExpiresAt {
                return OAuthToken(value: value, expiresAt: expiresAt)
            }
        } catch let failure as FetchFailed {
            throw failure.error
        } catch {
            // The store failed (database, key): fetch as a process on its own would.
        }
        return try await fetched()
    }

    /// The vendor's token call failed inside the store's renewal (as opposed to the store).
    private struct FetchFailed: Error {
        let error: any Error
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
