import AsyncHTTPClient
import Foundation
import Integrations
import Logging
import Sandbox
import Sundial
@testable import SundialEngine
import SundialTestSupport
import SundialWiring
import Synchronization
import Testing

/// QuickBooks' rotating refresh token shared by a fleet through the engine's encrypted secrets:
/// real Postgres, the sandbox's strict token endpoint (a rotated refresh token dies at once),
/// and the clients as `sundial worker` wires them.
@Suite("QuickBooks tokens shared by the fleet")
struct QuickBooksSharedTokenTests {
    /// One test's world: the sandbox (grace period 0, a clock the test moves), a migrated schema
    /// and the sandbox integrations.
    struct World: Sendable {
        let sandbox: SandboxServer
        let db: TestDatabase
        let integrations: OrderIntegrations
        let http: HTTPClient
        let time: SandboxTime

        /// The QuickBooks client of one worker process, built as `sundial worker` builds it.
        /// A new one is a new process: nothing in memory but the configuration.
        func worker(key: SecretsKey? = nil, configure: (inout OrderIntegrations) -> Void = { _ in }) -> any AccountingSystem {
            var integrations = integrations
            if let key { integrations.secretsKey = key }
            configure(&integrations)
            var logger = Logger(label: "test.quickbooks")
            logger.logLevel = .critical
            let apiGuard = PostgresAPIGuard(store: db.store, holder: "test", logger: logger)
            return integrations.orderServices(httpClient: http, apiGuard: apiGuard, secrets: integrations.secrets(db.store), logger: logger).accounting
        }

        /// Every access token issued so far is past its 3600 s life (refresh tokens live on).
        func expireAccessTokens() { time.advance(seconds: 3700) }

        var secretName: String {
            let qbo = integrations.quickBooks.credentials
            return "quickbooks:\(qbo.clientID):\(qbo.realmID)"
        }

        /// The tokens the fleet has stored, decrypted.
        func storedTokens() async throws -> [String: String] {
            let secrets = try #require(integrations.secrets(db.store))
            let data = try #require(try await secrets.value(secretName))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).compactMapValues { $0 as? String }
        }
    }

    /// A sandbox clock the test moves forward, so access tokens expire without waiting.
    final class SandboxTime: Sendable {
        private let offset = Mutex<TimeInterval>(0)
        var clock: SandboxClock { SandboxClock { [self] in Date().addingTimeInterval(self.offset.withLock { $0 }) } }
        func advance(seconds: TimeInterval) { offset.withLock { $0 += seconds } }
    }

