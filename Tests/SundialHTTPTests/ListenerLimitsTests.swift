import Foundation
import SundialEngine
import Testing
@testable import SundialHTTP

/// The listener's timeouts and connection cap, against a real listener on 127.0.0.1 spoken to
/// with raw TCP connections. Each test sets the one limit it exercises short (seconds) and the
/// others long, so the connection can only have been closed by that one; deadlines are generous
/// (the machine may be loaded) and nothing asserts an upper bound tighter than that.
@Suite("Listener limits")
struct ListenerLimitsTests {
    /// All limits long except those a test shortens.
    static func limits(idle: Duration = .seconds(300), header: Duration = .seconds(300), body: Duration = .seconds(300),
                       handshake: Duration = .seconds(300), maxConnections: Int = ConnectionLimits.defaultMaxConnections) -> ConnectionLimits {
        ConnectionLimits(idleTimeout: idle, headerTimeout: header, bodyTimeout: body, tlsHandshakeTimeout: handshake,
                         maxConnections: maxConnections)
    }

    @Test("500 connections that never send a request are closed by the idle timeout, and the server answers a request meanwhile")
    func idleConnections() async throws {
        try await TestListener.with(ServerSecurity(connections: Self.limits(idle: .seconds(10)))) { port in
            var idle: [RawConnection] = []
            for _ in 0..<500 { idle.append(try await RawConnection.open(port: port)) }

            let request = try await RawConnection.open(port: port)
            try await request.send(TestListener.get("/health/live"))
            #expect(await request.received(within: .seconds(60)) { $0.hasPrefix("HTTP/1.1 200") }, "\(request.text)")
            // The request was answered while idle connections were open (at least the newest).
            #expect(idle.last?.isOpen == true)

            var closed = 0
            for connection in idle where await connection.closed(within: .seconds(120)) { closed += 1 }
            #expect(closed == 500)
            #expect(idle.allSatisfy { $0.text.isEmpty }, "an idle connection is closed without an answer")
        }
    }

    @Test("a client that sends half a request head and stalls is closed after the header timeout; a kept-alive connection between requests is not")
    func headerTimeout() async throws {
        try await TestListener.with(ServerSecurity(connections: Self.limits(header: .seconds(2)))) { port in
            let stalled = try await RawConnection.open(port: port)
            try await stalled.send("GET /health/live HTTP/1.1\r\nHost: test\r\n")
            #expect(await stalled.closed(within: .seconds(120)))
            #expect(!stalled.text.contains("200"))

            let keptAlive = try await RawConnection.open(port: port)
            try await keptAlive.send(TestListener.get("/health/live", keepAlive: true))
            #expect(await keptAlive.responses(1, within: .seconds(60)), "\(keptAlive.text)")
            // Longer than the header timeout without a byte is the idle timeout's business.
            #expect(await keptAlive.closed(within: .seconds(6)) == false)
            try await keptAlive.send(TestListener.get("/health/live", keepAlive: true))
            #expect(await keptAlive.responses(2, within: .seconds(60)), "\(keptAlive.text)")
            await keptAlive.close()
        }
    }

    @Test("a request body that stalls is closed after the body timeout")
    func bodyTimeout() async throws {
        try await TestListener.with(ServerSecurity(connections: Self.limits(body: .seconds(2)))) { port in
            let stalled = try await RawConnection.open(port: port)
            try await stalled.send("POST /health/live HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789")
            #expect(await stalled.closed(within: .seconds(120)))

            // A body that does arrive is read to its end, and the connection serves the next request.
            let slow = try await RawConnection.open(port: port)
            try await slow.send("POST /health/live HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n\r\n0123456789")
            try await slow.send("0123456789")
            try await slow.send(TestListener.get("/health/live"))
            #expect(await slow.received(within: .seconds(60)) { $0.contains("HTTP/1.1 200") }, "\(slow.text)")
        }
    }

    @Test("connections over the cap are closed at once while those inside keep being served")
    func connectionCap() async throws {
        try await TestListener.with(ServerSecurity(connections: Self.limits(maxConnections: 5))) { port in
            var inside: [RawConnection] = []
            for _ in 0..<5 {
                let connection = try await RawConnection.open(port: port)
                try await connection.send(TestListener.get("/health/live", keepAlive: true))
                #expect(await connection.responses(1, within: .seconds(60)), "\(connection.text)")
                inside.append(connection)
            }
            for _ in 0..<3 {
                let extra = try await RawConnection.open(port: port)
                #expect(await extra.closed(within: .seconds(60)))
                #expect(extra.text.isEmpty)
            }
            for connection in inside {
                try await connection.send(TestListener.get("/health/live", keepAlive: true))
                #expect(await connection.responses(2, within: .seconds(60)), "\(connection.text)")
            }
            // One leaves; a newcomer is admitted once the server has seen it go.
            await inside[0].close()
            var admitted = false
            let deadline = ContinuousClock.now + .seconds(60)
            while !admitted, ContinuousClock.now < deadline {
                let newcomer = try await RawConnection.open(port: port)
                try? await newcomer.send(TestListener.get("/health/live"))
                admitted = await newcomer.received(within: .seconds(10)) { $0.hasPrefix("HTTP/1.1 200") }
            }
            #expect(admitted)
            for connection in inside.dropFirst() { await connection.close() }
        }
    }

    @Test("the limits are read from SUNDIAL_HTTP_* settings, with defaults, and bad values stop the server naming the variable")
    func settings() throws {
        let defaults = try ConnectionLimits.fromEnvironment(EnvironmentReader([:]))
        #expect(defaults == ConnectionLimits())
        #expect(defaults.idleTimeout == .seconds(75) && defaults.headerTimeout == .seconds(30) && defaults.bodyTimeout == .seconds(60))
        #expect(defaults.tlsHandshakeTimeout == .seconds(10) && defaults.maxConnections == 1000)
        let set = try ServerSecurity.fromEnvironment(EnvironmentReader([
            "SUNDIAL_HTTP_IDLE_TIMEOUT_SECONDS": "5", "SUNDIAL_HTTP_HEADER_TIMEOUT_SECONDS": "2.5",
            "SUNDIAL_HTTP_BODY_TIMEOUT_SECONDS": "7", "SUNDIAL_TLS_HANDSHAKE_TIMEOUT_SECONDS": "3", "SUNDIAL_HTTP_MAX_CONNECTIONS": "50",
        ])).connections
        #expect(set == ConnectionLimits(idleTimeout: .seconds(5), headerTimeout: .milliseconds(2500), bodyTimeout: .seconds(7),
                                        tlsHandshakeTimeout: .seconds(3), maxConnections: 50))
        for (name, value) in [("SUNDIAL_HTTP_IDLE_TIMEOUT_SECONDS", "0"), ("SUNDIAL_HTTP_HEADER_TIMEOUT_SECONDS", "soon"),
                              ("SUNDIAL_HTTP_BODY_TIMEOUT_SECONDS", "-1"), ("SUNDIAL_TLS_HANDSHAKE_TIMEOUT_SECONDS", "1000"),
                              ("SUNDIAL_HTTP_MAX_CONNECTIONS", "0")] {
            do {
                _ = try ServerSecurity.fromEnvironment(EnvironmentReader([name: value]))
                Issue.record("\(name)=\(value) was accepted")
            } catch let error as ConfigurationError {
                #expect(error.setting == name)
            }
        }
    }
}
