#include "loa_service.h"

#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "loa_config.h"
#include "loa_curve.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_metrics.h"
#include "loa_notifier.h"
#include "loa_outbox.h"
#include "loa_peers.h"
#include "loa_rpc_decl.h"

#define MAX_SUBSCRIPTIONS 8
#define MAX_TICKS 8
#define WORKERS_PER_CORE 2
#define WORKERS_MIN 4
#define WORKERS_MAX 32

int loa_service_workers (long workers_env, long cores, int per_core, int fixed, long cap,
                         int *lowered)
{
    long n = workers_env;
    if (n <= 0) {
        n = (cores > 0 ? cores : 1) * (per_core > 0 ? per_core : WORKERS_PER_CORE);
        n = n < WORKERS_MIN ? WORKERS_MIN : n > WORKERS_MAX ? WORKERS_MAX : n;
    }
    *lowered = 0;
    if (cap - fixed < 1)
        return -1;
    if (n > cap - fixed) {
        n = cap - fixed;
        *lowered = 1;
    }
    return (int) n;
}

/* --rebuild: every subscription that can be rebuilt, each in one
 * transaction. 0 or -1. */
static int rebuild_all (const loa_service_def *def, const loa_endpoint *self, PGconn *db)
{
    int rc = 0;
    for (size_t i = 0; def->subscriptions && def->subscriptions[i].apply; i++) {
        const loa_service_subscription *sub = &def->subscriptions[i];
        const loa_endpoint *producer = loa_endpoints_get (sub->producer);
        assert (producer);
        if (!sub->reset)
            continue;
        unsigned long long last = 0;
        long long n =
            loa_subscriber_rebuild (db, producer->source, loa_endpoints_rpc (sub->producer),
                                    sub->reset, sub->apply, NULL, &last);
        if (n < 0)
            rc = -1;
        else
            printf ("%s: rebuilt from %s's %lld events (up to seq %llu)\n", self->program,
                    producer->source, n, last);
    }
    return rc;
}

/* What the metrics thread reads: set up before it starts, and every
 * figure behind it an atomic its owner's thread updates. */
typedef struct {
    loa_rpc_server *server;
    loa_relay *relay;
    loa_subscriber *const *subs; /* n_subs of them */
    int n_subs;
    atomic_int ready; /* the subscribers are made: the workers' pings read them */
} service_figures;

/* What a ping says of the events (GET /api/v1/status): the same figures
 * as the metrics', read by the RPC workers once the subscribers exist. */
static size_t service_ping (void *arg, int *relay_active, Loa__SubscriptionLag *items, size_t cap)
{
    const service_figures *f = arg;
    long long last, backlog;
    *relay_active = loa_relay_figures (f->relay, &last, &backlog);
    if (!atomic_load (&f->ready))
        return 0;
    size_t n = 0;
    for (int i = 0; i < f->n_subs && n < cap; i++) {
        long long applied, producer;
        if (loa_subscriber_figures (f->subs[i], &applied, &producer) != 0)
            continue;
        loa__subscription_lag__init (&items[n]);
        items[n].producer = (char *) loa_subscriber_source (f->subs[i]);
        items[n].applied_seq = applied > 0 ? (uint64_t) applied : 0;
        items[n].lag = producer > applied ? (uint64_t) (producer - applied) : 0;
        n++;
    }
    return n;
}

/* The service's figures for loa_metrics: its RPC server's, its relay's and
 * its subscriptions' (docs/operations.md "Metrics"), the same for every
 * service. Nothing here touches the database: a scrape reads what the
 * relay and subscriber threads last saw. */
static void service_metrics (loa_buf *b, void *arg)
{
    const service_figures *f = arg;
    loa_rpc_server_metrics (f->server, b);
    long long last = -1, backlog = -1;
    int active = loa_relay_figures (f->relay, &last, &backlog);
    loa_buf_printf (b,
                    "# HELP loa_outbox_relay_up 1 when this replica holds the outbox relay's lock "
                    "(moves and publishes the events), 0 on a standby.\n"
                    "# TYPE loa_outbox_relay_up gauge\nloa_outbox_relay_up %d\n",
                    active);
    if (active && backlog >= 0)
        loa_buf_printf (b,
                        "# HELP loa_outbox_backlog Rows in the outbox not yet moved to event_log "
                        "(the active relay's last count).\n"
                        "# TYPE loa_outbox_backlog gauge\nloa_outbox_backlog %lld\n",
                        backlog);
    if (active && last >= 0)
        loa_buf_printf (b,
                        "# HELP loa_event_log_last_seq The newest seq of this service's event_log "
                        "(the active relay's).\n"
                        "# TYPE loa_event_log_last_seq gauge\nloa_event_log_last_seq %lld\n",
                        last);
    if (f->n_subs == 0)
        return;
    loa_buf_puts (b, "# HELP loa_event_applied_seq The producer's last event applied here, by "
                     "producer.\n# TYPE loa_event_applied_seq gauge\n");
    for (int i = 0; i < f->n_subs; i++) {
        long long applied, producer;
        if (loa_subscriber_figures (f->subs[i], &applied, &producer) == 0)
            loa_buf_printf (b, "loa_event_applied_seq{producer=\"%s\"} %lld\n",
                            loa_subscriber_source (f->subs[i]), applied);
    }
    loa_buf_puts (b, "# HELP loa_event_lag The producer's last seq (as last learned) minus the "
                     "seq applied here, by producer.\n# TYPE loa_event_lag gauge\n");
    for (int i = 0; i < f->n_subs; i++) {
        long long applied, producer;
        if (loa_subscriber_figures (f->subs[i], &applied, &producer) == 0)
            loa_buf_printf (b, "loa_event_lag{producer=\"%s\"} %lld\n",
                            loa_subscriber_source (f->subs[i]),
                            producer > applied ? producer - applied : 0);
    }
}

