/* gateway: the REST front of Loa (docs/gateway.md). main only wires:
 * config -> database migrations -> route table -> ZeroMQ -> the families'
 * state and the dispatcher's hooks -> HTTP -> wait -> stop in reverse. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "auth/auth.h"
#include "auth/store.h"
#include "core/cache.h"
#include "core/cors.h"
#include "core/dispatch.h"
#include "core/forwarded.h"
#include "core/http.h"
#include "core/metrics.h"
#include "core/router.h"
#include "core/services.h"
#include "core/throttle.h"
#include "gw.h"
#include "loa_config.h"
#include "loa_curve.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_migrate.h"
#include "loa_peers.h"
#include "media/media.h"
#include "open311/open311.h"
#include "portal/portal.h"
#include "routes.h"

/* The intake throttle's table (throttle.h): fixed, whatever the traffic.
 * At the default limit (20) it remembers about 43,000 (route, address). */
#define INTAKE_THROTTLE_BYTES (8u << 20)
/* Open311 applications' table: a few hundred applications at 300. */
#define APPS_THROTTLE_BYTES (1u << 20)
/* Lookups by tracking code: at 120 per window an entry is about 1 KB, so
 * some 4,000 client addresses within a window (touched only as used). */
#define LOOKUP_THROTTLE_BYTES (4u << 20)

extern const loa_migration gateway_migrations[];
extern const size_t gateway_migrations_count;

