-- Durable outbox rows and child workflows, both written in the transition's transaction.

-- The workflow that started this one, when it was started as a child.
ALTER TABLE workflows ADD COLUMN parent_id uuid;
-- Serves "the children of workflow X".
CREATE INDEX workflows_by_parent ON workflows (parent_id) WHERE parent_id IS NOT NULL;

-- Messages to deliver after a transition committed (order-status webhooks and the like).
-- A dispatcher delivers each at least once, retrying with backoff, then parks it for an operator.
CREATE TABLE outbox (
    id               bigserial   PRIMARY KEY,
    workflow_id      uuid        NOT NULL,
    topic            text        NOT NULL,
    dedupe_key       text        NOT NULL,
    payload          jsonb       NOT NULL,
    -- pending | delivered | parked
    status           text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    CONSTRAINT outbox_dedupe_unique UNIQUE (topic, dedupe_key),
    CONSTRAINT outbox_status_known CHECK (status IN ('pending', 'delivered', 'parked'))
);
-- Serves a dispatcher's claim of due messages; delivered and parked rows are not in it.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
-- Serves the messages of one workflow (inspection).
CREATE INDEX outbox_by_workflow ON outbox (workflow_id, id);
