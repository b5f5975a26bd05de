/* loa_outbox: events without loss, the producer side (docs/architecture.md).
 *
 * A service writes each domain event into its own `outbox` table in the
 * same transaction as the change (loa_outbox_add). One relay per service
 * (advisory lock) moves committed rows, those whose transaction is older
 * than the snapshot's xmin, into the dense `event_log (seq)`, then PUBlishes
 * them in seq order, woken by LISTEN/NOTIFY with a slow poll as a safety
 * net, plus a heartbeat carrying the last seq every second. The NOTIFY is
 * not part of the writing transaction: the process's notifier sends it
 * after the commit (notifier.h).
 *
 * Tables (services/common/sql/0000_events.sql, which the Makefile puts
 * before every service's own migrations):
 *   outbox (id bigserial, txid xid8 default pg_current_xact_id(), topic text,
 *           payload bytea, created_at timestamptz); no trigger
 *           (0000_events_notify.sql dropped the one that did NOTIFY)
 *   event_log (seq bigint primary key, topic text, payload bytea,
 *              occurred_at timestamptz)
 *   event_cursor (source text primary key, seq bigint): see subscriber.h
 *
 * On the wire (PUB): two frames, [topic][packed loa.Event]; the Event's
 * occurred_at is RFC 3339 in UTC ("2022-02-15T01:00:00.123456Z"). Every
 * second while it relays: [_heartbeat][Event{seq = last seq published}].
 * A relay starts from the end of the log (it publishes nothing older than
 * what it moves itself); subscribers get older events by "events.since".
 */
#ifndef LOA_OUTBOX_H
#define LOA_OUTBOX_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

#include "loa_rpc_server.h"

/* Inserts one event into the outbox of the current schema (the session's
 * search_path; call inside the transaction that makes the change).
 * `payload` is packed; NULL gives an empty payload. 0 or -1 (logged; the
 * caller's transaction is then aborted and must be rolled back).
 * It marks the thread's transaction for the notifier (loa_notifier_mark,
 * channel "<current_schema()>_outbox"): loa_db_tx wakes the relay after its
 * COMMIT. A transaction run by hand should call loa_notifier_tx_end after
 * its COMMIT or ROLLBACK, or its events wait for the relay's slow poll.
 * Outside a transaction (the INSERT commits by itself) it wakes the relay
 * at once. In a pipelined transaction (loa_db_tx_pipelined) the INSERT is
 * deferred (loa_db_defer): 0 means queued, it travels with the COMMIT,
 * its failure fails the transaction, and the channel is marked when its
 * result is read. */
int loa_outbox_add (PGconn *db, const char *topic, const ProtobufCMessage *payload);

/* Prepares loa_outbox_add's INSERT on `db`, the calling thread's own
 * connection (an RPC worker's: loa_rpc_server does it with the service's
 * statements), so that the thread's events are inserted without being
 * parsed and planned each time; other connections (subscribers', tickers')
 * still work, unprepared. 0, or -1 (the schema has no outbox: not logged). */
int loa_outbox_prepare (PGconn *db);

typedef struct loa_relay loa_relay;

/* `schema` names the service's schema (the relay's connection uses it as
 * search_path; it also names the NOTIFY channel and the advisory lock, so
 * it may be at most 56 bytes). `service` names it in logs (the connection's
 * application_name is "<service>/relay"). `db_url` is a libpq URL/conninfo;
 * `pub_addr` the address the PUB socket binds. Does not start. NULL when
 * the schema name is too long or out of memory. */
loa_relay *loa_relay_new (const char *service, const char *schema, const char *db_url,
                          const char *pub_addr);
/* Binds the PUB socket and starts the relay thread. 0 or -1 (logged; e.g.
 * the address cannot be bound). The thread owns its own PostgreSQL
 * connection: it waits while another replica holds the schema's lock, and
 * reconnects (with backoff) when the connection is lost. `zmq_ctx` must
 * outlive the relay. */
int loa_relay_start (loa_relay *self, void *zmq_ctx);
/* Stops the thread and frees; NULLs *pself. Idempotent. */
void loa_relay_destroy (loa_relay **pself);

/* The relay's state for the metrics (docs/operations.md "Metrics"), read
 * from atomics the relay's thread updates as it works (any thread may call
 * it): 1 when this replica holds the relay lock, with *last_seq the newest
 * seq of event_log it has moved or found (published) and *backlog the rows
 * left in the outbox at its last round (-1 before its first count); 0 when
 * it does not (a standby, or no connection): only the active relay knows. */
int loa_relay_figures (const loa_relay *self, long long *last_seq, long long *backlog);

/* The RPC method "events.since" that every producer serves; add it to the
 * service's method table. Input loa.EventsSinceRequest, reply
 * loa.EventsSinceReply: the events with seq > since_seq, oldest first, at
 * most `limit` (0 means 500; capped at 1000), and last_seq, the newest seq
 * in the log. Uses the worker's connection (its search_path selects the
 * schema). */
extern const loa_rpc_method loa_events_since_method;

#endif
