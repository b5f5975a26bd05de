#include "loa_rpc_thread.h"

#include <pthread.h>
#include <zmq.h>

#include "loa_log.h"

/* One thread-specific key per service: the key's destructor frees a
 * thread's client as the thread ends; the context outlives them all. */
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;
static pthread_key_t keys[LOA_SVC_COUNT];
static int keys_made;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *zctx;

static void client_free (void *client)
{
    loa_rpc_client *c = client;
    loa_rpc_client_destroy (&c);
}

static void make_keys (void)
{
    for (int i = 0; i < LOA_SVC_COUNT; i++)
        if (pthread_key_create (&keys[i], client_free) != 0)
            return;
    keys_made = 1;
}

loa_rpc_client *loa_rpc_thread_client (loa_service_id id)
{
    const loa_endpoint *ep = loa_endpoints_get (id);
    pthread_once (&keys_once, make_keys);
    if (!keys_made || !ep)
        return NULL;
    loa_rpc_client *c = pthread_getspecific (keys[id]);
    if (c)
        return c;
    pthread_mutex_lock (&lock);
    if (!zctx)
        zctx = zmq_ctx_new ();
    void *z = zctx;
    pthread_mutex_unlock (&lock);
    c = z ? loa_rpc_client_new (z, ep->source, loa_endpoints_rpc (id)) : NULL;
    if (c && pthread_setspecific (keys[id], c) != 0)
        loa_rpc_client_destroy (&c);
    if (!c)
        loa_error (NULL, "no RPC client for %s", ep->program);
    return c;
}

void loa_rpc_thread_shutdown (void)
{
    pthread_mutex_lock (&lock);
    if (zctx)
        zmq_ctx_term (zctx);
    zctx = NULL;
    pthread_mutex_unlock (&lock);
}
