import Foundation
import Sundial

/// The tokens a vendor's OAuth endpoint handed out for one client: an access token with the
/// instant it expires, and the refresh token to get the next one (QuickBooks rotates it on every
/// refresh). Exists as the unit a ``SharedTokenStore`` keeps, so every worker of the fleet uses
/// the latest tokens. Expiry is wall-clock time, since it is shared between processes.
public struct VendorTokens: Sendable, Equatable {
    public var accessToken: Secret?
    /// Nil: unknown (a configured token); used until the API refuses it.
    public var accessTokenExpiresAt: Date?
    public var refreshToken: Secret?

    public init(accessToken: Secret?, accessTokenExpiresAt: Date?, refreshToken: Secret?) {
        self.accessToken = accessToken
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.refreshToken = refreshToken
    }

    /// The access token if it may still be sent: present, not the one the API just refused, and
    /// more than `margin` before its expiry.
    func usableAccessToken(at now: Date, margin: Duration, refused: Secret?) -> Secret? {
        guard let accessToken, accessToken != refused else { return nil }
        if let expiresAt = accessTokenExpiresAt, now.addingTimeInterval(margin.seconds) >= expiresAt { return nil }
        return accessToken
    }
}
