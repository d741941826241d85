-- Batch jobs read Sundial's own records: the nightly accounting batch pages through the
-- completed orders of a business date, and reruns, `sundial batches list` and the deadline
-- check find the runs of one business date.

-- Serves WorkflowRecords.completed: completed workflows of a type by finish time, paged by
-- (finished_at, id). Only completed rows are in it.
CREATE INDEX workflows_completed_by_type ON workflows (type, finished_at, id) WHERE status = 'completed';

-- Serves WorkflowRecords.runs / the batch listing: runs of a batch type by business date
-- (their input's "business_date"). Only rows whose input has one are in it.
CREATE INDEX workflows_by_business_date ON workflows (type, (input->>'business_date'), created_at)
    WHERE input ? 'business_date';
