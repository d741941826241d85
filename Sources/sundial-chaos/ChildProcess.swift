import Foundation

/// A process the chaos run starts, kills and restarts (the sandbox, the server, each worker),
/// with its output in a log file of its own.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let executable: URL
    let arguments: [String]
    let environment: [String: String]
    let logURL: URL
    private var process: Process?
    private let lock = NSLock()

    init(name: String, executable: URL, arguments: [String], environment: [String: String], logFolder: URL) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.logURL = logFolder.appendingPathComponent("\(name).log")
    }

    /// Starts (or restarts) the process, appending to its log.
    func start() throws {
        if !FileManager.default.fileExists(atPath: logURL.path) {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        lock.withLock { self.process = process }
    }

    /// SIGKILL: no drain, no goodbye. (Polls for the exit: `waitUntilExit` can block a
    /// cooperative thread for good.)
    func kill() async {
        guard let process = lock.withLock({ self.process }), process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(15)) async {
        guard let process = lock.withLock({ self.process }), process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { await kill() }
    }

    /// Sends SIGKILL without waiting.
    func signalKill() {
        if let process = lock.withLock({ self.process }), process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    deinit {
        if let process, process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
