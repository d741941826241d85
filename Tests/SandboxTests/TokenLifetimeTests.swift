import Foundation
import Sandbox
import Synchronization
import Testing

/// A clock the test moves by hand.
private final class ManualTime: Sendable {
    private let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var clock: SandboxClock { SandboxClock { self.now.withLock { $0 } } }
}

@Suite("Token lifetimes")
struct TokenLifetimeTests {
    @Test("carrier tokens expire on the sandbox clock and the API answers with its own 401")
    func tokensExpireOnTheSandboxClock() async throws {
        let time = ManualTime()
        var configuration = SandboxConfiguration()
        configuration.clock = time.clock
        configuration.ups.tokenLifetimeSeconds = 60
        try await withSandbox(configuration) { _, client in
            let token = try await client.form(
                "/ups/security/v1/oauth/token",
                [("grant_type", "client_credentials")],
                headers: ["Authorization": basicAuth("ups-sandbox-client-id", "ups-sandbox-client-secret")]
            )
            #expect(string(token.json, "expires_in") == "60")
            let auth = ["Authorization": "Bearer \(try #require(string(token.json, "access_token")))", "transId": "t1", "transactionSrc": "sundial"]
            let fresh = try await client.send(.GET, "/ups/api/track/v1/details/1Z0000000000000001", headers: auth)
            #expect(fresh.status == 200)
            time.advance(61)
            let stale = try await client.send(.GET, "/ups/api/track/v1/details/1Z0000000000000001", headers: auth)
            #expect(stale.status == 401)
            #expect(string(stale.json, "response", "errors", 0, "code") == "250002")
        }
    }
}
