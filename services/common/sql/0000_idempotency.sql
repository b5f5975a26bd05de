-- Shared by every service schema: replies to creating calls made with an
-- Idempotency-Key (docs/api/conventions.md: "POST that creates ... honours Idempotency-Key"),
-- kept 24 hours. A repeat with the same key, caller and method gets the
-- stored reply; the same key with another request is refused.
CREATE TABLE IF NOT EXISTS idempotency (
    user_id      bigint NOT NULL,
    method       text NOT NULL,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       int NOT NULL,
    reply        bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, method, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_at);
