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

/// The carriers' OAuth access tokens (and USPS's payment token) shared by the fleet through the
/// engine's encrypted secrets: a token is fetched once for every worker, not once per process.
@Suite("Carrier tokens shared by the fleet")
struct CarrierSharedTokenTests {
    static let shipper = PostalAddress(name: "SunStyle Warehouse", company: "SunStyle", phone: "9015551234", streetLines: ["10 Fedex Pkwy"],
                                       city: "Memphis", stateCode: "TN", postalCode: "38116")
    static let recipient = PostalAddress(name: "Ada Customer", phone: "2125550000", streetLines: ["1 Main St"], city: "New York",
                                         stateCode: "NY", postalCode: "10001")
    static let services = ["fedex": "FEDEX_GROUND", "ups": "03", "usps": "USPS_GROUND_ADVANTAGE"]

    @Test("three workers fetch each carrier's token once; after a 401 one worker fetches the next and the others take it")
    func oneFetchPerFleet() async throws {
        var configuration = SandboxConfiguration()
        configuration.usps.hourlyQuota = nil
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await SandboxServer.withRunning(configuration) { sandbox, port in
                let integrations = OrderIntegrations.sandbox(baseURL: "http://127.0.0.1:\(port)", labelFolder: FileManager.default.temporaryDirectory,
                                                             timeout: .seconds(5))
                try await TestDatabase.with { db in
                    var logger = Logger(label: "test.carriers")
                    logger.logLevel = .critical
                    let apiGuard = PostgresAPIGuard(store: db.store, holder: "test", logger: logger)
                    // Three worker processes: nothing in memory in common.
                    let workers = (0..<3).map { _ in
                        integrations.orderServices(httpClient: http, apiGuard: apiGuard, secrets: integrations.secrets(db.store), logger: logger).carriers
                    }
                    var label = 0
                    func buyEverywhere() async throws {
                        for worker in workers {
                            for (name, service) in Self.services {
                                label += 1
                                let carrier = try #require(worker[name])
                                let request = LabelRequest(shipper: Self.shipper, recipient: Self.recipient, weightPounds: 1, service: service, shipDate: "2026-11-26")
                                _ = try await carrier.buyLabel(request, idempotencyKey: "order-\(label):label")
                            }
                        }
                    }
                    try await buyEverywhere()
                    #expect(sandbox.tokensIssued(.fedex) == 1)
                    #expect(sandbox.tokensIssued(.ups) == 1)
                    #expect(sandbox.tokensIssued(.usps) == 1)
                    #expect(sandbox.tokensIssued(.usps, kind: "payment") == 1)

                    sandbox.expireAllTokens()
                    try await buyEverywhere()
                    #expect(sandbox.tokensIssued(.fedex) == 2)
                    #expect(sandbox.tokensIssued(.ups) == 2)
                    #expect(sandbox.tokensIssued(.usps) == 2)
                    #expect(sandbox.tokensIssued(.usps, kind: "payment") == 2)
                    #expect(sandbox.ledger.count(.usps, .labelCreated) == 6)

                    let names = try await db.scalar("SELECT string_agg(name, ',' ORDER BY name) FROM secrets", as: String.self)
                    #expect(names?.split(separator: ",").map { $0.split(separator: ":").first.map(String.init) ?? "" } == ["fedex", "ups", "usps", "usps"])
                }
            }
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}
