/* loa_notifier: wakes the outbox relays (LISTEN "<schema>_outbox") after the
 * commit, off the request's own transaction.
 *
 * A NOTIFY inside a transaction makes its COMMIT take PostgreSQL's
 * cluster-wide notify queue lock and hold it across the WAL flush, so such
 * commits cannot be flushed as a group. Instead, loa_outbox_add marks the
 * calling thread's transaction (loa_notifier_mark); when that transaction
 * has committed, loa_db_tx calls loa_notifier_tx_end (1), which hands the
 * marked channels to the process's notifier and returns at once. The
 * notifier's thread, on a connection of its own with synchronous_commit
 * off, runs pg_notify for them, at once for a lone commit but at most once
 * per 5 ms: commits that arrive meanwhile share the next notification (and
 * the relay one move), so under load the relay does not wake per commit.
 *
 * Nothing here is needed for correctness: the relay's slow poll moves what
 * no notification announced (a crash between COMMIT and NOTIFY, a notifier
 * whose connection is down, a transaction run outside loa_db_tx that never
 * calls loa_notifier_tx_end). */
#ifndef LOA_NOTIFIER_H
#define LOA_NOTIFIER_H

typedef struct loa_notifier loa_notifier;

/* `service` names it in logs (application_name "<service>/notifier");
 * `db_url` is a libpq URL/conninfo. Does not start. NULL when out of memory. */
loa_notifier *loa_notifier_new (const char *service, const char *db_url);

/* Starts the thread and makes this the process's notifier (the one
 * loa_notifier_tx_end and loa_notifier_wake hand channels to). The thread
 * connects on its own and reconnects (with backoff) when the connection is
 * lost. 0 or -1 (logged; e.g. another notifier is already running). */
int loa_notifier_start (loa_notifier *self);

/* Stops the thread (channels still pending are dropped: the relays' poll
 * takes their rows) and frees; NULLs *pself. Idempotent. */
void loa_notifier_destroy (loa_notifier **pself);

/* Notifications sent so far (for tests and logs). */
unsigned long loa_notifier_sent (const loa_notifier *self);

/* Marks the calling thread's open transaction as one that wrote events
 * announced on `channel` (copied; at most 63 bytes). A transaction may mark
 * a few channels; the same one twice counts once. */
void loa_notifier_mark (const char *channel);

/* Ends the calling thread's transaction for the notifier: `committed`
 * non-zero hands the marked channels to the process's notifier (if one
 * runs), zero forgets them (rolled back). Clears the marks either way. Never
 * blocks on the database. */
void loa_notifier_tx_end (int committed);

/* Hands `channel` to the process's notifier now (an event already
 * committed, e.g. by an autocommit INSERT). Nothing when none runs. */
void loa_notifier_wake (const char *channel);

#endif
