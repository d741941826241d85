import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// One HTTP server on loopback that simulates every external API Sundial talks to, with fault
/// injection and a ledger of side effects. It is a swift-service-lifecycle `Service`, so it runs
/// inside a `ServiceGroup` (the demo) or through `withRunning` (tests).
///
/// Path prefixes (a client's base URL is `http://127.0.0.1:PORT` + prefix):
/// - `/stripe` — Stripe: `/stripe/v1/payment_intents…`, `/stripe/v1/refunds`, `/stripe/v1/events`
/// - `/fedex` — FedEx: `/fedex/oauth/token`, `/fedex/ship/v1/shipments[/cancel]`, `/fedex/track/v1/{trackingnumbers,referencenumbers}`
/// - `/ups` — UPS: `/ups/security/v1/oauth/token`, `/ups/api/shipments/{version}/ship`,
///   `/ups/api/shipments/{version}/void/cancel/{id}`, `/ups/api/track/v1/details/{number}`,
///   `/ups/api/track/v1/reference/details/{referenceNumber}`
/// - `/usps` — USPS v3: `/usps/oauth2/v3/token`, `/usps/payments/v3/payment-authorization`,
///   `/usps/labels/v3/label[/{trackingNumber}]`, `/usps/tracking/v3/tracking/{number}`
/// - `/quickbooks` — QuickBooks Online: `/quickbooks/oauth2/v1/tokens/bearer`, `/quickbooks/v3/company/{realmId}/{invoice,customer,item,query}`
/// - `/shop` — e-commerce receiver: `/shop/webhooks/order-status`
/// - `/klaviyo` — email marketing (Klaviyo): `POST /klaviyo/api/profile-bulk-import-jobs`,
///   `GET /klaviyo/api/profile-bulk-import-jobs/{id}`
/// - `/sandbox` — control: `GET|POST /sandbox/faults`, `GET /sandbox/effects`, `POST /sandbox/reset`,
///   `POST /sandbox/tokens/expire`, `POST /sandbox/tracking/{trackingNumber}`, `GET /sandbox/tracking/events`,
///   `GET /sandbox/shop/deliveries`, `GET /sandbox/stripe/webhooks`, `GET /sandbox/klaviyo/profiles`
///
/// Outgoing: carrier tracking webhooks (`SandboxConfiguration.trackingWebhooks`) and Stripe
/// events (`SandboxConfiguration.Stripe.webhookURL`), both signed and queued so a slow receiver
/// never holds up a simulated API.
///
/// "Down" is simulated as 503 on every call of that API: one server cannot refuse connections
/// for a single path prefix.
public final class SandboxServer: Service, Sendable {
    public let configuration: SandboxConfiguration
    /// Live fault settings; change them at any time.
    public let faults: FaultInjector
    /// What the outside world saw happen.
    public let ledger: EffectLedger

    let logger: Logger
    let tokens: OAuthTokenStore
    let labels = LabelRegistry()
    let stripe: StripeSimulator
    let usps: USPSSimulator
    let quickBooks: QuickBooksSimulator
    let shop: ShopReceiver
    let klaviyo: KlaviyoSimulator
    let trackingWebhooks: CarrierWebhookEmitter
    private let boundPort = BoundPort()

    public init(configuration: SandboxConfiguration = SandboxConfiguration(), logger: Logger = SandboxServer.quietLogger) {
        self.configuration = configuration
        self.logger = logger
        let clock = configuration.clock
        self.faults = FaultInjector(settings: configuration.faults, seed: configuration.randomSeed, hangLimit: configuration.hangLimit)
        self.ledger = EffectLedger(clock: clock)
        self.tokens = OAuthTokenStore(clock: clock)
        self.stripe = StripeSimulator(ledger: ledger, clock: clock, configuration: configuration.stripe)
        self.usps = USPSSimulator(configuration: configuration.usps, tokens: tokens, labels: labels, ledger: ledger, clock: clock)
        self.quickBooks = QuickBooksSimulator(configuration: configuration.quickBooks, tokens: tokens, ledger: ledger, clock: clock)
        self.shop = ShopReceiver(configuration: configuration.shop, ledger: ledger, clock: clock)
        self.klaviyo = KlaviyoSimulator(configuration: configuration.klaviyo, ledger: ledger, clock: clock)
        self.trackingWebhooks = CarrierWebhookEmitter(configuration: configuration.trackingWebhooks, clock: clock, seed: configuration.randomSeed)
    }

