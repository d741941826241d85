-- Tags: searchable business attributes a workflow attaches to itself in a step's commit (an
-- order's tracking number), so a carrier webhook that knows only the tracking number finds its
-- order. The primary key serves the lookup by (name, value).
CREATE TABLE workflow_tags (
    name        text        NOT NULL,
    value       text        NOT NULL,
    workflow_id uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, value, workflow_id)
);
-- Serves retention's delete of a finished workflow's tags.
CREATE INDEX workflow_tags_by_workflow ON workflow_tags (workflow_id);

-- Shared limits and circuit breakers of outside APIs, one row per API (`fedex`, `quickbooks`),
-- used by every worker of the fleet. Limits come from configuration (synced at worker start);
-- the token bucket and the circuit are state.
CREATE TABLE api_limits (
    api                  text PRIMARY KEY,
    -- Token bucket: up to rate_capacity calls per rate_window_ms, refilled continuously.
    rate_capacity        integer          NOT NULL,
    rate_window_ms       integer          NOT NULL,
    tokens               double precision NOT NULL,
    refilled_at          timestamptz      NOT NULL DEFAULT now(),
    -- Calls in flight at once across the fleet; NULL means no cap.
    max_concurrent       integer,
    -- Circuit breaker: opens after failure_threshold failures in a row, stays open cooldown_ms,
    -- then lets one probe call through (half_open) and closes on its success.
    failure_threshold    integer          NOT NULL,
    cooldown_ms          integer          NOT NULL,
    consecutive_failures integer          NOT NULL DEFAULT 0,
    circuit              text             NOT NULL DEFAULT 'closed'
                         CHECK (circuit IN ('closed', 'open', 'half_open')),
    -- open: when the probe may go; half_open: when an unanswered probe counts as lost.
    circuit_until        timestamptz,
    opened_count         bigint           NOT NULL DEFAULT 0,
    updated_at           timestamptz      NOT NULL DEFAULT now()
);

-- Calls in flight against an API with a concurrency cap. A permit expires on its own
-- (expires_at) if its worker dies mid-call. The primary key serves release; the second index
-- serves the count of live permits per API.
CREATE TABLE api_permits (
    permit_id  uuid PRIMARY KEY,
    api        text        NOT NULL,
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX api_permits_by_api ON api_permits (api, expires_at);

-- Asks for one call to `p_api`: checks the circuit, takes a token from the bucket and, when the
-- API has a concurrency cap, a permit. One round trip; the row lock on api_limits serialises
-- callers of one API, and each statement below sees the permits committed before it.
-- Answers: granted; when not, why (`circuit_open`, `rate`, `concurrency`) and when to ask again;
-- and whether the API has a failure streak (so a success must report back to reset it).
CREATE FUNCTION api_acquire(p_api text, p_permit uuid, p_holder text, p_lease_ms integer)
RETURNS TABLE (granted boolean, refusal text, retry_after_ms integer, permit_taken boolean, circuit text,
               failing boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    l api_limits%ROWTYPE;
    available double precision;
    live integer;
    probing boolean := false;
BEGIN
    SELECT * INTO l FROM api_limits WHERE api = p_api FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT true, NULL::text, 0, false, 'closed'::text, false;
        RETURN;
    END IF;
    IF l.circuit = 'open' AND l.circuit_until > now() THEN
        RETURN QUERY SELECT false, 'circuit_open'::text,
            GREATEST(1, ceil(extract(epoch FROM l.circuit_until - now()) * 1000))::integer, false, l.circuit, l.consecutive_failures > 0;
        RETURN;
    ELSIF l.circuit = 'half_open' AND l.circuit_until > now() THEN
        -- A probe is in flight: everyone else treats the API as down until it answers.
        RETURN QUERY SELECT false, 'circuit_open'::text,
            GREATEST(1, ceil(extract(epoch FROM l.circuit_until - now()) * 1000))::integer, false, l.circuit, l.consecutive_failures > 0;
        RETURN;
    ELSIF l.circuit <> 'closed' THEN
        probing := true;
    END IF;

    available := LEAST(l.rate_capacity::double precision,
        l.tokens + extract(epoch FROM now() - l.refilled_at) * 1000 * l.rate_capacity / l.rate_window_ms);
    IF available < 1 THEN
        RETURN QUERY SELECT false, 'rate'::text,
            GREATEST(1, ceil((1 - available) * l.rate_window_ms / l.rate_capacity))::integer, false, l.circuit, l.consecutive_failures > 0;
        RETURN;
    END IF;

    IF l.max_concurrent IS NOT NULL THEN
        DELETE FROM api_permits WHERE api = p_api AND expires_at < now();
        SELECT count(*) INTO live FROM api_permits WHERE api = p_api;
        IF live >= l.max_concurrent THEN
            RETURN QUERY SELECT false, 'concurrency'::text, 250, false, l.circuit, l.consecutive_failures > 0;
            RETURN;
        END IF;
        INSERT INTO api_permits (permit_id, api, holder, expires_at)
        VALUES (p_permit, p_api, p_holder, now() + p_lease_ms * interval '1 millisecond');
    END IF;

    UPDATE api_limits SET
        tokens = available - 1,
        refilled_at = now(),
        circuit = CASE WHEN probing THEN 'half_open' ELSE circuit END,
        circuit_until = CASE WHEN probing THEN now() + cooldown_ms * interval '1 millisecond' ELSE circuit_until END,
        updated_at = now()
    WHERE api = p_api;
    RETURN QUERY SELECT true, NULL::text, 0, l.max_concurrent IS NOT NULL,
        CASE WHEN probing THEN 'half_open' ELSE l.circuit END, l.consecutive_failures > 0;
END
$$;

-- Reports how a call went: frees its permit and moves the circuit. `p_outcome` is `success`
-- (closes the circuit), `failure` (an outage-like error: counts towards opening it) or
-- `neutral` (the API answered; the request itself was refused).
CREATE FUNCTION api_release(p_api text, p_permit uuid, p_outcome text)
RETURNS TABLE (circuit text, consecutive_failures integer)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    IF p_permit IS NOT NULL THEN
        DELETE FROM api_permits WHERE permit_id = p_permit;
    END IF;
    IF p_outcome = 'success' THEN
        RETURN QUERY UPDATE api_limits a SET consecutive_failures = 0, circuit = 'closed', circuit_until = NULL, updated_at = now()
            WHERE a.api = p_api AND (a.consecutive_failures <> 0 OR a.circuit <> 'closed')
            RETURNING a.circuit, a.consecutive_failures;
    ELSIF p_outcome = 'failure' THEN
        RETURN QUERY UPDATE api_limits a SET
            consecutive_failures = a.consecutive_failures + 1,
            circuit = CASE WHEN a.circuit = 'half_open' OR a.consecutive_failures + 1 >= a.failure_threshold
                           THEN 'open' ELSE a.circuit END,
            circuit_until = CASE WHEN a.circuit = 'half_open' OR a.consecutive_failures + 1 >= a.failure_threshold
                                 THEN now() + a.cooldown_ms * interval '1 millisecond' ELSE a.circuit_until END,
            opened_count = a.opened_count + CASE WHEN a.circuit <> 'open'
                               AND (a.circuit = 'half_open' OR a.consecutive_failures + 1 >= a.failure_threshold) THEN 1 ELSE 0 END,
            updated_at = now()
            WHERE a.api = p_api
            RETURNING a.circuit, a.consecutive_failures;
    END IF;
END
$$;
