@testable import Integrations
import Synchronization
import Testing

@Suite("OAuthTokenCache")
struct OAuthTokenCacheTests {
    /// Counts fetches and hands out `token-1`, `token-2`, … with the given lifetime.
    final class Issuer: Sendable {
        let count = Mutex(0)
        let lifetime: Int
        init(lifetime: Int) { self.lifetime = lifetime }
        func fetch() async throws -> (Secret, Int) {
            try await Task.sleep(for: .milliseconds(20))
            let number = count.withLock { $0 += 1; return $0 }
            return (Secret("token-\(number)"), lifetime)
        }
    }

    @Test("a fresh token is fetched once and shared by concurrent callers")
    func cachesAndShares() async throws {
        let cache = OAuthTokenCache(margin: .seconds(60))
        let issuer = Issuer(lifetime: 3600)
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.token(fetch: issuer.fetch).value } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(tokens) == ["token-1"])
        #expect(try await cache.token(fetch: issuer.fetch).value == "token-1")
        #expect(issuer.count.withLock { $0 } == 1)
    }

    @Test("invalidating after a 401 fetches a new token; a stale invalidation keeps the new one")
    func invalidate() async throws {
        let cache = OAuthTokenCache(margin: .seconds(60))
        let issuer = Issuer(lifetime: 3600)
        let first = try await cache.token(fetch: issuer.fetch)
        await cache.invalidate(first)
        let second = try await cache.token(fetch: issuer.fetch)
        #expect(second.value == "token-2")
        await cache.invalidate(first)
        #expect(try await cache.token(fetch: issuer.fetch).value == "token-2")
    }

    @Test("a token is not reused within the margin of its expiry")
    func margin() async throws {
        let cache = OAuthTokenCache(margin: .seconds(60))
        let issuer = Issuer(lifetime: 30)  // shorter than the margin: never cached
        _ = try await cache.token(fetch: issuer.fetch)
        #expect(try await cache.token(fetch: issuer.fetch).value == "token-2")
    }
}
