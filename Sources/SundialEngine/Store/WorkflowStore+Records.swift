import Foundation
import PostgresNIO
import Sundial

extension WorkflowStore {
    /// Completed workflows of `type` finished in `[from, before)`, after `cursor` (compared in
    /// whole microseconds, exactly as stored), oldest first,
    /// at most `limit` (1–1000). Index `workflows_completed_by_type (type, finished_at, id)
    /// WHERE status = 'completed'`.
    public func completedWorkflows(type: String, finishedFrom from: Date, before: Date, after cursor: RecordCursor?, limit: Int) async throws
        -> [CompletedWorkflowRecord]
    {
        let limit = max(1, min(limit, 1000))
        let rows: PostgresRowSequence
        if let cursor {
            rows = try await client.query("""
                SELECT id, business_key, output::text, finished_at, (extract(epoch FROM finished_at) * 1000000)::int8 FROM workflows
                WHERE type = \(type) AND status = 'completed' AND finished_at >= \(from) AND finished_at < \(before)
                  AND (finished_at, id) > (timestamptz 'epoch' + \(cursor.finishedAtMicroseconds) * interval '1 microsecond', \(cursor.id))
                ORDER BY finished_at, id LIMIT \(limit)
                """, logger: logger)
        } else {
            rows = try await client.query("""
                SELECT id, business_key, output::text, finished_at, (extract(epoch FROM finished_at) * 1000000)::int8 FROM workflows
                WHERE type = \(type) AND status = 'completed' AND finished_at >= \(from) AND finished_at < \(before)
                ORDER BY finished_at, id LIMIT \(limit)
                """, logger: logger)
        }
        var records: [CompletedWorkflowRecord] = []
        for try await (id, key, output, finishedAt, micros) in rows.decode((UUID, String, String?, Date, Int64).self) {
            records.append(CompletedWorkflowRecord(id: id, businessKey: key, outputJSON: output ?? "null", finishedAt: finishedAt,
                                                   finishedAtMicroseconds: micros))
        }
        return records
    }

    /// Workflows of `type` whose input's `business_date` is `businessDate`, oldest first. Index
    /// `workflows_by_business_date (type, (input->>'business_date'), created_at)`.
    public func runs(type: String, businessDate: String) async throws -> [WorkflowRunRecord] {
        try await runRecords(try await client.query("""
            SELECT \(unescaped: Self.runColumns) FROM workflows
            WHERE type = \(type) AND input ? 'business_date' AND input->>'business_date' = \(businessDate)
            ORDER BY created_at, id LIMIT 1000
            """, logger: logger))
    }

    /// The newest runs of a batch `type` (every business date), newest business date first, at
    /// most `limit`. Index `workflows_by_business_date`.
    public func recentRuns(type: String, limit: Int) async throws -> [WorkflowRunRecord] {
        let limit = max(1, min(limit, 1000))
        return try await runRecords(try await client.query("""
            SELECT \(unescaped: Self.runColumns) FROM workflows
            WHERE type = \(type) AND input ? 'business_date'
            ORDER BY input->>'business_date' DESC, created_at DESC LIMIT \(limit)
            """, logger: logger))
    }

    /// A page of the runs of a batch `type` for one business date, oldest first, after `after`
    /// ((created_at in whole microseconds, id) of the last row). Index
    /// `workflows_by_business_date (type, (input->>'business_date'), created_at)`.
    public func runsPage(type: String, businessDate: String, after: ListCursor?, limit: Int) async throws -> Page<WorkflowRunRecord> {
        let rows: PostgresRowSequence
        if let after {
            let afterID = try after.workflowID()
            rows = try await client.query("""
                SELECT \(unescaped: Self.runPageColumns) FROM workflows
                WHERE type = \(type) AND input ? 'business_date' AND input->>'business_date' = \(businessDate)
                  AND (created_at, id) > (timestamptz 'epoch' + \(after.micros) * interval '1 microsecond', \(afterID))
                ORDER BY created_at, id LIMIT \(limit + 1)
                """, logger: logger)
        } else {
            rows = try await client.query("""
                SELECT \(unescaped: Self.runPageColumns) FROM workflows
                WHERE type = \(type) AND input ? 'business_date' AND input->>'business_date' = \(businessDate)
                ORDER BY created_at, id LIMIT \(limit + 1)
                """, logger: logger)
        }
        return try await runPage(rows, limit: limit) { record, micros, _ in ListCursor(micros: micros, key: record.id.uuidString.lowercased()) }
    }

