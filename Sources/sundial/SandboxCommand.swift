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

    @Option(help: ArgumentHelp(
        "Base URL that receives carrier tracking webhooks at {url}/webhooks/carriers/{fedex|ups|usps}; parcels then progress by themselves.",
        valueName: "url"))
    var trackingWebhookURL: String?

    @Option(help: "Milliseconds between two automatic tracking steps of a parcel.")
    var trackingStepIntervalMs = 2000

    @Option(help: ArgumentHelp("Endpoint that receives signed Stripe events.", valueName: "url"))
    var stripeWebhookURL: String?

    @Flag(help: "Break Stripe on purpose: ignore Idempotency-Key (for proving the chaos checks; never otherwise).")
    var unsafeIgnoreIdempotency = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: expected 0 to 65535") }
        guard trackingStepIntervalMs > 0 else { throw ValidationError("--tracking-step-interval-ms: expected a positive number") }
        for (option, url) in [("--tracking-webhook-url", trackingWebhookURL), ("--stripe-webhook-url", stripeWebhookURL)] {
            guard let url else { continue }
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host?.isEmpty == false else {
                throw ValidationError("\(option): expected an http(s) URL, got '\(url)'")
            }
        }
    }

    func run() async throws {
        LoggingSetup.bootstrap(level: .info, format: "text")
        var configuration = SandboxConfiguration()
        configuration.port = port
        configuration.randomSeed = seed
        configuration.trackingWebhooks.url = trackingWebhookURL
        configuration.trackingWebhooks.stepInterval = .milliseconds(trackingStepIntervalMs)
        configuration.stripe.webhookURL = stripeWebhookURL
        configuration.stripe.unsafeIgnoreIdempotencyKeys = unsafeIgnoreIdempotency
        let logger = Logger(label: "sundial.sandbox")
        // Info level, so each webhook delivery is logged with its status code.
        let server = SandboxServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let bound = try await server.port()
                var lines = ["sandbox listening on http://127.0.0.1:\(bound)"]
                for api in SandboxAPI.allCases { lines.append("  \(api.rawValue): http://127.0.0.1:\(bound)/\(api.rawValue)") }
                lines.append("  control: GET|POST /sandbox/faults, GET /sandbox/effects, POST /sandbox/reset, GET /sandbox/tracking/events")
                if let url = trackingWebhookURL {
                    lines.append("  tracking webhooks: \(url)/webhooks/carriers/{fedex,ups,usps}, a step every \(trackingStepIntervalMs) ms, signed X-Carrier-Signature")
                } else {
                    lines.append("  tracking webhooks: off (--tracking-webhook-url); parcels move only through POST /sandbox/tracking/{number}")
                }
                lines.append("  stripe webhooks: \(stripeWebhookURL.map { "\($0), signed Stripe-Signature" } ?? "off (--stripe-webhook-url)")")
                // Written unbuffered, so a script reading a log file sees the port at once.
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            try await tasks.waitForAll()
        }
    }
}
