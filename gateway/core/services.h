/* services: the gateway's view of the four services: their addresses and
 * one RPC client per service per HTTP worker thread (never shared between
 * threads), created on first use and closed when the thread ends; and each
 * thread's connection to the gateway's own database. Handlers call
 * services through core/call.h. */
#ifndef GW_SERVICES_H
#define GW_SERVICES_H

#include "gw.h"
#include "loa_rpc_client.h"

#include <libpq-fe.h>

/* Prepares a new database connection's statements: 0 or -1. */
typedef int (*gw_db_prepare_fn) (PGconn *db);

/* Reads the services' addresses (loa_endpoints.h: LOA_<SVC>_RPC, else the
 * default); `zmq_ctx` must outlive every
 * HTTP thread. `database_url` is the gateway's database (schema gateway);
 * each thread's connection is made ready by `prepare`. 0 or -1. */
int gw_services_init (void *zmq_ctx, const char *database_url, gw_db_prepare_fn prepare);

/* Frees what init took (after the HTTP threads have ended). */
void gw_services_done (void);

/* The calling thread's connection to the gateway's database (made on first
 * use, checked on each call), or NULL when the database is unreachable. */
PGconn *gw_thread_db (void);

/* Closes the calling thread's clients (also done automatically when a
 * thread ends). */
void gw_services_thread_done (void);

/* The calling thread's client for `svc`, or NULL when it cannot be made. */
loa_rpc_client *gw_service_client (gw_service svc);

/* A new client of `svc` at one `address` (one replica), the caller's:
 * loa_rpc_client_destroy it. NULL when it cannot be made. */
loa_rpc_client *gw_service_client_at (gw_service svc, const char *address);

/* The replicas of `svc` (loa_peers.h), for a socket of the caller's; NULL
 * when out of memory. */
loa_peers *gw_service_peers (gw_service svc);

/* A new DEALER to `svc`'s replicas, connected to every current address of
 * `peers` (the caller syncs it with them at each turn), the caller's (an
 * event loop's, core/loop.h), or NULL. */
void *gw_service_dealer_open (gw_service svc, loa_peers *peers);

const char *gw_service_name (gw_service svc);

/* The RPC deadline (LOA_RPC_TIMEOUT_MS, default 5000). */
/* How long a call safe to repeat waits for its reply before it is sent
 * again, once (LOA_RPC_RETRY_MS; 0: never). */
int gw_rpc_retry_ms (void);

int gw_rpc_timeout_ms (void);

#endif
