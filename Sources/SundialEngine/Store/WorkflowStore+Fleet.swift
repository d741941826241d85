import Foundation
import PostgresNIO

/// Fleet-wide numbers for monitoring, read at scrape time.
public struct FleetGauges: Sendable {
    public let byTypeAndStatus: [(type: String, status: String, count: Int)]
    /// Workflows due now and not leased (waiting for a free worker slot).
    public let dueNow: Int
    /// How long the oldest of those has been due, in seconds (0 when none).
    public let oldestDueSeconds: Double
}

extension WorkflowStore {
    /// Counts by type and status (index `workflows_status_type`) and the due backlog (index
    /// `workflows_due`: only rows with `run_at` in the past and no lease).
    public func fleetGauges() async throws -> FleetGauges {
        let counts = try await client.query("SELECT type, status, count(*)::int8 FROM workflows GROUP BY type, status", logger: logger)
        var byTypeAndStatus: [(type: String, status: String, count: Int)] = []
        for try await (type, status, count) in counts.decode((String, String, Int64).self) {
            byTypeAndStatus.append((type, status, Int(count)))
        }
        let due = try await client.query("""
            SELECT count(*)::int8, COALESCE(extract(epoch FROM now() - min(run_at)), 0)::float8
            FROM workflows WHERE run_at <= now() AND lease_owner IS NULL
            """, logger: logger)
        var dueNow = 0
        var oldest = 0.0
        for try await (count, age) in due.decode((Int64, Double).self) {
            dueNow = Int(count)
            oldest = age
        }
        return FleetGauges(byTypeAndStatus: byTypeAndStatus, dueNow: dueNow, oldestDueSeconds: oldest)
    }
}
