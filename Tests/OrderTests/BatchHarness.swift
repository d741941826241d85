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
@testable import Workflows

/// A completed order in one step: registered as `order` version 99 beside the real order
/// workflow, it completes at once with the ``OrderOutcome`` it is given, so the nightly batch
/// has realistic completed order rows (real engine, real rows) without a parcel's journey.
struct CompletedOrderProbe: Workflow {
    static let name = OrderWorkflow.name
    static let version = 99
    static let initialState = State.complete
    enum State: String, WorkflowState { case complete }
    typealias Input = OrderOutcome
    typealias Context = OrderOutcome
    typealias Output = OrderOutcome

    static func makeContext(from input: OrderOutcome) -> OrderOutcome { input }

    func run(_ state: State, _ ctx: inout OrderOutcome, _ step: Step<Self>) async throws -> Next { .complete(ctx) }
}

/// The loopback sshd of `ops/sshd` (its settings from `ops/sshd env`, as `ops/test` exports them).
struct TestSSHServer: Sendable {
    let port: Int
    let user: String
    let key: String
    let hostKey: String
    let directory: String

    static func fromEnvironment() throws -> TestSSHServer {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["SUNDIAL_TEST_SSH_PORT"].flatMap(Int.init), let user = env["SUNDIAL_TEST_SSH_USER"],
              let key = env["SUNDIAL_TEST_SSH_KEY"], let hostKey = env["SUNDIAL_TEST_SSH_HOST_KEY"],
              let directory = env["SUNDIAL_TEST_SFTP_DIR"]
        else {
            throw SFTPError.connectionFailed(host: "127.0.0.1", port: 0, reason: "the sshd settings are not in the environment: run the tests with ops/test")
        }
        return TestSSHServer(port: port, user: user, key: key, hostKey: hostKey, directory: directory)
    }
}

/// One batch test's world: the order harness's sandbox and schema, plus an SFTP folder of its
/// own on the loopback sshd, and a registry whose batch uploads there and invoices at the
/// sandbox's QuickBooks.
struct BatchHarness: Sendable {
    let db: TestDatabase
    let sandbox: SandboxServer
    let sandboxURL: String
    let ssh: TestSSHServer
    /// This test's import folder (a subfolder of the sshd's).
    let folder: String
    let accounting: any AccountingSystem
    let calendar: StoreCalendar

    var client: WorkflowClient { db.workflows }

    /// SFTP settings as the worker would read them; `hostKey`/`key` override for failure tests.
    func sftp(hostKey: String? = nil, key: String? = nil) -> SFTPConfiguration {
        SFTPConfiguration(host: "127.0.0.1", port: ssh.port, username: ssh.user, authentication: .privateKey(path: key ?? ssh.key),
                          hostKeyFingerprint: hostKey ?? ssh.hostKey, directory: folder, timeout: .seconds(5))
    }

