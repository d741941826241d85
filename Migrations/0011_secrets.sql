-- Secrets the fleet shares and rewrites at run time: tokens a vendor rotates (QuickBooks'
-- refresh token and the access token that goes with it), which every worker must read and only
-- one worker at a time may renew. The engine stores them without knowing what they are.

-- One row per named secret. `sealed` is AES-256-GCM (nonce, ciphertext and tag, as swift-crypto's
-- combined form) under the key in SUNDIAL_SECRETS_KEY, with the name as authenticated data, so a
-- value cannot be read without the key nor moved to another name. NULL: the name is reserved (a
-- renewal holds its row lock) but no value was ever stored. The primary key serves every lookup
-- and the row lock that serialises renewals.
CREATE TABLE secrets (
    name        text        PRIMARY KEY,
    sealed      bytea,
    -- Writes of a value so far; tells an operator how often it rotated.
    version     bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
