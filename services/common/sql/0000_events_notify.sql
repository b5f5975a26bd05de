-- The relay's wake-up leaves the writing transaction (notifier.h): a NOTIFY
-- in a transaction makes its COMMIT hold PostgreSQL's cluster-wide notify
-- queue lock across the WAL flush, so such commits could not be flushed as
-- a group. loa_db_tx now has the process's notifier send it after the
-- commit, on a connection of its own. Named to sort right after
-- 0000_events.sql (the Makefile sorts the shared files; databases made
-- before it apply it as a new migration).
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
DROP FUNCTION IF EXISTS outbox_notify ();
