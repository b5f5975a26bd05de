/* loa_service: the common life of a Loa service process.
 *   config from the environment -> logging -> database -> migrations ->
 *   notifier -> outbox relay -> RPC server -> subscribers -> wait for SIGINT/SIGTERM ->
 *   stop in reverse order.
 * A service's main.c only fills a loa_service_def and calls loa_service_main. */
#ifndef LOA_SERVICE_H
#define LOA_SERVICE_H

#include <stddef.h>

#include "loa_endpoints.h"
#include "loa_migrate.h"
#include "loa_rpc_server.h"
#include "loa_subscriber.h"
#include "loa_ticker.h"

typedef struct {
    loa_service_id producer; /* whose events (loa_endpoints.h: its source and addresses) */
    loa_event_apply apply; /* NULL ends a table of subscriptions */
    /* Empties what `apply` built, for a rebuild from the whole history
     * (--rebuild, loa_subscriber_rebuild); NULL: no rebuild. */
    loa_event_reset reset;
} loa_service_subscription;

/* A periodic job (loa_ticker.h): `fn` every `interval_env` milliseconds
 * (default `interval_default_ms`), on its own thread and connection. */
typedef struct {
    const char *name; /* "at-risk" */
    loa_tick_fn fn;
    const char *interval_env; /* "LOA_QUOTA_SWEEP_MS" */
    int interval_default_ms;
} loa_service_tick;

typedef struct {
    /* Which service: its program name, schema, addresses and the declaration
     * of its methods come from loa_endpoints.h. */
    loa_service_id id;
    const loa_migration *migrations;
    size_t n_migrations;
    const loa_rpc_method *methods; /* NULL-terminated; "ping" and "events.since" are added */
    int (*prepare) (PGconn *db); /* prepares a worker's statements; may be NULL */
    const loa_service_subscription *subscriptions; /* ended by a NULL apply; may be NULL */
    /* Its periodic jobs, each on a thread and connection of its own; ended
     * by a NULL fn; may be NULL. */
    const loa_service_tick *ticks;
    /* Workers by default per online core (0: 2), within 4 to 32: a service
     * whose requests mostly wait for the WAL flush wants more in flight, so
     * that more commits share a flush. */
    int workers_per_core;
} loa_service_def;

/* Runs the service until SIGINT/SIGTERM. Returns the process exit status:
 * 1 (logged) at once, before the database, when `methods` does not match
 * the service's declaration (loa_rpc_decl_check_methods).
 * Options: --migrate-only (apply migrations and exit); --rebuild (apply
 * migrations, rebuild what every subscription with a `reset` built from
 * its producer's whole event history, each in one transaction, and exit;
 * a running instance of the service goes on serving meanwhile). */
int loa_service_main (const loa_service_def *def, int argc, char **argv);

/* The database budget of a service process: its RPC workers (one
 * connection each) beside the connections every process holds (the
 * notifier, the outbox relay, one per subscription, the ticker's).
 * `workers_env` is LOA_WORKERS (0: not set) and `cap` LOA_DB_CONNECTIONS.
 * Without LOA_WORKERS the workers are sized from the machine: `per_core`
 * (0: 2) times its online cores (they wait on PostgreSQL's round trips and
 * WAL flushes most of the time), at least 4 and at most 32. Either way they
 * are lowered to fit `cap` (*lowered set to 1). Returns the workers, or -1
 * when `cap` leaves no room for one. */
int loa_service_workers (long workers_env, long cores, int per_core, int fixed, long cap,
                         int *lowered);

#endif
