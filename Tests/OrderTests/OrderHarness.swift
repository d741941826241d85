import AsyncHTTPClient
import Foundation
import Integrations
import Logging
import Sandbox
import Sundial
@testable import SundialEngine
import SundialTestSupport
import SundialWiring
import Testing
import Workflows

/// One order test's world: a migrated schema, a sandbox of every outside API, and a registry
/// whose order workflow calls the sandbox through the real clients and the Postgres API guard.
struct OrderHarness: Sendable {
    let db: TestDatabase
    let sandbox: SandboxServer
    let integrations: OrderIntegrations
    /// `http://127.0.0.1:<port>` of the sandbox.
    let sandboxURL: String
    let labelFolder: URL

    var client: WorkflowClient { db.workflows }
    var store: WorkflowStore { db.store }

    /// Fast timings for tests: polls every 300 ms, short circuit cooldown.
    static func testSettings() -> OrderSettings {
        var settings = OrderSettings()
        settings.pollInterval = .milliseconds(300)
        settings.paymentConfirmationTimeout = .seconds(6)
        settings.straySweepDelaySeconds = 1
        settings.labelRounds = 2
        settings.labelRoundPause = .milliseconds(2500)  // past the 2 s circuit cooldown below
        return settings
    }

    static let limits: [APILimit] = APILimit.sunStyleDefaults.map { limit in
        var limit = limit
        limit.cooldown = .seconds(2)
        limit.failureThreshold = 3
        if limit.api == "usps" { limit.rateCapacity = 10_000 }
        return limit
    }

