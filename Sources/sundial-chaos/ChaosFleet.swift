import Foundation

/// Everything the chaos run starts: the sandbox with its faults, the server, and the workers,
/// all `sundial` processes on one Postgres schema, with the settings that tie them together.
final class ChaosFleet: @unchecked Sendable {
    let sandbox: ChildProcess
    let server: ChildProcess
    private(set) var workers: [ChildProcess]
    let sandboxURL: String
    let serverURL: String
    private var restarts = 0
    private let makeWorker: (Int, Int) -> ChildProcess

    static let jwtSecret = "chaos-only-intake-signing-secret-0123456789"
    static let carrierSecret = "carrier-sandbox-webhook-secret"

    init(options: ChaosOptions, sundial: URL, logFolder: URL, workerExtras: [String: String]) {
        sandboxURL = "http://127.0.0.1:\(options.sandboxPort)"
        serverURL = "http://127.0.0.1:\(options.httpPort)"
        var sandboxArguments = ["sandbox", "--port", "\(options.sandboxPort)", "--seed", "\(options.seed)",
                                "--tracking-webhook-url", serverURL, "--tracking-step-interval-ms", "\(options.trackingStepMilliseconds)",
                                "--stripe-webhook-url", "\(serverURL)/webhooks/stripe"]
        if options.breakGuarantee == .idempotency { sandboxArguments.append("--unsafe-ignore-idempotency") }
        sandbox = ChildProcess(name: "sandbox", executable: sundial, arguments: sandboxArguments, environment: [:], logFolder: logFolder)
        let shared: [String: String] = [
            "SUNDIAL_SANDBOX_URL": sandboxURL,
            "SUNDIAL_LABEL_DIR": logFolder.appendingPathComponent("labels").path,
            "SUNDIAL_WEBHOOK_URL": "\(sandboxURL)/shop/webhooks/order-status",
            "SUNDIAL_WEBHOOK_SECRET": "shop-sandbox-webhook-secret",
            "SUNDIAL_JWT_HS256_SECRET": Self.jwtSecret,
            "SUNDIAL_STRIPE_WEBHOOK_SECRET": "whsec_sandbox_secret",
            "SUNDIAL_CARRIER_WEBHOOK_SECRET": Self.carrierSecret,
            "SUNDIAL_TRACKING_POLL_MS": "5000",
            "SUNDIAL_STRAY_SWEEP_DELAY_SECONDS": "3",
            "SUNDIAL_LEASE_SECONDS": "5",
            "SUNDIAL_POLL_SECONDS": "0.5",
            "SUNDIAL_LOG_FORMAT": "json",
            "SUNDIAL_API_LIMIT_USPS": "rate=100000/1h,failures=5,cooldown=5s",
            "SUNDIAL_API_LIMIT_FEDEX": "failures=5,cooldown=5s",
            "SUNDIAL_API_LIMIT_UPS": "rate=1000/1s,failures=5,cooldown=5s",
            "SUNDIAL_API_LIMIT_STRIPE": "rate=1000/1s,failures=8,cooldown=3s",
            "SUNDIAL_API_LIMIT_QUICKBOOKS": "failures=8,cooldown=3s",
        ]
        server = ChildProcess(name: "server", executable: sundial, arguments: ["serve", "--port", "\(options.httpPort)"],
                              environment: shared, logFolder: logFolder)
        var workerEnvironment = shared.merging(workerExtras) { $1 }
        if options.breakGuarantee == .fencing { workerEnvironment["SUNDIAL_UNSAFE_DISABLE_FENCING"] = "1" }
        let concurrency = options.workerConcurrency
        let makeWorker: (Int, Int) -> ChildProcess = { index, generation in
            var environment = workerEnvironment
            environment["SUNDIAL_WORKER_ID"] = "chaos-\(index)-g\(generation)"
            environment["SUNDIAL_CONCURRENCY"] = "\(concurrency)"
            return ChildProcess(name: "worker-\(index)", executable: sundial, arguments: ["worker"],
                                environment: environment, logFolder: logFolder)
        }
        self.makeWorker = makeWorker
        workers = (0..<options.workers).map { makeWorker($0, 0) }
    }

    func startAll(http: ChaosHTTP) async throws {
        try sandbox.start()
        try await Self.waitUntilUp("\(sandboxURL)/sandbox/health", http: http, what: "the sandbox")
        try server.start()
        try await Self.waitUntilUp("\(serverURL)/health/ready", http: http, what: "the server")
        for worker in workers { try worker.start() }
    }

    /// SIGKILLs worker `index` and starts a fresh process in its place.
    func killAndRestart(_ index: Int) async throws {
        await workers[index].kill()
        restarts += 1
        workers[index] = makeWorker(index, restarts)
        try workers[index].start()
    }

    /// Freezes worker `index` past its leases, then thaws it.
    func freeze(_ index: Int, for duration: Duration) async {
        await workers[index].freeze(for: duration)
    }

    /// SIGKILLs every process at once, from a signal handler.
    func killAllNow() {
        for process in [sandbox, server] + workers { process.signalKill() }
    }

    func stopAll() async {
        for worker in workers { await worker.stop() }
        await server.stop()
        await sandbox.stop()
    }

    static func waitUntilUp(_ url: String, http: ChaosHTTP, what: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let answer = try? await http.send(.GET, url, timeout: .seconds(2)), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ChaosFailure("\(what) did not come up at \(url)")
    }
}