    static func with(_ body: @Sendable (World) async throws -> Void) async throws {
        let time = SandboxTime()
        var configuration = SandboxConfiguration()
        configuration.clock = time.clock
        configuration.quickBooks.rotatedRefreshTokenGraceSeconds = 0
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await SandboxServer.withRunning(configuration) { server, port in
                let integrations = OrderIntegrations.sandbox(baseURL: "http://127.0.0.1:\(port)", labelFolder: FileManager.default.temporaryDirectory,
                                                             timeout: .seconds(5))
                try await TestDatabase.with { db in
                    try await body(World(sandbox: server, db: db, integrations: integrations, http: http, time: time))
                }
            }
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    @Test("a second worker whose refresh token another worker rotated keeps working (stale token: invalid_grant before the fix)")
    func secondWorkerAfterRotation() async throws {
        try await Self.with { (world: World) async throws in
            let first = world.worker()
            let second = world.worker()
            #expect(try await first.findInvoice(docNumber: "SO-1") == nil)
            #expect(try await second.findInvoice(docNumber: "SO-1") == nil)
            world.expireAccessTokens()
            // The first worker refreshes: QuickBooks rotates the refresh token and retires the old one.
            #expect(try await first.findInvoice(docNumber: "SO-1") == nil)
            // The second one's access token is expired too; its refresh token is the retired one.
            #expect(try await second.findInvoice(docNumber: "SO-1") == nil)
            #expect(world.sandbox.quickBooksTokenRefreshes == 1)
        }
    }

    @Test("two workers and a restart: the QuickBooks token keeps working after rotation")
    func twoWorkersAndARestart() async throws {
        try await Self.with { (world: World) async throws in
            let workers = [world.worker(), world.worker()]
            let invoice = InvoiceRequest(customerID: "1", docNumber: "SO-77", lines: [InvoiceLine(itemID: "1", quantity: 1, unitPrice: 10)])
            let created = try await workers[0].createInvoice(invoice, idempotencyKey: "order-77:invoice")
            for round in 1...4 {
                world.expireAccessTokens()
                // Alternating: each round's refresh is made by the other worker than the last one's.
                #expect(try await workers[round % 2].findInvoice(docNumber: "SO-77")?.id == created.id)
                #expect(try await workers[(round + 1) % 2].findInvoice(docNumber: "SO-77")?.id == created.id)
                #expect(world.sandbox.quickBooksTokenRefreshes == round)
            }
            let configured = world.integrations.quickBooks.credentials.refreshToken.value
            #expect(try await world.storedTokens()["refreshToken"] != configured)

            // A restart: a process built from the original configuration, whose refresh token
            // QuickBooks retired four rotations ago, reads the latest from the store.
            world.expireAccessTokens()
            let restarted = world.worker()
            #expect(try await restarted.findInvoice(docNumber: "SO-77")?.id == created.id)
            #expect(world.sandbox.quickBooksTokenRefreshes == 5)
            for worker in workers { #expect(try await worker.findInvoice(docNumber: "SO-77")?.id == created.id) }
            #expect(world.sandbox.quickBooksTokenRefreshes == 5)
        }
    }

    @Test("concurrent refreshes by two workers make one refresh")
    func concurrentRefreshesRefreshOnce() async throws {
        try await Self.with { (world: World) async throws in
            let workers = [world.worker(), world.worker()]
            for worker in workers { _ = try await worker.findInvoice(docNumber: "SO-1") }
            world.expireAccessTokens()
            try await withThrowingTaskGroup(of: Invoice?.self) { group in
                for call in 0..<8 {
                    group.addTask { try await workers[call % 2].findInvoice(docNumber: "SO-1") }
                }
                for try await found in group { #expect(found == nil) }
            }
            #expect(world.sandbox.quickBooksTokenRefreshes == 1)
        }
    }

    @Test("the stored tokens are not plaintext in the table, and a wrong key is a clear, permanent error")
    func encryptedAtRestAndWrongKey() async throws {
        try await Self.with { (world: World) async throws in
            let worker = world.worker()
            _ = try await worker.findInvoice(docNumber: "SO-1")
            world.expireAccessTokens()
            _ = try await worker.findInvoice(docNumber: "SO-1")
            let tokens = try await world.storedTokens()
            let refresh = try #require(tokens["refreshToken"])
            let access = try #require(tokens["accessToken"])
            let sealed = try #require(try await world.db.scalar("SELECT sealed FROM secrets WHERE name = \(world.secretName)", as: Data.self))
            #expect(sealed.range(of: Data(refresh.utf8)) == nil)
            #expect(sealed.range(of: Data(access.utf8)) == nil)
            #expect(sealed.range(of: Data("refreshToken".utf8)) == nil)
            let text = try #require(try await world.db.scalar("SELECT string_agg(name || encode(sealed, 'escape'), ' ') FROM secrets", as: String.self))
            #expect(!text.contains(refresh) && !text.contains(access))

            var generator = SystemRandomNumberGenerator()
            let otherKey = try SecretsKey(base64: Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString())
            let misconfigured = world.worker(key: otherKey)
            let error = try #require(await #expect(throws: QuickBooksError.self) { try await misconfigured.findInvoice(docNumber: "SO-1") })
            #expect(error.retryDisposition == .permanent)
            #expect(error.description.contains("SUNDIAL_SECRETS_KEY"))
            #expect(!error.description.contains(refresh))
        }
    }

    @Test("a revoked token stays permanent with what to do; a new consent in the configuration replaces it for the fleet")
    func revokedThenReconnected() async throws {
        try await Self.with { (world: World) async throws in
            let worker = world.worker()
            _ = try await worker.findInvoice(docNumber: "SO-1")
            world.expireAccessTokens()
            _ = try await worker.findInvoice(docNumber: "SO-1")
            // Every token dies, refresh tokens included: the connection was revoked.
            world.sandbox.expireAllTokens()
            let refused = try #require(await #expect(throws: QuickBooksError.self) { try await worker.findInvoice(docNumber: "SO-1") })
            #expect(refused.codes == ["invalid_grant"])
            #expect(refused.retryDisposition == .permanent)
            #expect(refused.description.contains("reconnect the app"))
            #expect(refused.description.contains("SUNDIAL_QUICKBOOKS_REFRESH_TOKEN"))

            // The operator reconnects (a new authorization code) and configures the new refresh token.
            let consent = try await world.authorizationCodeGrant()
            let reconfigured = world.worker { $0.quickBooks.credentials.refreshToken = Secret(consent) }
            #expect(try await reconfigured.findInvoice(docNumber: "SO-1") == nil)
            #expect(try await world.storedTokens()["refreshToken"] != consent)  // used once, so rotated
            // A worker still on the old configuration takes the new tokens from the store.
            #expect(try await worker.findInvoice(docNumber: "SO-1") == nil)
        }
    }

    @Test("outside the sandbox the worker refuses to start without a valid SUNDIAL_SECRETS_KEY")
    func productionNeedsTheKey() throws {
        var environment = [
            "SUNDIAL_STRIPE_SECRET_KEY": "sk_live_x", "SUNDIAL_FEDEX_CLIENT_ID": "f", "SUNDIAL_FEDEX_CLIENT_SECRET": "f", "SUNDIAL_FEDEX_ACCOUNT": "f",
            "SUNDIAL_UPS_CLIENT_ID": "u", "SUNDIAL_UPS_CLIENT_SECRET": "u", "SUNDIAL_UPS_ACCOUNT": "u",
            "SUNDIAL_USPS_CLIENT_ID": "p", "SUNDIAL_USPS_CLIENT_SECRET": "p", "SUNDIAL_USPS_CRID": "p", "SUNDIAL_USPS_MID": "p", "SUNDIAL_USPS_ACCOUNT": "p",
            "SUNDIAL_QUICKBOOKS_REALM_ID": "q", "SUNDIAL_QUICKBOOKS_CLIENT_ID": "q", "SUNDIAL_QUICKBOOKS_CLIENT_SECRET": "q",
            "SUNDIAL_QUICKBOOKS_REFRESH_TOKEN": "q",
        ]
        let missing = try #require(#expect(throws: ConfigurationError.self) { try OrderIntegrations.fromEnvironment(EnvironmentReader(environment)) })
        #expect(missing.setting == "SUNDIAL_SECRETS_KEY")
        environment["SUNDIAL_SECRETS_KEY"] = "c2hvcnQ="
        let malformed = try #require(#expect(throws: ConfigurationError.self) { try OrderIntegrations.fromEnvironment(EnvironmentReader(environment)) })
        #expect(malformed.setting == "SUNDIAL_SECRETS_KEY")
        #expect(!malformed.problem.contains("c2hvcnQ="))
        environment["SUNDIAL_SECRETS_KEY"] = Data(repeating: 9, count: 32).base64EncodedString()
        #expect(try OrderIntegrations.fromEnvironment(EnvironmentReader(environment))?.secretsKey != nil)
    }
}

extension QuickBooksSharedTokenTests.World {
    /// The refresh token of a new consent: the authorization-code grant, as after an operator
    /// reconnected the app to the company.
    func authorizationCodeGrant() async throws -> String {
        let qbo = sandbox.configuration.quickBooks
        var request = HTTPClientRequest(url: integrations.quickBooks.credentials.tokenURL)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Basic " + Data("\(qbo.clientID):\(qbo.clientSecret)".utf8).base64EncodedString())
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(Data("grant_type=authorization_code&code=new-consent&redirect_uri=https%3A%2F%2Fexample.com".utf8))
        let response = try await http.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 16)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        return try #require(json["refresh_token"] as? String)
    }
}
