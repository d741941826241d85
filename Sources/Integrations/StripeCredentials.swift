/// Stripe's credential, a secret key (`sk_test_…`, `sk_live_…` or restricted `rk_…`), and the API
/// version every call pins.
public struct StripeCredentials: Sendable {
    /// The version whose published OpenAPI document the contract tests check this client
    /// against (`Tests/Contracts/vendor-openapi/stripe.payment-intents.json`). Pinned, so that
    /// a change of the account's default version in Stripe's dashboard never changes what this
    /// client talks to; move it only together with a refreshed document.
    public static let pinnedAPIVersion = "2023-08-16"

    public var secretKey: Secret
    /// Sent as `Stripe-Version` on every call.
    public var apiVersion: String

    public init(secretKey: Secret, apiVersion: String = StripeCredentials.pinnedAPIVersion) {
        self.secretKey = secretKey
        self.apiVersion = apiVersion
    }
}
