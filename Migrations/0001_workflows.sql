-- Sundial engine core: workflow instances, their history, signals and the worker registry.
-- Applied by `sundial migrate` inside the schema named by SUNDIAL_SCHEMA (search_path).

-- One row per workflow instance. Kept narrow: it is the hot table that workers claim from.
CREATE TABLE workflows (
    id                 uuid PRIMARY KEY,
    type               text        NOT NULL,
    version            integer     NOT NULL,
    business_key       text        NOT NULL,
    state              text        NOT NULL,
    -- runnable | sleeping | waiting | compensating    (active: run_at says when it is due)
    -- completed | failed | compensated | compensation_failed | cancelled   (run_at is NULL)
    status             text        NOT NULL,
    input              jsonb       NOT NULL,
    context            jsonb       NOT NULL,
    output             jsonb,
    -- Stack of registered undo actions, newest last: [{"action": ..., "state": ..., "visit": n}].
    compensations      jsonb       NOT NULL DEFAULT '[]',
    -- When a worker may claim the row. While leased it is the lease expiry, so an expired
    -- lease makes the row due again with no extra bookkeeping. NULL: nothing to do until
    -- someone acts (finished, failed, awaiting a signal without timeout).
    run_at             timestamptz,
    wait_signal        text,
    wait_timeout_state text,
    -- When an await with a timeout gives up and runs wait_timeout_state instead.
    wait_deadline      timestamptz,
    visit              integer     NOT NULL DEFAULT 1,
    -- Failed attempts of the current visit (or of the current compensation step).
    attempt            integer     NOT NULL DEFAULT 0,
    last_error         text,
    lease_owner        text,
    -- Incremented by every claim; a commit must present the token it claimed with.
    fencing_token      bigint      NOT NULL DEFAULT 0,
    -- Incremented by every signal delivery, under the row lock; lets a wait see signals that
    -- arrived while its handler ran.
    signal_seq         bigint      NOT NULL DEFAULT 0,
    cancel_requested   boolean     NOT NULL DEFAULT false,
    cancel_reason      text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    CONSTRAINT workflows_business_key_unique UNIQUE (type, business_key),
    CONSTRAINT workflows_status_known CHECK (status IN (
        'runnable', 'sleeping', 'waiting', 'compensating',
        'completed', 'failed', 'compensated', 'compensation_failed', 'cancelled'))
);

-- The claim index: only rows with something to do are in it, so claim cost stays flat however
-- many finished rows pile up. Serves claimDue and nextDueTime.
CREATE INDEX workflows_due ON workflows (run_at) WHERE run_at IS NOT NULL;
-- Listing by status and type for operators.
CREATE INDEX workflows_status_type ON workflows (status, type, updated_at);

-- Append-only record of every transition and failed attempt.
CREATE TABLE workflow_history (
    id            bigserial   PRIMARY KEY,
    workflow_id   uuid        NOT NULL,
    visit         integer     NOT NULL,
    event         text        NOT NULL,
    from_state    text,
    to_state      text,
    attempt       integer     NOT NULL DEFAULT 0,
    error         text,
    duration_ms   double precision,
    worker_id     text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- Serves the history of one workflow, in order.
CREATE INDEX workflow_history_by_workflow ON workflow_history (workflow_id, id);

-- Durable signal inbox. A signal sent before the workflow waits stays here until consumed;
-- the primary key makes a repeated signal id a no-op.
CREATE TABLE workflow_signals (
    workflow_id    uuid        NOT NULL,
    signal_id      text        NOT NULL,
    name           text        NOT NULL,
    payload        jsonb       NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    consumed_at    timestamptz,
    consumed_visit integer,
    PRIMARY KEY (workflow_id, signal_id)
);
-- Serves the lookup of the oldest pending signal of a name for a waiting workflow.
CREATE INDEX workflow_signals_pending ON workflow_signals (workflow_id, name, received_at)
    WHERE consumed_at IS NULL;

-- Live workers and what they run, refreshed by each worker's heartbeat.
CREATE TABLE workers (
    id            text        PRIMARY KEY,
    host          text        NOT NULL,
    pid           integer     NOT NULL,
    concurrency   integer     NOT NULL,
    definitions   text[]      NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    stopped_at    timestamptz
);
