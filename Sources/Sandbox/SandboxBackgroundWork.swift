import AsyncHTTPClient
import Logging
import NIOCore
import ServiceLifecycle

/// What the sandbox does by itself, beside answering requests: delivering queued webhooks
/// (carrier tracking, Stripe), moving parcels along, and finishing asynchronous Stripe payments.
/// Exists so that work runs as a child of the server's service lifecycle: it starts with the
/// server, stops at graceful shutdown (queued webhooks not yet sent are dropped) and leaves no
/// task behind. The HTTP client for the webhooks lives exactly as long as it does.
struct SandboxBackgroundWork: Service {
    /// Webhook streams that have a receiver.
    let dispatchers: [WebhookDispatcher]
    /// Present when carrier tracking webhooks are on.
    let progression: TrackingProgression?
    /// Finishes `pm_card_processing` payments.
    let stripe: StripeSimulator
    let logger: Logger

    /// Runs until graceful shutdown (or cancellation), even with nothing to do: a service that
    /// returned early would make the application's service group stop the HTTP server.
    func run() async throws {
        let http = dispatchers.isEmpty ? nil : Self.makeHTTPClient()
        await withDiscardingTaskGroup { group in
            if let http {
                for dispatcher in dispatchers {
                    group.addTask { await dispatcher.run(http: http, logger: logger) }
                }
            }
            if let progression {
                group.addTask { await progression.run() }
            }
            group.addTask { await stripe.runAsyncPayments() }
            // Returns at graceful shutdown, throws when cancelled; either way the work stops.
            try? await gracefulShutdown()
            group.cancelAll()
        }
        do {
            try await http?.shutdown()
        } catch {
            logger.warning("webhook HTTP client did not shut down cleanly", metadata: ["error": "\(error)"])
        }
    }

    /// No redirects (a webhook endpoint answers itself) and a short connect timeout, so a receiver
    /// that is not listening fails fast.
    private static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}