    /// A page of the newest runs of a batch `type` (every business date), newest business date
    /// first, after `after` ((business date, created_at in whole microseconds, id) of the last
    /// row). Index `workflows_by_business_date`, read backward.
    public func recentRunsPage(type: String, after: ListCursor?, limit: Int) async throws -> Page<WorkflowRunRecord> {
        let rows: PostgresRowSequence
        if let after {
            let position = try RunPosition(cursor: after)
            rows = try await client.query("""
                SELECT \(unescaped: Self.runPageColumns) FROM workflows
                WHERE type = \(type) AND input ? 'business_date'
                  AND (input->>'business_date', created_at, id)
                      < (\(position.date), timestamptz 'epoch' + \(after.micros) * interval '1 microsecond', \(position.id))
                ORDER BY input->>'business_date' DESC, created_at DESC, id DESC LIMIT \(limit + 1)
                """, logger: logger)
        } else {
            rows = try await client.query("""
                SELECT \(unescaped: Self.runPageColumns) FROM workflows
                WHERE type = \(type) AND input ? 'business_date'
                ORDER BY input->>'business_date' DESC, created_at DESC, id DESC LIMIT \(limit + 1)
                """, logger: logger)
        }
        return try await runPage(rows, limit: limit) { record, micros, date in
            ListCursor(micros: micros, key: "\(date),\(record.id.uuidString.lowercased())")
        }
    }

    private static let runPageColumns = runColumns + """
        , ((extract(epoch FROM created_at) * 1000000)::numeric)::int8 AS position_micros, input->>'business_date' AS position_date
        """

    /// Where a page of recent runs ended: the last run's business date and id (the cursor's key,
    /// `YYYY-MM-DD,<uuid>`); its created_at is the cursor's time.
    private struct RunPosition {
        let date: String
        let id: UUID

        init(cursor: ListCursor) throws {
            let parts = cursor.key.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0].count <= 32, let id = UUID(uuidString: String(parts[1])) else {
                throw InputError(field: "cursor", "is not a cursor this server returned")
            }
            date = String(parts[0])
            self.id = id
        }
    }

    private func runPage(_ rows: PostgresRowSequence, limit: Int,
                         cursor: (WorkflowRunRecord, Int64, String) -> ListCursor) async throws -> Page<WorkflowRunRecord> {
        var runs: [WorkflowRunRecord] = []
        var positions: [(Int64, String)] = []
        for try await row in rows {
            runs.append(try Self.runRecord(row))
            let r = row.makeRandomAccess()
            positions.append((try r["position_micros"].decode(Int64.self), try r["position_date"].decode(String.self)))
        }
        guard runs.count > limit else { return Page(rows: runs, next: nil) }
        runs.removeLast()
        let (micros, date) = positions[runs.count - 1]
        return Page(rows: runs, next: cursor(runs[runs.count - 1], micros, date))
    }

    private static let runColumns = """
        id, business_key, status, state, input::text, output::text, last_error, created_at, finished_at
        """

    private func runRecords(_ rows: PostgresRowSequence) async throws -> [WorkflowRunRecord] {
        var runs: [WorkflowRunRecord] = []
        for try await row in rows { runs.append(try Self.runRecord(row)) }
        return runs
    }

    private static func runRecord(_ row: PostgresRow) throws -> WorkflowRunRecord {
        let r = row.makeRandomAccess()
        return WorkflowRunRecord(
            id: try r["id"].decode(UUID.self), businessKey: try r["business_key"].decode(String.self),
            status: try r["status"].decode(String.self), state: try r["state"].decode(String.self),
            inputJSON: try r["input"].decode(String.self), outputJSON: try r["output"].decode(String?.self),
            lastError: try r["last_error"].decode(String?.self), createdAt: try r["created_at"].decode(Date.self),
            finishedAt: try r["finished_at"].decode(Date?.self))
    }
}
