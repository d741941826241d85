import AsyncHTTPClient
import Foundation
import Integrations
import Logging
import Sandbox
import Sundial
import SundialEngine
import Workflows

/// How a worker reaches the outside world for the order workflow: each API's URL and
/// credentials, where labels go, the carrier preference and the tracking timings. Exists so the
/// composition is written once, read from the environment by `sundial worker` and built
/// directly by tests, and turned into ``OrderServices`` with every client behind the fleet's
/// API guard.
public struct OrderIntegrations: Sendable {
    /// The key of the fleet's encrypted secrets, where QuickBooks' rotating tokens are kept
    /// (`SUNDIAL_SECRETS_KEY`; the sandbox's built-in key against a sandbox). A worker passes it
    /// to the engine and hands ``orderServices(httpClient:apiGuard:secrets:logger:)`` the store.
    public var secretsKey: SecretsKey?
    public var stripe: ClientConfiguration<StripeCredentials>
    public var fedex: ClientConfiguration<CarrierCredentials>
    public var ups: ClientConfiguration<CarrierCredentials>
    public var usps: ClientConfiguration<USPSCredentials>
    public var quickBooks: ClientConfiguration<QuickBooksCredentials>
    public var labelFolder: URL
    public var routing: CarrierRouting
    public var settings: OrderSettings

    /// Base64 of the 32 bytes `sundial-sandbox-not-a-secret-key`: seals the sandbox's tokens when
    /// `SUNDIAL_SECRETS_KEY` is not set, so a sandbox fleet shares them without setup. Only ever
    /// used with `SUNDIAL_SANDBOX_URL`, whose tokens are not secrets.
    static let sandboxSecretsKeyText = "c3VuZGlhbC1zYW5kYm94LW5vdC1hLXNlY3JldC1rZXk="

    public init(
        stripe: ClientConfiguration<StripeCredentials>, fedex: ClientConfiguration<CarrierCredentials>,
        ups: ClientConfiguration<CarrierCredentials>, usps: ClientConfiguration<USPSCredentials>,
        quickBooks: ClientConfiguration<QuickBooksCredentials>, labelFolder: URL,
        routing: CarrierRouting = .standard, settings: OrderSettings = OrderSettings(), secretsKey: SecretsKey? = nil
    ) {
        self.stripe = stripe
        self.fedex = fedex
        self.ups = ups
        self.usps = usps
        self.quickBooks = quickBooks
        self.labelFolder = labelFolder
        self.routing = routing
        self.settings = settings
        self.secretsKey = secretsKey
    }

    /// Every API pointed at a `sundial sandbox` at `baseURL` (`http://127.0.0.1:8089`), with the
    /// sandbox's default credentials.
    public static func sandbox(baseURL: String, labelFolder: URL, timeout: Duration = .seconds(10)) -> OrderIntegrations {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let defaults = SandboxConfiguration()
        let qbo = defaults.quickBooks
        return OrderIntegrations(
            stripe: ClientConfiguration(baseURL: base + SandboxAPI.stripe.pathPrefix,
                                        credentials: StripeCredentials(secretKey: Secret("sk_test_sundial_sandbox")), timeout: timeout),
            fedex: ClientConfiguration(baseURL: base + SandboxAPI.fedex.pathPrefix, credentials: CarrierCredentials(
                clientID: defaults.fedex.clientID, clientSecret: Secret(defaults.fedex.clientSecret), accountNumber: "740561073"), timeout: timeout),
            ups: ClientConfiguration(baseURL: base + SandboxAPI.ups.pathPrefix, credentials: CarrierCredentials(
                clientID: defaults.ups.clientID, clientSecret: Secret(defaults.ups.clientSecret), accountNumber: "A1B2C3"), timeout: timeout),
            usps: ClientConfiguration(baseURL: base + SandboxAPI.usps.pathPrefix, credentials: USPSCredentials(
                clientID: defaults.usps.clientID, clientSecret: Secret(defaults.usps.clientSecret),
                crid: "56982563", mid: "904128936", accountNumber: "1000405525"), timeout: timeout),
            quickBooks: ClientConfiguration(baseURL: base + SandboxAPI.quickbooks.pathPrefix, credentials: QuickBooksCredentials(
                realmID: qbo.realmID, clientID: qbo.clientID, clientSecret: Secret(qbo.clientSecret),
                refreshToken: Secret(qbo.refreshToken), accessToken: Secret(qbo.accessToken),
                tokenURL: base + SandboxAPI.quickbooks.pathPrefix + "/oauth2/v1/tokens/bearer"), timeout: timeout),
            labelFolder: labelFolder, secretsKey: try? SecretsKey(base64: sandboxSecretsKeyText))
    }

