import Foundation
import Integrations
import Sandbox
import Sundial
@testable import SundialEngine
import SundialTestSupport
import Testing
import Workflows

@Suite("Profile sync", .serialized)
struct ProfileSyncTests {
    @Test("the first run sends every customer of completed orders once; the second only customers of newer orders")
    func firstAndSecondRun() async throws {
        try await SyncHarness.with { h in
            try await h.db.withWorker { _ in
                try await h.completeOrder("SO-P1", customer: "Ada", email: "ada@example.com")
                try await h.completeOrder("SO-P2", customer: "Bob", email: "Bob@Example.com")
                try await h.completeOrder("SO-P3", customer: "Ada", email: "ada@example.com")   // a returning customer
                try await h.completeOrder("SO-P4", customer: "Nomail", email: nil)
                try await h.declinedOrder("SO-P5")                                              // not completed: not sent

                let first = try await h.run(ProfileSync.self, key: "day-1")
                #expect(first.run == 1)
                #expect(first.profilesSent == 2)
                #expect(first.skippedWithoutEmail == 1)
                #expect(first.batches == 1)
                #expect(first.profilesImported == 2)
                #expect(first.profilesFailed == 0)
                var contacts = h.sandbox.marketingProfiles()
                #expect(contacts.map(\.email) == ["ada@example.com", "bob@example.com"])
                #expect(contacts.map(\.imports) == [1, 1])
                let ada = try #require(contacts.first)
                #expect(ada.firstName == "Ada")
                #expect(ada.lastName == "Shopper")
                #expect(ada.externalID == "cust-ada")
                #expect(ada.properties["last_order_id"] == "SO-P3")
                #expect(ada.properties["last_order_total"] == "61.76")

                try await h.completeOrder("SO-P6", customer: "Bob", email: "bob@example.com")
                try await h.completeOrder("SO-P7", customer: "Cy", email: "cy@example.com")
                let second = try await h.run(ProfileSync.self, key: "day-2")
                #expect(second.run == 2)
                #expect(second.cursorFrom == first.cursorTo)
                #expect(second.profilesSent == 2)
                contacts = h.sandbox.marketingProfiles()
                #expect(contacts.map(\.email) == ["ada@example.com", "bob@example.com", "cy@example.com"])
                #expect(contacts.map(\.imports) == [1, 2, 1])
                #expect(contacts[1].properties["last_order_id"] == "SO-P6")

                let third = try await h.run(ProfileSync.self, key: "day-3")
                #expect(third.profilesSent == 0)
                #expect(third.batches == 0)
                #expect(h.sandbox.profileImportJobs().count == 2)
            }
        }
    }

    @Test("a batch sent but not checkpointed is sent again and upserted onto the same contacts; a 429 waits and goes on; nothing skipped")
    func crashAndThrottle() async throws {
        let sends = FailAfter(failing: [2])
        var wrappers = SyncHarness.Wrappers()
        wrappers.marketing = { CrashingEmailMarketing(base: $0, plan: sends) }
        try await SyncHarness.with(settings: SyncSettings(profileBatchSize: 2, cursorWait: .milliseconds(200)), wrappers: wrappers) { h in
            try await h.db.withWorker { _ in
                let customers = ["Ann", "Ben", "Cat", "Dan", "Eve"]
                for (index, name) in customers.enumerated() {
                    try await h.completeOrder("SO-K\(index)", customer: name, email: "\(name.lowercased())@example.com")
                }
                try await h.feedCaughtUp()
                h.sandbox.faults.set(FaultSettings(rateLimitRate: 1, retryAfterSeconds: 1), for: .klaviyo)
                let started = try await h.db.workflows.start(ProfileSync.self, key: "throttled", input: SyncRunInput(slot: Date()))
                let throttled = try await eventually(timeout: .seconds(30)) {
                    (try await h.db.store.workflow(started.id).lastError ?? "").contains("429")
                }
                #expect(throttled)
                h.sandbox.faults.set(.none, for: .klaviyo)
                let snapshot = try await h.db.settled(started.id, timeout: .seconds(60))
                #expect(snapshot.status == .completed)
                let report = try JSONDecoder.decode(ProfileSyncReport.self, from: snapshot.output)

                let contacts = h.sandbox.marketingProfiles()
                #expect(contacts.map(\.email) == customers.map { "\($0.lowercased())@example.com" }, "every customer, one contact each")
                // Batches of two orders: [Ann, Ben], [Cat, Dan] (sent twice: the first answer was lost), [Eve].
                #expect(contacts.map(\.imports) == [1, 1, 2, 2, 1])
                #expect(report.batches == 3)
                #expect(report.profilesSent == 5)
                #expect(h.sandbox.profileImportJobs().map(\.emails) == [
                    ["ann@example.com", "ben@example.com"], ["cat@example.com", "dan@example.com"],
                    ["cat@example.com", "dan@example.com"], ["eve@example.com"],
                ])
            }
        }
    }

    @Test("a profile the platform refuses is reported with its reason; the run follows each job to its end")
    func refusedProfilesAreReported() async throws {
        try await SyncHarness.with { h in
            try await h.db.withWorker { _ in
                try await h.completeOrder("SO-R1", customer: "Ada", email: "ada@example.com")
                try await h.completeOrder("SO-R2", customer: "Local", email: "root@localhost")   // an address the shop took, Klaviyo refuses
                let report = try await h.run(ProfileSync.self, key: "refused")
                #expect(report.profilesSent == 2)
                #expect(report.profilesImported == 1)
                #expect(report.profilesFailed == 1)
                #expect(report.failures.map(\.email) == ["root@localhost"])
                #expect(report.failures.first?.code == "invalid")
                #expect(report.unfinishedJobs.isEmpty)
                #expect(h.sandbox.marketingProfiles().map(\.email) == ["ada@example.com"])
                let job = try #require(h.sandbox.profileImportJobs().first)
                #expect(job.status == "complete")
                #expect(job.failedCount == 1)
            }
        }
    }
}

