import Foundation
import PostgresNIO

extension WorkflowStore {
    /// One page of the admin workflow listing, newest first by (created_at, id), keyset after
    /// `query.after`. Only the filters given become predicates (each bound, never interpolated),
    /// so the planner sees exactly the query it has to serve:
    /// - business key: `workflows_by_business_key (business_key, created_at, id)`;
    /// - status: `workflows_status_created (status, created_at, id)`;
    /// - type: `workflows_type_created (type, created_at, id)` (state is filtered inside it);
    /// - otherwise, and for created/updated ranges: `workflows_by_created (created_at, id)`.
    ///   `updated_at >= created_at`, so an upper bound on updated_at also bounds created_at.
    public func listWorkflows(_ query: WorkflowListQuery) async throws -> WorkflowPage {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query(try Self.listQuery(query), logger: logger)
        var result: [WorkflowListRow] = []
        var micros: [Int64] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            result.append(WorkflowListRow(
                id: try r["id"].decode(UUID.self), type: try r["type"].decode(String.self),
                version: try r["version"].decode(Int.self), businessKey: try r["business_key"].decode(String.self),
                state: try r["state"].decode(String.self),
                status: WorkflowStatus(rawValue: try r["status"].decode(String.self)) ?? .runnable,
                runAt: try r["run_at"].decode(Date?.self), attempt: try r["attempt"].decode(Int.self),
                lastError: try r["last_error"].decode(String?.self), createdAt: try r["created_at"].decode(Date.self),
                updatedAt: try r["updated_at"].decode(Date.self)))
            micros.append(try r["created_micros"].decode(Int64.self))
        }
        // One row more than asked says whether a next page exists; the cursor is the last row kept.
        guard result.count > query.limit else { return WorkflowPage(rows: result, next: nil) }
        result.removeLast()
        let last = result[result.count - 1]
        return WorkflowPage(rows: result, next: ListCursor(micros: micros[result.count - 1], key: last.id.uuidString.lowercased()))
    }

    /// The plan Postgres picks for a listing (`EXPLAIN`), so tests can check the index it uses.
    public func listWorkflowsPlan(_ query: WorkflowListQuery) async throws -> String {
        let listing = try Self.listQuery(query)
        let rows = try await client.query(PostgresQuery(unsafeSQL: "EXPLAIN " + listing.sql, binds: listing.binds), logger: logger)
        var lines: [String] = []
        for try await line in rows.decode(String.self) { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    /// The listing statement with only the given filters, parameters bound in order.
    static func listQuery(_ query: WorkflowListQuery) throws -> PostgresQuery {
        var binds = PostgresBindings()
        var predicates: [String] = []
        func bind(_ value: some PostgresEncodable & Sendable, _ sqlType: String) throws -> String {
            try binds.append(value)
            return "$\(binds.count)::\(sqlType)"
        }
        if let type = query.type { predicates.append("type = \(try bind(type, "text"))") }
        if let status = query.status { predicates.append("status = \(try bind(status.rawValue, "text"))") }
        if let state = query.state { predicates.append("state = \(try bind(state, "text"))") }
        if let key = query.businessKey { predicates.append("business_key = \(try bind(key, "text"))") }
        if let from = query.createdFrom { predicates.append("created_at >= \(try bind(from, "timestamptz"))") }
        if let to = query.createdTo { predicates.append("created_at < \(try bind(to, "timestamptz"))") }
        if let from = query.updatedFrom { predicates.append("updated_at >= \(try bind(from, "timestamptz"))") }
        if let to = query.updatedTo {
            let placeholder = try bind(to, "timestamptz")
            predicates.append("updated_at < \(placeholder)")
            predicates.append("created_at < \(placeholder)")
        }
        if let after = query.after, let id = try? after.workflowID() {
            let micros = try bind(after.micros, "int8")
            let key = try bind(id, "uuid")
            predicates.append("(created_at, id) < (timestamptz 'epoch' + \(micros) * interval '1 microsecond', \(key))")
        }
        let limit = try bind(query.limit + 1, "int8")
        let sql = """
            SELECT id, type, version, business_key, state, status, run_at, attempt, last_error, created_at, updated_at,
                   ((extract(epoch FROM created_at) * 1000000)::numeric)::int8 AS created_micros
            FROM workflows
            \(predicates.isEmpty ? "" : "WHERE " + predicates.joined(separator: " AND "))
            ORDER BY created_at DESC, id DESC
            LIMIT \(limit)
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
