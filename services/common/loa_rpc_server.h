/* loa_rpc_server: the service side of RPC over ZeroMQ.
 *
 * A ROUTER binds the service's RPC address and the worker threads share it
 * (under a mutex, leader/followers: one idle worker sleeps on the socket,
 * the others wait their turn; a worker that has answered takes the next
 * queued request itself), so a request is read, handled and answered by one
 * thread, and a free worker is never idle while a request waits. Each
 * worker owns one PostgreSQL connection. A worker unpacks the envelope,
 * drops requests whose deadline has passed, finds the method in the table,
 * runs its handler and sends the Reply. */
#ifndef LOA_RPC_SERVER_H
#define LOA_RPC_SERVER_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

#include "common.pb-c.h"
#include "envelope.pb-c.h"
#include "loa_buf.h"
#include "loa_store.h"

typedef struct loa_rpc_server loa_rpc_server;

/* What a handler gets: the request's metadata and the worker's resources.
 * Everything here is borrowed for the duration of the call. */
typedef struct {
    const char *request_id;
    const char *method;
    const Loa__Caller *caller; /* never NULL: an empty caller is anonymous */
    /* The calling program ("gateway", "notify-svc"): the name of its CURVE
     * key, "" when CURVE is off (LOA_CURVE=off, development only). */
    const char *peer;
    const char *idempotency_key; /* "" when none */
    int64_t deadline_ms;
    PGconn *db; /* the worker's connection */
    void *state; /* the service's state given to loa_rpc_server_new */
    void *worker; /* internal */
} loa_rpc_ctx;

/* A handler answers by calling exactly one of loa_rpc_ok / loa_rpc_fail
 * (field errors may be added before loa_rpc_fail). If it calls none the
 * reply is INTERNAL. `in` is the unpacked body (freed by the server), or
 * NULL when the method's input descriptor is NULL. */
typedef void (*loa_rpc_handler) (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

/* One row of a service's method table; the table must match the service's
 * declaration in proto/<svc>_rpc.proto (loa_rpc_decl.h). */
typedef struct {
    const char *method; /* e.g. "units.list" */
    const ProtobufCMessageDescriptor *input; /* body type, or NULL for none */
    loa_rpc_handler handler;
} loa_rpc_method;

/* Packs `out` (may be NULL for an empty body) as the reply body with
 * `status` (LOA__STATUS__OK or LOA__STATUS__CREATED). */
void loa_rpc_ok (loa_rpc_ctx *ctx, Loa__Status status, const ProtobufCMessage *out);

/* Fails the call with `status` and a human message (Vietnamese for users). */
void loa_rpc_fail (loa_rpc_ctx *ctx, Loa__Status status, const char *message);

/* Adds a field error ({field, message}) to the reply; copies both. */
void loa_rpc_field_error (loa_rpc_ctx *ctx, const char *field, const char *message);

/* What a call failed by a store answers for one store status: the call's
 * message and, for a status about a field, the field error. A handler
 * lists the answers of the statuses it may meet, the list ending with an
 * entry whose status is LOA_STORE_OK. */
typedef struct {
    loa_store_status status;
    const char *message; /* NULL: the general one (loa_rpc_fail_store) */
    const char *field; /* NULL: no field error */
    const char *field_message; /* NULL: `message` */
} loa_rpc_store_answer;

/* The RPC status of a call failed with store status `st`, the same for
 * every service: ERROR and NOT_READY UNAVAILABLE, NOT_FOUND NOT_FOUND,
 * INVALID INVALID, FORBIDDEN FORBIDDEN, CONFLICT and WRONG_STATE CONFLICT,
 * GONE and WITHHELD GONE, FAILED INTERNAL (OK and ANSWERED: OK). */
Loa__Status loa_rpc_store_status (loa_store_status st);

/* Fails the call for `st` (not LOA_STORE_OK) with loa_rpc_store_status (st)
 * and the answer `answers` (may be NULL) gives for st: its message and its
 * field error; without one, a general message (for ERROR "Không truy cập
 * được cơ sở dữ liệu"). ANSWERED fails nothing: the guard that refused has
 * failed the call already; OK (a handler's bug) is logged and fails the
 * call INTERNAL. */
void loa_rpc_fail_store (loa_rpc_ctx *ctx, loa_store_status st,
                         const loa_rpc_store_answer *answers);

/* The server's figures in Prometheus text format, appended to `b`: calls
 * answered by method and status, and their latency by method
 * (loa_metrics.h serves them). */
void loa_rpc_server_metrics (loa_rpc_server *s, loa_buf *b);

/* What a ping adds about the service's events (loa_service.c): whether
 * this replica's relay is active, and up to `cap` subscriptions into
 * `items` (their strings borrowed for the call); their number. Called on
 * any worker: it only reads atomics. */
typedef size_t (*loa_rpc_ping_fn) (void *arg, int *relay_active, Loa__SubscriptionLag *items,
                                   size_t cap);

/* Sets the ping's hook; before loa_rpc_server_start. */
void loa_rpc_server_on_ping (loa_rpc_server *s, loa_rpc_ping_fn fn, void *arg);

/* 1 when the caller holds `role`. */
int loa_rpc_has_role (const loa_rpc_ctx *ctx, const char *role);

/* How long a call this handler makes to another service may take, in ms:
 * LOA_RPC_TIMEOUT_MS (5000 by default), but at most half of what is left of
 * the call being answered, so that its caller hears the handler's 503
 * rather than its own timeout; at least 1. */
int loa_rpc_budget_ms (const loa_rpc_ctx *ctx);

/* What is wrong with a request's envelope, checked before a method sees
 * it: the name of the first malformed field ("deadline_unix_ms",
 * "caller.roles", ...), or NULL when it is well formed. A deadline is
 * required and at most LOA_RPC_MAX_DEADLINE_MS past `now_ms` (loa-rpc's
 * longest timeout, and clock skew between hosts); the caller's ids are not
 * negative, its roles are Loa's (LOA_RPC_ROLES) and at most 8, its address
 * is an IPv4 or IPv6 address or empty. */
#define LOA_RPC_MAX_DEADLINE_MS (3600000LL + 300000LL)
#define LOA_RPC_ROLES                                                                              \
    "admin", "reviewer", "editor", "inspector", "handler", "leader", "broadcaster", "open311_client"
const char *loa_rpc_envelope_fault (const Loa__Request *req, int64_t now_ms);

/* Creates the server: `methods` is terminated by an entry with method NULL
 * and must outlive the server; the server adds "ping" itself. `db_url` is
 * used by every worker for its own connection; `prepare` (may be NULL)
 * prepares a worker's statements after it connects. Does not start. */
loa_rpc_server *loa_rpc_server_new (const char *service_name, const char *bind_addr, int workers,
                                    const char *db_url, const loa_rpc_method *methods, void *state,
                                    int (*prepare) (PGconn *db));

/* Binds and starts the workers. 0 or -1 (logged). */
int loa_rpc_server_start (loa_rpc_server *self, void *zmq_ctx);

/* Stops the threads, closes the sockets and frees the server; NULLs *pself.
 * Idempotent. */
void loa_rpc_server_destroy (loa_rpc_server **pself);

#endif
