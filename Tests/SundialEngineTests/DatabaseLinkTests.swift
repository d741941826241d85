import Foundation
import Logging
import PostgresNIO
@testable import SundialEngine
import SundialTestSupport
import Testing

/// The link to Postgres as an operator configures it: TLS by `sslmode`, checked against the
/// local cluster (which `ops/postgres` starts with a certificate from its own CA), and several
/// hosts of which the process uses the one that answers.
@Suite("The database link: TLS modes and several hosts")
struct DatabaseLinkTests {
    /// The local cluster's CA (`ops/postgres ca`); `ops/test` exports it.
    static var localCA: String {
        ProcessInfo.processInfo.environment["SUNDIAL_TEST_DATABASE_CA"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".data/pg-tls/ca.crt").path
    }

    static var testURL: URLComponents { URLComponents(string: TestDatabase.url)! }
    static var logger: Logger { ProcessInfo.processInfo.environment["LINKDEBUG"] != nil ? { var l = Logger(label: "test.link", factory: { StreamLogHandler.standardError(label: $0) }); l.logLevel = .trace; return l }() : Logger(label: "test.link", factory: { _ in SwiftLogNoOpLogHandler() }) }

    /// `TestDatabase.url` with another host and port and these query parameters.
    static func url(port: Int? = nil, _ parameters: String = "", hosts: String? = nil) -> String {
        let components = testURL
        let hostList = hosts ?? "\(components.host ?? "127.0.0.1"):\(port ?? components.port ?? 5432)"
        let user = components.percentEncodedUser ?? "postgres"
        let password = components.percentEncodedPassword.map { ":\($0)" } ?? ""
        return "postgres://\(user)\(password)@\(hostList)\(components.percentEncodedPath)" + (parameters.isEmpty ? "" : "?\(parameters)")
    }

    /// Runs `body` with a client on `url`.
    static func withClient<T: Sendable>(_ url: String, _ body: @Sendable (DatabaseClient) async throws -> T) async throws -> T {
        try await DatabaseSession.with(try DatabaseConfiguration(url: url, schema: "public", maxConnections: 2), logger: logger, body)
    }

    static func encrypted(_ client: DatabaseClient) async throws -> Bool {
        let rows = try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
        for try await ssl in rows.decode(Bool.self) { return ssl }
        return false
    }

