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