    /// Serves until graceful shutdown (or cancellation). Hanging requests are released at shutdown.
    /// Webhook deliveries, parcel progress and asynchronous payments run beside the server, as
    /// services of the same application, and stop with it.
    public func run() async throws {
        let application = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "sundial-sandbox"),
            services: [backgroundWork()],
            onServerRunning: { [boundPort] channel in
                if let port = channel.localAddress?.port { boundPort.publish(port) }
            },
            logger: logger
        )
        do {
            try await withGracefulShutdownHandler {
                try await application.run()
            } onGracefulShutdown: {
                self.faults.stopHanging()
            }
        } catch {
            boundPort.fail(error)
            throw error
        }
        boundPort.fail(CancellationError())
    }

    private func backgroundWork() -> SandboxBackgroundWork {
        var dispatchers: [WebhookDispatcher] = []
        if trackingWebhooks.isEnabled { dispatchers.append(trackingWebhooks.dispatcher) }
        if stripe.webhooks.url != nil { dispatchers.append(stripe.webhooks.dispatcher) }
        return SandboxBackgroundWork(
            dispatchers: dispatchers,
            progression: trackingWebhooks.isEnabled ? TrackingProgression(labels: labels, emitter: trackingWebhooks, clock: configuration.clock) : nil,
            stripe: stripe,
            logger: logger
        )
    }

    /// The port the server listens on, waiting until it is bound. Throws if the server failed to start.
    public func port() async throws -> Int {
        try await boundPort.wait()
    }

    /// The base URL a client of `api` should use, e.g. `http://127.0.0.1:54321/stripe`.
    public func baseURL(for api: SandboxAPI) async throws -> String {
        "http://\(configuration.host):\(try await port())\(api.pathPrefix)"
    }

    /// Starts a sandbox, runs `body` with it and its port, then shuts it down gracefully.
    public static func withRunning<Result: Sendable>(
        _ configuration: SandboxConfiguration = SandboxConfiguration(),
        logger: Logger = SandboxServer.quietLogger,
        _ body: (SandboxServer, Int) async throws -> Result
    ) async throws -> Result {
        let server = SandboxServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let port = try await server.port()
                let result = try await body(server, port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// The default logger: warnings and errors only, so test output stays readable.
    public static var quietLogger: Logger {
        var logger = Logger(label: "sundial.sandbox")
        logger.logLevel = .warning
        return logger
    }

    // MARK: Test and demo controls

    /// Forgets every simulated object, the ledger, deliveries and idempotency caches; faults go
    /// back to the configured ones. Issued OAuth tokens stay valid, as credentials would.
    public func reset() {
        ledger.reset()
        faults.reset()
        stripe.reset()
        labels.reset()
        usps.reset()
        quickBooks.reset()
        shop.reset()
        klaviyo.reset()
        trackingWebhooks.reset()
    }

    /// Expires every OAuth and payment token issued so far, so each client's next call gets the
    /// vendor's 401 and must refresh.
    public func expireAllTokens() {
        tokens.expireAll()
    }

    /// How many times the QuickBooks token endpoint exchanged a refresh token for new tokens,
    /// so a test can prove a fleet refreshed once instead of once per worker.
    public var quickBooksTokenRefreshes: Int { quickBooks.refreshCount }

    /// How many tokens of `kind` (`access`, `refresh`, USPS `payment`) the simulated `api` issued
    /// so far, so a test can prove a fleet fetched a token once instead of once per worker.
    public func tokensIssued(_ api: SandboxAPI, kind: String = "access") -> Int {
        tokens.issuedCount(api, kind: kind)
    }

    /// Moves a parcel (any carrier) to `status`; false when the tracking number is unknown. With
    /// tracking webhooks on, the move is sent as an event (except to `labelCreated`), and a parcel
    /// moved to a status that is not final moves on from there by itself.
    @discardableResult
    public func setTrackingStatus(_ status: TrackingStatus, trackingNumber: String) -> Bool {
        guard let label = labels.setStatus(status, trackingNumber: trackingNumber, at: configuration.clock.now) else { return false }
        trackingWebhooks.emit(label)
        return true
    }

    /// Carrier tracking webhooks sent so far (duplicates and held-back events included), in
    /// sending order, with their delivery status. Empty while `trackingWebhooks.url` is nil.
    public func trackingWebhookDeliveries() -> [CarrierWebhookDelivery] {
        trackingWebhooks.deliveries()
    }

    /// Stripe events POSTed to `stripe.webhookURL` so far, in sending order, with their delivery status.
    public func stripeWebhookDeliveries() -> [StripeWebhookDelivery] {
        stripe.webhooks.deliveries()
    }

    /// The email-marketing platform's contacts, ordered by email (each with how many imports
    /// touched it).
    public func marketingProfiles() -> [MarketingContact] {
        klaviyo.contacts()
    }

    /// The bulk import jobs the email-marketing platform accepted, oldest first.
    public func profileImportJobs() -> [ProfileImportJobRecord] {
        klaviyo.jobs()
    }

    /// Order-status webhooks received by the shop, oldest first (rejected ones included).
    public func shopDeliveries() -> [ShopDelivery] {
        shop.all()
    }

    /// Stripe events so far, oldest first, as raw JSON bytes ready to be signed with
    /// `StripeWebhookSignature.header(payload:secret:timestamp:)` and delivered.
    public func stripeEventPayloads(type: String? = nil) -> [[UInt8]] {
        stripe.events().filter { type == nil || $0["type"]?.stringValue == type }.map { $0.serialized() }
    }
}
