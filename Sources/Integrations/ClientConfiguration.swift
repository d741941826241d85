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
    /// The fleet's store of vendor tokens; nil keeps tokens in this process only. QuickBooks
    /// needs it as soon as more than one process (or a restart) uses the same company, since
    /// every refresh rotates its refresh token.
    public var sharedTokens: (any SharedTokenStore)?

    public init(baseURL: String, credentials: Credentials, timeout: Duration = .seconds(30)) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.credentials = credentials
        self.timeout = timeout
    }

    public var description: String { "ClientConfiguration(baseURL: \(baseURL), timeout: \(timeout), credentials: <redacted>)" }
}
