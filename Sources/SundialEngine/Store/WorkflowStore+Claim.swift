import Foundation
import PostgresNIO
import Sundial

extension WorkflowStore {
    /// Leases up to `limit` due workflows of the given definitions to `worker`, in one round trip.
    ///
    /// Served by the partial index `workflows_due` (run_at WHERE run_at IS NOT NULL): finished
    /// rows are not in it, so the cost stays flat as they pile up; the leased rows are then
    /// updated through the primary key. `SKIP LOCKED` lets workers
    /// claim disjoint rows concurrently. The lease is `run_at` itself: it moves to
    /// now + lease, so the row becomes due again by itself if the worker dies. The fencing token
    /// goes up by one; only a commit presenting it is accepted. For a workflow awaiting a
    /// signal, the oldest matching pending signal comes along (index `workflow_signals_pending`).
    func claimDue(
        worker: String, definitions: [(type: String, version: Int)], limit: Int, lease: Duration
    ) async throws -> [ClaimedWorkflow] {
        counters.claims.add(1, ordering: .relaxed)
        let rows = try await client.execute(ClaimDueStatement(
            types: definitions.map(\.type), versions: definitions.map(\.version), limit: limit, worker: worker,
            leaseMilliseconds: lease.seconds * 1000), logger: logger)
        var claimed: [ClaimedWorkflow] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            let waitSignal = try r["wait_signal"].decode(String?.self)
            let signalID = try r["signal_id"].decode(String?.self)
            let payload = try r["payload"].decode(String?.self)
            var pending: ReceivedSignal? = nil
            if let waitSignal, let signalID, let payload {
                pending = ReceivedSignal(name: waitSignal, id: signalID, payload: payload)
            }
            claimed.append(ClaimedWorkflow(
                id: try r["id"].decode(UUID.self),
                type: try r["type"].decode(String.self),
                version: try r["version"].decode(Int.self),
                businessKey: try r["business_key"].decode(String.self),
                state: try r["state"].decode(String.self),
                status: WorkflowStatus(rawValue: try r["status"].decode(String.self)) ?? .runnable,
                context: try r["context"].decode(String.self),
                visit: try r["visit"].decode(Int.self),
                attempt: try r["attempt"].decode(Int.self),
                fencingToken: try r["fencing_token"].decode(Int64.self),
                waitSignal: waitSignal,
                waitTimeoutState: try r["wait_timeout_state"].decode(String?.self),
                waitTimedOut: try r["timed_out"].decode(Bool.self),
                waitDeadline: try r["wait_deadline"].decode(Date?.self),
                signalSeq: try r["signal_seq"].decode(Int64.self),
                cancelRequested: try r["cancel_requested"].decode(Bool.self),
                lastError: try r["last_error"].decode(String?.self),
                topUndo: try r["top_undo"].decode(String?.self),
                undoDepth: try r["undo_depth"].decode(Int.self),
                pendingSignal: pending,
                previousOwner: try r["previous_owner"].decode(String?.self)
            ))
        }
        counters.claimedRows.add(claimed.count, ordering: .relaxed)
        return claimed
    }

    /// The earliest future `run_at` among active workflows, so an idle worker can sleep exactly
    /// until the next timer. Served by `workflows_due` (an index-only probe).
    func nextDueTime() async throws -> Date? {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("SELECT min(run_at) FROM workflows WHERE run_at > now()", logger: logger)
        for try await value in rows.decode(Date?.self) { return value }
        return nil
    }

    /// Pushes the lease expiry of the workflows this worker is running, and of the API permits it
    /// holds (`api_permits`, so a dead worker's permits free up one lease after its last
    /// heartbeat instead of holding a concurrency cap for minutes), and returns the ids whose
    /// lease another worker took over (their fencing token moved on). A workflow this worker
    /// just finished or released is neither extended nor reported. Served by the primary key;
    /// `api_permits` holds at most the sum of the concurrency caps, so it is scanned.
    /// (`extended` and `permits` run although nothing reads them: data-modifying CTEs always do.)
    func extendLeases(worker: String, ids: [UUID], tokens: [Int64], lease: Duration) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        let leaseMilliseconds = lease.seconds * 1000
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            WITH held AS (
                SELECT * FROM unnest(\(ids)::uuid[], \(tokens)::int8[]) AS h(id, token)
            ), extended AS (
                UPDATE workflows w
                SET run_at = now() + \(leaseMilliseconds) * interval '1 millisecond'
                FROM held
                WHERE w.id = held.id AND w.fencing_token = held.token AND w.lease_owner = \(worker)
                RETURNING w.id
            ), permits AS (
                UPDATE api_permits SET expires_at = now() + \(leaseMilliseconds) * interval '1 millisecond'
                WHERE holder = \(worker)
            )
            SELECT held.id FROM held JOIN workflows w ON w.id = held.id
            WHERE w.fencing_token <> held.token
            """, logger: logger)
        var lost = Set<UUID>()
        for try await id in rows.decode(UUID.self) { lost.insert(id) }
        return lost
    }

    /// Whether the lease claimed with `token` is still this one (primary key).
    func leaseHeld(id: UUID, token: Int64) async throws -> Bool {
        counters.other.add(1, ordering: .relaxed)
        let rows = try await client.query("SELECT fencing_token = \(token) FROM workflows WHERE id = \(id)", logger: logger)
        for try await held in rows.decode(Bool.self) { return held }
        return false
    }

    /// Gives leases back so another worker can run the workflows at once (drain, shutdown).
    func releaseLeases(worker: String, ids: [UUID], tokens: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await client.query("""
            WITH released AS (
                UPDATE workflows w
                SET run_at = now(), lease_owner = NULL
                FROM unnest(\(ids)::uuid[], \(tokens)::int8[]) AS held(id, token)
                WHERE w.id = held.id AND w.fencing_token = held.token AND w.lease_owner = \(worker)
                RETURNING w.id
            )
            SELECT pg_notify(\(wakeupChannel), '') FROM released LIMIT 1
            """, logger: logger)
    }

    /// Counts due workflows whose definition no worker in `definitions` knows, by type and
    /// version, so a worker can say what it leaves alone. Not on the hot path.
    func dueWithUnknownDefinitions(_ definitions: [(type: String, version: Int)]) async throws -> [(type: String, version: Int, count: Int)] {
        let types = definitions.map(\.type)
        let versions = definitions.map(\.version)
        let rows = try await client.query("""
            SELECT type, version, count(*)::int8 FROM workflows
            WHERE run_at <= now() - interval '5 seconds'
              AND (type, version) NOT IN (SELECT * FROM unnest(\(types)::text[], \(versions)::int4[]))
            GROUP BY type, version
            """, logger: logger)
        var result: [(type: String, version: Int, count: Int)] = []
        for try await (type, version, count) in rows.decode((String, Int, Int64).self) {
            result.append((type, version, Int(count)))
        }
        return result
    }
}
