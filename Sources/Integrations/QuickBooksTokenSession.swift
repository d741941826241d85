import Foundation
import Sundial

/// The QuickBooks access and refresh tokens of one company. Exists because QuickBooks uses the
/// authorization-code grant: there are no client credentials to fetch a token with, only a
/// refresh token that rotates on every use and must be kept. An actor, so concurrent calls of one
/// process renew once and always use the latest refresh token.
///
/// With a ``SharedTokenStore`` the tokens are the fleet's: the configured ones only seed the
/// store; a renewal reads the stored tokens under the store's lock, so a worker that waited for
/// another's refresh takes the new tokens instead of refreshing with a stale one, and writes the
/// new ones back; a restarted worker starts from the stored tokens.
actor QuickBooksTokenSession {
    /// Exchanges a refresh token for new tokens (the refresh-token grant).
    typealias Refresh = @Sendable (Secret) async throws -> VendorTokens

    private var current: VendorTokens
    private let configured: VendorTokens
    private let shared: SharedTokens?
    private let margin: Duration
    /// False until the stored tokens were read: until then the configured ones may be stale.
    private var upToDate: Bool
    /// Whether this process offered the configured tokens to the store (once is enough).
    private var seeded = false
    private var inFlight: Task<VendorTokens, any Error>?

    /// The store and the name the company's tokens have there.
    struct SharedTokens: Sendable {
        let store: any SharedTokenStore
        let name: String
    }

    init(configured: VendorTokens, shared: SharedTokens?, margin: Duration) {
        self.current = configured
        self.configured = configured
        self.shared = shared
        self.margin = margin
        self.upToDate = shared == nil
    }

    /// An access token to send: the current one while it is fresh, else renewed tokens' one.
    /// `refused` is a token the API just answered 401 to, which is never returned again.
    func token(refusing refused: Secret? = nil, refresh: @escaping Refresh) async throws -> Secret {
        // Twice at most: a renewal already in flight for another caller may bring back `refused`.
        for _ in 0..<2 {
            if upToDate, let access = current.usableAccessToken(at: Date(), margin: margin, refused: refused) { return access }
            current = try await renewal(refusing: refused, refresh: refresh)
            upToDate = true
            if let access = current.usableAccessToken(at: Date(), margin: .zero, refused: refused) { return access }
        }
        throw QuickBooksError(operation: Self.operation, status: nil, faultType: nil, codes: [],
                              message: "the renewed tokens hold no usable access token", retryDisposition: .retryable(after: nil))
    }

    /// One renewal for every caller of this process that needs it at the same time.
    private func renewal(refusing refused: Secret?, refresh: @escaping Refresh) async throws -> VendorTokens {
        if let inFlight { return try await inFlight.value }
        let task = Task { [current, configured, shared, seeded, margin] in
            try await Self.renew(current: current, configured: configured, shared: shared, seed: !seeded, refused: refused, margin: margin,
                                 refresh: refresh)
        }
        inFlight = task
        defer { if inFlight == task { inFlight = nil } }
        let renewed = try await task.value
        seeded = true
        return renewed
    }

    static let operation = "POST token (refresh_token grant)"

    private static func renew(
        current: VendorTokens, configured: VendorTokens, shared: SharedTokens?, seed: Bool, refused: Secret?, margin: Duration,
        refresh: Refresh
    ) async throws -> VendorTokens {
        guard let shared else {
            do {
                return try await refresh(try refreshToken(of: current))
            } catch let error as QuickBooksError where error.isInvalidGrant {
                throw revoked(shared: false)
            }
        }
        do {
            if seed { try await shared.store.seed(configured, named: shared.name) }
            // Another worker may have renewed since this one last looked: no refresh needed then.
            if let stored = try await shared.store.tokens(named: shared.name),
               stored.usableAccessToken(at: Date(), margin: margin, refused: refused) != nil {
                return stored
            }
        } catch {
            throw storeFailure(error)
        }
        for attempt in 1...2 {
            do {
                let renewed = try await shared.store.renew(named: shared.name) { stored in
                    let latest = stored ?? configured
                    // Renewed by the worker this one waited for.
                    if latest.usableAccessToken(at: Date(), margin: margin, refused: refused) != nil { return nil }
                    return try await refreshLatest(latest, configured: configured, refresh: refresh)
                }
                return renewed ?? configured
            } catch let refusal as RefreshRefused {
                // A newer token in the store (written by a worker that did not wait for the lock)
                // is tried before the refusal is reported.
                if attempt == 1, let stored = try? await shared.store.tokens(named: shared.name),
                   let newer = stored.refreshToken, newer != refusal.token {
                    continue
                }
                throw revoked(shared: true)
            } catch let error as QuickBooksError {
                throw error
            } catch {
                throw storeFailure(error)
            }
        }
        throw revoked(shared: true)
    }

    /// Refreshes with the stored token. When QuickBooks refuses it and a different token is
    /// configured, that one is tried: an operator's new consent replaces a dead stored token.
    private static func refreshLatest(_ latest: VendorTokens, configured: VendorTokens, refresh: Refresh) async throws -> VendorTokens {
        let token = try refreshToken(of: latest)
        do {
            return try await refresh(token)
        } catch let error as QuickBooksError where error.isInvalidGrant {
            if let fallback = configured.refreshToken, fallback != token {
                do {
                    return try await refresh(fallback)
                } catch let again as QuickBooksError where again.isInvalidGrant {}
            }
            throw RefreshRefused(token: token)
        }
    }

    private static func refreshToken(of tokens: VendorTokens) throws -> Secret {
        guard let token = tokens.refreshToken, !token.value.isEmpty else {
            throw QuickBooksError(operation: operation, status: nil, faultType: nil, codes: [],
                                  message: "no refresh token is configured or stored", retryDisposition: .permanent)
        }
        return token
    }

    /// QuickBooks refused the latest refresh token: a person must reconnect the company.
    private static func revoked(shared: Bool) -> QuickBooksError {
        let cause = shared
            ? "QuickBooks refused the stored refresh token and no newer one is stored: the app's connection to the company was revoked or the token expired"
            : "QuickBooks refused the refresh token: it was revoked, expired, or already rotated by another process or an earlier run (without a shared token store each process holds its own)"
        let action = "reconnect the app to the QuickBooks company (OAuth consent), configure the new refresh token "
            + "(SUNDIAL_QUICKBOOKS_REFRESH_TOKEN) and restart the workers; a configured token replaces a stored one QuickBooks refuses"
        return QuickBooksError(operation: operation, status: 400, faultType: nil, codes: ["invalid_grant"],
                               message: "\(cause); \(action)", retryDisposition: .permanent)
    }

    /// The store could not be read or written: retryable unless the error says otherwise (a
    /// secret the configured key cannot decrypt).
    private static func storeFailure(_ error: any Error) -> QuickBooksError {
        let disposition = (error as? any RetryClassifiable)?.retryDisposition ?? .retryable(after: nil)
        return QuickBooksError(operation: "shared QuickBooks tokens", status: nil, faultType: nil, codes: [],
                               message: "the token store failed: \(error)", retryDisposition: disposition)
    }

    /// Thrown through the store's renewal when QuickBooks refused the stored refresh token.
    private struct RefreshRefused: Error {
        let token: Secret
    }
}

extension QuickBooksError {
    /// The token endpoint refused the refresh token (OAuth `invalid_grant`).
    var isInvalidGrant: Bool { codes.contains("invalid_grant") }
}