int loa_service_main (const loa_service_def *def, int argc, char **argv)
{
    int migrate_only = 0, rebuild = 0, status = EXIT_FAILURE;
    const loa_endpoint *self = loa_endpoints_get (def->id);
    assert (self); /* a service's main.c names itself */
    /* Whatever a service writes (bags, manifests, blobs) is its own: files
     * 0600, folders 0700, whatever mode a call asks for. */
    umask (077);
    for (int i = 1; i < argc; i++) {
        if (strcmp (argv[i], "--migrate-only") == 0)
            migrate_only = 1;
        else if (strcmp (argv[i], "--rebuild") == 0)
            rebuild = 1;
        else if (strcmp (argv[i], "--version") == 0) {
            printf ("%s %s\n", self->program, LOA_VERSION);
            return 0;
        } else {
            fprintf (stderr,
                     "usage: %s [--migrate-only | --rebuild | --version]\n(settings come from "
                     "LOA_* environment variables; see README)\n",
                     self->program);
            return 2;
        }
    }
    loa_log_init (self->program);
    /* LOA_DB_URL_FILE and the like (Docker and Kubernetes secrets). */
    if (loa_env_from_files (loa_secret_settings) != 0)
        return EXIT_FAILURE;

    /* Every thread inherits this mask; the main thread takes the signals
     * with sigwait, so no handler runs inside library code. */
    sigset_t sigs;
    sigemptyset (&sigs);
    sigaddset (&sigs, SIGINT);
    sigaddset (&sigs, SIGTERM);
    pthread_sigmask (SIG_BLOCK, &sigs, NULL);

    const char *base_url = loa_env ("LOA_DB_URL", "postgresql://loa@127.0.0.1:5432/loa");
    /* Every session of the service, its workers' first: a statement that
     * outlives the callers' deadline is cancelled, not waited for. */
    loa_db_set_statement_timeout (loa_db_statement_timeout_env ());
    char *db_url = loa_db_url_with_schema (base_url, self->schema);
    void *zctx = NULL;
    loa_notifier *notifier = NULL;
    loa_relay *relay = NULL;
    loa_rpc_server *server = NULL;
    loa_metrics *metrics = NULL;
    service_figures figures = {0};
    loa_subscriber *subs[MAX_SUBSCRIPTIONS] = {0};
    loa_ticker *tickers[MAX_TICKS] = {0};
    loa_zap *zap = NULL;
    loa_rpc_method *methods = NULL;
    if (!db_url)
        goto out;

    /* The method table: the service's own, then events.since. */
    size_t n = 0;
    while (def->methods && def->methods[n].method)
        n++;
    methods = calloc (n + 2, sizeof *methods);
    if (!methods)
        goto out;
    if (n)
        memcpy (methods, def->methods, n * sizeof *methods);
    methods[n] = loa_events_since_method;

    /* The table must be what proto/<svc>_rpc.proto declares, the gateway's
     * routes being checked against the same declaration: a method missing or
     * taking another message is a build's mistake, found before anything
     * runs rather than at its first call. ping is the RPC server's own. */
    static const char *const server_methods[] = {"ping", NULL};
    char err[256];
    if (loa_rpc_decl_check_methods (self->rpc, methods, server_methods, err, sizeof err) != 0) {
        loa_error (NULL, "%s: the method table does not match the declaration: %s", self->program,
                   err);
        goto out;
    }

    /* Its key pair, and the allow-list of who may call it and read its
     * events (services/common/loa_curve.h); --migrate-only opens no socket
     * and needs none (the Kubernetes migration Job gives it no key). */
    if (!migrate_only && loa_curve_setup (self->program) != 0)
        goto out;

    PGconn *db = loa_db_connect (db_url, self->program,
                                 (int) loa_env_int ("LOA_DB_WAIT_MS", 30000, 0, 600000));
    if (!db)
        goto out;
    int applied = loa_migrate (db, self->schema, def->migrations, def->n_migrations);
    if (applied >= 0)
        loa_info (NULL, "%s: schema %s up to date (%d migrations applied)", self->program,
                  self->schema, applied);
    if (applied >= 0 && rebuild) {
        status = rebuild_all (def, self, db) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
        PQfinish (db);
        goto out;
    }
    PQfinish (db);
    if (applied < 0)
        goto out;
    if (migrate_only) {
        status = EXIT_SUCCESS;
        goto out;
    }

    int n_subs = 0;
    while (def->subscriptions && n_subs < MAX_SUBSCRIPTIONS && def->subscriptions[n_subs].apply)
        n_subs++;
    int n_ticks = 0;
    while (def->ticks && n_ticks < MAX_TICKS && def->ticks[n_ticks].fn)
        n_ticks++;
    int fixed = 2 + n_subs + n_ticks, lowered = 0; /* notifier, relay, ... */
    long cap = loa_env_int ("LOA_DB_CONNECTIONS", 40, 1, 10000);
    int workers =
        loa_service_workers (loa_env_int ("LOA_WORKERS", 0, 0, 256), sysconf (_SC_NPROCESSORS_ONLN),
                             def->workers_per_core, fixed, cap, &lowered);
    if (workers < 0) {
        loa_error (NULL,
                   "%s: LOA_DB_CONNECTIONS=%ld leaves no connection for a worker (%d are needed "
                   "besides them: notifier, relay, subscriptions, tickers)",
                   self->program, cap, fixed);
        goto out;
    }
    if (lowered)
        loa_warn (NULL, "%s: %d workers, fewer than asked, to hold at most LOA_DB_CONNECTIONS=%ld",
                  self->program, workers, cap);
    loa_info (NULL, "%s: %d workers; %d database connections at most", self->program, workers,
              workers + fixed);
    zctx = zmq_ctx_new ();
    /* Before the first bind: it admits the RPC and events connections. */
    if (!zctx || loa_zap_start (zctx, &zap) != 0)
        goto out;
    /* Before anything that commits events: it wakes the relays after the
     * workers' (and the subscribers') commits. */
    notifier = loa_notifier_new (self->program, db_url);
    if (!notifier || loa_notifier_start (notifier) != 0)
        goto out;
    relay =
        loa_relay_new (self->program, self->schema, db_url, loa_endpoints_events_bind (def->id));
    if (!relay || loa_relay_start (relay, zctx) != 0)
        goto out;
    server = loa_rpc_server_new (self->program, loa_endpoints_rpc_bind (def->id), workers, db_url,
                                 methods, NULL, def->prepare);
    if (!server)
        goto out;
    figures.server = server;
    figures.relay = relay;
    figures.subs = subs;
    figures.n_subs = n_subs;
    loa_rpc_server_on_ping (server, service_ping, &figures);
    if (loa_rpc_server_start (server, zctx) != 0)
        goto out;
    for (size_t i = 0; def->subscriptions && def->subscriptions[i].apply && i < MAX_SUBSCRIPTIONS;
         i++) {
        const loa_service_subscription *sub = &def->subscriptions[i];
        const loa_endpoint *producer = loa_endpoints_get (sub->producer);
        assert (producer);
        subs[i] = loa_subscriber_new (producer->source, loa_endpoints_events (sub->producer),
                                      loa_endpoints_rpc (sub->producer), db_url, sub->apply, NULL);
        if (!subs[i] || loa_subscriber_start (subs[i], zctx) != 0)
            goto out;
    }
    /* After the subscribers: the metrics thread reads their pointers. */
    atomic_store (&figures.ready, 1);
    if (loa_metrics_start (self->program, service_metrics, &figures, &metrics) != 0)
        goto out;
    for (int i = 0; i < n_ticks; i++) {
        const loa_service_tick *t = &def->ticks[i];
        tickers[i] = loa_ticker_new (
            self->program, t->name, db_url,
            (int) loa_env_int (t->interval_env, t->interval_default_ms, 1, 86400000), def->prepare,
            t->fn, NULL);
        if (!tickers[i] || loa_ticker_start (tickers[i]) != 0)
            goto out;
    }
    loa_info (NULL, "%s: ready", self->program);

    int sig = 0;
    sigwait (&sigs, &sig);
    loa_info (NULL, "%s: stopping on signal %d", self->program, sig);
    status = EXIT_SUCCESS;

out:
    for (size_t i = 0; i < MAX_TICKS; i++)
        loa_ticker_destroy (&tickers[i]);
    for (size_t i = 0; i < MAX_SUBSCRIPTIONS; i++)
        loa_subscriber_destroy (&subs[i]);
    loa_metrics_stop (&metrics);
    loa_rpc_server_destroy (&server);
    loa_relay_destroy (&relay);
    loa_notifier_destroy (&notifier);
    loa_zap_stop (&zap);
    if (zctx)
        zmq_ctx_term (zctx);
    loa_peers_shutdown ();
    free (methods);
    free (db_url);
    if (status != EXIT_SUCCESS)
        loa_error (NULL, "%s: stopped with errors", self->program);
    return status;
}
