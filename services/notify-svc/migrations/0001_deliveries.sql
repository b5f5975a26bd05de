-- notify-svc's outgoing queue (docs/notifications.md): one row per (event,
-- recipient, channel). `key` names that triple ("<source>.<seq>.<channel>.
-- <recipient>"): an event applied again (a replay, a rebuild) finds its row
-- and adds nothing. The message is rendered when the row is made, so the
-- row is what was sent, and a template changed later changes only later
-- messages. Personal data: a citizen's address is kept for the log of what
-- was sent to whom (Decree 20/2008's follow-up), nothing else.
CREATE TABLE deliveries (
    id                bigserial PRIMARY KEY,
    key               text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9._-]{1,200}$'),
    kind              text NOT NULL CHECK (kind ~ '^[a-z0-9._]{1,64}$'),
    channel           text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    recipient         text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 2000),
    subject           text NOT NULL DEFAULT '',
    body_text         text NOT NULL,
    body_html         text NOT NULL DEFAULT '',
    status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_at           timestamptz NOT NULL DEFAULT now(),
    last_error        text NOT NULL DEFAULT '',
    provider_response text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- The senders' question: what is due on my channel.
CREATE INDEX deliveries_due ON deliveries (channel, next_at) WHERE status = 'queued';
-- The admins': the newest of a status.
CREATE INDEX deliveries_status ON deliveries (status, id DESC);