    static func with<T: Sendable>(
        sandbox configure: (inout SandboxConfiguration) -> Void = { _ in },
        settings: OrderSettings = OrderHarness.testSettings(),
        routing: CarrierRouting = .standard,
        _ body: @Sendable (OrderHarness) async throws -> T
    ) async throws -> T {
        var configuration = SandboxConfiguration()
        configuration.usps.hourlyQuota = nil
        configure(&configuration)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let labelFolder = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-labels-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: labelFolder) }
        do {
            let result = try await run(configuration, http: http, labelFolder: labelFolder, settings: settings, routing: routing, body)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private static func run<T: Sendable>(
        _ configuration: SandboxConfiguration, http: HTTPClient, labelFolder: URL, settings: OrderSettings, routing: CarrierRouting,
        _ body: @Sendable (OrderHarness) async throws -> T
    ) async throws -> T {
        try await SandboxServer.withRunning(configuration) { server, port in
            var integrations = OrderIntegrations.sandbox(baseURL: "http://127.0.0.1:\(port)", labelFolder: labelFolder, timeout: .seconds(5))
            integrations.settings = settings
            integrations.routing = routing
            let wiring = integrations
            return try await TestDatabase.with(registry: { store in
                var logger = Logger(label: "test.guard")
                logger.logLevel = .critical
                let apiGuard = PostgresAPIGuard(store: store, holder: "test", logger: logger)
                return WorkflowRegistry(SunStyleWorkflows.all(order: wiring.orderServices(httpClient: http, apiGuard: apiGuard,
                                                                                          secrets: wiring.secrets(store), logger: logger)))
            }) { db in
                try await db.store.syncAPILimits(Self.limits)
                return try await body(OrderHarness(db: db, sandbox: server, integrations: wiring,
                                                   sandboxURL: "http://127.0.0.1:\(port)", labelFolder: labelFolder))
            }
        }
    }

    /// Submits an order (as the intake API does) and returns its workflow id.
    @discardableResult
    func submit(_ order: OrderInput) async throws -> UUID {
        try await client.start(OrderWorkflow.self, key: order.orderID, input: order).id
    }

    func snapshot(_ id: UUID) async throws -> WorkflowSnapshot { try await store.workflow(id) }

    func context(_ id: UUID) async throws -> OrderContext {
        try JSONDecoder.sundial.decode(OrderContext.self, from: Data(try await snapshot(id).context.utf8))
    }

    /// Waits until the order's workflow is in `state` with `status` (or fails the test).
    func waitFor(_ id: UUID, state: OrderState, status: WorkflowStatus? = nil, timeout: Duration = .seconds(30)) async throws {
        let reached = try await eventually(timeout: timeout, every: .milliseconds(50)) {
            let snapshot = try await store.workflow(id)
            return snapshot.state == state.rawValue && (status == nil || snapshot.status == status)
        }
        if !reached {
            let snapshot = try await store.workflow(id)
            Issue.record("order \(id) did not reach \(state) \(status?.rawValue ?? ""): it is \(snapshot.state) \(snapshot.status) (\(snapshot.lastError ?? "no error"))")
        }
    }

    /// Delivers a tracking update as the carrier webhook endpoint does.
    func track(_ id: UUID, event: String, status: String, location: String? = nil) async throws {
        let context = try await context(id)
        let label = try #require(context.label)
        let update = TrackingEvent(eventID: event, carrier: label.carrier, trackingNumber: label.trackingNumber,
                                   status: status, location: location, occurredAt: Date())
        try await client.signal(id, name: TrackingEvent.signal, signalID: "\(label.carrier):\(event)", payload: update)
    }

    /// The order-status events written to the outbox for the order, in order.
    func statusEvents(_ id: UUID) async throws -> [String] {
        try await store.outbox(of: id).filter { $0.topic == OrderStatusEvent.topic }.map {
            try JSONDecoder.sundial.decode(OrderStatusEvent.self, from: Data($0.payload.utf8)).event
        }
    }

    func count(_ api: SandboxAPI, _ kind: EffectKind) -> Int { sandbox.ledger.count(api, kind) }

    /// A real `sundial worker` process on this test's schema and sandbox.
    func startWorker(_ name: String, concurrency: Int = 8) throws -> WorkerProcess {
        var environment = [
            "SUNDIAL_SANDBOX_URL": sandboxURL,
            "SUNDIAL_LABEL_DIR": labelFolder.path,
            "SUNDIAL_TRACKING_POLL_MS": "300",
            "SUNDIAL_STRAY_SWEEP_DELAY_SECONDS": "1",
            "SUNDIAL_LOG_FORMAT": "json",
        ]
        for limit in Self.limits {
            environment[APILimit.environmentName(limit.api)] =
                "rate=\(limit.rateCapacity)/\(Int(limit.rateWindow.seconds * 1000))ms,failures=\(limit.failureThreshold),cooldown=\(Int(limit.cooldown.seconds * 1000))ms"
        }
        return try WorkerProcess(database: db.database, workerID: name, lease: 2, concurrency: concurrency, extra: environment,
                                 binary: WorkerProcess.binary("sundial"), arguments: ["worker"])
    }

    /// Every workflow of the test (orders and their sweeps) has stopped moving on its own.
    func allSettled(timeout: Duration) async throws -> Bool {
        try await eventually(timeout: timeout, every: .milliseconds(200)) {
            let active = try await db.scalar("""
                SELECT count(*)::int8 FROM workflows
                WHERE status NOT IN ('completed', 'compensated', 'cancelled', 'failed', 'compensation_failed')
                  AND NOT (status = 'waiting' AND wait_signal = 'resume')
                """, as: Int64.self) ?? 0
            return active == 0
        }
    }
}

/// A valid order; tests change what they need.
func sampleOrder(_ id: String = "SO-\(UUID().uuidString.prefix(8))", card: String = "pm_card_visa",
                 level: ServiceLevel = .ground, recipient: String = "Ada Customer") -> OrderInput {
    OrderInput(
        orderID: id,
        customer: OrderCustomer(id: "cust-42", name: "Ada Customer", email: "ada@example.com"),
        items: [
            OrderLineItem(sku: "SUN-HAT-01", description: "Straw hat", quantity: 2, unitPrice: ExactDecimal(text: "19.99")!,
                          weightPounds: ExactDecimal(text: "0.5")!),
            OrderLineItem(sku: "SPF-50", quantity: 1, unitPrice: ExactDecimal(text: "12.50")!),
        ],
        currency: "usd",
        shippingAddress: ShippingAddress(name: recipient, phone: "212-555-0000", lines: ["1 Main St", "Apt 2"],
                                         city: "New York", state: "NY", postalCode: "10001"),
        serviceLevel: level, paymentMethod: card,
        shippingAmount: ExactDecimal(text: "5.00")!, taxAmount: ExactDecimal(text: "4.28")!)
}

extension OrderIntegrations {
    /// The engine's encrypted secrets on `store` under this configuration's key, as a worker
    /// gets them from ``WorkerServices``.
    func secrets(_ store: WorkflowStore) -> EncryptedSecrets? {
        secretsKey.map { EncryptedSecrets(store: store, key: $0) }
    }
}
