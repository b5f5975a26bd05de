/* loa_subscriber: events without loss, the consumer side (docs/architecture.md).
 *
 * Subscribes first (SUB to the producer's PUB), then replays from its stored
 * seq with the producer's RPC "events.since". Each event is applied and the
 * new seq stored in one transaction in the consumer's own schema (table
 * event_cursor (source text primary key, seq bigint)), so an event seen twice
 * changes nothing. A gap, or a heartbeat ahead of the stored seq, triggers a
 * replay. */
#ifndef LOA_SUBSCRIBER_H
#define LOA_SUBSCRIBER_H

#include <libpq-fe.h>

#include "common.pb-c.h"

/* Applies one event inside the consumer's transaction. Events of topics the
 * consumer does not care about are simply ignored (return 0). Return 0 to
 * commit (and advance the seq) or -1 to roll back and retry later (the
 * thread retries with a backoff, never skipping the event); LOA_DB_RETRY
 * (db.h) after a serialization failure or deadlock retries at once. The
 * heartbeat is never passed to it. */
typedef int (*loa_event_apply) (PGconn *db, const Loa__Event *event, void *arg);

typedef struct loa_subscriber loa_subscriber;

/* `source` names the producer (e.g. "content"); `events_addr` its PUB
 * address and `rpc_addr` its RPC address(es) (for replay). `db_url` must
 * select the consumer's schema (search_path, see loa_db_url_with_schema),
 * where its event_cursor table lives. `arg` is passed to `apply` (from the
 * subscriber's thread). Does not start. */
loa_subscriber *loa_subscriber_new (const char *source, const char *events_addr,
                                    const char *rpc_addr, const char *db_url, loa_event_apply apply,
                                    void *arg);
/* Starts the subscriber thread. 0 or -1. The thread subscribes, then
 * replays; it replays again on a gap, on a heartbeat ahead of its seq, and
 * every few seconds while it hears nothing. It never gives up: a producer
 * or a database that is down is retried with a backoff. `zmq_ctx` must
 * outlive the subscriber. */
int loa_subscriber_start (loa_subscriber *self, void *zmq_ctx);
/* Stops the thread (within a replay call's timeout at worst), closes its
 * sockets and connection and frees; NULLs *pself. Idempotent. */
void loa_subscriber_destroy (loa_subscriber **pself);

/* The producer's name, as given to loa_subscriber_new (borrowed). */
const char *loa_subscriber_source (const loa_subscriber *self);

/* Its position for the metrics (docs/operations.md "Metrics"), read from
 * atomics its thread updates as it works (any thread may call it):
 * *applied, the seq applied (stored) as last read or written, and
 * *producer, the producer's last seq as the subscriber last learned it
 * (its events, its heartbeat, events.since's last_seq). 0, or -1 while
 * either is not known yet (values then -1). */
int loa_subscriber_figures (const loa_subscriber *self, long long *applied, long long *producer);

/* Applies `event` exactly once on `db` for `source`: in one transaction,
 * checks the stored seq (an event at or below it is skipped and 0 returned;
 * one beyond seq+1 is a gap and 1 is returned without applying), applies it
 * and stores the new seq. Returns 0 applied or skipped, 1 gap, -1 error.
 * `db` must not be inside a transaction. The cursor row is locked (FOR
 * UPDATE), so replicas of a consumer never apply an event twice.
 * Exposed for tests and for the thread's own use. */
int loa_subscriber_apply_one (PGconn *db, const char *source, const Loa__Event *event,
                              loa_event_apply apply, void *arg);

/* The stored seq for `source` (0 when none), or -1 on error. */
long long loa_subscriber_position (PGconn *db, const char *source);

/* Empties what a consumer built from a producer's events (before a
 * rebuild), inside the rebuild's transaction. 0, -1 or LOA_DB_RETRY. */
typedef int (*loa_event_reset) (PGconn *db, void *arg);

/* Rebuilds what `apply` built from `source`'s events, in ONE transaction
 * on `db` (not inside one): locks the cursor row (a running subscriber of
 * this consumer waits for the commit), runs `reset`, applies every event of
 * the producer's log from seq 1, fetched with "events.since" from
 * `rpc_addr` (its own ZeroMQ context and client, for this call only), and
 * stores the last seq applied. Readers see the old state until the commit;
 * any failure (the producer down, a database error) rolls it all back.
 * Returns the number of events applied (>= 0) and sets *last_seq, or -1
 * (logged). */
long long loa_subscriber_rebuild (PGconn *db, const char *source, const char *rpc_addr,
                                  loa_event_reset reset, loa_event_apply apply, void *arg,
                                  unsigned long long *last_seq);

#endif
