import Foundation
import PostgresNIO

extension WorkflowStore {
    /// Records that a worker is alive, with what it can run (primary key upsert).
    func recordWorkerHeartbeat(id: String, host: String, pid: Int, concurrency: Int, definitions: [String]) async throws {
        counters.other.add(1, ordering: .relaxed)
        try await client.query("""
            INSERT INTO workers (id, host, pid, concurrency, definitions)
            VALUES (\(id), \(host), \(pid), \(concurrency), \(definitions))
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), stopped_at = NULL,
                concurrency = EXCLUDED.concurrency, definitions = EXCLUDED.definitions
            """, logger: logger)
    }

    /// Marks a worker as stopped after a clean drain.
    func recordWorkerStopped(id: String) async throws {
        try await client.query("UPDATE workers SET stopped_at = now() WHERE id = \(id)", logger: logger)
    }
}

extension WorkflowStore {
    /// Every worker that has not stopped, most recent heartbeat first, with `live` telling
    /// whether it beat within `liveWithin` (a small table: one row per worker process).
    public func workers(liveWithin: Duration = .seconds(60)) async throws -> [WorkerInfo] {
        let seconds = liveWithin.seconds
        let rows = try await client.query("""
            SELECT id, host, pid, concurrency, definitions, started_at, heartbeat_at,
                   heartbeat_at > now() - \(seconds) * interval '1 second' AS live
            FROM workers WHERE stopped_at IS NULL ORDER BY heartbeat_at DESC
            """, logger: logger)
        var result: [WorkerInfo] = []
        for try await (id, host, pid, concurrency, definitions, started, beat, live)
            in rows.decode((String, String, Int, Int, [String], Date, Date, Bool).self) {
            result.append(WorkerInfo(id: id, host: host, pid: pid, concurrency: concurrency, definitions: definitions,
                                     startedAt: started, heartbeatAt: beat, live: live))
        }
        return result
    }
}
