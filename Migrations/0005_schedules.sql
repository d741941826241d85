-- Schedules: cron slots that start workflows, each slot exactly once across the fleet.

-- One row per declared schedule, synced from code at worker start. `enabled` and the firing
-- cursor belong to the database: a pause survives deploys.
CREATE TABLE schedules (
    name           text        PRIMARY KEY,
    workflow_type  text        NOT NULL,
    cron           text        NOT NULL,
    time_zone      text        NOT NULL,
    -- skip | run_once | run_all:N
    misfire        text        NOT NULL,
    enabled        boolean     NOT NULL DEFAULT true,
    next_fire_at   timestamptz,
    -- The latest slot that fired; misfire handling counts missed slots after it.
    last_slot      timestamptz,
    last_fired_at  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Serves the firing loop's "which schedules are due" scan; paused ones are not in it.
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE enabled;

-- Every slot that fired, and the workflow it started. The primary key is the exactly-once
-- guarantee: a second fire of the same slot inserts nothing.
CREATE TABLE schedule_fires (
    schedule     text        NOT NULL,
    slot         timestamptz NOT NULL,
    workflow_id  uuid        NOT NULL,
    -- slot | catch-up | manual
    reason       text        NOT NULL,
    fired_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schedule, slot)
);
