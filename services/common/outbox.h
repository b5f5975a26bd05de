/* outbox: events without loss, the producer side (DESIGN.md).
 *
 * A service writes each domain event into its own `outbox` table in the
 * same transaction as the change (loa_outbox_add). One relay per service
 * (advisory lock) moves committed rows, those whose transaction is older
 * than the snapshot's xmin, into the dense `event_log (seq)`, then PUBlishes
 * them in seq order, woken by LISTEN/NOTIFY with a slow poll as a safety
 * net, plus a heartbeat carrying the last seq every second.
 *
 * Tables (created by the service's first migration; see
 * services/common/outbox.sql, included there):
 *   outbox (id bigserial, txid xid8 default pg_current_xact_id(), topic text,
 *           payload bytea, created_at timestamptz)
 *   event_log (seq bigint primary key, topic text, payload bytea,
 *              occurred_at timestamptz)
 */
#ifndef LOA_OUTBOX_H
#define LOA_OUTBOX_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

#include "rpc_server.h"

/* Inserts one event into the outbox of the current schema (call inside the
 * transaction that makes the change). 0 or -1 (logged). */
int loa_outbox_add (PGconn *db, const char *topic, const ProtobufCMessage *payload);

typedef struct loa_relay loa_relay;

/* `schema` names the service's schema (for the NOTIFY channel and the lock).
 * Does not start. */
loa_relay *loa_relay_new (const char *service, const char *schema, const char *db_url,
                          const char *pub_addr);
/* Binds the PUB socket and starts the relay thread. 0 or -1. */
int loa_relay_start (loa_relay *self, void *zmq_ctx);
/* Stops the thread and frees; NULLs *pself. Idempotent. */
void loa_relay_destroy (loa_relay **pself);

/* The RPC method "events.since" that every producer serves; add it to the
 * service's method table. */
extern const loa_rpc_method loa_events_since_method;

#endif
