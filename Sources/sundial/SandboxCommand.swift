import ArgumentParser
import Foundation
import Logging
import Sandbox
import ServiceLifecycle
import SundialEngine

/// `sundial sandbox`: serves the loopback simulators of Stripe, FedEx, UPS, USPS, QuickBooks and
/// the shop's webhook receiver from one process, until SIGTERM or SIGINT.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox", abstract: "Serve the external-API simulators on 127.0.0.1.")

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8089

    @Option(help: "Seed of the fault injector's random numbers.")
    var seed: UInt64 = 0x5EED_5EED

    func run() async throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: expected 0 to 65535") }
        LoggingSetup.bootstrap(level: .info, format: "text")
        var configuration = SandboxConfiguration()
        configuration.port = port
        configuration.randomSeed = seed
        let logger = Logger(label: "sundial.sandbox")
        let server = SandboxServer(configuration: configuration)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let bound = try await server.port()
                var lines = ["sandbox listening on http://127.0.0.1:\(bound)"]
                for api in SandboxAPI.allCases { lines.append("  \(api.rawValue): http://127.0.0.1:\(bound)/\(api.rawValue)") }
                lines.append("  control: GET|POST /sandbox/faults, GET /sandbox/effects, POST /sandbox/reset")
                // Written unbuffered, so a script reading a log file sees the port at once.
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            try await tasks.waitForAll()
        }
    }
}
