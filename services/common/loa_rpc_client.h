/* loa_rpc_client: the caller side of RPC over ZeroMQ (Lazy Pirate, zguide ch. 4).
 *
 * One client per service per thread: never share one between threads. It
 * holds a DEALER connected to every address given (replicas). A call sends
 * one Request and waits until its deadline for the Reply with the same
 * request_id; replies to older requests are dropped. On timeout the socket
 * is closed and reopened, so a late reply can never be taken for a newer
 * one. When no replica is connected the call fails fast with UNAVAILABLE. */
#ifndef LOA_RPC_CLIENT_H
#define LOA_RPC_CLIENT_H

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

#include "envelope.pb-c.h"
#include "loa_peers.h"

typedef struct loa_rpc_client loa_rpc_client;

/* The outcome of a call. `reply` is the unpacked Reply (caller frees it
 * with loa_rpc_result_clear) or NULL when status is DEADLINE/UNAVAILABLE
 * produced locally. */
typedef struct {
    Loa__Status status;
    Loa__Reply *reply;
} loa_rpc_result;

/* `endpoints`: one or more addresses separated by commas or spaces, e.g.
 * "tcp://127.0.0.1:7101". `service` names the service in logs and metrics. */
loa_rpc_client *loa_rpc_client_new (void *zmq_ctx, const char *service, const char *endpoints);
void loa_rpc_client_destroy (loa_rpc_client **pself);

/* Calls `method` with `body` (may be NULL) for `caller` (may be NULL).
 * `timeout_ms` bounds the whole call. `request_id` and `idempotency_key`
 * may be NULL. Fills *result; returns result->status. A call with an
 * idempotency key (the service answers it once) is sent once more when
 * its reply is later than loa_rpc_retry_ms: its replica may have died. */
Loa__Status loa_rpc_call (loa_rpc_client *self, const char *method, const Loa__Caller *caller,
                          const char *request_id, const char *idempotency_key,
                          const ProtobufCMessage *body, int timeout_ms, loa_rpc_result *result);

/* The same for a method that only reads (safe to send twice): sent once
 * more, to another replica, when its reply is late. */
Loa__Status loa_rpc_read (loa_rpc_client *self, const char *method, const Loa__Caller *caller,
                          const char *request_id, const ProtobufCMessage *body, int timeout_ms,
                          loa_rpc_result *result);

/* When a call safe to repeat is sent again: LOA_RPC_RETRY_MS, by default
 * a third of `timeout_ms` and at most 1000; 0 (never) unless below
 * `timeout_ms`. */
int loa_rpc_retry_ms (int timeout_ms);

/* A DEALER connected to every current address of `peers` (loa_peers.h:
 * the caller keeps them, and syncs the socket with them as it uses it),
 * with the options every client uses (no linger, queue only on completed
 * connections, reconnect every 100 ms to 1 s, ZMTP heartbeats). The
 * caller's; NULL on failure. */
void *loa_rpc_dealer_open (void *zmq_ctx, const char *service, loa_peers *peers);

/* Packs one Request, for a caller that sends it on its own socket (the
 * gateway's event loops, gateway/core/loop.h): `call_id` comes back in the
 * Reply; the deadline is now + `timeout_ms`. A malloc'd buffer (the
 * caller's) of *len bytes, or NULL when out of memory. */
uint8_t *loa_rpc_request_pack (const char *method, const Loa__Caller *caller,
                               const char *request_id, const char *idempotency_key,
                               const ProtobufCMessage *body, int timeout_ms, uint64_t call_id,
                               size_t *len);

/* Frees result->reply; safe on a cleared result. */
void loa_rpc_result_clear (loa_rpc_result *result);

/* 1 while the last call found the service down (UNAVAILABLE/DEADLINE). */
int loa_rpc_client_down (const loa_rpc_client *self);

const char *loa_rpc_client_service (const loa_rpc_client *self);

#endif
