import Foundation
import Synchronization
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import SundialEngine
import Testing
@testable import SundialHTTP

/// `sundial serve` with a certificate: a real listener on a loopback port, spoken to by the
/// `openssl` and `curl` command-line clients with a self-signed certificate made for the test.
@Suite("TLS listener")
struct TLSListenerTests {
    @Test("with a certificate the server answers over TLS 1.3 and refuses TLS 1.2")
    func tls13Only() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let made = try await Self.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        #expect(made.status == 0, "\(made.output)")

        let security = try ServerSecurity.fromEnvironment(EnvironmentReader([
            "SUNDIAL_TLS_CERT_FILE": cert, "SUNDIAL_TLS_KEY_FILE": key,
        ]))
        #expect(security.scheme == "https")
        #expect(security.tls?.minimumTLSVersion == .tlsv13)

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try DatabaseConfiguration(url: IntakeHarness.url, schema: "sundial", maxConnections: 1)
        // Never run: /health/live does not touch the database.
        let postgres = DatabaseClient(configuration: database, backgroundLogger: logger)
        var server = SundialServer(host: "127.0.0.1", port: 0, client: postgres,
                                   store: WorkflowStore(client: postgres, database: database, logger: logger),
                                   registry: PrometheusCollectorRegistry(), logger: logger)
        server.security = security
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let application = server.makeApplication { port in portSink.yield(port) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())

            let tls13 = try await Self.run("openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_3", "-brief"])
            #expect(tls13.status == 0, "\(tls13.output)")
            #expect(tls13.output.contains("TLSv1.3"), "\(tls13.output)")
            let tls12 = try await Self.run("openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_2", "-brief"])
            #expect(tls12.status != 0, "TLS 1.2 was accepted: \(tls12.output)")

            let https = try await Self.run("curl", ["-s", "-i", "--cacert", cert, "--tlsv1.3", "-o", "-", "-w", " %{http_code}",
                                                    "https://127.0.0.1:\(port)/health/live"])
            #expect(https.status == 0, "\(https.output)")
            #expect(https.output.hasSuffix(" 200"), "\(https.output)")
            #expect(https.output.contains(#""live""#), "\(https.output)")
            // Served over TLS: browsers are told to come back only over TLS.
            #expect(https.output.lowercased().contains("strict-transport-security: max-age=31536000"), "\(https.output)")
            let https12 = try await Self.run("curl", ["-s", "--cacert", cert, "--tlsv1.2", "--tls-max", "1.2",
                                                      "https://127.0.0.1:\(port)/health/live"])
            #expect(https12.status != 0)
            let plain = try await Self.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/health/live"])
            #expect(!plain.output.hasSuffix("200"), "plain HTTP was answered on the TLS port")
            group.cancelAll()
        }
    }

    @Test("a client that connects to the TLS port and never sends a handshake is closed after the handshake timeout")
    func handshakeTimeout() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let made = try await Self.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        try #require(made.status == 0, "\(made.output)")
        var security = try ServerSecurity.fromEnvironment(EnvironmentReader(["SUNDIAL_TLS_CERT_FILE": cert, "SUNDIAL_TLS_KEY_FILE": key]))
        // Only the handshake timeout is short: nothing else could close the silent connection in time.
        security.connections = ListenerLimitsTests.limits(handshake: .seconds(2))
        try await TestListener.with(security) { port in
            let silent = try await RawConnection.open(port: port)
            #expect(await silent.closed(within: .seconds(120)))
            // A client that does handshake is served as before.
            let https = try await Self.run("curl", ["-s", "--cacert", cert, "--tlsv1.3", "-o", "-", "-w", " %{http_code}",
                                                    "https://127.0.0.1:\(port)/health/live"])
            #expect(https.output.hasSuffix(" 200"), "\(https.output)")
            #expect(https.output.contains(#""live""#), "\(https.output)")
        }
    }

    @Test("a certificate without its key, or an unreadable file, stops the server naming the variable")
    func badSettings() throws {
        #expect(throws: ConfigurationError.self) {
            try ServerSecurity.fromEnvironment(EnvironmentReader(["SUNDIAL_TLS_CERT_FILE": "/nonexistent/cert.pem"]))
        }
        do {
            _ = try ServerSecurity.fromEnvironment(EnvironmentReader([
                "SUNDIAL_TLS_CERT_FILE": "/nonexistent/cert.pem", "SUNDIAL_TLS_KEY_FILE": "/nonexistent/key.pem",
            ]))
            Issue.record("expected a refusal")
        } catch let error as ConfigurationError {
            #expect(error.setting == "SUNDIAL_TLS_CERT_FILE")
        }
        let plain = try ServerSecurity.fromEnvironment(EnvironmentReader([:]))
        #expect(plain.tls == nil)
        #expect(plain.maxBodyBytes == ServerSecurity.defaultMaxBodyBytes)
        #expect(throws: ConfigurationError.self) {
            try ServerSecurity.fromEnvironment(EnvironmentReader(["SUNDIAL_HTTP_MAX_BODY_BYTES": "12"]))
        }
    }

    /// Runs a command with no standard input; its exit status and combined output.
    static func run(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let output = OutputCollector()
        pipe.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        pipe.fileHandleForReading.readabilityHandler = nil
        output.append(pipe.fileHandleForReading.readDataToEndOfFile())
        return (status, output.text)
    }
}

/// Bytes a child process wrote, gathered from the pipe's handler thread.
final class OutputCollector: Sendable {
    private let data = Mutex<Data>(Data())

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
