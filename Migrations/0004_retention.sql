-- Retention: finished workflows are deleted in small batches once they are older than the
-- configured age (SUNDIAL_RETENTION_DAYS), so the hot table stays small.
-- Serves the retention service's "oldest finished first" scan; unfinished rows are not in it.
CREATE INDEX workflows_finished ON workflows (finished_at) WHERE finished_at IS NOT NULL;
