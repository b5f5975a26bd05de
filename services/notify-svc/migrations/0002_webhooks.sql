-- Broadcasters' webhooks (Standard Webhooks, docs/notifications.md): one URL
-- per broadcaster (media-svc's id), and the secret its payloads are signed
-- with, kept as it must be to sign (HMAC), readable by notify-svc's role only.
CREATE TABLE webhooks (
    broadcaster_id bigint PRIMARY KEY CHECK (broadcaster_id > 0),
    url            text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    secret         bytea NOT NULL CHECK (length(secret) = 32),
    created_by     bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A webhook delivery's broadcaster: its secret is looked up when it is sent
-- (a new secret applies to what is still queued), and the broadcaster reads
-- its own deliveries.
ALTER TABLE deliveries ADD COLUMN broadcaster_id bigint;
CREATE INDEX deliveries_broadcaster ON deliveries (broadcaster_id, id DESC)
    WHERE broadcaster_id IS NOT NULL;
