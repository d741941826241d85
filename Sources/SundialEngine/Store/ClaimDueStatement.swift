import Foundation
import PostgresNIO

/// The claim as a prepared statement (see ``WorkflowStore/claimDue(worker:definitions:limit:lease:)``).
struct ClaimDueStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow

    static let sql = SQLTemplate.render("""
        WITH due AS (
            SELECT w.id, w.lease_owner AS previous_owner, sig.signal_id, sig.payload
            FROM workflows w
            LEFT JOIN LATERAL (
                SELECT s.signal_id, s.payload::text AS payload
                FROM workflow_signals s
                WHERE w.wait_signal IS NOT NULL AND s.workflow_id = w.id
                  AND s.name = w.wait_signal AND s.consumed_at IS NULL
                ORDER BY s.received_at, s.signal_id
                LIMIT 1
            ) sig ON true
            WHERE w.run_at <= now()
              AND (w.type, w.version) IN (SELECT t, v::int4 FROM unnest({types}::text[], {versions}::int8[]) AS d(t, v))
            ORDER BY w.run_at
            LIMIT {limit}::int8
            FOR UPDATE OF w SKIP LOCKED
        )
        UPDATE workflows w
        SET lease_owner = {worker}::text,
            run_at = now() + {lease_ms}::float8 * interval '1 millisecond',
            fencing_token = w.fencing_token + 1
        FROM due
        -- The array condition pins the update to the primary key: joined on due.id alone, the
        -- generic plan estimated a tenth of the table due and hash-joined a sequential scan of
        -- the whole table at every claim (seen with auto_explain in sundial-bench throughput).
        WHERE w.id = due.id AND w.id = ANY(ARRAY(SELECT id FROM due))
        RETURNING w.id, w.type, w.version, w.business_key, w.state, w.status, w.context::text,
                  w.visit, w.attempt, w.fencing_token, w.wait_signal, w.wait_timeout_state,
                  (w.wait_deadline IS NOT NULL AND w.wait_deadline <= now()) AS timed_out, w.wait_deadline,
                  w.signal_seq, w.cancel_requested, w.last_error,
                  (w.compensations -> -1)::text AS top_undo, jsonb_array_length(w.compensations) AS undo_depth,
                  due.previous_owner, due.signal_id, due.payload
        """, parameters: ["types", "versions", "limit", "worker", "lease_ms"])

    let types: [String]
    let versions: [Int]
    let limit: Int
    let worker: String
    let leaseMilliseconds: Double

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(types)
        bindings.append(versions)
        bindings.append(limit)
        bindings.append(worker)
        bindings.append(leaseMilliseconds)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
