-- Dashboard logins. The browser's cookie holds a random session id, never the admin token; only
-- the id's SHA-256 is stored, so a copy of this table opens no session. A session belongs to the
-- admin token it was opened with: it ends when that token is revoked, at its absolute expiry,
-- after a while without a request, or at logout (the row is deleted).

CREATE TABLE dashboard_sessions (
    -- hex SHA-256 of the session id; the primary key serves the lookup of every dashboard request
    id_hash          text        PRIMARY KEY,
    token_name       text        NOT NULL REFERENCES admin_tokens (name),
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- refreshed at most once a minute, not on every request
    last_seen_at     timestamptz NOT NULL DEFAULT now(),
    -- created_at + the session lifetime; never moves
    expires_at       timestamptz NOT NULL,
    -- least(last_seen_at + the idle timeout, expires_at): the one column a lookup checks
    idle_expires_at  timestamptz NOT NULL
);
-- Ends a revoked token's sessions (and serves the foreign key).
CREATE INDEX dashboard_sessions_by_token ON dashboard_sessions (token_name);
-- Sweeps ended sessions away at each login.
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (idle_expires_at);
