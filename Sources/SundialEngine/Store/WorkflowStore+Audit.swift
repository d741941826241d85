import Foundation
import Logging
import PostgresNIO

extension WorkflowStore {
    /// Appends one audit entry.
    @discardableResult
    public func recordAudit(actor: String, action: String, target: String, reason: String?, outcome: String,
                            detail: String?) async throws -> Int64 {
        let rows = try await client.query("""
            INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
            VALUES (\(actor), \(action), \(target), \(reason), \(outcome), \(detail)) RETURNING id
            """, logger: logger)
        if let id = try await first(rows.decode(Int64.self)) { return id }
        return 0
    }

    /// Writes `note` as an `ok` entry inside a transaction that also holds the action it records,
    /// so both commit or neither does.
    static func insertAudit(_ note: AuditNote, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO audit_log (actor, action, target, reason, outcome, detail)
            VALUES (\(note.actor), \(note.action), \(note.target), \(note.reason), 'ok', \(note.detail))
            """, logger: logger)
    }

    /// Audit entries newest first, keyset on id. Served by the primary key without a filter, else
    /// by `audit_log_by_actor`, `audit_log_by_action` or `audit_log_by_target` ((filter, id)).
    public func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
        var binds = PostgresBindings()
        var predicates: [String] = []
        func bind(_ value: some PostgresEncodable & Sendable, _ sqlType: String) throws -> String {
            try binds.append(value)
            return "$\(binds.count)::\(sqlType)"
        }
        if let actor = query.actor { predicates.append("actor = \(try bind(actor, "text"))") }
        if let action = query.action { predicates.append("action = \(try bind(action, "text"))") }
        if let target = query.target { predicates.append("target = \(try bind(target, "text"))") }
        if let before = query.before { predicates.append("id < \(try bind(before, "int8"))") }
        let sql = """
            SELECT id, at, actor, action, target, reason, outcome, detail FROM audit_log
            \(predicates.isEmpty ? "" : "WHERE " + predicates.joined(separator: " AND "))
            ORDER BY id DESC LIMIT \(try bind(query.limit, "int8"))
            """
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var result: [AuditEntry] = []
        for try await (id, at, actor, action, target, reason, outcome, detail)
            in rows.decode((Int64, Date, String, String, String, String?, String, String?).self) {
            result.append(AuditEntry(id: id, at: at, actor: actor, action: action, target: target, reason: reason,
                                     outcome: outcome, detail: detail))
        }
        return result
    }
}
