/// Where and how to reach one external API: its base URL, its credentials and the per-request
/// timeout. Exists so every client is configured from values passed in by the caller (the
/// composition root reads them from the environment or a secret store) and never from globals.
/// Printing a configuration shows the URL and timeout, never a credential.
public struct ClientConfiguration<Credentials: Sendable>: Sendable, CustomStringConvertible {
    /// Base URL without a trailing slash, e.g. `https://api.stripe.com` or, against the sandbox,
    /// `http://127.0.0.1:PORT/stripe`.
    public var baseURL: String
    public var credentials: Credentials
    /// Upper bound of one HTTP exchange (connect, send, receive).
    public var timeout: Duration

    public init(baseURL: String, credentials: Credentials, timeout: Duration = .seconds(30)) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.credentials = credentials
        self.timeout = timeout
    }

    public var description: String { "ClientConfiguration(baseURL: \(baseURL), timeout: \(timeout), credentials: <redacted>)" }
}

/// Stripe's only credential: a secret key (`sk_test_…`, `sk_live_…` or restricted `rk_…`).
public struct StripeCredentials: Sendable {
    public var secretKey: Secret
    /// Pins `Stripe-Version`; `nil` uses the account's default version.
    public var apiVersion: String?

    public init(secretKey: Secret, apiVersion: String? = nil) {
        self.secretKey = secretKey
        self.apiVersion = apiVersion
    }
}

/// OAuth client-credentials of a carrier app (FedEx API key/secret, UPS client id/secret, USPS
/// consumer key/secret) plus the shipper account the labels are billed to.
public struct CarrierCredentials: Sendable {
    public var clientID: String
    public var clientSecret: Secret
    /// The shipper account number (FedEx `accountNumber.value`, UPS `ShipperNumber`).
    public var accountNumber: String

    public init(clientID: String, clientSecret: Secret, accountNumber: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.accountNumber = accountNumber
    }
}

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

/// USPS v3 credentials: the app's consumer key and secret, and the Enterprise Payment System
/// account and customer ids that pay for and own the labels.
public struct USPSCredentials: Sendable {
    public var clientID: String
    public var clientSecret: Secret
    /// Customer Registration ID of the payer and label owner.
    public var crid: String
    /// Mailer ID.
    public var mid: String
    /// The manifest MID (often the same as `mid`).
    public var manifestMID: String
    /// EPS account number that pays postage.
    public var accountNumber: String

    public init(clientID: String, clientSecret: Secret, crid: String, mid: String, manifestMID: String? = nil, accountNumber: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.crid = crid
        self.mid = mid
        self.manifestMID = manifestMID ?? mid
        self.accountNumber = accountNumber
    }
}
