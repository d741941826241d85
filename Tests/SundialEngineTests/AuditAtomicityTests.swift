import Foundation
import PostgresNIO
import Sundial
import Testing
@testable import SundialEngine
import SundialTestSupport

@Suite("Audit: every admin action commits with its audit row, or neither is written")
struct AuditAtomicityTests {
    /// What each action changes, read back, and how many `ok` audit rows exist.
    struct World: Equatable {
        var hourlyEnabled: Bool?
        var pausedEnabled: Bool?
        var workflows: Int64?
        var fires: Int64?
        var parked: Int64?
        var pausedTypes: Int64?
        var failedStatus: String?
        var cancelRequested: Bool?
        var signals: Int64?
        var okRows: Int64?

        static func read(_ db: TestDatabase, failed: UUID, active: UUID) async throws -> World {
            World(
                hourlyEnabled: try await db.scalar("SELECT enabled FROM schedules WHERE name = 'hourly'", as: Bool.self),
                pausedEnabled: try await db.scalar("SELECT enabled FROM schedules WHERE name = 'paused'", as: Bool.self),
                workflows: try await db.scalar("SELECT count(*)::int8 FROM workflows", as: Int64.self),
                fires: try await db.scalar("SELECT count(*)::int8 FROM schedule_fires", as: Int64.self),
                parked: try await db.scalar("SELECT count(*)::int8 FROM outbox WHERE status = 'parked'", as: Int64.self),
                pausedTypes: try await db.scalar("SELECT count(*)::int8 FROM paused_types", as: Int64.self),
                failedStatus: try await db.scalar("SELECT status FROM workflows WHERE id = \(failed)", as: String.self),
                cancelRequested: try await db.scalar("SELECT cancel_requested FROM workflows WHERE id = \(active)", as: Bool.self),
                signals: try await db.scalar("SELECT count(*)::int8 FROM workflow_signals", as: Int64.self),
                okRows: try await db.scalar("SELECT count(*)::int8 FROM audit_log WHERE outcome = 'ok'", as: Int64.self))
        }
    }

    static func declaration(_ name: String) throws -> ScheduleDeclaration {
        ScheduleDeclaration(name, workflow: FiveSteps.self, schedule: try Schedule(cron: "0 3 * * *", timeZone: "UTC"), misfire: .skip) { _ in
            FiveSteps.Input(n: 1)
        }
    }

    @Test("with the audit insert failing, no action changes anything; once it works, each change comes with its row")
    func failingAuditUndoesTheAction() async throws {
        try await TestDatabase.with { db in
            let hourly = try Self.declaration("hourly")
            let paused = try Self.declaration("paused")
            try await db.store.syncSchedules([hourly, paused], now: Date())
            try await db.client.query("UPDATE schedules SET enabled = false WHERE name = 'paused'", logger: db.logger)
            let failed = try await db.workflows.start(FiveSteps.self, key: "failed", input: .init(n: 1)).id
            let finished = try await db.workflows.start(FiveSteps.self, key: "finished", input: .init(n: 2)).id
            let active = try await db.workflows.start(FiveSteps.self, key: "active", input: .init(n: 3)).id
            try await db.client.query("UPDATE workflows SET status = 'failed', run_at = NULL WHERE id = \(failed)", logger: db.logger)
            try await db.client.query("UPDATE workflows SET status = 'completed', run_at = NULL, finished_at = now() WHERE id = \(finished)", logger: db.logger)
            let parkedID = try #require(try await db.scalar("""
                INSERT INTO outbox (workflow_id, topic, dedupe_key, payload, status) VALUES (\(active), 'shop', 'k1', '{}', 'parked') RETURNING id
                """, as: Int64.self))
            let actions = AdminActions(workflows: db.workflows, actor: "op")
            let everyAction: [(String, @Sendable () async throws -> Void)] = [
                ("schedule.pause", { try await actions.pauseSchedule("hourly") }),
                ("schedule.resume", { try await actions.resumeSchedule("paused") }),
                ("schedule.trigger", { _ = try await actions.triggerSchedule("hourly", declarations: [hourly]) }),
                ("outbox.replay", { try await actions.replayOutbox(parkedID) }),
                ("type.pause", { try await actions.pauseType(FiveSteps.name, reason: "outage") }),
                ("workflow.resume", { try await actions.resume(failed, reason: "fixed") }),
                ("workflow.cancel", { try await actions.cancel(active, reason: "customer") }),
                ("workflow.signal", { _ = try await actions.signal(active, name: "note", signalID: "s-1", payloadJSON: "{}") }),
                ("workflow.rerun", { _ = try await actions.rerun(finished, from: "track", reason: "again") }),
                ("batch.rerun (a start with its audit row)", {
                    _ = try await actions.perform("batch.rerun", target: "batch:probe", reason: "test") { note in
                        try await db.workflows.start(FiveSteps.self, key: "batch-run-2", input: .init(n: 9), audit: note) { "started \($0.id)" }
                    }
                }),
            ]
            let before = try await World.read(db, failed: failed, active: active)

            // The audit trail refuses every `ok` row: a failure between a change and its row.
            try await db.client.query("""
                CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit trail unavailable'; END $$
                """, logger: db.logger)
            try await db.client.query("""
                CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.outcome = 'ok') EXECUTE FUNCTION refuse_audit()
                """, logger: db.logger)
            for (name, action) in everyAction {
                await #expect(throws: PSQLError.self, "\(name)") { try await action() }
                #expect(try await World.read(db, failed: failed, active: active) == before, "\(name) changed something without its audit row")
            }

            try await db.client.query("DROP TRIGGER refuse_audit ON audit_log", logger: db.logger)
            for (name, action) in everyAction {
                let rows = try await db.scalar("SELECT count(*)::int8 FROM audit_log WHERE outcome = 'ok'", as: Int64.self) ?? 0
                try await action()
                #expect(try await db.scalar("SELECT count(*)::int8 FROM audit_log WHERE outcome = 'ok'", as: Int64.self) == rows + 1, "\(name)")
            }
            let after = try await World.read(db, failed: failed, active: active)
            #expect(after.hourlyEnabled == false && after.pausedEnabled == true && after.parked == 0 && after.pausedTypes == 1)
            #expect(after.failedStatus == "runnable" && after.cancelRequested == true && after.signals == 1 && after.fires == 1)
            #expect(after.workflows == (before.workflows ?? 0) + 3)  // the trigger's, the rerun's and the batch run's
            let trigger = try await db.store.audit(AuditQuery(action: "schedule.trigger"))
            #expect(trigger.first?.detail?.hasPrefix("started ") == true)
        }
    }

    @Test("a refusal's audit row is cut to bounded lengths, whatever the caller sent")
    func refusalsAreBounded() async throws {
        try await TestDatabase.with { db in
            let huge = String(repeating: "é", count: 50_000)
            await AdminActions(workflows: db.workflows, actor: huge).recordRefusal(action: huge, target: huge, reason: huge, why: huge)
            let row = try #require(try await db.store.audit(AuditQuery()).first)
            #expect(row.actor.unicodeScalars.count <= 200 && row.action.unicodeScalars.count <= 100 && row.target.unicodeScalars.count <= 300)
            #expect((row.reason?.unicodeScalars.count ?? 0) <= 1000 && (row.detail?.unicodeScalars.count ?? 0) <= 1000)
            #expect(row.outcome == "refused" && row.target.hasSuffix("…"))
        }
    }
}
