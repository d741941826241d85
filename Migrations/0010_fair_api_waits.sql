-- Fair waiting for an API's capacity. A step refused by an API's rate limit sleeps until the
-- time api_acquire names; when every refused caller was told "when the next token is due", a
-- crowd of sleeping steps woke together, one took the token and the rest slept again, over and
-- over: with 1,000 orders waiting for QuickBooks' 500 calls a minute, the invoice step (two calls)
-- almost never got both and throughput fell to a few orders a minute. Now refused callers queue:
-- rate_queue_until is the end of the queue, and each refusal names the next slot after it.
-- Waits for a concurrency permit are jittered.

ALTER TABLE api_limits ADD COLUMN rate_queue_until timestamptz NOT NULL DEFAULT now();

CREATE OR REPLACE FUNCTION api_acquire(p_api text, p_permit uuid, p_holder text, p_lease_ms integer)
RETURNS TABLE (granted boolean, refusal text, retry_after_ms integer, permit_taken boolean, circuit text,
               failing boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    l api_limits%ROWTYPE;
    available double precision;
    live integer;
    probing boolean := false;
    spacing_ms double precision;
    slot timestamptz;
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
        -- Refused callers queue: each is told the next free slot after the callers already told
        -- to wait, one token apart, so a crowd of waiters wakes spread at the refill rate instead
        -- of all at once for the same token (which starved steps needing two calls).
        spacing_ms := l.rate_window_ms::double precision / l.rate_capacity;
        slot := GREATEST(now() + (1 - available) * spacing_ms * interval '1 millisecond', l.rate_queue_until);
        UPDATE api_limits SET rate_queue_until = slot + spacing_ms * interval '1 millisecond' WHERE api = p_api;
        RETURN QUERY SELECT false, 'rate'::text,
            GREATEST(1, ceil(extract(epoch FROM slot - now()) * 1000))::integer, false, l.circuit, l.consecutive_failures > 0;
        RETURN;
    END IF;

    IF l.max_concurrent IS NOT NULL THEN
        DELETE FROM api_permits WHERE api = p_api AND expires_at < now();
        SELECT count(*) INTO live FROM api_permits WHERE api = p_api;
        IF live >= l.max_concurrent THEN
            -- 100-400 ms, jittered, so waiters for a permit do not all come back together.
            RETURN QUERY SELECT false, 'concurrency'::text, (100 + floor(random() * 300))::integer, false, l.circuit,
                l.consecutive_failures > 0;
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
