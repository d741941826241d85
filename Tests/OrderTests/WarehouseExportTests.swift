import Foundation
import Integrations
import Sundial
@testable import SundialEngine
import SundialTestSupport
import Testing
import Workflows

@Suite("Warehouse export", .serialized)
struct WarehouseExportTests {
    @Test("the first run exports every order, shipment and event by hour with a manifest; the second only what is new")
    func firstAndSecondRun() async throws {
        try await SyncHarness.with { h in
            try await h.db.withWorker { _ in
                let early = try await h.completeOrder("SO-W1", customer: "Ada", email: "ada@example.com")
                try await h.completeOrder("SO-W2", customer: "Bob", email: "bob@example.com")
                try await h.declinedOrder("SO-W3")
                // SO-W1 happened three hours earlier: its events and rows belong to that hour.
                try await h.db.client.query("UPDATE workflow_history SET created_at = created_at - interval '3 hours' WHERE workflow_id = \(early)",
                                            logger: h.db.logger)
                // The orders' stray-label sweeps finish first: nothing but run 1 writes history during it.
                #expect(try await h.orders.allSettled(timeout: .seconds(30)))
                let historyBefore = try await h.historyIDs()

                let (runOneID, first) = try await h.runWithID(WarehouseExport.self, key: "run-1")
                #expect(first.run == 1)
                #expect(first.cursorFrom == nil)
                #expect(first.rows["orders"] == 3)
                #expect(first.rows["shipments"] == 2)

                let orders = try h.rows("orders")
                #expect(Set(orders.compactMap { $0["order_id"] as? String }) == ["SO-W1", "SO-W2", "SO-W3"])
                let w1 = try #require(orders.first { $0["order_id"] as? String == "SO-W1" })
                #expect(w1["status"] as? String == "completed")
                #expect(w1["total"] as? String == "61.76")
                #expect(w1["subtotal"] as? String == "52.48")
                #expect(orders.first { $0["order_id"] as? String == "SO-W3" }?["status"] as? String == "cancelled")
                let shipments = try h.rows("shipments")
                #expect(Set(shipments.compactMap { $0["order_id"] as? String }) == ["SO-W1", "SO-W2"])
                #expect(shipments.allSatisfy { $0["tracking_status"] as? String == "delivered" && ($0["tracking_number"] as? String ?? "").count > 5 })
                let events = try h.rows("events")
                let exported = events.compactMap { ($0["history_id"] as? NSNumber)?.int64Value }
                #expect(exported.count == Set(exported).count)
                #expect(first.rows["events"] == exported.count)
                // Everything before the run, plus the run's own start (committed before its range was fixed).
                #expect(Set(exported).isSuperset(of: historyBefore))
                #expect(Set(exported).subtracting(historyBefore).isSubset(of: try await h.historyIDs(of: runOneID)))

                // Partitioned by each row's own hour: SO-W1 three hours before the others.
                let files = try h.loadFiles()
                let w1Hours = Set(files.filter { $0.value.contains { $0.contains("\"SO-W1\"") } }.keys.map(Self.hourFolder))
                let w2Hours = Set(files.filter { $0.value.contains { $0.contains("\"SO-W2\"") } }.keys.map(Self.hourFolder))
                #expect(w1Hours.count == 1 && w2Hours.count == 1 && w1Hours != w2Hours)
                let events1 = try #require(events.first { $0["business_key"] as? String == "SO-W1" })
                let occurred = try #require(events1["occurred_at"] as? String)
                let expectedFolder = HourFolder.of(occurred)
                #expect(w1Hours == [expectedFolder])
                #expect(files.keys.allSatisfy { $0.range(of: #"^(orders|shipments|events)/dt=\d{4}-\d{2}-\d{2}/hour=\d{2}/part-000001-\d{4}\.ndjson$"#, options: .regularExpression) != nil })

                // The manifest lists exactly the files written, with their rows and checksums.
                let manifest = try h.manifest(run: 1)
                #expect(manifest == first)
                #expect(Set(manifest.files.map(\.path)) == Set(files.keys))
                for file in manifest.files {
                    #expect(try h.sha256(file.path) == file.sha256)
                    #expect(files[file.path]?.count == file.rows)
                }
                #expect(manifest.cursorTo == events.compactMap { $0["event_position"] as? String }.max { EventPosition(text: $0)! < EventPosition(text: $1)! })

                // Second run: one new order; only it and what happened since (run 1's own steps).
                try await h.completeOrder("SO-W4", customer: "Cy", email: "cy@example.com")
                // The orders' stray-label sweeps (child workflows) finish first, so every event but
                // run 2's own lies before run 2's range end.
                #expect(try await h.orders.allSettled(timeout: .seconds(30)))
                let (runTwoID, second) = try await h.runWithID(WarehouseExport.self, key: "run-2")
                #expect(second.run == 2)
                #expect(second.cursorFrom == first.cursorTo)
                #expect(second.rows["orders"] == 1)
                #expect(second.rows["shipments"] == 1)
                let allEvents = try h.rows("events").compactMap { ($0["history_id"] as? NSNumber)?.int64Value }
                #expect(allEvents.count == Set(allEvents).count, "no event exported twice")
                let everything = try await h.historyIDs()
                #expect(Set(allEvents).isSubset(of: everything))
                #expect(everything.subtracting(allEvents).isSubset(of: try await h.historyIDs(of: runTwoID)),
                        "every event before run 2's range end exported (only run 2's own later steps are left for run 3)")
                #expect(Set(try h.rows("orders").compactMap { $0["order_id"] as? String }).count == 4)
                #expect(try h.rows("orders").count == 4)
            }
        }
    }

    @Test("a failure after writing a file and after moving the cursor rewrites the same names and bytes: nothing skipped or repeated")
    func crashesMidRun() async throws {
        let writes = FailAfter(failing: [2, 5])
        let advances = FailAfter(failing: [1])
        var wrappers = SyncHarness.Wrappers()
        wrappers.warehouse = { CrashingWarehouseFiles(base: $0, plan: writes) }
        wrappers.cursors = { CrashingSyncCursors(base: $0, plan: advances) }
        try await SyncHarness.with(settings: SyncSettings(exportChunkSize: 6, cursorWait: .milliseconds(200)), wrappers: wrappers) { h in
            try await h.db.withWorker { _ in
                try await h.completeOrder("SO-C1", customer: "Ada", email: "ada@example.com")
                try await h.completeOrder("SO-C2", customer: "Bob", email: "bob@example.com")
                let history = try await h.historyIDs()

                let (runID, first) = try await h.runWithID(WarehouseExport.self, key: "crash-1", timeout: .seconds(120))
                #expect(writes.count > first.files.count + 1, "the failed writes were repeated")
                #expect(advances.count == 2, "the advance was repeated after the failure")
                let files = try h.loadFiles()
                #expect(Set(files.keys) == Set(first.files.map(\.path)), "no second copy under another name, no temporary file left")
                let events = try h.rows("events").compactMap { ($0["history_id"] as? NSNumber)?.int64Value }
                #expect(events.count == Set(events).count, "no event twice")
                #expect(Set(events).isSuperset(of: history), "no event skipped")
                #expect(Set(events).subtracting(history).isSubset(of: try await h.historyIDs(of: runID)))
                #expect(try h.rows("orders").count == 2)
                #expect(first.files.map(\.chunk).max()! >= 2, "several chunks")

                let second = try await h.run(WarehouseExport.self, key: "crash-2", timeout: .seconds(120))
                #expect(second.run == 2)
                #expect(second.cursorFrom == first.cursorTo)
                let all = try h.rows("events").compactMap { ($0["history_id"] as? NSNumber)?.int64Value }
                #expect(all.count == Set(all).count)
                #expect(try h.rows("orders").count == 2)
            }
        }
    }

    static func hourFolder(_ path: String) -> String {
        path.split(separator: "/").dropFirst().prefix(2).joined(separator: "/")
    }
}

/// The `dt=…/hour=…` folder of an ISO 8601 UTC timestamp (`2026-11-26T09:15:00.123Z`).
enum HourFolder {
    static func of(_ timestamp: String) -> String {
        let day = timestamp.prefix(10)
        let hour = timestamp.dropFirst(11).prefix(2)
        return "dt=\(day)/hour=\(hour)"
    }
}
