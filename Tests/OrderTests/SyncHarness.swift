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
import Workflows

/// One sync test's world: the order harness (schema, sandbox, order workflow) plus the scheduled
/// syncs wired as `sundial worker` wires them (the engine's feed and cursors, a warehouse folder,
/// the sandbox's Klaviyo behind the API guard), with optional wrappers that inject failures.
struct SyncHarness: Sendable {
    let orders: OrderHarness
    let warehouseFolder: URL
    let integrations: SyncIntegrations

    var db: TestDatabase { orders.db }
    var sandbox: SandboxServer { orders.sandbox }

    struct Wrappers: Sendable {
        var warehouse: @Sendable (any WarehouseFiles) -> any WarehouseFiles = { $0 }
        var cursors: @Sendable (any SyncCursors) -> any SyncCursors = { $0 }
        var marketing: @Sendable (any EmailMarketing) -> any EmailMarketing = { $0 }
    }

    static func with<T: Sendable>(
        settings: SyncSettings = SyncSettings(cursorWait: .milliseconds(200)),
        wrappers: Wrappers = Wrappers(),
        sandbox configure: @escaping (inout SandboxConfiguration) -> Void = { _ in },
        _ body: @Sendable (SyncHarness) async throws -> T
    ) async throws -> T {
        var configuration = SandboxConfiguration()
        configuration.usps.hourlyQuota = nil
        configure(&configuration)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let folders = FileManager.default.temporaryDirectory.appendingPathComponent("sundial-syncs-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folders) }
        let labelFolder = folders.appendingPathComponent("labels")
        let warehouseFolder = folders.appendingPathComponent("warehouse")
        do {
            let result = try await SandboxServer.withRunning(configuration) { server, port in
                var orderWiring = OrderIntegrations.sandbox(baseURL: "http://127.0.0.1:\(port)", labelFolder: labelFolder, timeout: .seconds(5))
                orderWiring.settings = OrderHarness.testSettings()
                let syncWiring = SyncIntegrations(warehouseFolder: warehouseFolder,
                                                  klaviyo: SyncIntegrations.sandboxKlaviyo(baseURL: "http://127.0.0.1:\(port)", timeout: .seconds(5)),
                                                  settings: settings)
                let order = orderWiring
                return try await TestDatabase.with(registry: { store in
                    var logger = Logger(label: "test.guard")
                    logger.logLevel = .critical
                    let apiGuard = PostgresAPIGuard(store: store, holder: "test", logger: logger)
                    var syncs = syncWiring.syncServices(feed: PostgresWorkflowEventFeed(store: store), cursors: PostgresSyncCursors(store: store),
                                                        httpClient: http, apiGuard: apiGuard, logger: logger)
                    syncs.warehouse = wrappers.warehouse(syncs.warehouse)
                    syncs.cursors = wrappers.cursors(syncs.cursors)
                    syncs.marketing = wrappers.marketing(syncs.marketing)
                    return WorkflowRegistry(SunStyleWorkflows.all(order: order.orderServices(httpClient: http, apiGuard: apiGuard, secrets: order.secrets(store), logger: logger))
                                            + SunStyleWorkflows.syncs(syncs))
                }) { db in
                    try await db.store.syncAPILimits(OrderHarness.limits)
                    let orders = OrderHarness(db: db, sandbox: server, integrations: order, sandboxURL: "http://127.0.0.1:\(port)", labelFolder: labelFolder)
                    return try await body(SyncHarness(orders: orders, warehouseFolder: warehouseFolder, integrations: syncWiring))
                }
            }
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// Runs an order through delivery and invoice (needs a worker running) and returns its id.
    @discardableResult
    func completeOrder(_ id: String, customer: String, email: String?) async throws -> UUID {
        var order = sampleOrder(id)
        order.customer = OrderCustomer(id: "cust-\(customer.lowercased())", name: "\(customer) Shopper", email: email)
        let workflow = try await orders.submit(order)
        try await orders.waitFor(workflow, state: .track, status: .waiting)
        try await orders.track(workflow, event: "\(id)-delivered", status: "delivered")
        let snapshot = try await db.settled(workflow, timeout: .seconds(30))
        #expect(snapshot.status == .completed, "order \(id): \(snapshot.state) \(snapshot.lastError ?? "")")
        return workflow
    }

    /// An order whose card is declined: it ends `cancelled` without a label.
    @discardableResult
    func declinedOrder(_ id: String) async throws -> UUID {
        let workflow = try await orders.submit(sampleOrder(id, card: "pm_card_chargeDeclined"))
        let snapshot = try await db.settled(workflow, timeout: .seconds(30))
        #expect(snapshot.status == .cancelled)
        return workflow
    }

    /// Starts a sync run (as a schedule slot would) and waits for it to complete.
    func run<W: Workflow>(_ type: W.Type, key: String, timeout: Duration = .seconds(60)) async throws -> W.Output where W.Input == SyncRunInput {
        try await runWithID(type, key: key, timeout: timeout).output
    }

    /// ``run(_:key:timeout:)`` with the run's workflow id.
    func runWithID<W: Workflow>(_ type: W.Type, key: String, timeout: Duration = .seconds(60)) async throws -> (id: UUID, output: W.Output)
        where W.Input == SyncRunInput
    {
        try await feedCaughtUp()
        let started = try await db.workflows.start(type, key: key, input: SyncRunInput(slot: Date()))
        let snapshot = try await db.settled(started.id, timeout: timeout)
        try #require(snapshot.status == .completed, "\(W.name) \(key) ended \(snapshot.status) in \(snapshot.state): \(snapshot.lastError ?? "")")
        return (started.id, try JSONDecoder.decode(W.Output.self, from: snapshot.output))
    }

    /// Waits until the feed's horizon has passed every history row written so far. Tests share one
    /// PostgreSQL cluster, and a transaction of another test still running holds the horizon back
    /// for a moment (the feed lags, it never skips); a test that counts rows waits for it.
    func feedCaughtUp() async throws {
        let feed = PostgresWorkflowEventFeed(store: db.store)
        let newest = try await db.scalar("SELECT max(xact)::text::int8 FROM workflow_history", as: Int64.self) ?? 0
        let caughtUp = try await eventually(timeout: .seconds(30)) { try await feed.horizon().transaction > newest }
        #expect(caughtUp, "the history feed's horizon did not pass transaction \(newest)")
    }

    /// Every `.ndjson` file under the warehouse folder, relative path → lines.
    func loadFiles() throws -> [String: [String]] {
        var files: [String: [String]] = [:]
        let root = warehouseFolder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [:] }
        for case let path as String in walker where path.hasSuffix(".ndjson") || path.hasSuffix(".tmp") {
            let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
            files[path] = text.split(separator: "\n").map(String.init)
        }
        return files
    }

    /// The JSON objects of every line of every file of `table`.
    func rows(_ table: String) throws -> [[String: Any]] {
        try loadFiles().filter { $0.key.hasPrefix(table + "/") }.flatMap { $0.value }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func manifest(run: Int) throws -> WarehouseExportReport {
        let url = warehouseFolder.appendingPathComponent("manifests/run-\(String(format: "%06d", run)).json")
        return try JSONDecoder().decode(WarehouseExportReport.self, from: Data(contentsOf: url))
    }

    /// `sha256sum` of a load file.
    func sha256(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [warehouseFolder.appendingPathComponent(path).path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    /// History row ids of one workflow.
    func historyIDs(of workflow: UUID) async throws -> Set<Int64> {
        let rows = try await db.client.query("SELECT id FROM workflow_history WHERE workflow_id = \(workflow)", logger: db.logger)
        var ids: Set<Int64> = []
        for try await id in rows.decode(Int64.self) { ids.insert(id) }
        return ids
    }

    /// History row ids of every workflow but `excluding`.
    func historyIDs(excluding: [UUID] = []) async throws -> Set<Int64> {
        let rows = try await db.client.query("SELECT id FROM workflow_history WHERE NOT (workflow_id = ANY(\(excluding)))", logger: db.logger)
        var ids: Set<Int64> = []
        for try await id in rows.decode(Int64.self) { ids.insert(id) }
        return ids
    }
}

/// Counts calls and makes chosen ones fail after doing their work, as a crash between the
/// effect and the step's commit would.
final class FailAfter: Sendable {
    private let calls = Mutex(0)
    private let failing: Set<Int>

    init(failing calls: Set<Int>) { self.failing = calls }

    /// Numbers this call (from 1); true when it must fail after its work.
    func next() -> Bool {
        calls.withLock { count in
            count += 1
            return failing.contains(count)
        }
    }

    var count: Int { calls.withLock { $0 } }
}

struct InjectedCrash: Error, CustomStringConvertible {
    var description: String { "injected crash after the effect, before the checkpoint" }
}

/// Writes the file, then (on chosen calls) fails as if the worker died before committing.
struct CrashingWarehouseFiles: WarehouseFiles {
    let base: any WarehouseFiles
    let plan: FailAfter

    func write(_ contents: [UInt8], to path: String) async throws -> StoredFile {
        let stored = try await base.write(contents, to: path)
        if plan.next() { throw InjectedCrash() }
        return stored
    }
}

/// Advances the cursor, then (on chosen calls) fails before the run's own commit.
struct CrashingSyncCursors: SyncCursors {
    let base: any SyncCursors
    let plan: FailAfter

    func acquire(_ name: String, run: UUID) async throws -> SyncCursorClaim { try await base.acquire(name, run: run) }

    func advance(_ name: String, run: UUID, from: String?, to: String) async throws -> Int {
        let number = try await base.advance(name, run: run, from: from, to: to)
        if plan.next() { throw InjectedCrash() }
        return number
    }
}

/// Sends the batch, then (on chosen calls) fails as if the response was lost or the worker died.
struct CrashingEmailMarketing: EmailMarketing {
    let base: any EmailMarketing
    let plan: FailAfter

    var maxBatchSize: Int { base.maxBatchSize }

    func upsertProfiles(_ profiles: [MarketingProfile]) async throws -> ProfileImportReceipt {
        let receipt = try await base.upsertProfiles(profiles)
        if plan.next() { throw InjectedCrash() }
        return receipt
    }

    func importJob(id: String) async throws -> ProfileImportJob { try await base.importJob(id: id) }

    func importFailures(jobID: String, limit: Int) async throws -> [ProfileImportFailure] {
        try await base.importFailures(jobID: jobID, limit: limit)
    }
}
