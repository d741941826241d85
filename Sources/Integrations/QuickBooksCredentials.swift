/// QuickBooks Online credentials after the one-time human consent: the company (realm), the OAuth
/// client, the current refresh token and, optionally, a still-valid access token.
public struct QuickBooksCredentials: Sendable {
    public var realmID: String
    public var clientID: String
    public var clientSecret: Secret
    /// The latest refresh token. QuickBooks rotates it; ``QuickBooksClient`` reports each new one
    /// through its `onRefreshTokenRotated` callback so the caller can store it.
    public var refreshToken: Secret
    public var accessToken: Secret?
    /// Full URL of the token endpoint (production:
    /// `https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer`).
    public var tokenURL: String

    public init(realmID: String, clientID: String, clientSecret: Secret, refreshToken: Secret, accessToken: Secret? = nil, tokenURL: String) {
        self.realmID = realmID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.accessToken = accessToken
        self.tokenURL = tokenURL
    }
}
