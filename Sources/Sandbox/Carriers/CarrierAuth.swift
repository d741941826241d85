import Hummingbird

/// Checks the Bearer token of a carrier or QuickBooks call against the token store and tells the
/// caller whether it was missing/unknown or expired, so each API can answer with its own 401.
enum CarrierAuth {
    enum Outcome {
        case valid(OAuthTokenStore.Grant)
        case invalid(expired: Bool)
    }

    static func check(_ request: Request, _ api: SandboxAPI, tokens: OAuthTokenStore) -> Outcome {
        switch tokens.check(request.bearerToken, api: api) {
        case .valid(let grant): return .valid(grant)
        case .expired: return .invalid(expired: true)
        case .missing: return .invalid(expired: false)
        }
    }

    /// The request host as the client addressed it, for absolute URLs in responses.
    static func authority(of request: Request) -> String {
        request.head.authority ?? request.header("Host") ?? "127.0.0.1"
    }
}