    static func with<T: Sendable>(
        chunkSize: Int = 5, sftp override: (@Sendable (TestSSHServer, String) -> SFTPConfiguration)? = nil,
        sandbox configure: (inout SandboxConfiguration) -> Void = { _ in },
        _ body: @Sendable (BatchHarness) async throws -> T
    ) async throws -> T {
        let ssh = try TestSSHServer.fromEnvironment()
        var configuration = SandboxConfiguration()
        configure(&configuration)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            let result = try await SandboxServer.withRunning(configuration) { server, port in
                let integrations = OrderIntegrations.sandbox(baseURL: "http://127.0.0.1:\(port)", labelFolder: FileManager.default.temporaryDirectory,
                                                             timeout: .seconds(5))
                let accounting = QuickBooksClient(httpClient: http, configuration: integrations.quickBooks)
                let folder = "\(ssh.directory)/batch-\(UUID().uuidString.prefix(8).lowercased())"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                var settings = BatchSettings()
                settings.chunkSize = chunkSize
                let sftp = override?(ssh, folder) ?? SFTPConfiguration(
                    host: "127.0.0.1", port: ssh.port, username: ssh.user, authentication: .privateKey(path: ssh.key),
                    hostKeyFingerprint: ssh.hostKey, directory: folder, timeout: .seconds(5))
                let batch = BatchIntegrations(sftp: sftp, settings: settings)
                return try await TestDatabase.with(registry: { store in
                    var logger = Logger(label: "test.batch")
                    logger.logLevel = .critical
                    let apiGuard = PostgresAPIGuard(store: store, holder: "test", logger: logger)
                    let order = integrations.orderServices(httpClient: http, apiGuard: apiGuard, secrets: integrations.secrets(store), logger: logger)
                    let services = batch.batchServices(records: PostgresWorkflowRecords(store: store), accounting: order.accounting, logger: logger)
                    return WorkflowRegistry(SunStyleWorkflows.all(order: order, batch: services) + [CompletedOrderProbe()])
                }) { db in
                    try await db.store.syncAPILimits(OrderHarness.limits)
                    return try await body(BatchHarness(
                        db: db, sandbox: server, sandboxURL: "http://127.0.0.1:\(port)", ssh: ssh, folder: folder,
                        accounting: accounting, calendar: try StoreCalendar()))
                }
            }
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// Completes `count` orders now (in-process worker). The first `invoiced` were invoiced by
    /// "the order workflow" (invoice in QuickBooks, id in the outcome); the next `mismatched`
    /// have an invoice of 1.00 under their document number but none in the outcome; the rest
    /// have none. Returns the order workflows' ids by order id.
    func completeOrders(_ count: Int, invoiced: Int = 0, mismatched: Int = 0, prefix: String = "B", longNames: Bool = false) async throws -> [String: UUID] {
        try await db.withWorker { _ in
            var ids: [String: UUID] = [:]
            for n in 0..<count {
                let orderID = "\(prefix)-\(n)-\(UUID().uuidString.prefix(4))"
                var outcome = sampleOutcome(orderID)
                if longNames { outcome.customer.name = String(repeating: "Ada, \"the\" Customer ", count: 250) }
                if n < invoiced + mismatched {
                    let amount = n < invoiced ? outcome.total.value - outcome.taxAmount.value : Decimal(1)
                    let invoice = try await accounting.createInvoice(
                        InvoiceRequest(customerID: "1", docNumber: OrderWorkflow.docNumber(orderID),
                                       lines: [InvoiceLine(itemID: "1", quantity: 1, unitPrice: amount)]),
                        idempotencyKey: "pre/\(orderID)")
                    if n < invoiced { outcome.invoiceID = invoice.id }
                }
                ids[orderID] = try await client.start(CompletedOrderProbe.self, key: orderID, input: outcome).id
            }
            for id in ids.values { _ = try await db.settled(id, timeout: .seconds(20)) }
            return ids
        }
    }

    /// Starts run `runNumber` of today's business date (store time).
    func startBatch(date: String, key: String? = nil) async throws -> UUID {
        try await client.start(QuickBooksDailyWorkflow.self, key: key ?? "test/\(date)/run1",
                               input: QuickBooksDailyInput(businessDate: date, actor: "test")).id
    }

    func report(_ id: UUID) async throws -> QuickBooksDailyReport {
        let snapshot = try await db.store.workflow(id)
        return try JSONDecoder.sundial.decode(QuickBooksDailyReport.self, from: Data(try #require(snapshot.output).utf8))
    }

    /// Files in this test's import folder (temporary `.part` files included).
    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    func invoicesCreated() -> Int { sandbox.ledger.count(.quickbooks, .invoiceCreated) }

    /// A real `sundial worker` process on this schema, sandbox and SFTP folder.
    func startWorker(_ name: String, chunkSize: Int) throws -> WorkerProcess {
        let environment = [
            "SUNDIAL_SANDBOX_URL": sandboxURL,
            "SUNDIAL_LABEL_DIR": FileManager.default.temporaryDirectory.path,
            "SUNDIAL_LOG_FORMAT": "json",
            "SUNDIAL_SFTP_HOST": "127.0.0.1",
            "SUNDIAL_SFTP_PORT": String(ssh.port),
            "SUNDIAL_SFTP_USER": ssh.user,
            "SUNDIAL_SFTP_KEY_FILE": ssh.key,
            "SUNDIAL_SFTP_HOST_KEY": ssh.hostKey,
            "SUNDIAL_SFTP_FOLDER": folder,
            "SUNDIAL_BATCH_CHUNK_SIZE": String(chunkSize),
        ]
        return try WorkerProcess(database: db.database, workerID: name, lease: 2, concurrency: 4, extra: environment,
                                 binary: WorkerProcess.binary("sundial"), arguments: ["worker"])
    }
}

/// A realistic outcome of a delivered order: two lines, shipping, tax, a captured payment.
func sampleOutcome(_ orderID: String, invoiceID: String? = nil) -> OrderOutcome {
    let order = sampleOrder(orderID)
    return OrderOutcome(
        orderID: orderID, customer: order.customer, items: order.items, currency: order.currency,
        subtotal: ExactDecimal(order.subtotal, fractionDigits: 2), shippingAmount: ExactDecimal(text: "5.00")!,
        taxAmount: ExactDecimal(text: "4.28")!, total: ExactDecimal(order.total, fractionDigits: 2),
        paymentIntentID: "pi_\(orderID)", carrier: "fedex", trackingNumber: "7946\(abs(orderID.hashValue) % 100_000_000)",
        invoiceID: invoiceID, deliveredAt: Date())
}
