import Foundation
import Integrations
import Sundial
import Testing

/// Against the real OpenSSH server `ops/sshd` runs on loopback (`ops/test` starts it and
/// exports its settings; run `eval "$(ops/sshd env | sed 's/^/export /')"` for a manual run).
@Suite("SFTP file drop")
struct SFTPFileDropTests {
    struct Server {
        let port: Int
        let user: String
        let key: String
        let hostKey: String
        let directory: String

        static func fromEnvironment() throws -> Server {
            let env = ProcessInfo.processInfo.environment
            guard let port = env["SUNDIAL_TEST_SSH_PORT"].flatMap(Int.init), let user = env["SUNDIAL_TEST_SSH_USER"],
                  let key = env["SUNDIAL_TEST_SSH_KEY"], let hostKey = env["SUNDIAL_TEST_SSH_HOST_KEY"],
                  let directory = env["SUNDIAL_TEST_SFTP_DIR"]
            else {
                throw SFTPError.connectionFailed(host: "127.0.0.1", port: 0, reason: "the sshd settings are not in the environment: run the tests with ops/test")
            }
            return Server(port: port, user: user, key: key, hostKey: hostKey, directory: directory)
        }

        func drop(hostKey: String? = nil, key: String? = nil, timeout: Duration = .seconds(10)) -> SFTPFileDrop {
            SFTPFileDrop(configuration: SFTPConfiguration(
                host: "127.0.0.1", port: port, username: user, authentication: .privateKey(path: key ?? self.key),
                hostKeyFingerprint: hostKey ?? self.hostKey, directory: directory, timeout: timeout))
        }
    }

    private func uniqueName(_ stem: String) -> String { "\(stem)-\(UUID().uuidString.prefix(8)).csv" }

    @Test("a file lands whole under its name, with no temporary file left; a repeat is a no-op")
    func uploadsAtomically() async throws {
        let server = try Server.fromEnvironment()
        let name = uniqueName("sales-summary")
        let contents = Array("order_id,amount\nSO-1,42.00\n".utf8)
        try await server.drop().deliver(contents, as: name)
        let path = "\(server.directory)/\(name)"
        #expect(FileManager.default.contents(atPath: path) == Data(contents))
        #expect(!FileManager.default.fileExists(atPath: "\(server.directory)/.\(name).part"))
        // Delivering the same file again (a retried step) succeeds without a second copy.
        try await server.drop().deliver(contents, as: name)
        let copies = try FileManager.default.contentsOfDirectory(atPath: server.directory).filter { $0.contains(name) }
        #expect(copies == [name])
        // Different contents under an existing name are refused, not overwritten.
        await #expect(throws: SFTPError.targetExists(path: path)) {
            try await server.drop().deliver(Array("other".utf8), as: name)
        }
        #expect(FileManager.default.contents(atPath: path) == Data(contents))
    }

    @Test("a wrong host key fails with a clear, non-retryable error and uploads nothing")
    func wrongHostKey() async throws {
        let server = try Server.fromEnvironment()
        let name = uniqueName("never")
        let error = await #expect(throws: SFTPError.self) {
            try await server.drop(hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").deliver([1, 2, 3], as: name)
        }
        #expect(error?.retryDisposition == .permanent)
        #expect(error.map { String(describing: $0) }?.contains("host key") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(server.directory)/\(name)"))
    }

    @Test("a refused login fails with a clear, non-retryable error")
    func refusedLogin() async throws {
        let server = try Server.fromEnvironment()
        let stranger = FileManager.default.temporaryDirectory.appendingPathComponent("stranger-\(UUID().uuidString.prefix(6))").path
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-q", "-t", "ed25519", "-N", "", "-f", stranger]
        try keygen.run()
        keygen.waitUntilExit()
        let error = await #expect(throws: SFTPError.self) {
            try await server.drop(key: stranger).deliver([1], as: uniqueName("refused"))
        }
        guard case .authenticationFailed = error else {
            Issue.record("expected authenticationFailed, got \(String(describing: error))")
            return
        }
        #expect(error?.retryDisposition == .permanent)
    }

    @Test("an unreachable server is a retryable connection error; bad names are refused")
    func unreachableAndBadNames() async throws {
        let server = try Server.fromEnvironment()
        let closed = SFTPFileDrop(configuration: SFTPConfiguration(
            host: "127.0.0.1", port: 1, username: server.user, authentication: .privateKey(path: server.key),
            hostKeyFingerprint: server.hostKey, directory: server.directory, timeout: .seconds(2)))
        let error = await #expect(throws: SFTPError.self) { try await closed.deliver([1], as: "x.csv") }
        #expect(error?.retryDisposition == .retryable(after: nil))
        for bad in ["", "../escape.csv", ".hidden"] {
            await #expect(throws: SFTPError.invalidFileName(bad)) { try await server.drop().deliver([1], as: bad) }
        }
    }
}
