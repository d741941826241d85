import Foundation
import PostgresNIO

extension WorkflowStore {
    /// The transition commit: one statement, so one round trip and one transaction.
    ///
    /// Updates the row only if the fencing token, visit and attempt still match what the worker
    /// claimed (primary key lookup); otherwise nothing is written and ``StoreError/fenced`` is
    /// thrown. In the same statement: the history row, the compensation stack change, the
    /// consumption of the signal that woke the state, and a NOTIFY when the row is left due
    /// for other workers.
    ///
    /// `run_at` is computed in SQL, against the database clock that claims also use. Two
    /// conditions override the requested time, both evaluated on the latest row version:
    /// a pending cancel makes the row due now; and a wait becomes due now when a matching
    /// signal is already in the inbox or `signal_seq` moved since the worker last saw it (a
    /// signal sent while the handler ran).
    func commitTransition(_ commit: TransitionCommit) async throws -> CommittedTransition {
        var keepLeaseMilliseconds: Double? = nil
        var afterMilliseconds: Double? = nil
        var absolute: Date? = nil
        var dueNow = false
        switch commit.runAt {
        case .keepLease(let lease): keepLeaseMilliseconds = lease.seconds * 1000
        case .now: dueNow = true
        case .after(let delay): afterMilliseconds = delay.seconds * 1000
        case .at(let date): absolute = date
        case .never: break
        }
        let leaseOwner: String? = keepLeaseMilliseconds == nil ? nil : commit.worker
        let active = !commit.finished && commit.status != .failed && commit.status != .compensationFailed
        let messageTopics = commit.messages.map(\.topic)
        let messageKeys = commit.messages.map(\.key)
        let messagePayloads = commit.messages.map(\.payload)
        let childIDs = commit.children.map { _ in UUID() }
        let childTypes = commit.children.map(\.type)
        let childVersions = commit.children.map(\.version)
        let childKeys = commit.children.map(\.key)
        let childStates = commit.children.map(\.initialState)
        let childInputs = commit.children.map(\.input)
        let childContexts = commit.children.map(\.context)

        counters.commits.add(1, ordering: .relaxed)
        let rows = try await client.query("""
            WITH target_time AS (
                SELECT COALESCE(\(absolute)::timestamptz,
                                now() + \(afterMilliseconds)::float8 * interval '1 millisecond') AS at
            ), updated AS (
                UPDATE workflows SET
                    state = \(commit.state),
                    status = \(commit.status.rawValue),
                    context = COALESCE(\(commit.context)::jsonb, context),
                    output = COALESCE(\(commit.output)::jsonb, output),
                    compensations = (CASE WHEN \(commit.popUndo) THEN compensations - (-1) ELSE compensations END)
                                    || \(commit.pushUndos)::jsonb,
                    run_at = CASE
                        WHEN \(keepLeaseMilliseconds)::float8 IS NOT NULL
                            THEN now() + \(keepLeaseMilliseconds)::float8 * interval '1 millisecond'
                        WHEN \(active) AND cancel_requested THEN now()
                        WHEN \(commit.waitSignal)::text IS NOT NULL AND (
                                signal_seq <> \(commit.seenSignalSeq)
                                OR EXISTS (SELECT 1 FROM workflow_signals s
                                           WHERE s.workflow_id = workflows.id AND s.name = \(commit.waitSignal)::text
                                             AND s.consumed_at IS NULL))
                            THEN now()
                        WHEN \(dueNow) THEN now()
                        ELSE (SELECT at FROM target_time)
                    END,
                    lease_owner = \(leaseOwner),
                    visit = \(commit.newVisit),
                    attempt = \(commit.newAttempt),
                    last_error = \(commit.lastError),
                    wait_signal = \(commit.waitSignal),
                    wait_timeout_state = \(commit.waitTimeoutState),
                    wait_deadline = CASE WHEN \(commit.waitHasDeadline) THEN (SELECT at FROM target_time)
                                         WHEN \(commit.keepWaitDeadline) THEN wait_deadline END,
                    updated_at = now(),
                    finished_at = CASE WHEN \(commit.finished) THEN now() ELSE NULL END
                WHERE id = \(commit.id) AND fencing_token = \(commit.fencingToken)
                  AND visit = \(commit.expectedVisit) AND attempt = \(commit.expectedAttempt)
                RETURNING id, status, run_at, lease_owner IS NOT NULL AS lease_kept, cancel_requested, signal_seq,
                          (compensations -> -1)::text AS top_undo, jsonb_array_length(compensations) AS undo_depth
            ), history AS (
                INSERT INTO workflow_history
                    (workflow_id, visit, event, from_state, to_state, attempt, error, duration_ms, worker_id)
                SELECT id, \(commit.expectedVisit), \(commit.event), \(commit.fromState), \(commit.state),
                       \(commit.historyAttempt), \(commit.historyError), \(commit.durationMilliseconds), \(commit.worker)
                FROM updated WHERE \(commit.event)::text IS NOT NULL
            ), consumed AS (
                UPDATE workflow_signals SET consumed_at = now(), consumed_visit = \(commit.expectedVisit)
                WHERE workflow_id = \(commit.id) AND signal_id = \(commit.consumeSignalID)::text
                  AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM updated)
            ), outboxed AS (
                INSERT INTO outbox (workflow_id, topic, dedupe_key, payload)
                SELECT u.id, m.topic, m.dedupe_key, m.payload::jsonb
                FROM updated u, unnest(\(messageTopics)::text[], \(messageKeys)::text[], \(messagePayloads)::text[])
                     AS m(topic, dedupe_key, payload)
                ON CONFLICT (topic, dedupe_key) DO NOTHING
            ), children AS (
                INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at, parent_id)
                SELECT c.id, c.type, c.version, c.business_key, c.state, 'runnable', c.input::jsonb, c.context::jsonb, now(), u.id
                FROM updated u, unnest(\(childIDs)::uuid[], \(childTypes)::text[], \(childVersions)::int4[],
                                       \(childKeys)::text[], \(childStates)::text[], \(childInputs)::text[],
                                       \(childContexts)::text[])
                     AS c(id, type, version, business_key, state, input, context)
                ON CONFLICT (type, business_key) DO NOTHING
                RETURNING id, state
            ), child_history AS (
                INSERT INTO workflow_history (workflow_id, visit, event, to_state, worker_id)
                SELECT id, 1, 'started', state, \(commit.worker) FROM children
            ), notified AS (
                SELECT pg_notify(\(wakeupChannel), '') FROM updated
                WHERE (NOT updated.lease_kept AND updated.run_at <= now()) OR EXISTS (SELECT 1 FROM children)
            )
            SELECT u.status, u.run_at, u.lease_kept, u.cancel_requested, u.signal_seq, u.top_undo, u.undo_depth
            FROM updated u, (SELECT count(*) FROM notified) n
            """, logger: logger)
        for try await (status, runAt, leaseKept, cancelRequested, signalSeq, topUndo, undoDepth)
            in rows.decode((String, Date?, Bool, Bool, Int64, String?, Int).self) {
            return CommittedTransition(
                status: WorkflowStatus(rawValue: status) ?? commit.status,
                runAt: runAt, leaseKept: leaseKept, cancelRequested: cancelRequested, signalSeq: signalSeq,
                topUndo: topUndo, undoDepth: undoDepth)
        }
        throw StoreError.fenced(commit.id, token: commit.fencingToken)
    }
}