    @Test("verify-full with the cluster's CA connects over TLS; with another CA it is refused, saying why")
    func verifyFull() async throws {
        #expect(FileManager.default.fileExists(atPath: Self.localCA), "the local cluster's CA is missing: start it with ops/postgres")
        let good = Self.url("sslmode=verify-full&sslrootcert=\(Self.localCA)")
        #expect(try await Self.withClient(good) { try await Self.encrypted($0) })

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wrong-ca-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrongCA = folder.appendingPathComponent("ca.crt").path
        let made = try await Self.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Not the cluster's CA",
            "-keyout", folder.appendingPathComponent("ca.key").path, "-out", wrongCA,
        ])
        #expect(made == 0)

        do {
            _ = try await Self.withClient(Self.url("sslmode=verify-full&sslrootcert=\(wrongCA)&connect_timeout=3")) { try await Self.encrypted($0) }
            Issue.record("a server certificate not signed by sslrootcert was accepted")
        } catch {
            let message = "\(error)"
            #expect(error is DatabaseUnreachable)
            #expect(message.contains("is not signed by the CA in sslrootcert=\(wrongCA)"), "the refusal should say the certificate was not trusted: \(message)")
        }
    }

    @Test("require encrypts: the bytes on the wire carry no SQL and no value; disable carries both (the control)")
    func requireEncrypts() async throws {
        let components = Self.testURL
        let marker = "sundial-plaintext-marker-\(UUID().uuidString)"
        for (mode, encrypted) in [("require", true), ("disable", false)] {
            let relay = try await TCPRelay(targetHost: components.host ?? "127.0.0.1", targetPort: components.port ?? 5432)
            let seen = try await Self.withClient(Self.url(port: relay.port, "sslmode=\(mode)")) { client in
                let rows = try await client.query("SELECT \(marker)::text", logger: Self.logger)
                for try await _ in rows.decode(String.self) {}
                return try await Self.encrypted(client)
            }
            await relay.kill()
            #expect(seen == encrypted)
            let wire = String(decoding: relay.clientBytes + relay.serverBytes, as: UTF8.self)
            #expect(wire.contains(marker) == !encrypted, "sslmode=\(mode): the marker \(encrypted ? "crossed the wire in clear" : "should be visible in clear")")
            #expect(wire.contains("pg_stat_ssl") == !encrypted)
        }
    }

    @Test("several hosts: the first one dies; the client finds the one that answers and goes on there")
    func movesToTheHostThatAnswers() async throws {
        let components = Self.testURL
        let host = components.host ?? "127.0.0.1"
        let port = components.port ?? 5432
        let first = try await TCPRelay(targetHost: host, targetPort: port)
        let second = try await TCPRelay(targetHost: host, targetPort: port)
        let url = Self.url(hosts: "127.0.0.1:\(first.port),127.0.0.1:\(second.port)")
        try await Self.withClient(url) { client in
            #expect(try await Self.value(client) == 1)
            #expect(client.currentEndpoint.port == first.port)
            await first.kill()
            // Statements fail while the old pool goes; a caller retries, as the engine does.
            var answered = false
            for _ in 0..<150 where !answered {
                answered = (try? await Self.value(client)) == 1 && client.currentEndpoint.port == second.port
                if !answered { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(answered, "the client never moved to the second host (now \(client.currentEndpoint))")
        }
        await second.kill()
    }

    @Test("several hosts, the first one down from the start: the client starts on the one that answers")
    func startsOnTheHostThatAnswers() async throws {
        let components = Self.testURL
        let dead = try await TCPRelay(targetHost: components.host ?? "127.0.0.1", targetPort: components.port ?? 5432)
        await dead.kill()
        let url = Self.url(hosts: "127.0.0.1:\(dead.port),\(components.host ?? "127.0.0.1"):\(components.port ?? 5432)")
        try await Self.withClient(url) { client in
            var answered = false
            for _ in 0..<150 where !answered {
                answered = (try? await Self.value(client)) == 1
                if !answered { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(answered)
            #expect(client.currentEndpoint.port == components.port ?? 5432)
        }
    }

    @Test("a statement sent on a connection that has just closed fails as a lost connection instead of waiting forever", .timeLimit(.minutes(1)))
    func lostStatementFails() async throws {
        let components = Self.testURL
        let configuration = try DatabaseConfiguration(url: TestDatabase.url, schema: "public", maxConnections: 1)
        let endpoint = DatabaseEndpoint(host: components.host ?? "127.0.0.1", port: components.port ?? 5432)
        let connection = try await PrimaryProbe.connect(endpoint, configuration: configuration, timeout: .seconds(5), logger: Self.logger)
        try await connection.close()

        // PostgresNIO 1.33 drops a statement written to a closed channel without answering it: the
        // control. When this starts answering, PostgresNIO fixed it and the guard can go.
        let unguarded = Task { _ = try? await connection.query("SELECT 1", logger: Self.logger); return true }
        let answeredUnguarded = await Self.settles(unguarded, within: .seconds(2))
        #expect(!answeredUnguarded, "PostgresNIO now answers a statement on a closed connection; LostStatementGuard may be removed")

        // Refused at once when the connection is known closed before sending.
        await #expect(throws: LostStatementGuard.ConnectionLost.self) {
            try await LostStatementGuard.answer(on: connection) { try await connection.query("SELECT 1", logger: Self.logger) }
        }
        // And when it closes between the check and the send (the pool's race), within the check interval.
        let fresh = try await PrimaryProbe.connect(endpoint, configuration: configuration, timeout: .seconds(5), logger: Self.logger)
        await #expect(throws: LostStatementGuard.ConnectionLost.self) {
            try await LostStatementGuard.answer(on: fresh) {
                try await fresh.close()
                return try await fresh.query("SELECT 1", logger: Self.logger)
            }
        }
    }

    /// True when `task` finishes within `limit`; the task is left running otherwise.
    static func settles(_ task: Task<Bool, Never>, within limit: Duration) async -> Bool {
        let settled = try? await withCheckedThrowingContinuation { continuation in
            let outcome = LostStatementGuard.FirstOutcome<Bool>(continuation)
            Task { outcome.settle(.success(await task.value)) }
            Task { try? await Task.sleep(for: limit); outcome.settle(.success(false)) }
        }
        return settled ?? false
    }

    /// Runs a tool to its end. A termination handler, not `waitUntilExit`, which can stall in
    /// async code while other tests' children hold inherited descriptors.
    static func run(_ tool: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    static func value(_ client: DatabaseClient) async throws -> Int {
        let rows = try await client.query("SELECT 1", logger: logger)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }
}
