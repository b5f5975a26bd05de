-- pgbench's reference for the feedback row of `make bench`: a scratch copy
-- of the tables one submission writes (feedback-svc's feedback,
-- feedback_history and outbox), with the same columns, defaults, generated
-- search vector, constraints and indexes (LIKE ... INCLUDING ALL), the
-- history's foreign key, and (notify=1) the NOTIFY trigger the outbox had
-- before the notifier (services/common/notifier.h) took the relay's
-- wake-up off the request's transaction. Ids come from sequences of their
-- own, so the service's are untouched.
-- psql -v notify=1 adds that trigger; notify=0 leaves it out: the service's
-- transaction as it is now (the "without NOTIFY" row).
\set ON_ERROR_STOP on
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
SET search_path = bench, feedback, public;

CREATE TABLE bench.feedback (LIKE feedback.feedback INCLUDING ALL);
CREATE SEQUENCE bench.feedback_id_seq OWNED BY bench.feedback.id;
ALTER TABLE bench.feedback ALTER id SET DEFAULT nextval('bench.feedback_id_seq');

CREATE TABLE bench.feedback_history (LIKE feedback.feedback_history INCLUDING ALL);
CREATE SEQUENCE bench.feedback_history_id_seq OWNED BY bench.feedback_history.id;
ALTER TABLE bench.feedback_history ALTER id SET DEFAULT nextval('bench.feedback_history_id_seq');
ALTER TABLE bench.feedback_history
    ADD FOREIGN KEY (feedback_id) REFERENCES bench.feedback (id);

CREATE TABLE bench.outbox (LIKE feedback.outbox INCLUDING ALL);
CREATE SEQUENCE bench.outbox_id_seq OWNED BY bench.outbox.id;
ALTER TABLE bench.outbox ALTER id SET DEFAULT nextval('bench.outbox_id_seq');

SELECT :notify = 1 AS with_notify \gset
\if :with_notify
-- The former trigger of 0000_events.sql (dropped by 0000_events_notify.sql).
CREATE FUNCTION bench.outbox_notify () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON bench.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION bench.outbox_notify ();
\endif
