import Foundation
import PostgresNIO
import Sundial

/// A schedule as stored, for listings.
public struct ScheduleRow: Sendable, Codable, Equatable {
    public let name: String
    public let workflowType: String
    public let cron: String
    public let timeZone: String
    public let misfire: String
    public let enabled: Bool
    public let nextFireAt: Date?
    public let lastSlot: Date?
    public let lastFiredAt: Date?
    /// When the schedule was first synced into this database.
    public let createdAt: Date
}

/// One workflow a schedule started.
public struct FiredSlot: Sendable, Equatable {
    public let schedule: String
    public let slot: Date
    public let workflowID: UUID
}

extension MisfirePolicy {
    /// The stored spelling: `skip`, `run_once`, `run_all:N`.
    var storedName: String {
        switch self {
        case .skip: "skip"
        case .runOnce: "run_once"
        case .runAll(let cap): "run_all:\(cap)"
        }
    }
}

extension WorkflowStore {
    /// Writes the schedules declared in code into the table. A new schedule counts from `now`
    /// (slots after it that pass while no worker runs are misfires); a changed cron or time zone
    /// moves `next_fire_at`; `enabled` (an operator's pause) and the firing cursor are kept.
    func syncSchedules(_ declarations: [ScheduleDeclaration], now: Date) async throws {
        for declaration in declarations {
            let next = declaration.schedule.nextFire(after: now)
            try await client.query("""
                INSERT INTO schedules (name, workflow_type, cron, time_zone, misfire, next_fire_at, last_slot)
                VALUES (\(declaration.name), \(declaration.workflowType), \(declaration.schedule.expression.text),
                        \(declaration.schedule.timeZoneIdentifier), \(declaration.misfire.storedName), \(next), \(now))
                ON CONFLICT (name) DO UPDATE SET
                    workflow_type = EXCLUDED.workflow_type,
                    misfire = EXCLUDED.misfire,
                    next_fire_at = CASE WHEN schedules.cron <> EXCLUDED.cron OR schedules.time_zone <> EXCLUDED.time_zone
                                        THEN EXCLUDED.next_fire_at ELSE schedules.next_fire_at END,
                    cron = EXCLUDED.cron,
                    time_zone = EXCLUDED.time_zone,
                    updated_at = now()
                """, logger: logger)
        }
    }

