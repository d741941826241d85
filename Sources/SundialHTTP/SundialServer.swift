import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Sundial
import SundialEngine
import Workflows

/// The HTTP surface of Sundial (`sundial serve`): health and metrics, the order intake API
/// (INT-001), the Stripe and carrier webhooks, the admin API (`/admin/v1`) and the operator
/// dashboard (`/admin`, HTML over the same admin operations). One
/// Hummingbird application, run in a ServiceGroup with its Postgres client. Every answer of the
/// APIs that is not a success is JSON (`{"error": {...}}`), unknown routes and wrong methods
/// included; the dashboard's pages answer their refusals as HTML pages.
public struct SundialServer: Sendable {
    public let host: String
    public let port: Int
    let client: DatabaseClient
    let store: WorkflowStore
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    /// Starts and signals workflows for the intake and webhook routes; nil serves only health
    /// and metrics.
    let workflows: WorkflowClient?
    let intake: IntakeConfiguration
    /// The schedules this build declares (the admin API's "trigger now" starts them).
    let schedules: [ScheduleDeclaration]
    /// The store's calendar, for the batch deadline gauge.
    let storeCalendar: StoreCalendar
    /// TLS, the server-wide body cap, the timeouts and the connection cap (plain HTTP, 1 MiB and
    /// the ``ConnectionLimits`` defaults unless set).
    public var security = ServerSecurity()
    /// The dashboard's session lifetimes and cookie flags.
    public var dashboard = DashboardSettings()
    /// The store of the admin side (admin API, dashboard, `/metrics`) on its own pool with a
    /// statement timeout (``AdminPoolConfiguration``), so that side cannot take the intake's
    /// connections; nil shares `store` (tests).
    public var adminStore: WorkflowStore?

    public init(host: String, port: Int, client: DatabaseClient, store: WorkflowStore,
                registry: PrometheusCollectorRegistry, logger: Logger,
                workflows: WorkflowClient? = nil, intake: IntakeConfiguration = IntakeConfiguration(),
                storeCalendar: StoreCalendar = try! StoreCalendar(),
                schedules: [ScheduleDeclaration] = []) {
        self.storeCalendar = storeCalendar
        self.host = host
        self.port = port
        self.client = client
        self.store = store
        self.registry = registry
        self.logger = logger
        self.workflows = workflows
        self.intake = intake
        self.schedules = schedules
    }

    /// The admin API (served when `workflows` is given).
    var admin: AdminRoutes? {
        workflows.map { intake in
            let workflows = adminStore.map { WorkflowClient(store: $0, registry: intake.registry) } ?? intake
            return AdminRoutes(workflows: workflows, schedules: schedules, logger: logger)
        }
    }

    /// Every admin operation served, as (method, path template), for the OpenAPI contract test.
    public var adminOperations: [(method: String, path: String)] { admin?.served ?? [] }

    /// The routes, also used by tests with HummingbirdTesting.
    public func makeRouter() -> Router<BasicRequestContext> {
        // HEAD is answered from the GET route wherever there is one (Hummingbird's option).
        let router = Router(options: .autoGenerateHeadEndpoints)
        if security.tls != nil { router.add(middleware: StrictTransportSecurityMiddleware()) }
        router.add(middleware: RequestOutcomeMiddleware(logger: logger))
        router.add(middleware: RequestSizeLimitMiddleware(maxBytes: security.maxBodyBytes))
        HealthRoutes(client: client, schema: store.database.schema, logger: logger).register(on: router)
        MetricsRoute(registry: registry, store: adminStore ?? store, logger: logger, deadlineJobs: SunStyleWorkflows.deadlineJobs,
                     storeCalendar: storeCalendar).register(on: router)
        for path: RouterPath in ["/health/live", "/health/ready", "/metrics"] { router.refuseOtherMethods(path, allowed: [.get]) }
        if let workflows {
            OrderRoutes(workflows: workflows, authentication: intake.authentication, logger: logger, rateLimiter: intake.rateLimiter).register(on: router)
            StripeWebhookRoute(signature: intake.stripe, workflows: workflows, logger: logger).register(on: router)
            CarrierWebhookRoute(signatures: intake.carriers, workflows: workflows, logger: logger).register(on: router)
        }
        if let admin {
            admin.register(on: router)
            DashboardRoutes(admin: admin, settings: dashboard, secureCookies: dashboard.secureCookies(tls: security.tls != nil))
                .register(on: router)
        }
        return router
    }

    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: makeRouter(), server: security.serverBuilder(logger: logger),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "sundial"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
