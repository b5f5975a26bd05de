-- Events without loss (docs/architecture.md): the tables every service has in its own
-- schema. The Makefile puts this file before each service's own migrations;
-- they run with search_path = <schema>, public, so nothing here is
-- schema-qualified.

-- Written in the same transaction as the change an event describes
-- (loa_outbox_add). Rows become visible at commit, out of id order: the
-- relay takes only rows whose txid is older than its snapshot's xmin.
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    topic text NOT NULL,
    payload bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_txid_id ON outbox (txid, id);

-- The dense, published log: seq 1, 2, 3, ... with no gap, written only by
-- the relay holding the schema's advisory lock. Served by "events.since".
CREATE TABLE event_log (
    seq bigint PRIMARY KEY,
    topic text NOT NULL,
    payload bytea NOT NULL,
    occurred_at timestamptz NOT NULL
);

-- A consumer's position in each producer's event_log (loa_subscriber).
CREATE TABLE event_cursor (
    source text PRIMARY KEY,
    seq bigint NOT NULL
);

-- Wakes the relay (LISTEN "<schema>_outbox"). The notification is delivered
-- at commit, and several in one transaction fold into one.
CREATE FUNCTION outbox_notify () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify ();