    /// Fires every due slot of the due schedules this process declares, in one transaction per
    /// call: the workflows it starts, their `schedule_fires` rows and the advance of
    /// `next_fire_at` commit together or not at all. `FOR UPDATE SKIP LOCKED` keeps two workers
    /// off the same schedule; the `schedule_fires` primary key and the workflows' unique business
    /// key make a second fire of a slot a no-op even so. Served by `schedules_due`.
    func fireDueSchedules(_ declarations: [String: ScheduleDeclaration], now: Date, limit: Int = 16) async throws -> [FiredSlot] {
        counters.other.add(1, ordering: .relaxed)
        let channel = wakeupChannel
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let due = try await connection.query("""
                SELECT name, last_slot FROM schedules
                WHERE enabled AND next_fire_at <= \(now)
                ORDER BY next_fire_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
                """, logger: logger)
            var rows: [(String, Date?)] = []
            for try await row in due.decode((String, Date?).self) { rows.append(row) }

            var fired: [FiredSlot] = []
            for (name, lastSlot) in rows {
                // A schedule this build does not declare is left to the workers that do.
                guard let declaration = declarations[name] else { continue }
                let slots = declaration.schedule.dueSlots(lastFired: lastSlot, now: now, policy: declaration.misfire)
                for slot in slots {
                    let reason = slot < now.addingTimeInterval(-60) ? "catch-up" : "slot"
                    if let id = try await Self.startScheduled(try declaration.start(for: slot), slot: slot, schedule: name,
                                                              reason: reason, on: connection, logger: logger) {
                        fired.append(FiredSlot(schedule: name, slot: slot, workflowID: id))
                    }
                }
                let newest = slots.last.map { max($0, lastSlot ?? $0) } ?? lastSlot
                let next = declaration.schedule.nextFire(after: max(now, newest ?? now))
                try await connection.query("""
                    UPDATE schedules SET next_fire_at = \(next), last_slot = \(newest),
                        last_fired_at = CASE WHEN \(!slots.isEmpty) THEN now() ELSE last_fired_at END, updated_at = now()
                    WHERE name = \(name)
                    """, logger: logger)
            }
            if !fired.isEmpty {
                try await connection.query("SELECT pg_notify(\(channel), '')", logger: logger)
            }
            return fired
        }
    }

    /// Starts one scheduled workflow inside the firing transaction; nil when the slot already
    /// fired (its workflow or its `schedule_fires` row exists).
    private static func startScheduled(
        _ start: ChildStart, slot: Date, schedule: String, reason: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> UUID? {
        let id = UUID.timeOrdered()
        let rows = try await connection.query("""
            WITH fire AS (
                INSERT INTO schedule_fires (schedule, slot, workflow_id, reason)
                VALUES (\(schedule), \(slot), \(id), \(reason))
                ON CONFLICT (schedule, slot) DO NOTHING
                RETURNING workflow_id
            ), inserted AS (
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at)
                SELECT \(id), \(start.type), \(start.version), \(start.key), \(start.initialState), 'runnable',
                       \(start.input)::jsonb, \(start.context)::jsonb, now()
                FROM fire
                ON CONFLICT (type, business_key) DO NOTHING
                RETURNING id, state
            ), history AS (
                INSERT INTO workflow_history (workflow_id, visit, event, to_state, worker_id)
                SELECT id, 1, 'started', state, \("schedule:" + schedule) FROM inserted
            )
            SELECT id FROM inserted
            """, logger: logger)
        if let started = try await first(rows.decode(UUID.self)) { return started }
        return nil
    }

    /// Every schedule, by name (the schedules this build declares: a handful; the batch deadline
    /// gauge and the CLI read them all).
    public func schedules() async throws -> [ScheduleRow] {
        try await scheduleRows(client.query("""
            SELECT \(unescaped: Self.scheduleColumns) FROM schedules ORDER BY name
            """, logger: logger))
    }

    /// A page of schedules by name, after the schedule named `after` (keyset on the primary key).
    public func schedulesPage(after: String?, limit: Int) async throws -> Page<ScheduleRow> {
        var rows = try await scheduleRows(client.query("""
            SELECT \(unescaped: Self.scheduleColumns) FROM schedules WHERE name > \(after ?? "") ORDER BY name LIMIT \(limit + 1)
            """, logger: logger))
        guard rows.count > limit else { return Page(rows: rows, next: nil) }
        rows.removeLast()
        return Page(rows: rows, next: rows.last.map { ListCursor(micros: 0, key: $0.name) })
    }

    /// One schedule by name (primary key), or nil.
    public func schedule(named name: String) async throws -> ScheduleRow? {
        try await scheduleRows(client.query("""
            SELECT \(unescaped: Self.scheduleColumns) FROM schedules WHERE name = \(name)
            """, logger: logger)).first
    }

    static let scheduleColumns = "name, workflow_type, cron, time_zone, misfire, enabled, next_fire_at, last_slot, last_fired_at, created_at"

    private func scheduleRows(_ rows: PostgresRowSequence) async throws -> [ScheduleRow] {
        var result: [ScheduleRow] = []
        for try await (name, type, cron, zone, misfire, enabled, next, last, fired, created)
            in rows.decode((String, String, String, String, String, Bool, Date?, Date?, Date?, Date).self) {
            result.append(ScheduleRow(name: name, workflowType: type, cron: cron, timeZone: zone, misfire: misfire,
                                      enabled: enabled, nextFireAt: next, lastSlot: last, lastFiredAt: fired, createdAt: created))
        }
        return result
    }

    /// Pauses a schedule: no slot fires until it is resumed. One statement, with `audit` written
    /// in it when the pause takes. Answers nil for an unknown name, false when it was already
    /// paused. Primary key.
    public func pauseSchedule(_ name: String, audit: AuditNote? = nil) async throws -> Bool? {
        let rows = try await acknowledgedWrite("""
            WITH target AS (
                SELECT name, enabled FROM schedules WHERE name = \(name) FOR UPDATE
            ), paused AS (
                UPDATE schedules s SET enabled = false, updated_at = now()
                FROM target WHERE s.name = target.name AND target.enabled
                RETURNING s.name
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', \(audit?.detail)::text
                FROM paused WHERE \(audit?.actor)::text IS NOT NULL
            )
            SELECT (SELECT enabled FROM target), (SELECT count(*) FROM paused)::int8
            """)
        guard let (enabled, paused) = try rows.first?.decode((Bool?, Int64).self), enabled != nil else { return nil }
        return paused == 1
    }

    /// Resumes a paused schedule from now on: slots that passed while it was paused are skipped.
    /// One transaction: the row is locked, its next fire computed from its cron and time zone,
    /// and `audit` written with the change. Answers nil for an unknown name, false when it was
    /// not paused. Primary key.
    public func resumeSchedule(_ name: String, now: Date, audit: AuditNote? = nil) async throws -> Bool? {
        let logger = self.logger
        return try await inTransaction { connection in
            let found = try await connection.query("""
                SELECT cron, time_zone, enabled FROM schedules WHERE name = \(name) FOR UPDATE
                """, logger: logger)
            guard let (cron, zone, enabled) = try await Self.first(found.decode((String, String, Bool).self)) else { return nil }
            guard !enabled else { return false }
            let schedule = try Schedule(cron: cron, timeZone: zone)
            try await connection.query("""
                UPDATE schedules SET enabled = true, last_slot = \(now), next_fire_at = \(schedule.nextFire(after: now)), updated_at = now()
                WHERE name = \(name)
                """, logger: logger)
            if let audit { try await Self.insertAudit(audit, on: connection, logger: logger) }
            return true
        }
    }

    /// Starts the schedule's workflow now, outside its slots (key `<name>@manual-<time>`), and
    /// writes `audit` (detail: the workflow started) in the same transaction. Nil when that
    /// second was already triggered.
    public func triggerSchedule(_ declaration: ScheduleDeclaration, now: Date, audit: AuditNote? = nil) async throws -> UUID? {
        let key = declaration.businessKey(for: now).replacingOccurrences(of: "@", with: "@manual-")
        let start = try declaration.start(for: now, key: key)
        let logger = self.logger
        let channel = wakeupChannel
        return try await inTransaction { connection in
            let id = try await Self.startScheduled(start, slot: now, schedule: declaration.name, reason: "manual", on: connection, logger: logger)
            try await connection.query("SELECT pg_notify(\(channel), '')", logger: logger)
            if let id, var audit {
                audit.detail = "started \(id.uuidString.lowercased())"
                try await Self.insertAudit(audit, on: connection, logger: logger)
            }
            return id
        }
    }

    /// The workflows a schedule started, oldest slot first.
    public func fires(of schedule: String) async throws -> [FiredSlot] {
        let rows = try await client.query("SELECT slot, workflow_id FROM schedule_fires WHERE schedule = \(schedule) ORDER BY slot", logger: logger)
        var result: [FiredSlot] = []
        for try await (slot, id) in rows.decode((Date, UUID).self) { result.append(FiredSlot(schedule: schedule, slot: slot, workflowID: id)) }
        return result
    }
}