@Suite("Sync cursors and the history feed")
struct SyncCursorTests {
    @Test("one run holds a cursor at a time; its advance frees it, is idempotent, and refuses a run that does not hold it")
    func cursorOwnership() async throws {
        try await SyncHarness.with { h in
            let cursors = PostgresSyncCursors(store: h.db.store)
            // Two runs that exist and are active (no worker runs them here).
            let a = try await h.db.workflows.start(ProfileSync.self, key: "a", input: SyncRunInput(slot: Date())).id
            let b = try await h.db.workflows.start(ProfileSync.self, key: "b", input: SyncRunInput(slot: Date())).id
            #expect(try await cursors.acquire("test", run: a) == .acquired(position: nil, runNumber: 1))
            #expect(try await cursors.acquire("test", run: a) == .acquired(position: nil, runNumber: 1))
            #expect(try await cursors.acquire("test", run: b) == .held(by: a))
            await #expect(throws: WorkflowError.self) { try await cursors.advance("test", run: b, from: nil, to: "1:1") }
            #expect(try await cursors.advance("test", run: a, from: nil, to: "5:9") == 1)
            #expect(try await cursors.advance("test", run: a, from: nil, to: "5:9") == 1)
            #expect(try await cursors.acquire("test", run: b) == .acquired(position: "5:9", runNumber: 2))
            // A holder that ended without advancing (cancelled) loses the cursor to the next run.
            try await h.db.withWorker { _ in
                try await h.db.workflows.cancel(b, reason: "test")
                _ = try await h.db.settled(b)
                let c = try await h.db.workflows.start(ProfileSync.self, key: "c", input: SyncRunInput(slot: Date())).id
                #expect(try await cursors.acquire("test", run: c) == .acquired(position: "5:9", runNumber: 2))
            }
        }
    }

    @Test("the feed never returns an event behind one still uncommitted: the horizon waits for the open transaction")
    func exactHorizon() async throws {
        try await SyncHarness.with { h in
            let feed = PostgresWorkflowEventFeed(store: h.db.store)
            let workflow = UUID()
            let opened = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await h.db.client.withTransaction(logger: h.db.logger) { connection in
                        try await connection.query("INSERT INTO workflow_history (workflow_id, visit, event) VALUES (\(workflow), 1, 'slow')",
                                                   logger: h.db.logger)
                        opened.continuation.yield()
                        for await _ in release.stream { break }
                    }
                }
                for await _ in opened.stream { break }
                try await h.db.client.query("INSERT INTO workflow_history (workflow_id, visit, event) VALUES (\(workflow), 1, 'fast')",
                                            logger: h.db.logger)
                let during = try await feed.events(after: nil, before: try await feed.horizon(), workflowType: nil, event: nil, limit: 100)
                #expect(!during.contains { $0.workflowID == workflow }, "the committed 'fast' row waits behind the open 'slow' one")
                release.continuation.yield()
                try await group.waitForAll()
            }
            // Once the slow transaction commits both rows pass the horizon, in commit order (other tests' transactions
            // on the same cluster may hold the horizon back a moment longer).
            let both = try await eventually(timeout: .seconds(20)) {
                let after = try await feed.events(after: nil, before: try await feed.horizon(), workflowType: nil, event: nil, limit: 100)
                return after.filter { $0.workflowID == workflow }.map(\.event) == ["slow", "fast"]
            }
            #expect(both)
        }
    }
}

@Suite("Sync schedules")
struct SyncScheduleTests {
    @Test("the export fires hourly at minute 5 and the profile sync daily at 02:00 store time")
    func schedules() throws {
        let declarations = try SunStyleWorkflows.syncSchedules(storeTimeZone: "America/Chicago")
        #expect(declarations.map(\.name) == ["warehouse-export", "profile-sync"])
        #expect(declarations.map(\.workflowType) == [WarehouseExport.name, ProfileSync.name])
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-26T07:30:00Z"))   // 01:30 in Chicago (CST)
        #expect(declarations[0].schedule.nextFire(after: now) == ISO8601DateFormatter().date(from: "2026-11-26T08:05:00Z"))
        #expect(declarations[1].schedule.nextFire(after: now) == ISO8601DateFormatter().date(from: "2026-11-26T08:00:00Z"))
        #expect(Set(SunStyleWorkflows.schedules.map(\.name)).isSuperset(of: ["warehouse-export", "profile-sync"]))
    }
}
