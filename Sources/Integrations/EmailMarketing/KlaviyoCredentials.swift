/// Klaviyo's private API key (`pk_…`), sent as `Authorization: Klaviyo-API-Key <key>`; never
/// printed.
public struct KlaviyoCredentials: Sendable {
    public var apiKey: Secret

    public init(apiKey: Secret) { self.apiKey = apiKey }
}
