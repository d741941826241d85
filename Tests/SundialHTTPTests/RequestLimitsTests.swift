import Foundation
import Synchronization
import HTTPTypes
import Testing
@testable import SundialHTTP

@Suite("Request limits and access log")
struct RequestLimitsTests {
    @Test("a declared body over the server-wide cap is a 413 JSON refusal on any route, before routing")
    func globalBodyCap() async throws {
        try await IntakeHarness.with(configure: { $0.security.maxBodyBytes = 2048 }) { harness in
            let big = Data(repeating: UInt8(ascii: "x"), count: 4096)
            let declared = try await harness.send(.post, "/health/live", contentType: "text/plain",
                                                  headers: [("Content-Length", "4096")], body: big)
            #expect(declared.status == .contentTooLarge)
            #expect(declared.isJSON)
            #expect(declared.errorCode == "body_too_large")
            // Every documented operation lists the cap's 413, reads included.
            let read = try await harness.send(.get, "/admin/v1/workflows", contentType: "text/plain",
                                              headers: [("Content-Length", "4096")], body: big)
            #expect(read.status == .contentTooLarge)
            try await harness.expectDocumented(read, "GET", "/admin/v1/workflows")
            let bad = try await harness.send(.post, "/api/v1/orders", headers: [("Content-Length", "lots")], body: Data("{}".utf8))
            #expect((400..<500).contains(bad.status.code))   // 400 here, or 401 if the test client drops the bad header
            #expect(bad.isJSON)
            // Under the cap, the route answers as before (here: a wrong method).
            let small = try await harness.send(.post, "/health/live", contentType: "text/plain",
                                               headers: [("Content-Length", "2")], body: Data("hi".utf8))
            #expect(small.status == .methodNotAllowed)
        }
    }

