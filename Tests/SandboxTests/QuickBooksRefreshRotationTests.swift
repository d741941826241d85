import Foundation
import Sandbox
import Synchronization
import Testing

/// A sandbox clock the test moves by hand.
private final class SteppedClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    var clock: SandboxClock { SandboxClock { [self] in Date().addingTimeInterval(self.offset.withLock { $0 }) } }
    func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

@Suite("QuickBooks simulator: refresh-token rotation")
struct QuickBooksRefreshRotationTests {
    static let tokenPath = "/quickbooks/oauth2/v1/tokens/bearer"
    static let clientAuth = ["Authorization": basicAuth("qbo-sandbox-client-id", "qbo-sandbox-client-secret"), "Accept": "application/json"]

    static func refresh(_ client: SandboxClient, _ token: String) async throws -> HTTPResult {
        try await client.form(tokenPath, [("grant_type", "refresh_token"), ("refresh_token", token)], headers: clientAuth)
    }

    static func query(_ client: SandboxClient, access: String) async throws -> HTTPResult {
        try await client.send(.GET, "/quickbooks/v3/company/\(QuickBooksSimulatorTests.realm)/query?query=select%20count(*)%20from%20Invoice",
                              headers: ["Authorization": "Bearer \(access)", "Accept": "application/json"])
    }

    @Test("a rotated refresh token works during the grace period, then gets invalid_grant; the new one keeps working")
    func rotatedTokenIsRetiredAfterGrace() async throws {
        let time = SteppedClock()
        var configuration = SandboxConfiguration()
        configuration.clock = time.clock
        configuration.quickBooks.rotatedRefreshTokenGraceSeconds = 30
        try await withSandbox(configuration) { sandbox, client in
            let original = configuration.quickBooks.refreshToken
            let first = try await Self.refresh(client, original)
            #expect(first.status == 200)
            let rotated = try #require(string(first.json, "refresh_token"))
            #expect(rotated != original)

            // Within the grace period the previous token is still honoured (a call that crossed the rotation).
            time.advance(29)
            #expect(try await Self.refresh(client, original).status == 200)
            // …and using it again does not extend its life.
            time.advance(2)
            let refused = try await Self.refresh(client, original)
            #expect(refused.status == 400)
            #expect(string(refused.json, "error") == "invalid_grant")

            let second = try await Self.refresh(client, rotated)
            #expect(second.status == 200)
            #expect(sandbox.quickBooksTokenRefreshes == 3)

            // Access tokens keep their own lifetime (3600 s), independent of the rotation.
            let access = try #require(string(second.json, "access_token"))
            #expect(try await Self.query(client, access: access).status == 200)
            time.advance(3601)
            #expect(try await Self.query(client, access: access).status == 401)
        }
    }

    @Test("with no grace period the previous refresh token is refused at once")
    func zeroGraceRetiresAtOnce() async throws {
        var configuration = SandboxConfiguration()
        configuration.quickBooks.rotatedRefreshTokenGraceSeconds = 0
        try await withSandbox(configuration) { sandbox, client in
            let original = configuration.quickBooks.refreshToken
            #expect(try await Self.refresh(client, original).status == 200)
            let stale = try await Self.refresh(client, original)
            #expect(stale.status == 400)
            #expect(string(stale.json, "error") == "invalid_grant")
            #expect(sandbox.quickBooksTokenRefreshes == 1)
        }
    }
}
