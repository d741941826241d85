import Foundation

/// The QuickBooks access and refresh tokens of one company. Exists because QuickBooks uses the
/// authorization-code grant: there are no client credentials to fetch a token with, only a
/// refresh token that rotates on every use and must be kept. An actor, so concurrent calls
/// refresh once and always use the latest refresh token.
actor QuickBooksTokenSession {
    private var accessToken: Secret?
    private var accessExpiresAt: ContinuousClock.Instant?
    private(set) var refreshToken: Secret
    private let margin: Duration
    private var inFlight: Task<(Secret, Secret, Int), any Error>?

    init(accessToken: Secret?, refreshToken: Secret, margin: Duration) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.margin = margin
    }

    /// The current access token, refreshing it first when it is missing or past its lifetime.
    /// `refresh` exchanges a refresh token for (access token, new refresh token, `expires_in`).
    func token(refresh: @escaping @Sendable (Secret) async throws -> (Secret, Secret, Int)) async throws -> Secret {
        if let accessToken, accessExpiresAt.map({ ContinuousClock.now < $0 }) ?? true { return accessToken }
        return try await refreshNow(refresh)
    }

    /// Forgets `token` after a 401, so the next ``token(refresh:)`` refreshes.
    func invalidate(_ token: Secret) {
        if accessToken == token { accessToken = nil }
    }

    private func refreshNow(_ refresh: @escaping @Sendable (Secret) async throws -> (Secret, Secret, Int)) async throws -> Secret {
        let task: Task<(Secret, Secret, Int), any Error>
        if let inFlight {
            task = inFlight
        } else {
            let current = refreshToken
            task = Task { try await refresh(current) }
            inFlight = task
        }
        defer { inFlight = nil }
        let (access, newRefresh, expiresIn) = try await task.value
        accessToken = access
        refreshToken = newRefresh
        accessExpiresAt = ContinuousClock.now + max(.seconds(expiresIn) - margin, .zero)
        return access
    }
}
