/* loa_rpc_thread: a service's calls to another service (content-svc asking
 * media-svc about assets, notify-svc asking feedback-svc whom to tell):
 * each calling thread keeps its own client (a DEALER is used by one thread
 * only), made on its first call and freed when the thread ends, on one
 * ZeroMQ context of the process's. */
#ifndef LOA_RPC_THREAD_H
#define LOA_RPC_THREAD_H

#include "loa_endpoints.h"
#include "loa_rpc_client.h"

/* The calling thread's client to service `id` (loa_endpoints_rpc's
 * addresses), borrowed: it lives until the thread ends. NULL (logged)
 * when it cannot be made. */
loa_rpc_client *loa_rpc_thread_client (loa_service_id id);

/* Ends the context, once every thread that made a client has ended (the
 * service's main, after loa_service_main). */
void loa_rpc_thread_shutdown (void);

#endif
