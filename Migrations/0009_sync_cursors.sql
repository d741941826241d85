-- Scheduled syncs (the hourly warehouse export, the daily profile sync) read workflow history
-- with an exact cursor and keep their position between runs.

-- The transaction that wrote each history row. Ordering the feed by (xact, id) and reading only
-- rows whose transaction is older than every transaction still running
-- (pg_snapshot_xmin(pg_current_snapshot())) makes the cursor exact: no row can commit later
-- *behind* a position already read, which ordering by id alone (sequence values are taken
-- before commit) cannot promise. Rows written before this migration read as xact 0. Adding the
-- column with a constant default and then changing the default rewrites no existing row.
ALTER TABLE workflow_history ADD COLUMN xact xid8 NOT NULL DEFAULT '0';
ALTER TABLE workflow_history ALTER COLUMN xact SET DEFAULT pg_current_xact_id();
-- Serves WorkflowEventFeed.events: the keyset (xact, id) after a cursor, below the horizon.
CREATE INDEX workflow_history_by_xact ON workflow_history (xact, id);

-- One row per sync: where the next run starts, and which run holds it. A run takes the cursor
-- (only one run of a sync works at a time; the holder's own retries and restarts keep it), and
-- gives it back by advancing it to the end of what it wrote.
CREATE TABLE sync_cursors (
    name        text        PRIMARY KEY,
    -- The sync's own encoding of its position; NULL: from the beginning.
    position    text,
    -- Advances so far; the run that holds the cursor is run number generation + 1.
    generation  bigint      NOT NULL DEFAULT 0,
    -- The workflow (run) holding the cursor; NULL when free. A holder that ended without
    -- advancing (cancelled) loses it to the next run; a failed holder keeps it until resumed.
    owner       uuid,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every advance, by run: makes an advance repeated after a crash (committed here, not yet in
-- the run's own transition) recognisable, and records the range each run covered.
CREATE TABLE sync_cursor_advances (
    name           text        NOT NULL REFERENCES sync_cursors (name),
    generation     bigint      NOT NULL,
    run_id         uuid        NOT NULL,
    from_position  text,
    to_position    text        NOT NULL,
    advanced_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, generation),
    -- Serves the "did this run already advance" lookup.
    CONSTRAINT sync_cursor_advances_run UNIQUE (name, run_id)
);
