import Foundation
import SundialEngine
import Testing
@testable import SundialHTTP

/// An admin request is a read: the token's `last_used_at` is written at most once a minute.
@Suite("Admin token use")
struct AdminTokenUseTests {
    @Test("an admin token's last use is written at most once a minute, not on every request")
    func lastUsedThrottled() async throws {
        try await IntakeHarness.with { h in
            let token = try await h.adminToken(.viewer, name: "reader")
            #expect(try await h.text("SELECT last_used_at FROM admin_tokens WHERE name = 'reader'") == nil)
            #expect(try await h.send(.get, "/admin/v1/workflows", token: token).status == .ok)
            let firstUse = try #require(try await h.text("SELECT last_used_at FROM admin_tokens WHERE name = 'reader'"))
            let version = try #require(try await h.text("SELECT xmin FROM admin_tokens WHERE name = 'reader'"))
            for _ in 0..<5 {
                #expect(try await h.send(.get, "/admin/v1/workflows", token: token).status == .ok)
            }
            #expect(try await h.text("SELECT xmin FROM admin_tokens WHERE name = 'reader'") == version, "a request wrote the token row")
            #expect(try await h.text("SELECT last_used_at FROM admin_tokens WHERE name = 'reader'") == firstUse)

            // A minute later (moved back by hand) the next request records the use again.
            try await h.execute("UPDATE admin_tokens SET last_used_at = now() - interval '2 minutes' WHERE name = 'reader'")
            #expect(try await h.send(.get, "/admin/v1/workflows", token: token).status == .ok)
            #expect(try await h.count("SELECT 1 FROM admin_tokens WHERE name = 'reader' AND last_used_at > now() - interval '1 minute'") == 1)
            // A revoked token is refused whatever its last use.
            #expect(try await h.workflows.store.revokeAdminToken(name: "reader"))
            #expect(try await h.send(.get, "/admin/v1/workflows", token: token).status == .unauthorized)
        }
    }
}
