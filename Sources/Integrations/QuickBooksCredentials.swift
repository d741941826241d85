/// QuickBooks Online credentials after the one-time human consent: the company (realm), the OAuth
/// client, the current refresh token and, optionally, a still-valid access token.
public struct QuickBooksCredentials: Sendable {
    public var realmID: String
    public var clientID: String
    public var clientSecret: Secret
    /// The refresh token from the consent. QuickBooks rotates it on every refresh; with a shared
    /// token store this value only seeds the store's first run (and replaces a stored token that
    /// QuickBooks refuses, which is how a new consent is installed).
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
