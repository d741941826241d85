/// Where the fleet keeps the tokens vendors issue, by name (the client chooses it, e.g.
/// `quickbooks:<client id>:<company>`), so workers share them instead of each holding its own.
/// Exists because a rotated refresh token kept in one process's memory is lost at restart and
/// stale in every other worker. Implementations must keep the tokens secret at rest.
public protocol SharedTokenStore: Sendable {
    /// The tokens stored under `name`; nil when none are.
    func tokens(named name: String) async throws -> VendorTokens?

    /// Stores `tokens` under `name` unless tokens are stored already: configured tokens seed the
    /// first run and never overwrite newer ones.
    func seed(_ tokens: VendorTokens, named name: String) async throws

    /// Renews the tokens under `name` one worker at a time: `renew` gets the tokens stored now
    /// (after waiting for any other worker's renewal of the same name) and returns new tokens, or
    /// nil to keep them; returns the tokens stored afterwards. `renew` should make the one call
    /// that renews and nothing else: other workers wait for it.
    func renew(named name: String, _ renew: @Sendable (VendorTokens?) async throws -> VendorTokens?) async throws -> VendorTokens?
}