    @Test("over a real listener an oversized body is refused with 413 before it is all sent: a declared length at once, a chunked body as it crosses the cap")
    func bodyCapWhileStreaming() async throws {
        try await IntakeHarness.with(live: true, configure: { $0.security.maxBodyBytes = 2048 }) { harness in
            let port = try #require(harness.client.port)
            let token = try await TestTokens.hs256()
            let head = "POST /api/v1/orders HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\n"

            // The head alone is answered: none of the megabyte it announces is sent.
            let declared = try await RawConnection.open(port: port)
            try await declared.send(head + "Content-Length: 1048576\r\n\r\n")
            #expect(await declared.received(within: .seconds(60)) { $0.contains("body_too_large") }, "\(declared.text)")
            #expect(declared.text.hasPrefix("HTTP/1.1 413"))
            #expect(declared.text.lowercased().contains("connection: close"))
            #expect(await declared.closed(within: .seconds(60)))

            // A client that sends the whole oversized body along with the head still reads the
            // answer: the server throws the rest away before it closes (no reset under the client).
            let eager = try await RawConnection.open(port: port)
            try await eager.send(head + "Content-Length: 65536\r\n\r\n" + String(repeating: " ", count: 65536))
            #expect(await eager.received(within: .seconds(60)) { $0.contains("body_too_large") }, "\(eager.text)")
            #expect(eager.text.hasPrefix("HTTP/1.1 413"))
            await eager.close()

            // 3 KiB of a chunked body that never ends: refused once it crosses 2 KiB, and the
            // connection closed (the route reading it gets the refusal, not the bytes).
            let chunked = try await RawConnection.open(port: port)
            try await chunked.send(head + "Transfer-Encoding: chunked\r\n\r\n")
            let kilobyte = String(repeating: "x", count: 1024)
            for _ in 0..<3 { try await chunked.send("400\r\n\(kilobyte)\r\n") }
            #expect(await chunked.received(within: .seconds(60)) { $0.contains("body_too_large") }, "\(chunked.text)")
            #expect(chunked.text.hasPrefix("HTTP/1.1 413"))
            #expect(chunked.text.lowercased().contains("connection: close"))
            #expect(await chunked.closed(within: .seconds(60)))

            // Under the cap, a chunked body reaches its route as before (here: refused as an order).
            let small = try await RawConnection.open(port: port)
            try await small.send(head + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
            #expect(await small.closed(within: .seconds(60)))
            #expect(small.text.hasPrefix("HTTP/1.1 422"), "\(small.text)")
        }
    }

    @Test("each client has its own token bucket on the intake API; over it, 429 with Retry-After")
    func perClientRateLimit() async throws {
        let limiter = IntakeRateLimiter(rate: try #require(RatePerWindow("3/1m")))
        try await IntakeHarness.with(intake: { $0.rateLimiter = limiter }) { harness in
            let shop = try await TestTokens.hs256()
            let other = try await TestTokens.hs256(TestTokens.with { $0.client_id = "other-shop" })
            for _ in 0..<3 {
                #expect(try await harness.send(.get, "/api/v1/orders/none", token: shop).status == .notFound)
            }
            let refused = try await harness.send(.get, "/api/v1/orders/none", token: shop)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.isJSON)
            #expect(refused.errorCode == "rate_limited")
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...20).contains(retryAfter))   // one call refills in 60 s / 3
            let submit = try await harness.send(.post, "/api/v1/orders", token: shop, json: "{}")
            #expect(submit.status == .tooManyRequests)
            // Another client is not held back by the first one's bucket.
            #expect(try await harness.send(.get, "/api/v1/orders/none", token: other).status == .notFound)
            // Health and metrics are not rate limited.
            #expect(try await harness.send(.get, "/health/live").status == .ok)
        }
    }

    @Test("token buckets refill over the window")
    func bucketRefills() throws {
        let clock = ManualInstant()
        let limiter = IntakeRateLimiter(rate: RatePerWindow(calls: 2, window: .seconds(10)), now: { clock.now })
        #expect(limiter.take(client: "a") == nil)
        #expect(limiter.take(client: "a") == nil)
        #expect(limiter.take(client: "a") == 5)
        clock.advance(.seconds(5))
        #expect(limiter.take(client: "a") == nil)
        #expect(limiter.take(client: "a") != nil)
        #expect(limiter.take(client: "b") == nil)
    }

    @Test("rates are parsed from calls per window")
    func rateParsing() {
        #expect(RatePerWindow("100/1m") == RatePerWindow(calls: 100, window: .seconds(60)))
        #expect(RatePerWindow("5/s") == RatePerWindow(calls: 5, window: .seconds(1)))
        #expect(RatePerWindow("1000/2h") == RatePerWindow(calls: 1000, window: .seconds(7200)))
        for bad in ["", "100", "0/1m", "-1/1m", "10/1d", "ten/1m", "10/m1", "10/0s"] {
            #expect(RatePerWindow(bad) == nil, "\(bad)")
        }
    }

    @Test("every call has one access-log line with request id, client, method, path, status and latency, and no secrets")
    func accessLog() async throws {
        let log = CapturedLog()
        try await IntakeHarness.with(logger: log.logger) { harness in
            let token = try await TestTokens.hs256()
            let answer = try await harness.send(.get, "/api/v1/orders/SO-404?card=4242424242424242", token: token,
                                                headers: [("X-Request-Id", "req-abc.123")])
            #expect(answer.status == .notFound)
            #expect(answer.headers[HTTPField.Name("X-Request-Id")!] == "req-abc.123")
            let forged = try await harness.send(.get, "/health/live", headers: [("X-Request-Id", "bad id\nwith newline")])
            let generated = try #require(forged.headers[HTTPField.Name("X-Request-Id")!])
            #expect(UUID(uuidString: generated) != nil)
            let bad = try await harness.send(.post, "/api/v1/orders", token: token, json: #"{"card_number": "4242424242424242"}"#)
            #expect(bad.status == .unprocessableContent)

            let lines = log.all.filter { $0.message == "request" }
            #expect(lines.count == 3)
            let first = try #require(lines.first)
            #expect(first.metadata["request_id"] == "req-abc.123")
            #expect(first.metadata["client"] == "shop-test")
            #expect(first.metadata["method"] == "GET")
            #expect(first.metadata["path"] == "/api/v1/orders/SO-404")
            #expect(first.metadata["status"] == "404")
            #expect(first.metadata["ms"].flatMap(Double.init) != nil)
            #expect(lines[1].metadata["request_id"] == generated)
            #expect(lines[1].metadata["client"] == nil)
            #expect(lines[2].metadata["client"] == "shop-test")
            #expect(lines[2].metadata["status"] == "422")
            let everything = log.all.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!everything.contains(token))
            #expect(!everything.contains("4242424242424242"))
            #expect(!everything.lowercased().contains("bearer"))
        }
    }
}

/// A hand-moved instant for the token bucket tests.
final class ManualInstant: Sendable {
    private let offset = Mutex<Duration>(.zero)
    private let start = ContinuousClock.now

    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }

    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
}
