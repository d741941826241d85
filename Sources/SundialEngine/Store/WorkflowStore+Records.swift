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

    private static let runColumns = """
        id, business_key, status, state, input::text, output::text, last_error, created_at, finished_at
        """

    private func runRecords(_ rows: PostgresRowSequence) async throws -> [WorkflowRunRecord] {
        var runs: [WorkflowRunRecord] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            runs.append(WorkflowRunRecord(
                id: try r["id"].decode(UUID.self), businessKey: try r["business_key"].decode(String.self),
                status: try r["status"].decode(String.self), state: try r["state"].decode(String.self),
                inputJSON: try r["input"].decode(String.self), outputJSON: try r["output"].decode(String?.self),
                lastError: try r["last_error"].decode(String?.self), createdAt: try r["created_at"].decode(Date.self),
                finishedAt: try r["finished_at"].decode(Date?.self)))
        }
        return runs
    }
}
