import Foundation
import Synchronization

/// Access tokens issued by the simulated OAuth endpoints (FedEx, UPS, USPS, QuickBooks) and the
/// USPS payment-authorization tokens, each with an expiry read from the sandbox clock. Exists so
/// clients meet the real life cycle: cache, expire, get a 401 in the vendor's shape, refresh.
final class OAuthTokenStore: Sendable {
    struct Grant: Sendable {
        let api: SandboxAPI
        let kind: String
        let clientID: String
        let expiresAt: Date
        /// Free-form data bound to the token (USPS payment tokens: the CRID of the payer).
        let attributes: [String: String]
    }

    enum Check: Sendable {
        case valid(Grant)
        case expired
        case missing
    }

    private let grants = Mutex<[String: Grant]>([:])
    /// Tokens issued so far by "api/kind".
    private let issued = Mutex<[String: Int]>([:])
    private let clock: SandboxClock

    init(clock: SandboxClock) {
        self.clock = clock
    }

    /// Issues a new random token of `kind` ("access", "refresh", "payment") valid for `lifetime` seconds.
    func issue(_ api: SandboxAPI, kind: String = "access", clientID: String, lifetime: Int, attributes: [String: String] = [:], length: Int = 40) -> String {
        let token = RandomIDs.alphanumeric(length)
        install(token, api: api, kind: kind, clientID: clientID, lifetime: lifetime, attributes: attributes)
        issued.withLock { $0["\(api.rawValue)/\(kind)", default: 0] += 1 }
        return token
    }

    /// How many tokens of `kind` were issued for `api` so far.
    func issuedCount(_ api: SandboxAPI, kind: String) -> Int {
        issued.withLock { $0["\(api.rawValue)/\(kind)"] ?? 0 }
    }

    /// Registers a known token (configured QuickBooks tokens).
    func install(_ token: String, api: SandboxAPI, kind: String, clientID: String, lifetime: Int, attributes: [String: String] = [:]) {
        let grant = Grant(api: api, kind: kind, clientID: clientID, expiresAt: clock.now.addingTimeInterval(TimeInterval(lifetime)), attributes: attributes)
        grants.withLock { $0[token] = grant }
    }

    /// Shortens `token`'s life to at most `grace` seconds from now (never lengthens it): a
    /// refresh token that was exchanged for a newer one.
    func retire(_ token: String, grace: Int) {
        let deadline = clock.now.addingTimeInterval(TimeInterval(max(grace, 0)))
        grants.withLock { grants in
            guard let grant = grants[token], grant.expiresAt > deadline else { return }
            grants[token] = Grant(api: grant.api, kind: grant.kind, clientID: grant.clientID, expiresAt: deadline, attributes: grant.attributes)
        }
    }

    func check(_ token: String?, api: SandboxAPI, kind: String = "access") -> Check {
        guard let token else { return .missing }
        let now = clock.now
        return grants.withLock { grants in
            guard let grant = grants[token], grant.api == api, grant.kind == kind else { return .missing }
            return grant.expiresAt > now ? .valid(grant) : .expired
        }
    }

    /// Makes every token issued so far expired, so the next call of each client gets a 401.
    func expireAll() {
        let past = clock.now.addingTimeInterval(-1)
        grants.withLock { grants in
            for (token, grant) in grants {
                grants[token] = Grant(api: grant.api, kind: grant.kind, clientID: grant.clientID, expiresAt: past, attributes: grant.attributes)
            }
        }
    }

    func removeAll() {
        grants.withLock { $0.removeAll() }
    }
}
