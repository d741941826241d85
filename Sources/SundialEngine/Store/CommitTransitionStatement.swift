import Foundation
import PostgresNIO
import Sundial

/// The transition commit as a prepared statement: parsed and planned once per connection, then
/// executed in one round trip per transition. Two shapes share the SQL: the lean one every step
/// uses, and one that also writes outbox rows and child workflows when a step produced any.
///
/// See ``WorkflowStore/commitTransition(_:)`` for what the statement guarantees.
struct CommitTransitionStatement: PostgresPreparedStatement {
    typealias Row = (String, Date?, Bool, Bool, Int64, String?, Int)

    static let baseParameters = [
        "id", "fencing_token", "expected_visit", "expected_attempt",
        "state", "status", "context", "output", "pop_undo", "push_undos",
        "keep_lease_ms", "active", "wait_signal", "seen_signal_seq", "due_now", "run_at", "run_after_ms",
        "lease_owner", "new_visit", "new_attempt", "last_error", "wait_timeout_state", "wait_has_deadline",
        "keep_wait_deadline", "finished",
        "event", "from_state", "history_attempt", "history_error", "duration_ms", "worker",
        "consume_signal_id", "channel", "cancel_flag", "cancel_reason", "unfenced",
    ]

    static let baseCTEs = """
        WITH target_time AS (
            SELECT COALESCE({run_at}::timestamptz, now() + {run_after_ms}::float8 * interval '1 millisecond') AS at
        ), updated AS (
            UPDATE workflows SET
                state = {state}::text,
                status = {status}::text,
                context = COALESCE({context}::text::jsonb, context),
                output = COALESCE({output}::text::jsonb, output),
                compensations = (CASE WHEN {pop_undo}::bool THEN compensations - (-1) ELSE compensations END)
                                || {push_undos}::text::jsonb,
                run_at = CASE
                    -- Keeping the lease: leave run_at (the lease expiry) untouched while more than
                    -- half the lease is left, so the update stays HOT; heartbeats extend it.
                    WHEN {keep_lease_ms}::float8 IS NOT NULL AND run_at > now() + {keep_lease_ms}::float8 * interval '0.5 millisecond'
                        THEN run_at
                    WHEN {keep_lease_ms}::float8 IS NOT NULL THEN now() + {keep_lease_ms}::float8 * interval '1 millisecond'
                    -- A pending cancel makes the row due now, unless this commit drops it (the
                    -- workflow refuses it now) or it is already being carried out (compensating:
                    -- an undo's backoff must hold).
                    WHEN {active}::bool AND cancel_requested AND {cancel_flag}::bool IS NOT false
                         AND {status}::text <> 'compensating' THEN now()
                    WHEN {wait_signal}::text IS NOT NULL AND (
                            signal_seq <> {seen_signal_seq}::int8
                            OR EXISTS (SELECT 1 FROM workflow_signals s
                                       WHERE s.workflow_id = workflows.id AND s.name = {wait_signal}::text
                                         AND s.consumed_at IS NULL))
                        THEN now()
                    WHEN {due_now}::bool THEN now()
                    ELSE (SELECT at FROM target_time)
                END,
                lease_owner = {lease_owner}::text,
                visit = {new_visit}::int8,
                attempt = {new_attempt}::int8,
                last_error = {last_error}::text,
                wait_signal = {wait_signal}::text,
                wait_timeout_state = {wait_timeout_state}::text,
                wait_deadline = CASE WHEN {wait_has_deadline}::bool THEN (SELECT at FROM target_time)
                                     WHEN {keep_wait_deadline}::bool THEN wait_deadline END,
                cancel_requested = COALESCE({cancel_flag}::bool, cancel_requested),
                cancel_reason = COALESCE({cancel_reason}::text, cancel_reason),
                updated_at = now(),
                finished_at = CASE WHEN {finished}::bool THEN now() ELSE NULL END
            WHERE id = {id}::uuid AND ({unfenced}::bool OR (fencing_token = {fencing_token}::int8
              AND visit = {expected_visit}::int8 AND attempt = {expected_attempt}::int8))
            RETURNING id, status, run_at, lease_owner IS NOT NULL AS lease_kept, cancel_requested, signal_seq,
                      (compensations -> -1)::text AS top_undo, jsonb_array_length(compensations) AS undo_depth
        ), history AS (
            INSERT INTO workflow_history
                (workflow_id, visit, event, from_state, to_state, attempt, error, duration_ms, worker_id)
            SELECT id, {expected_visit}::int8, {event}::text, {from_state}::text, {state}::text,
                   {history_attempt}::int8, {history_error}::text, {duration_ms}::float8, {worker}::text
            FROM updated WHERE {event}::text IS NOT NULL
        ), consumed AS (
            UPDATE workflow_signals SET consumed_at = now(), consumed_visit = {expected_visit}::int8
            WHERE workflow_id = {id}::uuid AND signal_id = {consume_signal_id}::text
              AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM updated)
        )
        """

    static let effectParameters = [
        "message_topics", "message_keys", "message_payloads",
        "child_ids", "child_types", "child_versions", "child_keys", "child_states", "child_inputs", "child_contexts",
        "tag_names", "tag_values",
    ]

