import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import PostgresNIO
import Prometheus
import SundialEngine
import SundialHTTP

/// A Sundial server on a freshly migrated schema of its own, with the `order` probe registered
/// (or the given registry),
/// test keys for tokens (an HS256 secret and an ES256 key with kid `es-1`), an issuer and an
/// audience, and webhook secrets; driven through HummingbirdTesting's router client.
struct IntakeHarness: Sendable {
    static let hmacSecret = "test-hs256-secret-0123456789-abcdefghij"
    static let issuer = "https://auth.shop.test/"
    static let audience = "sundial-intake"
    static let stripeSecret = "whsec_test_secret"
    static let carrierSecret = "carrier-test-secret"
    /// The ES256 key pair tokens are signed with; the server knows its public half as kid `es-1`.
    static let ecdsaKey = ES256PrivateKey()

    let client: TestClientProtocol
    let postgres: DatabaseClient
    let workflows: WorkflowClient
    let logger: Logger
    /// The admin side's own pool, when the test asked for one (`adminPool:`).
    var adminClient: DatabaseClient? = nil

    static var url: String {
        ProcessInfo.processInfo.environment["SUNDIAL_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5439/sundial_test"
    }

    static func configuration(authenticated: Bool = true) async throws -> IntakeConfiguration {
        guard authenticated else {
            return IntakeConfiguration(stripe: TimestampedSignature(secrets: [stripeSecret]))
        }
        let keys = [
            try await TokenKey.hs256(secret: hmacSecret),
            try await TokenKey.publicKey(pem: ecdsaKey.publicKey.pemRepresentation, kid: "es-1"),
        ]
        return IntakeConfiguration(
            authentication: BearerAuthentication(verifier: AccessTokenVerifier(keys: keys, issuer: issuer, audience: audience)),
            stripe: TimestampedSignature(secrets: ["whsec_old_rotated_out", stripeSecret]),
            carriers: ["fedex": TimestampedSignature(secrets: [carrierSecret]), "ups": TimestampedSignature(secrets: [carrierSecret])])
    }

    /// Runs `body` against a new server; the schema is dropped afterwards. `live` serves it on a
    /// loopback port and sends real HTTP requests; otherwise requests go straight to the router.
    static func with(authenticated: Bool = true, live: Bool = false, registry: WorkflowRegistry = WorkflowRegistry([OrderProbe()]),
                     logger customLogger: Logger? = nil,
                     adminPool: AdminPoolConfiguration? = nil,
                     intake changeIntake: @Sendable (inout IntakeConfiguration) -> Void = { _ in },
                     configure: @Sendable (inout SundialServer) -> Void = { _ in },
                     _ body: @Sendable (IntakeHarness) async throws -> Void) async throws {
        let schema = "i_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let database = try DatabaseConfiguration(url: url, schema: String(schema), maxConnections: 4)
        let logger = customLogger ?? {
            var logger = Logger(label: "test")
            logger.logLevel = ProcessInfo.processInfo.environment["SUNDIAL_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
            return logger
        }()
        var configured = try await configuration(authenticated: authenticated)
        changeIntake(&configured)
        let intake = configured
        try await DatabaseSession.with(database, logger: logger) { postgres in
            try await Migrator(client: postgres, schema: database.schema, logger: logger).migrate()
            // The admin side on a pool of its own, as `sundial serve` runs it; its run ends with the test.
            let adminClient = adminPool.map { DatabaseClient(configuration: database.adminConfiguration($0), backgroundLogger: logger) }
            let adminRun = adminClient.map { client in Task { await client.run() } }
            defer { adminRun?.cancel() }
            let store = WorkflowStore(client: postgres, database: database, logger: logger)
            let workflows = WorkflowClient(store: store, registry: registry)
            var server = SundialServer(host: "127.0.0.1", port: 0, client: postgres, store: store,
                                       registry: PrometheusCollectorRegistry(), logger: logger,
                                       workflows: workflows, intake: intake)
            server.adminStore = adminClient.map { WorkflowStore(client: $0, database: database, logger: logger) }
            configure(&server)
            // live: a real server on 127.0.0.1 (a free port), with `sundial serve`'s listener (its timeouts,
            // connection cap and body cap), and an HTTP client, rather than the router alone.
            let application = Application(router: server.makeRouter(), server: server.security.serverBuilder(logger: logger),
                                          configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)), logger: logger)
            do {
                try await application.test(live ? .live : .router) { client in
                    try await body(IntakeHarness(client: client, postgres: postgres, workflows: workflows, logger: logger,
                                                 adminClient: adminClient))
                }
            } catch {
                _ = try? await postgres.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(database.schema)\" CASCADE"), logger: logger)
                throw error
            }
            _ = try? await postgres.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(database.schema)\" CASCADE"), logger: logger)
        }
    }

    /// What a request answered: status, headers and the body parsed as a JSON object.
    struct Answer: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let text: String

        var json: [String: any Sendable] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: any Sendable]) ?? [:]
        }

        var error: [String: any Sendable] { json["error"] as? [String: any Sendable] ?? [:] }
        var errorCode: String? { error["code"] as? String }
        var fields: [String: String] { error["fields"] as? [String: String] ?? [:] }
        var isJSON: Bool { headers[.contentType]?.hasPrefix("application/json") == true }
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, contentType: String? = "application/json",
              headers extra: [(String, String)] = [], body: Data? = nil) async throws -> Answer {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let contentType { headers[.contentType] = contentType }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await client.execute(uri: uri, method: method, headers: headers,
                                        body: body.map { ByteBuffer(bytes: Array($0)) }) { response in
            Answer(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String) async throws -> Answer {
        try await send(method, uri, token: token, body: Data(json.utf8))
    }

    /// `SELECT count(*)` of a query's rows.
    func count(_ sql: String) async throws -> Int {
        let rows = try await postgres.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM (\(sql)) AS q"), logger: logger)
        for try await (count) in rows.decode(Int64.self) { return Int(count) }
        return -1
    }

    func execute(_ sql: String) async throws {
        _ = try await postgres.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }
}
