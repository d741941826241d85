import Foundation
import PostgresNIO

/// What ``WorkflowStore/analyzeWorkflowsIfNeverAnalyzed(minimumRows:)`` found and did.
enum PlannerStatisticsCheck: Sendable, Equatable {
    /// The table has statistics already (from autovacuum or an earlier call): nothing to do.
    case present
    /// The table has none yet, and fewer rows than the threshold: look again later.
    case tooFewRows
    /// This call ran ANALYZE.
    case analyzed
}

extension WorkflowStore {
    /// Runs `ANALYZE workflows` once the table has `minimumRows` rows but has never been analyzed.
    ///
    /// Why: the claim is a prepared statement with a generic plan, planned once per connection.
    /// Planned on a fresh, empty table it is a sequential scan and a sort, and it stays one,
    /// scanning the whole growing table at every claim, until the table's statistics change;
    /// autovacuum's first ANALYZE can be a minute away (`autovacuum_naptime`). Any ANALYZE
    /// invalidates the cached plans, and with statistics the claim walks the `workflows_due`
    /// index. Measured in `sundial-bench throughput` on a fresh schema: every claim was a
    /// sequential scan until this ran (pg_stat_user_tables.seq_scan ≈ claims).
    func analyzeWorkflowsIfNeverAnalyzed(minimumRows: Int64) async throws -> PlannerStatisticsCheck {
        counters.other.add(1, ordering: .relaxed)
        // pg_stat_user_tables: one row per table, looked up by its oid.
        let rows = try await client.query("""
            SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL, n_live_tup
            FROM pg_stat_user_tables WHERE relid = 'workflows'::regclass
            """, logger: logger)
        var analyzed = false
        var liveRows: Int64 = 0
        for try await (done, live) in rows.decode((Bool, Int64).self) { (analyzed, liveRows) = (done, live) }
        if analyzed { return .present }
        guard liveRows >= minimumRows else { return .tooFewRows }
        try await client.query("ANALYZE workflows", logger: logger)
        return .analyzed
    }
}
