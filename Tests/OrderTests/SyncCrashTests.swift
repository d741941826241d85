import Foundation
import Integrations
import Sandbox
import Sundial
@testable import SundialEngine
import SundialTestSupport
import Testing
import Workflows

/// The syncs under real `sundial worker` processes killed with SIGKILL in the middle of a run.
@Suite("Syncs with killed workers", .serialized)
struct SyncCrashTests {
    @Test("a worker killed mid-export: another finishes the run; every event once, no stray file")
    func killDuringExport() async throws {
        try await SyncHarness.with { h in
            try await h.db.withWorker { _ in
                for index in 1...4 { try await h.completeOrder("SO-X\(index)", customer: "C\(index)", email: "c\(index)@example.com") }
            }
            try await h.feedCaughtUp()
            let history = try await h.historyIDs()
            let first = try h.startWorker("export-a", extra: ["SUNDIAL_WAREHOUSE_CHUNK_EVENTS": "1"])
            let run = try await h.db.workflows.start(WarehouseExport.self, key: "killed", input: SyncRunInput(slot: Date())).id
            let midRun = try await eventually(timeout: .seconds(30), every: .milliseconds(20)) {
                let snapshot = try await h.db.store.workflow(run)
                let context = try JSONDecoder.decode(WarehouseExportContext.self, from: snapshot.context)
                return snapshot.state == "export" && context.chunk >= 3
            }
            first.kill()
            #expect(midRun, "the run was killed in the middle of its chunks")
            let second = try h.startWorker("export-b", extra: ["SUNDIAL_WAREHOUSE_CHUNK_EVENTS": "2"])
            defer { second.kill() }
            let snapshot = try await h.db.settled(run, timeout: .seconds(60))
            try #require(snapshot.status == .completed, "\(snapshot.state): \(snapshot.lastError ?? "")\n\(second.log.suffix(3000))")
            let report = try JSONDecoder.decode(WarehouseExportReport.self, from: snapshot.output)
            let files = try h.loadFiles()
            #expect(Set(files.keys) == Set(report.files.map(\.path)), "no second copy, no temporary file")
            let events = try h.rows("events").compactMap { ($0["history_id"] as? NSNumber)?.int64Value }
            #expect(events.count == Set(events).count, "no event twice")
            #expect(Set(events).isSuperset(of: history), "no event skipped")
            #expect(try h.rows("orders").count == 4)
            #expect(try h.manifest(run: 1) == report)
        }
    }

    @Test("a worker killed mid-sync: another finishes; every customer one contact, at most the batch in flight sent twice")
    func killDuringProfileSync() async throws {
        try await SyncHarness.with(sandbox: { $0.faults[.klaviyo] = FaultSettings(latencyMilliseconds: 300) }) { h in
            let customers = (1...6).map { "k\($0)@example.com" }
            try await h.db.withWorker { _ in
                for (index, email) in customers.enumerated() { try await h.completeOrder("SO-Y\(index)", customer: "K\(index)", email: email) }
            }
            try await h.feedCaughtUp()
            let first = try h.startWorker("sync-a", extra: ["SUNDIAL_PROFILE_BATCH_SIZE": "1"])
            let run = try await h.db.workflows.start(ProfileSync.self, key: "killed", input: SyncRunInput(slot: Date())).id
            let midRun = try await eventually(timeout: .seconds(30), every: .milliseconds(20)) { h.sandbox.profileImportJobs().count >= 2 }
            first.kill()
            #expect(midRun)
            let second = try h.startWorker("sync-b", extra: ["SUNDIAL_PROFILE_BATCH_SIZE": "1"])
            defer { second.kill() }
            let snapshot = try await h.db.settled(run, timeout: .seconds(60))
            try #require(snapshot.status == .completed, "\(snapshot.state): \(snapshot.lastError ?? "")\n\(second.log.suffix(3000))")
            let contacts = h.sandbox.marketingProfiles()
            #expect(contacts.map(\.email) == customers.sorted())
            #expect(contacts.allSatisfy { (1...2).contains($0.imports) })
            #expect(contacts.filter { $0.imports == 2 }.count <= 1, "only the batch in flight when the worker died is sent again")
        }
    }
}

extension SyncHarness {
    /// A real `sundial worker` process on this test's schema, sandbox and warehouse folder.
    func startWorker(_ name: String, extra: [String: String] = [:]) throws -> WorkerProcess {
        var environment = [
            "SUNDIAL_SANDBOX_URL": orders.sandboxURL,
            "SUNDIAL_LABEL_DIR": orders.labelFolder.path,
            "SUNDIAL_WAREHOUSE_DIR": warehouseFolder.path,
            "SUNDIAL_SYNC_CURSOR_WAIT_SECONDS": "1",
            "SUNDIAL_LOG_FORMAT": "json",
        ]
        for limit in OrderHarness.limits {
            environment[APILimit.environmentName(limit.api)] =
                "rate=\(limit.rateCapacity)/\(Int(limit.rateWindow.seconds * 1000))ms,failures=\(limit.failureThreshold),cooldown=\(Int(limit.cooldown.seconds * 1000))ms"
        }
        environment.merge(extra) { _, new in new }
        return try WorkerProcess(database: db.database, workerID: name, lease: 2, concurrency: 4, extra: environment,
                                 binary: WorkerProcess.binary("sundial"), arguments: ["worker"])
    }
}
