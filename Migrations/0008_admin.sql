-- The admin API: operators' bearer tokens, the audit trail of every mutating call, paused
-- workflow types, reruns linked to the run they repeat, and the indexes the workflow list needs.

-- Admin API tokens (`sundial tokens create`). Only the SHA-256 of a token is stored; the token
-- itself is printed once. The unique index on token_hash serves the lookup of every request.
CREATE TABLE admin_tokens (
    name          text        PRIMARY KEY,
    role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'finance', 'admin')),
    token_hash    text        NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);

-- One row per mutating admin call (API or CLI): who, what, on what, why, and how it ended.
CREATE TABLE audit_log (
    id       bigserial   PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    -- token name, or cli:<OS user>
    actor    text        NOT NULL,
    -- workflow.cancel, type.pause, schedule.trigger, outbox.replay, ...
    action   text        NOT NULL,
    -- workflow:<id>, type:<name>, schedule:<name>, outbox:<id>
    target   text        NOT NULL,
    reason   text,
    -- ok | refused
    outcome  text        NOT NULL CHECK (outcome IN ('ok', 'refused')),
    -- why it was refused, or what it did (the new workflow of a rerun)
    detail   text
);
-- The audit list is newest first by id (primary key); each filter has its own (filter, id) index
-- so a filtered page is an index range scan in id order.
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_target ON audit_log (target, id);

-- Workflow types an operator paused: workers drop them from what they claim (read at each
-- heartbeat). Steps already running finish.
CREATE TABLE paused_types (
    type       text        PRIMARY KEY,
    paused_at  timestamptz NOT NULL DEFAULT now(),
    paused_by  text        NOT NULL,
    reason     text
);

-- A rerun is a new workflow linked to the one it repeats (`<old key>#rerun-<n>`).
ALTER TABLE workflows ADD COLUMN rerun_of uuid;
-- Serves "the reruns of workflow X" (numbering the next rerun).
CREATE INDEX workflows_by_rerun_of ON workflows (rerun_of) WHERE rerun_of IS NOT NULL;

-- The admin workflow list pages newest first by (created_at, id), keyset. created_at never
-- changes, so these indexes cost nothing on the transition commits' HOT updates (an index on
-- updated_at or state would: every step changes them).
--   no filter, created range, updated range (updated_at >= created_at bounds created_at)
CREATE INDEX workflows_by_created ON workflows (created_at, id);
--   type (alone or with state, created/updated range; state is filtered within the type's range)
CREATE INDEX workflows_type_created ON workflows (type, created_at, id);
--   status (alone or with type, state, ranges)
CREATE INDEX workflows_status_created ON workflows (status, created_at, id);
--   business key (any type); the unique (type, business_key) index serves it with a type
CREATE INDEX workflows_by_business_key ON workflows (business_key, created_at, id);
