import Foundation
import PostgresNIO

/// How many workflows reached an end status in one minute, by that status: one bar of the
/// dashboard's throughput chart.
public struct FinishedPerMinute: Sendable, Equatable {
    /// The start of the minute.
    public let minute: Date
    public let status: WorkflowStatus
    public let count: Int
}

extension WorkflowStore {
    /// Workflows that reached an end status (completed, failed, compensated,
    /// compensation_failed, cancelled) since `since`, per minute and status (the dashboard's
    /// throughput chart). Read from `workflow_endings_per_minute` (primary key range: at most
    /// 60 minutes × 5 statuses) plus the status changes not folded yet (the last few seconds'
    /// rows of `workflow_count_deltas`, a table without index that the fold keeps small), so its
    /// cost does not grow with the rows `workflows` holds.
    public func finishedPerMinute(since: Date) async throws -> [FinishedPerMinute] {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            SELECT (extract(epoch FROM minute))::int8, status, sum(n)::int8 FROM (
                SELECT minute, status, count AS n FROM workflow_endings_per_minute WHERE minute >= \(since)
                UNION ALL
                SELECT to_timestamp(floor(extract(epoch FROM at) / 60) * 60), status, delta FROM workflow_count_deltas
                WHERE at >= \(since) AND delta > 0 AND status IN \(unescaped: Self.endingStatuses)
            ) AS e
            GROUP BY 1, 2 ORDER BY 1, 2
            """, logger: logger)
        var result: [FinishedPerMinute] = []
        for try await (minute, status, count) in rows.decode((Int64, String, Int64).self) {
            guard let status = WorkflowStatus(rawValue: status) else { continue }
            result.append(FinishedPerMinute(minute: Date(timeIntervalSince1970: TimeInterval(minute)), status: status, count: Int(count)))
        }
        return result
    }

    /// The distinct state-to-state transitions (`transition` and `failed-over` history events)
    /// of the `sample` newest workflows of `type`, for the diagram of a type that declares no
    /// graph. Bounded on millions of rows: the sample comes from `workflows_type_created (type,
    /// created_at, id)` and each sampled workflow's history from `workflow_history_by_workflow
    /// (workflow_id, id)`.
    public func observedEdges(type: String, sample: Int = 200) async throws -> [StateEdge] {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            SELECT DISTINCT h.from_state, h.to_state
            FROM (SELECT id FROM workflows WHERE type = \(type) ORDER BY created_at DESC, id DESC LIMIT \(sample)) AS w
            JOIN workflow_history h ON h.workflow_id = w.id
            WHERE h.event IN ('transition', 'failed-over') AND h.from_state IS NOT NULL AND h.to_state IS NOT NULL
            ORDER BY 1, 2
            """, logger: logger)
        var edges: [StateEdge] = []
        for try await (from, to) in rows.decode((String, String).self) { edges.append(StateEdge(from: from, to: to)) }
        return edges
    }
}
