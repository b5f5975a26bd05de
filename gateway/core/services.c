/* services: the clients and each thread's database (services.h). */
#include "core/services.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "loa_config.h"
#include "loa_db.h"
#include "loa_endpoints.h"
#include "loa_log.h"

static const char *endpoints[GW_N_SERVICES];
static void *zmq_context;
static int rpc_timeout = 5000;
static int rpc_retry = 1000;
static pthread_key_t thread_key;

typedef struct {
    loa_rpc_client *clients[GW_N_SERVICES];
    PGconn *db;
} thread_clients;

static char *db_url;
static gw_db_prepare_fn prepare_db;

/* Runs when an HTTP thread ends (MHD stop), closing its sockets before the
 * ZeroMQ context is terminated. */
static void thread_clients_free (void *p)
{
    thread_clients *tc = p;
    for (int i = 0; i < GW_N_SERVICES; i++)
        loa_rpc_client_destroy (&tc->clients[i]);
    PQfinish (tc->db);
    free (tc);
}

int gw_services_init (void *zmq_ctx, const char *database_url, gw_db_prepare_fn prepare)
{
    prepare_db = prepare;
    db_url = loa_db_url_with_schema (database_url, "gateway");
    if (!db_url)
        return -1;
    zmq_context = zmq_ctx;
    rpc_timeout = (int) loa_env_int ("LOA_RPC_TIMEOUT_MS", 5000, 10, 600000);
    rpc_retry = loa_rpc_retry_ms (rpc_timeout);
    for (int i = 0; i < GW_N_SERVICES; i++)
        endpoints[i] = loa_endpoints_rpc ((loa_service_id) i);
    return pthread_key_create (&thread_key, thread_clients_free) == 0 ? 0 : -1;
}

void gw_services_thread_done (void)
{
    thread_clients *tc = pthread_getspecific (thread_key);
    if (tc) {
        pthread_setspecific (thread_key, NULL);
        thread_clients_free (tc);
    }
}

void gw_services_done (void)
{
    gw_services_thread_done ();
    pthread_key_delete (thread_key);
    free (db_url);
    db_url = NULL;
}

static thread_clients *this_thread (void)
{
    thread_clients *tc = pthread_getspecific (thread_key);
    if (!tc) {
        tc = calloc (1, sizeof *tc);
        if (!tc || pthread_setspecific (thread_key, tc) != 0) {
            free (tc);
            return NULL;
        }
    }
    return tc;
}

PGconn *gw_thread_db (void)
{
    thread_clients *tc = this_thread ();
    if (!tc)
        return NULL;
    if (tc->db && PQstatus (tc->db) == CONNECTION_OK)
        return tc->db;
    /* First use, or the connection broke (a failed statement left it bad):
     * a new session needs its statements prepared again. */
    PQfinish (tc->db);
    tc->db = loa_db_connect (db_url, "gateway", 0);
    if (tc->db && prepare_db && prepare_db (tc->db) != 0) {
        PQfinish (tc->db);
        tc->db = NULL;
    }
    return tc->db;
}

loa_rpc_client *gw_service_client (gw_service svc)
{
    thread_clients *tc = this_thread ();
    if (!tc)
        return NULL;
    if (!tc->clients[svc])
        tc->clients[svc] = loa_rpc_client_new (zmq_context, gw_service_name (svc), endpoints[svc]);
    return tc->clients[svc];
}

loa_rpc_client *gw_service_client_at (gw_service svc, const char *address)
{
    return loa_rpc_client_new (zmq_context, gw_service_name (svc), address);
}

loa_peers *gw_service_peers (gw_service svc)
{
    return loa_peers_new (gw_service_name (svc), endpoints[svc]);
}

void *gw_service_dealer_open (gw_service svc, loa_peers *peers)
{
    return loa_rpc_dealer_open (zmq_context, gw_service_name (svc), peers);
}

const char *gw_service_name (gw_service svc)
{
    return loa_endpoints_get ((loa_service_id) svc)->program;
}

int gw_rpc_timeout_ms (void) { return rpc_timeout; }

int gw_rpc_retry_ms (void) { return rpc_retry; }
