-- Fleet counts that cost the same at 5 M rows as at 5, and the indexes the paginated admin
-- reads need.
--
-- `/metrics` and the dashboard overview used to run `GROUP BY type, status` over the whole
-- `workflows` table on every scrape. Now every change to a row's (type, status) appends a delta
-- row (triggers below), a maintenance service folds the deltas into `workflow_counts` every few
-- seconds (`WorkflowStore.foldFleetCounts`), and a read sums `workflow_counts` with the deltas
-- not folded yet, in one statement and so one snapshot: exact, and bounded by the number of
-- (type, status) pairs plus the changes of the last few seconds.
--
-- Why deltas and not `UPDATE workflow_counts SET count = count + 1`: the engine commits
-- thousands of transitions per second and many of them end workflows of the same type, so a
-- counter row per (type, status) would be a hot row whose lock every commit holds until its
-- WAL flush. An append to a table without indexes takes no row lock anyone else waits for.
-- Only changes of status pay: a step that stays `runnable` fires nothing (the UPDATE trigger's
-- WHEN is false), and starts and retention's deletes add one aggregated row per statement.
-- Measured (`sundial-bench count-cost`, PostgreSQL backend CPU per statement, median of 3 × 20,000):
-- a start 56.5 → 70.0 µs, a step that changes status 66 → 84 µs, a step that keeps it 36.5 →
-- 38.5 µs (noise), the fold 1.7 µs per delta row; about 37 µs per five-step workflow. The reads:
-- 1.7–3.7 ms at 0 and at 5,000,000 rows, against 0.5–0.6 s for the GROUP BY at 5 M rows
-- (`sundial-bench fleet-reads`; BENCHMARKS.md, "Fleet counts").

-- Folded counts: one row per (type, status) ever seen; a count may fall to 0.
CREATE TABLE workflow_counts (
    type   text   NOT NULL,
    status text   NOT NULL,
    count  bigint NOT NULL,
    PRIMARY KEY (type, status)
);

-- Changes not folded yet. No index: rows are only appended, summed whole and folded whole.
-- `at` is set for a status change (the time the throughput chart buckets it by) and NULL for
-- rows created or deleted, which are not endings.
CREATE TABLE workflow_count_deltas (
    type   text        NOT NULL,
    status text        NOT NULL,
    delta  bigint      NOT NULL,
    at     timestamptz
);

-- Workflows that reached an end status (completed, failed, compensated, compensation_failed,
-- cancelled) per minute, for the dashboard's throughput chart: filled by the fold, kept two
-- hours. The primary key serves the chart's range and the pruning.
CREATE TABLE workflow_endings_per_minute (
    minute timestamptz NOT NULL,
    status text        NOT NULL,
    count  bigint      NOT NULL,
    PRIMARY KEY (minute, status)
);

CREATE FUNCTION workflow_counts_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workflow_count_deltas (type, status, delta, at)
    VALUES (OLD.type, OLD.status, -1, now()), (NEW.type, NEW.status, 1, now());
    RETURN NULL;
END
$$;

CREATE FUNCTION workflow_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workflow_count_deltas (type, status, delta)
    SELECT type, status, count(*) FROM inserted_rows GROUP BY type, status;
    RETURN NULL;
END
$$;

CREATE FUNCTION workflow_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workflow_count_deltas (type, status, delta)
    SELECT type, status, -count(*) FROM deleted_rows GROUP BY type, status;
    RETURN NULL;
END
$$;

CREATE FUNCTION workflow_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM workflow_count_deltas;
    UPDATE workflow_counts SET count = 0;
    RETURN NULL;
END
$$;

-- Row level, and only when the status (or type) really changes: evaluated in C before any
-- function call, so the commits of steps that keep their status pay nothing more.
CREATE TRIGGER workflows_count_status AFTER UPDATE OF status, type ON workflows
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.type IS DISTINCT FROM NEW.type)
    EXECUTE FUNCTION workflow_counts_status_changed();
-- Statement level with a transition table: a start adds one row, a 250,000-row seed one per
-- (type, status), a retention batch one per (type, status) it deleted.
CREATE TRIGGER workflows_count_insert AFTER INSERT ON workflows
    REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT
    EXECUTE FUNCTION workflow_counts_inserted();
CREATE TRIGGER workflows_count_delete AFTER DELETE ON workflows
    REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT
    EXECUTE FUNCTION workflow_counts_deleted();
CREATE TRIGGER workflows_count_truncate AFTER TRUNCATE ON workflows
    FOR EACH STATEMENT EXECUTE FUNCTION workflow_counts_truncated();

-- The counts of the rows already there. CREATE TRIGGER locked out writers to `workflows` until
-- this migration commits, so nothing is counted twice or missed.
INSERT INTO workflow_counts (type, status, count)
SELECT type, status, count(*) FROM workflows GROUP BY type, status;
-- The last two hours of endings, from `workflows_finished`, so the chart does not start empty.
INSERT INTO workflow_endings_per_minute (minute, status, count)
SELECT to_timestamp(floor(extract(epoch FROM finished_at) / 60) * 60), status, count(*)
FROM workflows WHERE finished_at IS NOT NULL AND finished_at >= now() - interval '2 hours'
GROUP BY 1, 2;

-- Serves the admin API's parked outbox list, oldest first, keyset on id (parked rows only).
CREATE INDEX outbox_parked ON outbox (id) WHERE status = 'parked';

-- Serves the admin API's pending signals of one workflow, oldest first, keyset on
-- (received_at, signal_id). Signals are not on a step's commit path except their consumption.
CREATE INDEX workflow_signals_pending_by_time ON workflow_signals (workflow_id, received_at, signal_id)
    WHERE consumed_at IS NULL;

-- Serves the admin API's worker list by id (keyset), skipping workers that stopped. A
-- heartbeat changes neither column, so it stays a HOT update.
CREATE INDEX workers_not_stopped ON workers (id) WHERE stopped_at IS NULL;