    /// From the environment: `SUNDIAL_SANDBOX_URL` points every API at a sandbox; otherwise each
    /// API's `SUNDIAL_<API>_…` variables are required (see the README), and `SUNDIAL_SECRETS_KEY`
    /// with them, since QuickBooks' rotating tokens are kept encrypted in the database. Nil when
    /// neither is set: the worker then runs no order workflows' outside calls (they fail with a
    /// clear error).
    public static func fromEnvironment(_ reader: EnvironmentReader = EnvironmentReader()) throws -> OrderIntegrations? {
        let labelFolder = URL(fileURLWithPath: reader.string("SUNDIAL_LABEL_DIR") ?? ".data/labels", isDirectory: true)
        var integrations: OrderIntegrations
        if let sandbox = reader.string("SUNDIAL_SANDBOX_URL") {
            integrations = .sandbox(baseURL: sandbox, labelFolder: labelFolder)
            if let stripe = reader.string("SUNDIAL_STRIPE_URL") {
                // Stripe elsewhere, everything else in the sandbox: how `ops/stripe-standin` runs
                // orders against a third-party Stripe stand-in.
                integrations.stripe = ClientConfiguration(baseURL: stripe, credentials: StripeCredentials(
                    secretKey: Secret(reader.string("SUNDIAL_STRIPE_SECRET_KEY") ?? "sk_test_sundial_sandbox")))
            }
            if let key = try SecretsKey.fromEnvironment(reader) { integrations.secretsKey = key }
        } else if reader.string("SUNDIAL_STRIPE_SECRET_KEY") != nil {
            func required(_ name: String) throws -> String {
                guard let value = reader.string(name), !value.isEmpty else {
                    throw ConfigurationError(setting: name, problem: "is required when SUNDIAL_SANDBOX_URL is not set")
                }
                return value
            }
            integrations = OrderIntegrations(
                stripe: ClientConfiguration(baseURL: reader.string("SUNDIAL_STRIPE_URL") ?? "https://api.stripe.com",
                                            credentials: StripeCredentials(secretKey: Secret(try required("SUNDIAL_STRIPE_SECRET_KEY")))),
                fedex: ClientConfiguration(baseURL: reader.string("SUNDIAL_FEDEX_URL") ?? "https://apis.fedex.com", credentials: CarrierCredentials(
                    clientID: try required("SUNDIAL_FEDEX_CLIENT_ID"), clientSecret: Secret(try required("SUNDIAL_FEDEX_CLIENT_SECRET")),
                    accountNumber: try required("SUNDIAL_FEDEX_ACCOUNT"))),
                ups: ClientConfiguration(baseURL: reader.string("SUNDIAL_UPS_URL") ?? "https://onlinetools.ups.com", credentials: CarrierCredentials(
                    clientID: try required("SUNDIAL_UPS_CLIENT_ID"), clientSecret: Secret(try required("SUNDIAL_UPS_CLIENT_SECRET")),
                    accountNumber: try required("SUNDIAL_UPS_ACCOUNT"))),
                usps: ClientConfiguration(baseURL: reader.string("SUNDIAL_USPS_URL") ?? "https://apis.usps.com", credentials: USPSCredentials(
                    clientID: try required("SUNDIAL_USPS_CLIENT_ID"), clientSecret: Secret(try required("SUNDIAL_USPS_CLIENT_SECRET")),
                    crid: try required("SUNDIAL_USPS_CRID"), mid: try required("SUNDIAL_USPS_MID"),
                    accountNumber: try required("SUNDIAL_USPS_ACCOUNT"))),
                quickBooks: ClientConfiguration(
                    baseURL: reader.string("SUNDIAL_QUICKBOOKS_URL") ?? "https://quickbooks.api.intuit.com",
                    credentials: QuickBooksCredentials(
                        realmID: try required("SUNDIAL_QUICKBOOKS_REALM_ID"), clientID: try required("SUNDIAL_QUICKBOOKS_CLIENT_ID"),
                        clientSecret: Secret(try required("SUNDIAL_QUICKBOOKS_CLIENT_SECRET")),
                        refreshToken: Secret(try required("SUNDIAL_QUICKBOOKS_REFRESH_TOKEN")),
                        tokenURL: reader.string("SUNDIAL_QUICKBOOKS_TOKEN_URL") ?? "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer")),
                labelFolder: labelFolder,
                secretsKey: try SecretsKey.required(reader, because: "to keep QuickBooks' rotating refresh token encrypted in the database for every worker"))
        } else {
            return nil
        }
        if let version = reader.string("SUNDIAL_STRIPE_API_VERSION") {
            // The contract tests check the client against the pinned version's document only:
            // refresh the document (Tests/Contracts) before moving the pin for good.
            integrations.stripe.credentials.apiVersion = version
        }
        if let preference = reader.string("SUNDIAL_CARRIER_PREFERENCE") {
            do {
                integrations.routing = try CarrierRouting.preference(preference)
            } catch {
                throw ConfigurationError(setting: "SUNDIAL_CARRIER_PREFERENCE", problem: "\(error)")
            }
        }
        integrations.settings.pollInterval = .milliseconds(try reader.int("SUNDIAL_TRACKING_POLL_MS", default: 15 * 60 * 1000, range: 100...86_400_000))
        integrations.settings.stallAfter = .seconds(try reader.int("SUNDIAL_TRACKING_STALL_SECONDS", default: 3 * 24 * 3600, range: 1...(60 * 24 * 3600)))
        integrations.settings.straySweepDelaySeconds = try reader.int("SUNDIAL_STRAY_SWEEP_DELAY_SECONDS", default: 300, range: 0...86_400)
        integrations.settings.paymentConfirmationTimeout = .seconds(try reader.int("SUNDIAL_PAYMENT_CONFIRM_SECONDS", default: 30 * 60, range: 1...(7 * 24 * 3600)))
        return integrations
    }

