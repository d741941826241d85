import Foundation
import SundialEngine

/// A real worker process (`SundialTestWorker` with the probe workflows, or `sundial worker`)
/// against a test schema, for the tests that kill, stop and restart workers. Its log goes to a temporary file that a failing test can print.
public final class WorkerProcess: @unchecked Sendable {
    public let process = Process()
    public let logURL: URL

    /// A binary of the debug build (`SundialTestWorker`, `sundial`); `SUNDIAL_TEST_BUILD_DIR`
    /// overrides the folder.
    public static func binary(_ name: String = "SundialTestWorker") -> URL {
        if let folder = ProcessInfo.processInfo.environment["SUNDIAL_TEST_BUILD_DIR"] {
            return URL(fileURLWithPath: folder).appendingPathComponent(name)
        }
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/\(name)")
    }

    /// Starts `binary` (with `arguments`) against `database`'s schema.
    public init(database: DatabaseConfiguration, workerID: String, lease: Double = 2, concurrency: Int = 4,
                drainSeconds: Double = 10, extra: [String: String] = [:],
                binary: URL = WorkerProcess.binary(), arguments: [String] = []) throws {
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-\(workerID)-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = TestDatabase.url
        environment["SUNDIAL_SCHEMA"] = database.schema
        environment["SUNDIAL_WORKER_ID"] = workerID
        environment["SUNDIAL_LEASE_SECONDS"] = String(lease)
        environment["SUNDIAL_CONCURRENCY"] = String(concurrency)
        environment["SUNDIAL_DRAIN_SECONDS"] = String(drainSeconds)
        environment["SUNDIAL_POLL_SECONDS"] = "0.2"
        environment["SUNDIAL_LOG_LEVEL"] = "debug"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    public func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public func terminate() { Foundation.kill(process.processIdentifier, SIGTERM) }

    /// Waits for the process to exit; returns its status, or nil if it is still running.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    public var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
    }
}
