-- Keep transition commits cheap for Postgres: an UPDATE that changes no indexed column can be
-- a HOT update (no new index entries). A step that keeps its lease now leaves run_at alone, so
-- the only indexed column that moved on every step was updated_at in the listing index.
DROP INDEX workflows_status_type;
-- Listing by status and type for operators (no per-step column in it).
CREATE INDEX workflows_status_type ON workflows (status, type);
-- Leave room on each page for the new row versions of HOT updates.
ALTER TABLE workflows SET (fillfactor = 80);