    /// The clients, each behind `apiGuard` under its API name (`stripe`, `fedex`, `ups`, `usps`,
    /// `quickbooks`). With `secrets` (the engine's store, opened with ``secretsKey``) the vendors'
    /// tokens are the fleet's: QuickBooks' rotating ones, and the carriers' access tokens (and
    /// USPS's payment token), fetched once per lifetime for the fleet instead of per process.
    /// Without it each process keeps its own, which breaks QuickBooks as soon as another process
    /// or a restart uses the company (it rotates the refresh token).
    public func orderServices(httpClient: HTTPClient, apiGuard: any APIGuard, secrets: EncryptedSecrets?, logger: Logger) -> OrderServices {
        let sharedTokens = secrets.map { EncryptedTokenStore(secrets: $0) }
        var (fedex, ups, usps, quickBooks) = (fedex, ups, usps, quickBooks)
        fedex.sharedTokens = sharedTokens
        ups.sharedTokens = sharedTokens
        usps.sharedTokens = sharedTokens
        quickBooks.sharedTokens = sharedTokens
        let carriers: [String: any Carrier] = [
            "fedex": GuardedCarrier(FedExClient(httpClient: httpClient, configuration: fedex), api: "fedex", guard: apiGuard),
            "ups": GuardedCarrier(UPSClient(httpClient: httpClient, configuration: ups), api: "ups", guard: apiGuard),
            "usps": GuardedCarrier(USPSClient(httpClient: httpClient, configuration: usps), api: "usps", guard: apiGuard),
        ]
        let accounting = QuickBooksClient(httpClient: httpClient, configuration: quickBooks)
        return OrderServices(
            payments: GuardedPaymentGateway(StripeClient(httpClient: httpClient, configuration: stripe), guard: apiGuard),
            carriers: carriers, routing: routing,
            accounting: GuardedAccountingSystem(accounting, guard: apiGuard),
            labels: FolderLabelArchive(root: labelFolder), settings: settings)
    }
}