int main (int argc, char **argv)
{
    loa_malloc_arenas ();
    int migrate_only = 0;
    const char *create_admin = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp (argv[i], "--migrate-only") == 0)
            migrate_only = 1;
        else if (strcmp (argv[i], "--create-admin") == 0)
            create_admin = i + 1 < argc && argv[i + 1][0] != '-' ? argv[++i] : "admin";
        else if (strcmp (argv[i], "--version") == 0) {
            printf ("gateway %s\n", LOA_VERSION);
            return 0;
        } else {
            fprintf (stderr,
                     "usage: %s [--migrate-only | --create-admin [USERNAME] | --version]\n"
                     "(settings come from LOA_* environment variables; see README; "
                     "--create-admin reads the password from standard input)\n",
                     argv[0]);
            return 2;
        }
    }
    loa_log_init ("gateway");
    /* LOA_DB_URL_FILE, LOA_ADMIN_PASSWORD_FILE (Docker and Kubernetes secrets). */
    if (loa_env_from_files (loa_secret_settings) != 0)
        return EXIT_FAILURE;
    /* Whatever a program writes (blobs, uploads in progress, bags) is its
     * own: files 0600, folders 0700, whatever mode a call asks for. */
    umask (077);
    sigset_t sigs;
    sigemptyset (&sigs);
    sigaddset (&sigs, SIGINT);
    sigaddset (&sigs, SIGTERM);
    pthread_sigmask (SIG_BLOCK, &sigs, NULL);
    signal (SIGPIPE, SIG_IGN);

    int status = EXIT_FAILURE;
    const char *db_url = loa_env ("LOA_DB_URL", "postgresql://loa@127.0.0.1:5432/loa");
    long port = loa_env_int ("LOA_HTTP_PORT", 8080, 1, 65535);
    long cores = sysconf (_SC_NPROCESSORS_ONLN);
    /* A thread waits on its RPC while a service works, so more threads than
     * cores keep the cores busy: 4 per core, at least 8. */
    long threads = loa_env_int ("LOA_HTTP_THREADS", cores * 4 > 8 ? cores * 4 : 8, 1, 1024);
    long body_limit = loa_env_int ("LOA_BODY_LIMIT", 1 << 20, 1024, 1L << 30);
    /* Citizens' POSTs (GW_THROTTLED routes): LOA_INTAKE_LIMIT per
     * LOA_INTAKE_WINDOW_S per client address; a limit of 0 turns it off. */
    long intake_limit = loa_env_int ("LOA_INTAKE_LIMIT", 20, 0, GW_THROTTLE_MAX_LIMIT);
    long intake_window = loa_env_int ("LOA_INTAKE_WINDOW_S", 600, 1, 7L * 86400);
    /* Open311 applications file for many citizens from one address: they
     * are counted by API key, LOA_OPEN311_LIMIT per LOA_INTAKE_WINDOW_S. */
    long apps_limit = loa_env_int ("LOA_OPEN311_LIMIT", 300, 0, GW_THROTTLE_MAX_LIMIT);
    /* Lookups by tracking code (a citizen checking their request; never a
     * walk through the codes): LOA_LOOKUP_LIMIT per LOA_INTAKE_WINDOW_S per
     * client address and route; 0 turns it off. */
    long lookup_limit = loa_env_int ("LOA_LOOKUP_LIMIT", 120, 0, GW_THROTTLE_MAX_LIMIT);
    /* Connections (core/conns.h): in all, below the open-file limit (raised
     * to its hard limit) so that accept never runs out of descriptors; per
     * client address; and the deadlines of a request's headers and body. */
    struct rlimit nofile;
    long fd_room = 8192;
    if (getrlimit (RLIMIT_NOFILE, &nofile) == 0) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit (RLIMIT_NOFILE, &nofile);
        getrlimit (RLIMIT_NOFILE, &nofile);
        if (nofile.rlim_cur != RLIM_INFINITY && nofile.rlim_cur < 8192 + 512)
            fd_room = (long) nofile.rlim_cur - 512 > 64 ? (long) nofile.rlim_cur - 512 : 64;
    }
    long max_conns = loa_env_int ("LOA_HTTP_MAX_CONNECTIONS", fd_room, 16, 1000000);
    long per_addr = loa_env_int ("LOA_HTTP_CONNECTIONS_PER_ADDRESS", 256, 0, 1000000);
    long header_s = loa_env_int ("LOA_HEADER_TIMEOUT_S", 10, 1, 3600);
    long body_s = loa_env_int ("LOA_BODY_TIMEOUT_S", 30, 1, 3600);

    /* The loops' sessions (logins, sessions, API keys) answer within the
     * RPC deadline too. Migrations first: --migrate-only and --create-admin
     * need no keys. */
    loa_db_set_statement_timeout (loa_db_statement_timeout_env ());
    PGconn *db =
        loa_db_connect (db_url, "gateway", (int) loa_env_int ("LOA_DB_WAIT_MS", 30000, 0, 600000));
    if (!db)
        return EXIT_FAILURE;
    int applied = loa_migrate (db, "gateway", gateway_migrations, gateway_migrations_count);
    if (applied >= 0 && create_admin) {
        int rc = gw_auth_create_admin (db, create_admin);
        PQfinish (db);
        return rc;
    }
    PQfinish (db);
    if (applied < 0)
        return EXIT_FAILURE;
    if (migrate_only) {
        loa_info (NULL, "gateway: schema gateway up to date (%d migrations applied)", applied);
        return EXIT_SUCCESS;
    }

    /* The gateway's key pair: the services take its calls and send it
     * their events only over CURVE (services/common/loa_curve.h). */
    if (loa_curve_setup ("gateway") != 0)
        return EXIT_FAILURE;
    char why[256];
    if (gw_router_set (gw_routes, gw_n_routes, why, sizeof why) != 0) {
        loa_error (NULL, "gateway: the route table cannot be served: %s", why);
        return EXIT_FAILURE;
    }
    if (gw_route_count () > GW_METRICS_MAX_ROUTES) {
        loa_error (NULL, "gateway: %zu routes, but the metrics count at most %d (metrics.h)",
                   gw_route_count (), GW_METRICS_MAX_ROUTES);
        return EXIT_FAILURE;
    }
    /* The browsers' origins that may call the API (core/cors.h). */
    if (gw_cors_init (loa_env ("LOA_CORS_ORIGINS", ""), why, sizeof why) != 0) {
        loa_error (NULL, "gateway: %s", why);
        return EXIT_FAILURE;
    }

    void *zctx = zmq_ctx_new ();
    gw_http *http = NULL;
    gw_throttle *intake = NULL, *apps = NULL, *lookups = NULL;
    gw_proxies proxies = {0};
    if (gw_services_init (zctx, db_url, gw_store_prepare) != 0)
        goto out;
    if (gw_auth_init () != 0 || gw_auth_bootstrap () != 0 || gw_auth_sweep_start (db_url) != 0 ||
        gw_user_sync_start (db_url) != 0) {
        loa_error (NULL, "gateway: cannot set up accounts");
        goto out;
    }
    if (gw_cache_start (zctx) != 0)
        goto out;
    if (gw_media_init () != 0)
        goto out;
    if (gw_portal_init () != 0)
        goto out;
    if (intake_limit > 0) {
        intake = gw_throttle_new ((unsigned) intake_limit, (unsigned) intake_window,
                                  INTAKE_THROTTLE_BYTES);
        if (!intake) {
            loa_error (NULL, "gateway: cannot make the intake throttle");
            goto out;
        }
        loa_info (NULL,
                  "gateway: intake throttle: %ld requests per %ld s per client address and route "
                  "(%zu entries)",
                  intake_limit, intake_window, gw_throttle_capacity (intake));
    } else {
        loa_info (NULL, "gateway: intake throttle off (LOA_INTAKE_LIMIT=0)");
    }
    if (apps_limit > 0) {
        apps =
            gw_throttle_new ((unsigned) apps_limit, (unsigned) intake_window, APPS_THROTTLE_BYTES);
        if (!apps) {
            loa_error (NULL, "gateway: cannot make the Open311 throttle");
            goto out;
        }
        loa_info (NULL, "gateway: Open311 throttle: %ld requests per %ld s per application",
                  apps_limit, intake_window);
    }
    if (lookup_limit > 0) {
        lookups = gw_throttle_new ((unsigned) lookup_limit, (unsigned) intake_window,
                                   LOOKUP_THROTTLE_BYTES);
        if (!lookups) {
            loa_error (NULL, "gateway: cannot make the lookups throttle");
            goto out;
        }
        loa_info (NULL, "gateway: lookups by tracking code: %ld per %ld s per client address",
                  lookup_limit, intake_window);
    }
    gw_open311_set_throttle (apps);
    gw_dispatch_hooks hooks = {
        .authenticate = gw_auth_check,
        .fallback_owns = gw_portal_owns,
        .fallback = gw_portal_serve,
        .intake = intake,
        .lookups = lookups,
    };
    gw_dispatch_init (&hooks);
    /* The operator's proxies carry everyone's connections: they count in
     * the total only (a malformed list stopped gw_auth_init already). */
    char why_proxies[200];
    gw_proxies_parse (loa_env ("LOA_TRUSTED_PROXIES", ""), &proxies, why_proxies,
                      sizeof why_proxies);
    gw_conns_limits limits = {.max_total = (unsigned) max_conns,
                              .per_addr = (unsigned) per_addr,
                              .header_ms = header_s * 1000,
                              .body_ms = body_s * 1000,
                              .exempt = &proxies};
    http = gw_http_start ((unsigned) port, (unsigned) threads, (size_t) body_limit, &limits);
    if (!http)
        goto out;
    loa_info (NULL, "gateway: listening on http://localhost:%ld with %ld threads", port, threads);
    loa_info (NULL,
              "gateway: at most %ld connections, %ld per client address (0: no limit); headers "
              "within %ld s, bodies within %ld s",
              max_conns, per_addr, header_s, body_s);

    int sig = 0;
    sigwait (&sigs, &sig);
    loa_info (NULL, "gateway: stopping on signal %d", sig);
    status = EXIT_SUCCESS;
out:
    gw_http_stop (&http); /* ends the loop threads, closing their sockets */
    gw_auth_done (); /* the hash pool, once no request waits on it */
    gw_proxies_free (&proxies);
    gw_cors_free ();
    gw_auth_sweep_stop ();
    gw_user_sync_stop ();
    gw_open311_set_throttle (NULL);
    gw_throttle_destroy (&intake);
    gw_throttle_destroy (&apps);
    gw_throttle_destroy (&lookups);
    gw_cache_stop ();
    gw_media_done ();
    gw_portal_done (); /* after the daemons: their responses borrow the files */
    gw_services_done ();
    zmq_ctx_term (zctx);
    loa_peers_shutdown ();
    return status;
}
