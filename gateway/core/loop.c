/* loop: the HTTP threads' event loops (loop.h). */
#include "core/loop.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <zmq.h>

#include "core/metrics.h"
#include "core/services.h"
#include "loa_config.h"
#include "loa_log.h"
#include "loa_rpc_client.h"

/* The longest the thread sleeps without looking at its stop flag and its
 * deadlines (a stop also wakes it at once). */
#define MAX_SLEEP_MS 1000
/* How long a stopping loop waits for the answers of what it ended. */
#define DRAIN_MS 2000

struct gw_loop {
    pthread_t thread;
    struct MHD_Daemon *daemon;
    gw_loop_tick tick;
    void *tick_cls;
    void *dealer[GW_N_SERVICES]; /* the thread's; NULL: calls go synchronously */
    loa_peers *peers[GW_N_SERVICES]; /* the replicas each dealer follows */
    /* Calls of each service waiting for their reply: only those dealers are
     * polled (each socket zmq_poll looks at costs it a getpid and a poll of
     * the socket's mailbox, twice a turn); a late reply to a dealer with
     * none waits there until the next call and is dropped then. */
    unsigned awaiting[GW_N_SERVICES];
    int wake_fd; /* eventfd: gw_loop_stop */
    gw_pending head; /* the steps in flight: a circular list */
    uint64_t last_call_id;
    atomic_int stop;
    int stopping; /* the thread's view of stop */
};

static _Thread_local gw_loop *this_loop;

static void link_step (gw_loop *l, gw_pending *p)
{
    p->prev = l->head.prev;
    p->next = &l->head;
    l->head.prev->next = p;
    l->head.prev = p;
}

static void unlink_step (gw_pending *p)
{
    p->prev->next = p->next;
    p->next->prev = p->prev;
    p->prev = p->next = NULL;
    p->loop = NULL;
}

static void resume (gw_pending *p, gw_request *req)
{
    p->done = 1;
    MHD_resume_connection (req->conn);
}

static void drop_resend (gw_pending *p)
{
    if (p->has_resend)
        zmq_msg_close (&p->resend);
    p->has_resend = 0;
}

/* A call ends: its reply (or NULL, a local failure) goes to the request. */
static void call_done (gw_pending *p, Loa__Status st, Loa__Reply *reply)
{
    drop_resend (p);
    p->loop->awaiting[p->svc]--;
    p->status = st;
    p->reply = reply;
    gw_metrics_rpc (p->svc, st, loa_mono_ms () - p->t0_ms);
    resume (p, gw_pending_request (p));
}

static gw_pending *find_call (gw_loop *l, uint64_t call_id)
{
    /* Linear: a loop has at most a few hundred calls in flight (its
     * connections), and the newest are at the end. */
    for (gw_pending *p = l->head.prev; p != &l->head; p = p->prev)
        if (p->call_id == call_id && !p->done)
            return p;
    return NULL;
}

