/* loop: the gateway's HTTP threads as event loops, each with many calls in
 * flight.
 *
 * Each of the LOA_HTTP_THREADS threads runs its own libmicrohttpd daemon
 * (external epoll, suspend/resume) on one shared listening socket: the
 * thread that accepts a connection serves it. Besides the daemon's epoll
 * descriptor, the thread polls one DEALER per service of its own. A
 * handler that calls asynchronously (gw_loop_call) sends its Request with a
 * call_id, the connection is suspended, and the thread goes on with other
 * connections; the Reply with that call_id, or the call's deadline, resumes
 * it and its continuation answers. A late reply finds no call and is
 * dropped, so the socket never needs Lazy Pirate's reset. The generic
 * handler (core/rpc_route.c) and the cache's single flight (core/cache.c)
 * work this way; a handler that calls synchronously (core/call.h) still
 * holds its thread for the call, as a pool thread did.
 *
 * Only the thread of a loop touches its calls, except gw_loop_wake. */
#ifndef GW_LOOP_H
#define GW_LOOP_H

#include "gw.h"

typedef struct gw_loop gw_loop;

/* What a loop runs at every turn, on its thread, besides its own
 * deadlines (the connections' deadlines: core/conns.h): the ms until it
 * needs to run again. */
typedef int64_t (*gw_loop_tick) (void *cls, int64_t now_ms);

/* Starts a loop thread serving `daemon` (made with MHD_USE_EPOLL and
 * MHD_ALLOW_SUSPEND_RESUME, no thread of its own; borrowed until
 * gw_loop_destroy), running `tick (tick_cls, now)` at every turn (`tick`
 * may be NULL). NULL on failure (logged). */
gw_loop *gw_loop_new (struct MHD_Daemon *daemon, gw_loop_tick tick, void *tick_cls);

/* Asks the thread to stop: it stops accepting, fails its calls in flight
 * (503), ends its cache waits, answers them, and ends. Returns at once. */
void gw_loop_stop (gw_loop *self);

/* Waits for the thread to end and frees the loop (the daemon is the
 * caller's: stop it afterwards). */
void gw_loop_destroy (gw_loop **pself);

/* From a handler on a loop thread: sends `method` of `svc` with `in` (may
 * be NULL) for the request's caller, suspends the connection, and returns
 * 0; `then` runs on resumption (in the access handler, where it answers)
 * with req->pending.status and req->pending.reply (the request's; freed
 * after `then` unless it takes it, setting it NULL). -1 when the call
 * cannot be made this way (not on a loop thread, the loop stopping, no
 * replica connected yet): the caller calls synchronously instead. */
int gw_loop_call (gw_request *req, gw_service svc, const char *method, const ProtobufCMessage *in,
                  const char *idempotency_key, gw_handler then);

/* From a handler on a loop thread: suspends the connection until
 * gw_loop_wake (from any thread) or `wait_ms`; then `then` runs. When the
 * time passes first, the loop asks `cancel` (from its own thread) whether
 * the wait was still on: 1 and the loop resumes it; 0 means a wake is on
 * its way. 0, or -1 when not on a loop thread (wait synchronously). */
int gw_loop_wait (gw_request *req, int wait_ms, int (*cancel) (gw_request *req), gw_handler then);
void gw_loop_wake (gw_request *req);

/* The request whose step `p` is. */
static inline gw_request *gw_pending_request (gw_pending *p)
{
    return (gw_request *) (void *) ((char *) p - offsetof (gw_request, pending));
}

/* 1 on a loop's thread (whose calls and waits may still be refused: -1). */
int gw_loop_here (void);

/* For core/http.c: the access handler of a resumed request runs its
 * continuation (1, *rc set) or, when nothing is pending, returns 0. */
int gw_loop_resumed (gw_request *req, enum MHD_Result *rc);
/* For core/http.c: a request ends; whatever it still holds of a step (a
 * reply not taken, a wait) is released. */
void gw_loop_forget (gw_request *req);

#endif
