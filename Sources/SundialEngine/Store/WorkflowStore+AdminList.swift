import Foundation
import PostgresNIO

extension WorkflowStore {
    /// One page of the admin workflow listing, newest first by (created_at, id), keyset after
    /// `query.after`. Only the filters given become predicates (each bound, never interpolated),
    /// so the planner sees exactly the query it has to serve. The listing walks one index, chosen
    /// by the most selective filter it can use:
    /// - business key: `workflows_by_business_key (business_key, created_at, id)`;
    /// - else status: `workflows_status_created (status, created_at, id)`;
    /// - else type: `workflows_type_created (type, created_at, id)`;
    /// - else: `workflows_by_created (created_at, id)`.
    /// Created ranges and the keyset are ranges of that index; `updated_to` bounds created_at too
    /// (`updated_at >= created_at`). Every other filter (state, updated times, the equality
    /// filters the chosen index does not hold) is checked on at most
    /// ``WorkflowListQuery/scanLimit`` rows of the walk: a page then may be short and still have
    /// a next cursor, where the walk stopped.
    public func listWorkflows(_ query: WorkflowListQuery) async throws -> WorkflowPage {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query(try Self.listQuery(query), logger: logger)
        var result: [WorkflowListRow] = []
        var micros: [Int64] = []
        var edge: (micros: Int64, id: UUID, examined: Int64)?
        for try await row in rows {
            let r = row.makeRandomAccess()
            let id = try r["id"].decode(UUID.self)
            let created = try r["created_micros"].decode(Int64.self)
            if try r["edge"].decode(Bool.self) {
                edge = (created, id, try r["examined"].decode(Int64.self))
                continue
            }
            result.append(WorkflowListRow(
                id: id, type: try r["type"].decode(String.self),
                version: try r["version"].decode(Int.self), businessKey: try r["business_key"].decode(String.self),
                state: try r["state"].decode(String.self),
                status: WorkflowStatus(rawValue: try r["status"].decode(String.self)) ?? .runnable,
                runAt: try r["run_at"].decode(Date?.self), attempt: try r["attempt"].decode(Int.self),
                lastError: try r["last_error"].decode(String?.self), createdAt: try r["created_at"].decode(Date.self),
                updatedAt: try r["updated_at"].decode(Date.self)))
            micros.append(created)
        }
        // One row more than asked says whether a next page exists; the cursor is the last row kept.
        if result.count > query.limit {
            result.removeLast()
            let last = result[result.count - 1]
            return WorkflowPage(rows: result, next: ListCursor(micros: micros[result.count - 1], key: last.id.uuidString.lowercased()))
        }
        // A bounded walk that used up its rows: the next page goes on from where it stopped.
        if let edge, edge.examined >= Int64(WorkflowListQuery.scanLimit) {
            return WorkflowPage(rows: result, next: ListCursor(micros: edge.micros, key: edge.id.uuidString.lowercased()))
        }
        return WorkflowPage(rows: result, next: nil)
    }

    /// The plan Postgres picks for a listing (`EXPLAIN`), so tests can check the index it uses.
    public func listWorkflowsPlan(_ query: WorkflowListQuery) async throws -> String {
        let listing = try Self.listQuery(query)
        let rows = try await client.query(PostgresQuery(unsafeSQL: "EXPLAIN " + listing.sql, binds: listing.binds), logger: logger)
        var lines: [String] = []
        for try await line in rows.decode(String.self) { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    /// The listing statement with only the given filters, parameters bound in order: one index
    /// walk (`walk`) and, when some filter is not in that index, a check of at most
    /// `scanLimit` walked rows (`check`) plus the last walked row (`edge`), so the caller knows
    /// where the walk stopped.
    static func listQuery(_ query: WorkflowListQuery) throws -> PostgresQuery {
        var binds = PostgresBindings()
        var walk: [String] = []
        var check: [String] = []
        func bind(_ value: some PostgresEncodable & Sendable, _ sqlType: String) throws -> String {
            try binds.append(value)
            return "$\(binds.count)::\(sqlType)"
        }
        if let key = query.businessKey { walk.append("business_key = \(try bind(key, "text"))") }
        if let status = query.status {
            let predicate = "status = \(try bind(status.rawValue, "text"))"
            if query.businessKey == nil { walk.append(predicate) } else { check.append(predicate) }
        }
        if let type = query.type {
            let predicate = "type = \(try bind(type, "text"))"
            if query.businessKey == nil && query.status == nil { walk.append(predicate) } else { check.append(predicate) }
        }
        if let state = query.state { check.append("state = \(try bind(state, "text"))") }
        if let from = query.createdFrom { walk.append("created_at >= \(try bind(from, "timestamptz"))") }
        if let to = query.createdTo { walk.append("created_at < \(try bind(to, "timestamptz"))") }
        if let from = query.updatedFrom { check.append("updated_at >= \(try bind(from, "timestamptz"))") }
        if let to = query.updatedTo {
            let placeholder = try bind(to, "timestamptz")
            check.append("updated_at < \(placeholder)")
            walk.append("created_at < \(placeholder)")
        }
        if let after = query.after, let id = try? after.workflowID() {
            let micros = try bind(after.micros, "int8")
            let key = try bind(id, "uuid")
            walk.append("(created_at, id) < (timestamptz 'epoch' + \(micros) * interval '1 microsecond', \(key))")
        }
        let limit = try bind(query.limit + 1, "int8")
        let columns = """
            id, type, version, business_key, state, status, run_at, attempt, last_error, created_at, updated_at,
            ((extract(epoch FROM created_at) * 1000000)::numeric)::int8 AS created_micros
            """
        let walkWhere = walk.isEmpty ? "" : "WHERE " + walk.joined(separator: " AND ")
        guard !check.isEmpty else {
            return PostgresQuery(unsafeSQL: """
                SELECT \(columns), false AS edge, 0::int8 AS examined
                FROM workflows
                \(walkWhere)
                ORDER BY created_at DESC, id DESC
                LIMIT \(limit)
                """, binds: binds)
        }
        let sql = """
            WITH walked AS MATERIALIZED (
                SELECT \(columns), (\(check.joined(separator: " AND "))) AS hit
                FROM workflows
                \(walkWhere)
                ORDER BY created_at DESC, id DESC
                LIMIT \(WorkflowListQuery.scanLimit)
            )
            SELECT * FROM (
                (SELECT \(Self.walkedColumns), false AS edge, 0::int8 AS examined
                 FROM walked WHERE hit ORDER BY created_at DESC, id DESC LIMIT \(limit))
                UNION ALL
                (SELECT \(Self.walkedColumns), true AS edge, (SELECT count(*) FROM walked)::int8 AS examined
                 FROM walked ORDER BY created_at, id LIMIT 1)
            ) AS page
            ORDER BY edge, created_at DESC, id DESC
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    private static let walkedColumns = """
        id, type, version, business_key, state, status, run_at, attempt, last_error, created_at, updated_at, created_micros
        """
}