/* Takes every reply waiting on `svc`'s socket. */
static void take_replies (gw_loop *l, gw_service svc)
{
    for (;;) {
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        if (zmq_msg_recv (&msg, l->dealer[svc], ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (&msg);
            return;
        }
        int more = zmq_msg_more (&msg);
        Loa__Reply *reply =
            more ? NULL : loa__reply__unpack (NULL, zmq_msg_size (&msg), zmq_msg_data (&msg));
        zmq_msg_close (&msg);
        while (more) { /* not a Reply: drain it */
            zmq_msg_init (&msg);
            zmq_msg_recv (&msg, l->dealer[svc], 0);
            more = zmq_msg_more (&msg);
            zmq_msg_close (&msg);
        }
        if (!reply)
            continue;
        gw_pending *p = reply->call_id ? find_call (l, reply->call_id) : NULL;
        if (!p || p->svc != svc) {
            loa_debug (reply->request_id, "rpc: %s: late reply dropped", gw_service_name (svc));
            loa__reply__free_unpacked (reply, NULL);
            continue;
        }
        call_done (p, reply->status, reply);
    }
}

static void free_packed (void *data, void *hint)
{
    (void) hint;
    free (data);
}

/* Sends a safe call again, once: the replica that had it may have died
 * with it (killed, its host gone: ZeroMQ drops what a gone peer had
 * queued). The DEALER's round robin gives it to another replica when there
 * is one; the first reply ends the call and a second is dropped as late. */
static void resend (gw_loop *l, gw_pending *p, int64_t now)
{
    p->has_resend = 0;
    if (zmq_msg_send (&p->resend, l->dealer[p->svc], ZMQ_DONTWAIT) < 0) {
        zmq_msg_close (&p->resend);
        loa_peers_hurry (l->peers[p->svc]);
        return;
    }
    gw_metrics_rpc_retry (p->svc);
    loa_warn (gw_pending_request (p)->request_id,
              "rpc: %s: %s sent again after %lld ms without a reply", gw_service_name (p->svc),
              p->method, (long long) (now - p->t0_ms));
}

/* Ends what is past its deadline, sends again what is past its retry
 * point; the time until the next of either. */
static int64_t expire (gw_loop *l, int64_t now)
{
    int64_t next = MAX_SLEEP_MS;
    for (gw_pending *p = l->head.next; p != &l->head; p = p->next) {
        if (p->done)
            continue;
        if (now < p->deadline_ms) {
            if (p->has_resend && now >= p->retry_ms)
                resend (l, p, now);
            int64_t at = p->has_resend ? p->retry_ms : p->deadline_ms;
            if (at - now < next)
                next = at - now;
            continue;
        }
        gw_request *req = gw_pending_request (p);
        if (p->call_id) {
            loa_warn (req->request_id, "rpc: %s: %s timed out after %lld ms",
                      gw_service_name (p->svc), p->method, (long long) (now - p->t0_ms));
            call_done (p, LOA__STATUS__DEADLINE, NULL);
        } else if (p->cancel (req)) {
            resume (p, req);
        } else {
            p->done = 1; /* woken meanwhile: the wake is on its way */
        }
    }
    return next;
}

/* A stopping loop ends every step at once. */
static void end_all (gw_loop *l)
{
    for (gw_pending *p = l->head.next; p != &l->head; p = p->next) {
        if (p->done)
            continue;
        gw_request *req = gw_pending_request (p);
        if (p->call_id)
            call_done (p, LOA__STATUS__UNAVAILABLE, NULL);
        else if (p->cancel (req))
            resume (p, req);
        else
            p->done = 1;
    }
}

static void poll_once (gw_loop *l, int epoll_fd, long timeout_ms)
{
    zmq_pollitem_t items[2 + GW_N_SERVICES];
    gw_service svc_of[2 + GW_N_SERVICES];
    int n = 0;
    items[n++] = (zmq_pollitem_t){NULL, epoll_fd, ZMQ_POLLIN, 0};
    items[n++] = (zmq_pollitem_t){NULL, l->wake_fd, ZMQ_POLLIN, 0};
    for (int s = 0; s < GW_N_SERVICES; s++)
        if (l->dealer[s] && l->awaiting[s]) {
            svc_of[n] = (gw_service) s;
            items[n++] = (zmq_pollitem_t){l->dealer[s], 0, ZMQ_POLLIN, 0};
        }
    if (zmq_poll (items, n, timeout_ms) < 0) {
        if (errno != EINTR)
            loa_warn (NULL, "http: loop poll: %s", zmq_strerror (errno));
        return;
    }
    if (items[1].revents & ZMQ_POLLIN) {
        uint64_t v;
        if (read (l->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
            loa_warn (NULL, "http: loop wake: %s", strerror (errno));
    }
    for (int i = 2; i < n; i++)
        if (items[i].revents & ZMQ_POLLIN)
            take_replies (l, svc_of[i]);
}

static long sleep_ms (gw_loop *l, int64_t until_deadline)
{
    MHD_UNSIGNED_LONG_LONG mhd_ms;
    long ms = (long) until_deadline;
    if (MHD_get_timeout (l->daemon, &mhd_ms) == MHD_YES && (long long) mhd_ms < ms)
        ms = (long) mhd_ms;
    return ms < 0 ? 0 : ms;
}

static void *run (void *arg)
{
    gw_loop *l = arg;
    this_loop = l;
    for (int s = 0; s < GW_N_SERVICES; s++)
        if ((l->peers[s] = gw_service_peers ((gw_service) s)))
            l->dealer[s] = gw_service_dealer_open ((gw_service) s, l->peers[s]);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (l->daemon, MHD_DAEMON_INFO_EPOLL_FD);
    int epoll_fd = info ? info->epoll_fd : -1;
    if (epoll_fd < 0)
        loa_error (NULL, "http: the daemon has no epoll descriptor");
    int64_t tick_next = MAX_SLEEP_MS;
    while (epoll_fd >= 0 && !atomic_load (&l->stop)) {
        for (int s = 0; s < GW_N_SERVICES; s++) /* replicas come and go */
            if (l->dealer[s])
                loa_peers_sync (l->peers[s], l->dealer[s]);
        int64_t next = expire (l, loa_mono_ms ());
        if (tick_next < next)
            next = tick_next;
        poll_once (l, epoll_fd, sleep_ms (l, next));
        expire (l, loa_mono_ms ());
        MHD_run (l->daemon);
        /* After the daemon has read what came in: a connection whose
         * headers arrived while the thread was busy is not taken for late. */
        if (l->tick)
            tick_next = l->tick (l->tick_cls, loa_mono_ms ());
    }
    /* Stop: no new connection, every step ended and answered. */
    l->stopping = 1;
    MHD_quiesce_daemon (l->daemon);
    end_all (l);
    int64_t until = loa_mono_ms () + DRAIN_MS;
    while (epoll_fd >= 0 && l->head.next != &l->head && loa_mono_ms () < until) {
        MHD_run (l->daemon);
        if (l->head.next != &l->head)
            poll_once (l, epoll_fd, 20);
        end_all (l);
    }
    if (l->head.next != &l->head)
        loa_error (NULL, "http: a stopping loop still has steps in flight");
    for (int s = 0; s < GW_N_SERVICES; s++) {
        if (l->dealer[s])
            zmq_close (l->dealer[s]);
        loa_peers_free (&l->peers[s]);
    }
    gw_services_thread_done ();
    this_loop = NULL;
    return NULL;
}

gw_loop *gw_loop_new (struct MHD_Daemon *daemon, gw_loop_tick tick, void *tick_cls)
{
    gw_loop *l = calloc (1, sizeof *l);
    if (!l)
        return NULL;
    l->daemon = daemon;
    l->tick = tick;
    l->tick_cls = tick_cls;
    l->head.prev = l->head.next = &l->head;
    l->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->wake_fd < 0 || pthread_create (&l->thread, NULL, run, l) != 0) {
        loa_error (NULL, "http: cannot start a loop thread: %s", strerror (errno));
        if (l->wake_fd >= 0)
            close (l->wake_fd);
        free (l);
        return NULL;
    }
    return l;
}

void gw_loop_stop (gw_loop *l)
{
    if (!l)
        return;
    atomic_store (&l->stop, 1);
    uint64_t one = 1;
    if (write (l->wake_fd, &one, sizeof one) < 0)
        loa_warn (NULL, "http: cannot wake a loop: %s", strerror (errno));
}

void gw_loop_destroy (gw_loop **pself)
{
    gw_loop *l = pself ? *pself : NULL;
    if (!l)
        return;
    gw_loop_stop (l);
    pthread_join (l->thread, NULL);
    close (l->wake_fd);
    free (l);
    *pself = NULL;
}

int gw_loop_here (void) { return this_loop != NULL; }

static void begin_step (gw_loop *l, gw_request *req, int64_t timeout_ms, gw_handler then)
{
    gw_pending *p = &req->pending;
    if (p->reply) /* an earlier step's, not taken */
        loa__reply__free_unpacked (p->reply, NULL);
    drop_resend (p);
    memset (p, 0, sizeof *p);
    p->loop = l;
    p->t0_ms = loa_mono_ms ();
    p->deadline_ms = p->t0_ms + timeout_ms;
    link_step (l, p);
    req->resume = then;
    MHD_suspend_connection (req->conn);
}

int gw_loop_call (gw_request *req, gw_service svc, const char *method, const ProtobufCMessage *in,
                  const char *idempotency_key, gw_handler then)
{
    gw_loop *l = this_loop;
    if (!l || l->stopping || !l->dealer[svc] || req->pending.loop)
        return -1;
    int timeout = gw_rpc_timeout_ms ();
    uint64_t call_id = ++l->last_call_id;
    size_t len = 0;
    uint8_t *buf = loa_rpc_request_pack (method, &req->caller, req->request_id, idempotency_key, in,
                                         timeout, call_id, &len);
    /* Safe to send twice: a read, or a write the service answers once per
     * idempotency key (gw_rpc_retry_ms is 0, never, unless below the deadline). */
    int retry_ms = gw_rpc_retry_ms ();
    int safe = retry_ms > 0 && (idempotency_key || strcmp (req->method, "GET") == 0 ||
                                strcmp (req->method, "HEAD") == 0);
    zmq_msg_t msg, keep;
    if (!buf || zmq_msg_init_data (&msg, buf, len, free_packed, NULL) != 0) {
        free (buf);
        return -1;
    }
    /* The copy for a resend shares the buffer: no second one. */
    zmq_msg_init (&keep);
    int kept = safe && zmq_msg_copy (&keep, &msg) == 0;
    /* Not queued when no replica is connected (ZMQ_IMMEDIATE): the
     * synchronous call then waits a moment for one. */
    if (zmq_msg_send (&msg, l->dealer[svc], ZMQ_DONTWAIT) < 0) {
        zmq_msg_close (&msg);
        zmq_msg_close (&keep);
        loa_peers_hurry (l->peers[svc]); /* perhaps the replicas moved */
        return -1;
    }
    begin_step (l, req, timeout, then);
    if (kept) {
        zmq_msg_init (&req->pending.resend);
        zmq_msg_move (&req->pending.resend, &keep);
        req->pending.has_resend = 1;
    }
    zmq_msg_close (&keep);
    req->pending.retry_ms = req->pending.t0_ms + retry_ms;
    l->awaiting[svc]++;
    req->pending.call_id = call_id;
    req->pending.svc = svc;
    req->pending.method = method;
    return 0;
}

int gw_loop_wait (gw_request *req, int wait_ms, int (*cancel) (gw_request *req), gw_handler then)
{
    gw_loop *l = this_loop;
    if (!l || l->stopping || req->pending.loop)
        return -1;
    begin_step (l, req, wait_ms, then);
    req->pending.cancel = cancel;
    return 0;
}

void gw_loop_wake (gw_request *req)
{
    /* Read before the resume: once resumed, the request is its loop's
     * again (and may be over). The loop outlives its requests. */
    gw_loop *l = req->pending.loop;
    MHD_resume_connection (req->conn);
    /* libmicrohttpd signals its own descriptor too, but a loop that takes
     * that signal inside MHD_run after MHD_run has looked for resumed
     * connections does not see this one until its next turn: it would
     * sleep first, up to MAX_SLEEP_MS (measured: cached reads waiting on a
     * fill answered after up to a second). The loop's own eventfd makes
     * that next turn come at once. */
    uint64_t one = 1;
    if (l && write (l->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
        loa_warn (NULL, "http: cannot wake a loop: %s", strerror (errno));
}

int gw_loop_resumed (gw_request *req, enum MHD_Result *rc)
{
    gw_handler then = req->resume;
    if (!then)
        return 0;
    req->resume = NULL;
    if (req->pending.loop)
        unlink_step (&req->pending);
    *rc = then (req);
    if (req->pending.reply) {
        loa__reply__free_unpacked (req->pending.reply, NULL);
        req->pending.reply = NULL;
    }
    return 1;
}

void gw_loop_forget (gw_request *req)
{
    gw_pending *p = &req->pending;
    drop_resend (p);
    if (p->loop) {
        if (!p->call_id && !p->done && p->cancel)
            p->cancel (req);
        if (p->call_id && !p->done) /* its reply, if it comes, is dropped */
            p->loop->awaiting[p->svc]--;
        unlink_step (p);
    }
    if (p->reply) {
        loa__reply__free_unpacked (p->reply, NULL);
        p->reply = NULL;
    }
    req->resume = NULL;
}
