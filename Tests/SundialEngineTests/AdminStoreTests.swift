import Foundation
import PostgresNIO
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Admin store: pause, list, retry, rerun, explain, audit")
struct AdminStoreTests {
    @Test("a paused type is not claimed by a real worker, its running step finishes, and resume lets it go on")
    func pauseTypeWithWorker() async throws {
        try await TestDatabase.with { db in
            let actions = AdminActions(workflows: db.workflows, actor: "test-admin")
            // A 3 s lease (heartbeat, and so the pause notice, every second) that a loaded machine
            // does not lose in the middle of a step.
            try await db.withWorker({ $0.leaseDuration = .seconds(3) }) { _ in
                // In flight when the pause lands: its current step finishes, then it stops.
                // Steps of 4 s: the pause (seen at the next heartbeat, within a second) lands during the first.
                let slow = try await db.workflows.start(SlowProbe.self, key: "slow", input: .init(stepMilliseconds: 4000))
                #expect(try await eventually { try await db.store.workflow(slow.id).leaseOwner != nil })
                try await actions.pauseType(SlowProbe.name, reason: "vendor outage")
                // The running step commits and hands the workflow back instead of running on.
                #expect(try await eventually(timeout: .seconds(20)) {
                    let row = try await db.store.workflow(slow.id)
                    return row.leaseOwner == nil && row.state != "one"
                })
                let other = try await db.workflows.start(FiveSteps.self, key: "unpaused", input: .init(n: 1))
                let paused = try await db.workflows.start(SlowProbe.self, key: "paused", input: .init(stepMilliseconds: 1))
                #expect(try await db.settled(other.id).status == .completed)
                try await Task.sleep(for: .seconds(2))
                let stopped = try await db.store.workflow(slow.id)
                #expect(stopped.status == .runnable && stopped.leaseOwner == nil)
                #expect(try await db.store.workflow(paused.id).state == "one")
                #expect(try await db.store.workflow(paused.id).visit == 1)
                #expect(try await db.workflows.explain(paused.id).reason == .pausedType)

                await #expect(throws: AdminRefusal.self) { try await actions.pauseType(SlowProbe.name, reason: nil) }
                try await actions.resumeType(SlowProbe.name, reason: "vendor back")
                #expect(try await db.settled(slow.id).status == .completed)
                #expect(try await db.settled(paused.id).status == .completed)
            }
            let trail = try await db.store.audit(AuditQuery(target: "type:\(SlowProbe.name)"))
            #expect(trail.map(\.action) == ["type.resume", "type.pause", "type.pause"])
            #expect(trail.map(\.outcome) == ["ok", "refused", "ok"])
            #expect(trail.last?.reason == "vendor outage")
        }
    }

    @Test("keyset pages cover every row once, newest first, with filters")
    func pagination() async throws {
        try await TestDatabase.with { db in
            var ids: [UUID] = []
            for n in 0..<23 { ids.append(try await db.workflows.start(FiveSteps.self, key: "k\(n)", input: .init(n: n)).id) }
            // Same created_at for several rows: the id breaks ties.
            try await db.client.query("UPDATE workflows SET created_at = '2026-11-01T00:00:00Z' WHERE business_key IN ('k3', 'k4', 'k5', 'k6')", logger: db.logger)
            var seen: [UUID] = []
            var cursor: ListCursor?
            var pages = 0
            repeat {
                let page = try await db.store.listWorkflows(WorkflowListQuery(type: FiveSteps.name, after: cursor, limit: 5))
                seen += page.rows.map(\.id)
                cursor = page.next
                pages += 1
                if let next = cursor { #expect(try ListCursor.decode(next.token) == next) }
            } while cursor != nil
            #expect(pages == 5)
            #expect(seen.count == 23 && Set(seen) == Set(ids))
            let byKey = try await db.store.listWorkflows(WorkflowListQuery(businessKey: "k7"))
            #expect(byKey.rows.map(\.businessKey) == ["k7"])
            let old = try await db.store.listWorkflows(WorkflowListQuery(createdTo: Date(timeIntervalSince1970: 1_793_577_600)))
            #expect(Set(old.rows.map(\.businessKey)) == ["k3", "k4", "k5", "k6"])
            #expect(try await db.store.listWorkflows(WorkflowListQuery(status: .completed)).rows.isEmpty)
        }
    }

    @Test("each list filter is served by an index scan (EXPLAIN on more rows than a page may walk)")
    func listIndexes() async throws {
        try await TestDatabase.with { db in
            // More rows than a bounded walk takes (WorkflowListQuery.scanLimit), as in production:
            // on fewer, reading the whole table and sorting it is the cheaper plan.
            try await db.client.query("""
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, created_at, updated_at)
                SELECT gen_random_uuid(), 't' || (n % 7), 1, 'key-' || n, 's' || (n % 5),
                       CASE WHEN n % 97 = 0 THEN 'failed' WHEN n % 89 = 0 THEN 'runnable' WHEN n % 2 = 0 THEN 'completed' ELSE 'cancelled' END,
                       '{}', '{}', now() - n * interval '1 minute', now() - n * interval '30 seconds'
                FROM generate_series(1, 40000) AS n
                """, logger: db.logger)
            try await db.client.query("ANALYZE workflows", logger: db.logger)
            let cursor = ListCursor(micros: 1_700_000_000_000_000, key: UUID().uuidString)
            let cases: [(WorkflowListQuery, String)] = [
                (WorkflowListQuery(limit: 50), "workflows_by_created"),
                (WorkflowListQuery(after: cursor, limit: 50), "workflows_by_created"),
                (WorkflowListQuery(type: "t3", limit: 50), "workflows_type_created"),
                // type + state: a range of one of the type's indexes, state filtered inside it.
                (WorkflowListQuery(type: "t3", state: "s1", limit: 50), "workflows_"),
                (WorkflowListQuery(status: .failed, limit: 50), "workflows_status_created"),
                (WorkflowListQuery(businessKey: "key-42", limit: 50), "workflows_by_business_key"),
                (WorkflowListQuery(createdFrom: Date().addingTimeInterval(-3600), limit: 50), "workflows_by_created"),
                (WorkflowListQuery(updatedTo: Date().addingTimeInterval(-3600), limit: 50), "workflows_by_created"),
                // Filters outside the walked index: a walk of at most scanLimit rows of the index
                // the others choose (or, when the planner expects fewer rows than that, all rows of
                // the status or type through one of its indexes, then sorted).
                (WorkflowListQuery(state: "s1", limit: 50), "workflows_by_created"),
                (WorkflowListQuery(updatedFrom: Date().addingTimeInterval(-3600), limit: 50), "workflows_by_created"),
                (WorkflowListQuery(type: "t3", status: .failed, limit: 50), "workflows_status_"),
                (WorkflowListQuery(status: .failed, businessKey: "key-42", limit: 50), "workflows_by_business_key"),
                (WorkflowListQuery(type: "t3", state: "s1", after: ListCursor(micros: Int64((Date().timeIntervalSince1970 - 600_000) * 1_000_000),
                                                                            key: UUID().uuidString), limit: 50), "workflows_"),
            ]
            for (query, index) in cases {
                let plan = try await db.store.listWorkflowsPlan(query)
                #expect(plan.contains("Index Scan") && plan.contains(index), "\(query): \(plan)")
                #expect(!plan.contains("Seq Scan"), "\(query): \(plan)")
            }
        }
    }

    @Test("a filter outside the walked index reads at most scanLimit rows a page: short pages with a cursor, to the end")
    func boundedWalk() async throws {
        try await TestDatabase.with { db in
            let total = WorkflowListQuery.scanLimit * 2 + 500
            try await db.client.query("""
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, created_at, updated_at)
                SELECT gen_random_uuid(), 'walk', 1, 'w-' || n, CASE WHEN n % 1000 = 0 THEN 'rare' ELSE 'common' END, 'completed',
                       '{}', '{}', now() - n * interval '1 second', now() - n * interval '1 second'
                FROM generate_series(1, \(total)) AS n
                """, logger: db.logger)
            // A state no row is in: three walks (10,000, 10,000, 500 rows), the first two empty with a cursor.
            var cursor: ListCursor?
            var pages: [Int] = []
            repeat {
                let page = try await db.store.listWorkflows(WorkflowListQuery(state: "nowhere", after: cursor, limit: 50))
                pages.append(page.rows.count)
                cursor = page.next
            } while cursor != nil
            #expect(pages == [0, 0, 0])
            // A rare state: every match once, in order, over the same three walks.
            var seen: [String] = []
            repeat {
                let page = try await db.store.listWorkflows(WorkflowListQuery(type: "walk", state: "rare", after: cursor, limit: 5))
                seen += page.rows.map(\.businessKey)
                cursor = page.next
            } while cursor != nil
            #expect(seen == (1...(total / 1000)).map { "w-\($0 * 1000)" })
            // Refused before any walk: a lower bound in the future, an empty range.
            #expect(WorkflowListQuery(updatedFrom: Date().addingTimeInterval(86_400 * 365)).problems()["updated_from"] != nil)
            #expect(WorkflowListQuery(createdFrom: Date().addingTimeInterval(3600)).problems()["created_from"] != nil)
            #expect(WorkflowListQuery(createdFrom: Date(), createdTo: Date().addingTimeInterval(-1)).problems()["created_to"] != nil)
            #expect(WorkflowListQuery(updatedFrom: Date().addingTimeInterval(-10)).problems().isEmpty)
        }
    }

    @Test("retry now skips a backoff; refused (409 material) when not backing off")
    func retryNow() async throws {
        try await TestDatabase.with { db in
            let started = try await db.workflows.start(FiveSteps.self, key: "r", input: .init(n: 1))
            let actions = AdminActions(workflows: db.workflows, actor: "op")
            let refused = await #expect(throws: StoreError.self) { try await actions.retryNow(started.id, reason: nil) }
            guard case .invalidStatus = refused else { Issue.record("expected invalidStatus"); return }
            try await db.client.query("""
                UPDATE workflows SET attempt = 2, last_error = 'boom', run_at = now() + interval '1 hour' WHERE id = \(started.id)
                """, logger: db.logger)
            let explained = try await db.workflows.explain(started.id)
            #expect(explained.reason == .backingOff && explained.error == "boom" && explained.attempt == 2 && explained.maxAttempts == 5)
            try await actions.retryNow(started.id, reason: "upstream fixed")
            let row = try await db.store.workflow(started.id)
            #expect(row.runAt.map { $0 <= Date().addingTimeInterval(1) } == true)
            #expect(try await db.store.history(started.id).last?.event == "retry-now")
        }
    }

    @Test("rerun starts a linked run from a chosen state with the old context; refused while active")
    func rerun() async throws {
        try await TestDatabase.with { db in
            let actions = AdminActions(workflows: db.workflows, actor: "op")
            let first = try await db.workflows.start(FiveSteps.self, key: "order-9", input: .init(n: 9))
            let active = await #expect(throws: StoreError.self) { try await actions.rerun(first.id, from: "track", reason: "too early") }
            guard case .invalidStatus = active else { Issue.record("expected invalidStatus"); return }
            try await db.withWorker { _ in
                #expect(try await db.settled(first.id).status == .completed)
                await #expect(throws: InputError.self) { try await actions.rerun(first.id, from: "nowhere", reason: "x") }
                let again = try await actions.rerun(first.id, from: "track", reason: "invoice lost")
                let second = try await actions.rerun(first.id, from: "invoice", reason: "and again")
                let rerun = try await db.settled(again)
                #expect(rerun.status == .completed && rerun.rerunOf == first.id && rerun.businessKey == "order-9#rerun-1")
                #expect(try await db.store.workflow(second).businessKey == "order-9#rerun-2")
                let visited = try JSONDecoder.decode(FiveSteps.Output.self, from: rerun.output).visited
                #expect(visited.suffix(2) == ["track", "invoice"])
                #expect(try await db.store.history(again).first?.workerID == "op")
            }
            let trail = try await db.store.audit(AuditQuery(action: "workflow.rerun"))
            #expect(trail.map(\.outcome) == ["ok", "ok", "refused", "refused"])
        }
    }

    @Test("explain names the wait: sleeping, awaiting a signal, parked, failed, capacity, leased, not deployed")
    func explainReasons() async throws {
        try await TestDatabase.with { db in
            let id = try await db.workflows.start(FiveSteps.self, key: "e", input: .init(n: 1)).id
            func set(_ sql: String) async throws {
                try await db.client.query(PostgresQuery(unsafeSQL: "UPDATE workflows SET \(sql) WHERE id = '\(id.uuidString)'"), logger: db.logger)
            }
            #expect(try await db.workflows.explain(id).reason == .notDeployed)
            try await set("status = 'sleeping', run_at = now() + interval '1 hour'")
            #expect(try await db.workflows.explain(id).reason == .sleeping)
            try await set("last_error = 'waiting for capacity: fedex rate', run_at = now() + interval '2 seconds'")
            #expect(try await db.workflows.explain(id).reason == .waitingForCapacity)
            try await set("status = 'waiting', wait_signal = 'delivered', last_error = NULL, run_at = now() + interval '1 day'")
            let awaiting = try await db.workflows.explain(id)
            #expect(awaiting.reason == .awaitingSignal && awaiting.signal == "delivered" && awaiting.until != nil)
            try await set("wait_signal = 'resume', run_at = NULL")
            #expect(try await db.workflows.explain(id).reason == .parkedForOperator)
            try await set("status = 'failed', wait_signal = NULL, last_error = 'declined'")
            let failed = try await db.workflows.explain(id)
            #expect(failed.reason == .failed && failed.action == "resume" && failed.error == "declined")
            try await set("status = 'runnable', lease_owner = 'w-1', run_at = now() + interval '20 seconds'")
            let leased = try await db.workflows.explain(id)
            #expect(leased.reason == .leased && leased.worker == "w-1")
            try await set("status = 'completed', lease_owner = NULL, run_at = NULL, finished_at = now()")
            #expect(try await db.workflows.explain(id).reason == .finished)
        }
    }
}