    static let effectCTEs = """
        , outboxed AS (
            INSERT INTO outbox (workflow_id, topic, dedupe_key, payload)
            SELECT u.id, m.topic, m.dedupe_key, m.payload::jsonb
            FROM updated u, unnest({message_topics}::text[], {message_keys}::text[], {message_payloads}::text[])
                 AS m(topic, dedupe_key, payload)
            ON CONFLICT (topic, dedupe_key) DO NOTHING
        ), children AS (
            INSERT INTO workflows (id, type, version, business_key, state, status, input, context, run_at, parent_id)
            SELECT c.id, c.type, c.version, c.business_key, c.state, 'runnable', c.input::jsonb, c.context::jsonb, now(), u.id
            FROM updated u, unnest({child_ids}::uuid[], {child_types}::text[], {child_versions}::int8[],
                                   {child_keys}::text[], {child_states}::text[], {child_inputs}::text[],
                                   {child_contexts}::text[])
                 AS c(id, type, version, business_key, state, input, context)
            ON CONFLICT (type, business_key) DO NOTHING
            RETURNING id, state
        ), tagged AS (
            INSERT INTO workflow_tags (name, value, workflow_id)
            SELECT t.name, t.value, u.id
            FROM updated u, unnest({tag_names}::text[], {tag_values}::text[]) AS t(name, value)
            ON CONFLICT DO NOTHING
        ), child_history AS (
            INSERT INTO workflow_history (workflow_id, visit, event, to_state, worker_id)
            SELECT id, 1, 'started', state, {worker}::text FROM children
        )
        """

    static func tail(withChildren: Bool) -> String {
        """
        , notified AS (
            SELECT pg_notify({channel}::text, '') FROM updated
            WHERE (NOT updated.lease_kept AND updated.run_at <= now())\(withChildren ? " OR EXISTS (SELECT 1 FROM children)" : "")
        )
        SELECT u.status, u.run_at, u.lease_kept, u.cancel_requested, u.signal_seq, u.top_undo, u.undo_depth
        FROM updated u, (SELECT count(*) FROM notified) n
        """
    }

    static let sql = SQLTemplate.render(baseCTEs + tail(withChildren: false), parameters: baseParameters)

    let commit: TransitionCommit
    let channel: String

    func makeBindings() throws -> PostgresBindings {
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
        let active = !commit.finished && commit.status != .failed && commit.status != .compensationFailed
        var b = PostgresBindings(capacity: 44)
        // In the order of `baseParameters`.
        b.append(commit.id)
        b.append(commit.fencingToken)
        b.append(commit.expectedVisit)
        b.append(commit.expectedAttempt)
        b.append(commit.state)
        b.append(commit.status.rawValue)
        b.append(commit.context)
        b.append(commit.output)
        b.append(commit.popUndo)
        b.append(commit.pushUndos)
        b.append(keepLeaseMilliseconds)
        b.append(active)
        b.append(commit.waitSignal)
        b.append(commit.seenSignalSeq)
        b.append(dueNow)
        b.append(absolute)
        b.append(afterMilliseconds)
        b.append(keepLeaseMilliseconds == nil ? nil : commit.worker)
        b.append(commit.newVisit)
        b.append(commit.newAttempt)
        b.append(commit.lastError)
        b.append(commit.waitTimeoutState)
        b.append(commit.waitHasDeadline)
        b.append(commit.keepWaitDeadline)
        b.append(commit.finished)
        b.append(commit.event)
        b.append(commit.fromState)
        b.append(commit.historyAttempt)
        b.append(commit.historyError)
        b.append(commit.durationMilliseconds)
        b.append(commit.worker)
        b.append(commit.consumeSignalID)
        b.append(channel)
        b.append(commit.cancelFlag)
        b.append(commit.cancelReason)
        b.append(commit.unfenced)
        precondition(b.count == Self.baseParameters.count)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// The commit of a step that also wrote outbox messages or started child workflows.
struct CommitTransitionWithEffectsStatement: PostgresPreparedStatement {
    typealias Row = CommitTransitionStatement.Row

    static let sql = SQLTemplate.render(
        CommitTransitionStatement.baseCTEs + CommitTransitionStatement.effectCTEs + CommitTransitionStatement.tail(withChildren: true),
        parameters: CommitTransitionStatement.baseParameters + CommitTransitionStatement.effectParameters)

    let base: CommitTransitionStatement

    func makeBindings() throws -> PostgresBindings {
        var b = try base.makeBindings()
        let commit = base.commit
        b.append(commit.messages.map(\.topic))
        b.append(commit.messages.map(\.key))
        b.append(commit.messages.map(\.payload))
        b.append(commit.children.map { _ in UUID.timeOrdered() })
        b.append(commit.children.map(\.type))
        b.append(commit.children.map(\.version))
        b.append(commit.children.map(\.key))
        b.append(commit.children.map(\.initialState))
        b.append(commit.children.map(\.input))
        b.append(commit.children.map(\.context))
        b.append(commit.tags.map(\.name))
        b.append(commit.tags.map(\.value))
        precondition(b.count == CommitTransitionStatement.baseParameters.count + CommitTransitionStatement.effectParameters.count)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
