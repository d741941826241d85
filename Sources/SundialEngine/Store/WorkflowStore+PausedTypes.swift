import Foundation
import PostgresNIO

extension WorkflowStore {
    /// Pauses a workflow type fleet-wide; returns false when it was already paused. Workers read
    /// the set at each heartbeat and stop claiming the type (primary key of `paused_types`).
    /// `audit` is written in the same statement when the pause takes.
    public func pauseType(_ type: String, reason: String?, actor: String, audit: AuditNote? = nil) async throws -> Bool {
        let rows = try await acknowledgedWrite("""
            WITH paused AS (
                INSERT INTO paused_types (type, paused_by, reason) VALUES (\(type), \(actor), \(reason))
                ON CONFLICT (type) DO NOTHING RETURNING type
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', \(audit?.detail)::text
                FROM paused WHERE \(audit?.actor)::text IS NOT NULL
            )
            SELECT count(*)::int8 FROM paused
            """)
        if let count = try rows.first?.decode(Int64.self) { return count == 1 }
        return false
    }

    /// Resumes a paused type and wakes the workers; returns false when it was not paused.
    public func resumeType(_ type: String, audit: AuditNote? = nil) async throws -> Bool {
        let rows = try await acknowledgedWrite("""
            WITH deleted AS (
                DELETE FROM paused_types WHERE type = \(type) RETURNING type
            ), audited AS (
                INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
                SELECT \(audit?.actor)::text, \(audit?.action)::text, \(audit?.target)::text, \(audit?.reason)::text, 'ok', \(audit?.detail)::text
                FROM deleted WHERE \(audit?.actor)::text IS NOT NULL
            ), notified AS (
                SELECT pg_notify(\(wakeupChannel), '') FROM deleted
            )
            SELECT count(*)::int8 FROM deleted
            """)
        if let count = try rows.first?.decode(Int64.self) { return count == 1 }
        return false
    }

    /// Every paused type (a small table: a sequential scan of a handful of rows).
    public func pausedTypes() async throws -> [PausedType] {
        let rows = try await client.query("SELECT type, paused_at, paused_by, reason FROM paused_types ORDER BY type", logger: logger)
        var result: [PausedType] = []
        for try await (type, at, by, reason) in rows.decode((String, Date, String, String?).self) {
            result.append(PausedType(type: type, pausedAt: at, pausedBy: by, reason: reason))
        }
        return result
    }
}
