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
