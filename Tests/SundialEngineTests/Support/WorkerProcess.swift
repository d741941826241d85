import Foundation
import SundialEngine

/// A real `SundialTestWorker` process against a test schema, for the tests that kill, stop and
/// restart workers. Its log goes to a temporary file that a failing test can print.
final class WorkerProcess: @unchecked Sendable {
    let process = Process()
    let logURL: URL

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["SUNDIAL_TEST_WORKER"] {
            return URL(fileURLWithPath: path)
        }
        // Default: next to the test bundle in the build folder.
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/SundialTestWorker")
    }

    init(database: DatabaseConfiguration, workerID: String, lease: Double = 2, concurrency: Int = 4,
         drainSeconds: Double = 10, extra: [String: String] = [:]) throws {
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-\(workerID)-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = Self.binary
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

    var pid: Int32 { process.processIdentifier }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() { Foundation.kill(process.processIdentifier, SIGTERM) }

    /// Waits for the process to exit; returns its status, or nil if it is still running.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
    }
}
