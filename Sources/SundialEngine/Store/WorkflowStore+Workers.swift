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

extension WorkflowStore {
    /// A page of the workers that have not stopped, by id, after the worker `after` (keyset on
    /// id, index `workers_not_stopped (id) WHERE stopped_at IS NULL`). A worker killed without a
    /// clean stop keeps its row, so the table grows with crashes: the admin listing pages through
    /// it rather than reading it whole.
    public func workersPage(after: String?, limit: Int, liveWithin: Duration = .seconds(60)) async throws -> Page<WorkerInfo> {
        let seconds = liveWithin.seconds
        let rows = try await client.query("""
            SELECT id, host, pid, concurrency, definitions, started_at, heartbeat_at,
                   heartbeat_at > now() - \(seconds) * interval '1 second' AS live
            FROM workers WHERE stopped_at IS NULL AND id > \(after ?? "") ORDER BY id LIMIT \(limit + 1)
            """, logger: logger)
        var result: [WorkerInfo] = []
        for try await (id, host, pid, concurrency, definitions, started, beat, live)
            in rows.decode((String, String, Int, Int, [String], Date, Date, Bool).self) {
            result.append(WorkerInfo(id: id, host: host, pid: pid, concurrency: concurrency, definitions: definitions,
                                     startedAt: started, heartbeatAt: beat, live: live))
        }
        guard result.count > limit else { return Page(rows: result, next: nil) }
        result.removeLast()
        return Page(rows: result, next: result.last.map { ListCursor(micros: 0, key: $0.id) })
    }
}
