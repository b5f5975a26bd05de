#include "loa_rpc_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "loa_audit.h"
#include "loa_buf.h"
#include "loa_config.h"
#include "loa_curve.h"
#include "loa_db.h"
#include "loa_idempotency.h"
#include "loa_log.h"
#include "loa_outbox.h"

#define POLL_MS 200 /* how often idle threads look at the stop flag */

typedef struct {
    loa_rpc_server *server;
    pthread_t thread;
    int started;
    int prepared_pid; /* the backend whose session has the statements */
    /* The reply being built by the current handler. */
    int answered;
    Loa__Status status;
    char *error;
    Loa__FieldError **field_errors;
    size_t n_field_errors, cap_field_errors;
    uint8_t *body;
    size_t body_len;
} worker;

/* The calls of one method (metrics): by status, and their latency. */
#define N_BUCKETS 12
static const double bucket_ms[N_BUCKETS] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
typedef struct {
    const char *method;
    atomic_ullong by_status[LOA__STATUS__CREATED + 1];
    atomic_ullong bucket[N_BUCKETS + 1]; /* the last: beyond every bound */
    atomic_ullong sum_us;
} method_stats;

struct loa_rpc_server {
    char name[64];
    method_stats *stats; /* one per method of the table, then ping's */
    size_t n_stats;
    char *bind_addr;
    char *db_url;
    int n_workers;
    const loa_rpc_method *methods;
    void *state;
    int (*prepare) (PGconn *db);
    void *zmq_ctx;
    void *frontend;
    int zmq_fd; /* the frontend's ZMQ_FD */
    int wake_fd; /* an eventfd: "a request waits" for the leader */
    pthread_mutex_t sock_lock; /* the frontend, shared by the workers */
    pthread_mutex_t lead_lock;
    pthread_cond_t lead_cond;
    int has_leader; /* under lead_lock */
    atomic_int stop;
    worker *workers;
    loa_rpc_ping_fn ping_fn; /* NULL: the ping says nothing of events */
    void *ping_arg;
};

/* The monotonic clock in microseconds. */
static int64_t now_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void record (loa_rpc_server *s, const loa_rpc_method *m, Loa__Status status, int64_t us);

/* ------------------------------------------------------------ replies */

static void reply_reset (worker *w)
{
    free (w->error);
    w->error = NULL;
    for (size_t i = 0; i < w->n_field_errors; i++) {
        free (w->field_errors[i]->field);
        free (w->field_errors[i]->message);
        free (w->field_errors[i]);
    }
    w->n_field_errors = 0;
    free (w->body);
    w->body = NULL;
    w->body_len = 0;
    w->answered = 0;
    w->status = LOA__STATUS__INTERNAL;
}

void loa_rpc_ok (loa_rpc_ctx *ctx, Loa__Status status, const ProtobufCMessage *out)
{
    worker *w = ctx->worker;
    free (w->body);
    w->body = NULL;
    w->body_len = 0;
    if (out) {
        w->body_len = protobuf_c_message_get_packed_size (out);
        w->body = malloc (w->body_len ? w->body_len : 1);
        if (!w->body) {
            loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "hết bộ nhớ");
            return;
        }
        protobuf_c_message_pack (out, w->body);
    }
    w->status = status;
    w->answered = 1;
}

void loa_rpc_fail (loa_rpc_ctx *ctx, Loa__Status status, const char *message)
{
    worker *w = ctx->worker;
    free (w->error);
    w->error = strdup (message ? message : "");
    free (w->body);
    w->body = NULL;
    w->body_len = 0;
    w->status = status;
    w->answered = 1;
}

void loa_rpc_field_error (loa_rpc_ctx *ctx, const char *field, const char *message)
{
    worker *w = ctx->worker;
    if (w->n_field_errors == w->cap_field_errors) {
        size_t cap = w->cap_field_errors ? w->cap_field_errors * 2 : 4;
        Loa__FieldError **grown = realloc (w->field_errors, cap * sizeof *grown);
        if (!grown)
            return;
        w->field_errors = grown;
        w->cap_field_errors = cap;
    }
    Loa__FieldError *fe = malloc (sizeof *fe);
    if (!fe)
        return;
    loa__field_error__init (fe);
    fe->field = strdup (field);
    fe->message = strdup (message);
    w->field_errors[w->n_field_errors++] = fe;
}

Loa__Status loa_rpc_store_status (loa_store_status st)
{
    switch (st) {
    case LOA_STORE_OK:
    case LOA_STORE_ANSWERED: return LOA__STATUS__OK;
    case LOA_STORE_NOT_FOUND: return LOA__STATUS__NOT_FOUND;
    case LOA_STORE_INVALID: return LOA__STATUS__INVALID;
    case LOA_STORE_FORBIDDEN: return LOA__STATUS__FORBIDDEN;
    case LOA_STORE_CONFLICT:
    case LOA_STORE_WRONG_STATE: return LOA__STATUS__CONFLICT;
    case LOA_STORE_GONE:
    case LOA_STORE_WITHHELD: return LOA__STATUS__GONE;
    case LOA_STORE_FAILED: return LOA__STATUS__INTERNAL;
    case LOA_STORE_ERROR:
    case LOA_STORE_NOT_READY: break;
    }
    return LOA__STATUS__UNAVAILABLE;
}

/* What a status says when the handler has nothing more precise. */
static const char *store_message (loa_store_status st)
{
    switch (st) {
    case LOA_STORE_NOT_FOUND: return "Không tìm thấy";
    case LOA_STORE_INVALID: return "Dữ liệu không hợp lệ";
    case LOA_STORE_FORBIDDEN: return "Không có quyền thực hiện thao tác này";
    case LOA_STORE_CONFLICT: return "Xung đột dữ liệu";
    case LOA_STORE_WRONG_STATE: return "Thao tác không áp dụng được ở trạng thái hiện tại";
    case LOA_STORE_GONE: return "Không còn được cung cấp";
    case LOA_STORE_WITHHELD: return "Tạm ngừng cung cấp";
    case LOA_STORE_NOT_READY: return "Chưa sẵn sàng; vui lòng thử lại sau";
    case LOA_STORE_FAILED: return "Lỗi nội bộ";
    default: return "Không truy cập được cơ sở dữ liệu";
    }
}

void loa_rpc_fail_store (loa_rpc_ctx *ctx, loa_store_status st, const loa_rpc_store_answer *answers)
{
    if (st == LOA_STORE_ANSWERED)
        return;
    if (st == LOA_STORE_OK) { /* our bug: say so rather than answer OK with no body */
        loa_error (ctx->request_id, "rpc: %s failed with store status OK", ctx->method);
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, store_message (LOA_STORE_FAILED));
        return;
    }
    const loa_rpc_store_answer *a = answers;
    while (a && a->status != LOA_STORE_OK && a->status != st)
        a++;
    if (a && a->status == LOA_STORE_OK)
        a = NULL;
    const char *message = a && a->message ? a->message : store_message (st);
    if (a && a->field)
        loa_rpc_field_error (ctx, a->field, a->field_message ? a->field_message : message);
    loa_rpc_fail (ctx, loa_rpc_store_status (st), message);
}

int loa_rpc_has_role (const loa_rpc_ctx *ctx, const char *role)
{
    for (size_t i = 0; i < ctx->caller->n_roles; i++)
        if (strcmp (ctx->caller->roles[i], role) == 0)
            return 1;
    return 0;
}

int loa_rpc_budget_ms (const loa_rpc_ctx *ctx)
{
    int64_t budget = loa_env_int ("LOA_RPC_TIMEOUT_MS", 5000, 10, 600000);
    if (ctx->deadline_ms > 0 && (ctx->deadline_ms - loa_now_ms ()) / 2 < budget)
        budget = (ctx->deadline_ms - loa_now_ms ()) / 2;
    return budget > 0 ? (int) budget : 1;
}

const char *loa_rpc_envelope_fault (const Loa__Request *req, int64_t now_ms)
{
    static const char *const roles[] = {LOA_RPC_ROLES};
    if (!req->method || !req->method[0] || strlen (req->method) > 64)
        return "method";
    if (req->request_id && strlen (req->request_id) > 64)
        return "request_id";
    if (req->deadline_unix_ms <= 0 || req->deadline_unix_ms > now_ms + LOA_RPC_MAX_DEADLINE_MS)
        return "deadline_unix_ms";
    const Loa__Caller *c = req->caller;
    if (!c)
        return NULL;
    if (c->user_id < 0 || c->unit_id < 0 || c->api_key_id < 0)
        return c->user_id < 0   ? "caller.user_id"
               : c->unit_id < 0 ? "caller.unit_id"
                                : "caller.api_key_id";
    if (c->n_roles > 8)
        return "caller.roles";
    for (size_t i = 0; i < c->n_roles; i++) {
        size_t k = 0;
        while (k < sizeof roles / sizeof roles[0] && strcmp (c->roles[i], roles[k]) != 0)
            k++;
        if (k == sizeof roles / sizeof roles[0])
            return "caller.roles";
    }
    if (c->client_addr && c->client_addr[0]) {
        unsigned char addr[sizeof (struct in6_addr)];
        if (strlen (c->client_addr) >= INET6_ADDRSTRLEN ||
            (inet_pton (AF_INET, c->client_addr, addr) != 1 &&
             inet_pton (AF_INET6, c->client_addr, addr) != 1))
            return "caller.client_addr";
    }
    return NULL;
}

/* ------------------------------------------------------------ worker */

static void handle_ping (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    (void) in;
    worker *w = ctx->worker;
    Loa__PingReply out = LOA__PING_REPLY__INIT;
    out.service = w->server->name;
    out.version = (char *) LOA_VERSION;
    out.database_ok = loa_db_check (ctx->db) == 0;
    if (!out.database_ok) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, "cơ sở dữ liệu không sẵn sàng");
        return;
    }
    enum { MAX_SUBS = 8 };
    Loa__SubscriptionLag items[MAX_SUBS], *ptrs[MAX_SUBS];
    if (w->server->ping_fn) {
        int relay_active = 0;
        out.n_subscriptions =
            w->server->ping_fn (w->server->ping_arg, &relay_active, items, MAX_SUBS);
        out.relay_active = relay_active != 0;
        for (size_t i = 0; i < out.n_subscriptions; i++)
            ptrs[i] = &items[i];
        out.subscriptions = ptrs;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
}

void loa_rpc_server_on_ping (loa_rpc_server *s, loa_rpc_ping_fn fn, void *arg)
{
    s->ping_fn = fn;
    s->ping_arg = arg;
}

static const loa_rpc_method ping_method = {"ping", NULL, handle_ping};

static const loa_rpc_method *find_method (const loa_rpc_server *s, const char *name)
{
    for (const loa_rpc_method *m = s->methods; m && m->method; m++)
        if (strcmp (m->method, name) == 0)
            return m;
    if (strcmp (name, ping_method.method) == 0)
        return &ping_method;
    return NULL;
}

/* Makes sure the worker's connection works and has its statements: they
 * are prepared again whenever the session is not the one they were
 * prepared in (its backend's pid differs), since a reset on the way
 * (loa_db_check, which loa_db_tx calls when a transaction finds the
 * connection broken) leaves a working session without them. 0 or -1. */
static int ensure_db (loa_rpc_server *s, worker *w, PGconn **db)
{
    if (!*db) {
        *db = loa_db_connect (s->db_url, s->name, 0);
        if (!*db)
            return -1;
    } else if (PQstatus (*db) != CONNECTION_OK && loa_db_check (*db) != 0) {
        return -1;
    }
    if (PQbackendPID (*db) == w->prepared_pid)
        return 0;
    if (s->prepare && s->prepare (*db) != 0) {
        PQfinish (*db);
        *db = NULL;
        w->prepared_pid = 0;
        return -1;
    }
    w->prepared_pid = PQbackendPID (*db);
    loa_outbox_prepare (*db); /* a schema without an outbox: unprepared */
    return 0;
}

static const Loa__Caller anonymous = LOA__CALLER__INIT;

/* A call with an Idempotency-Key: 0 to run the handler (the key's lock is
 * held in *idem), or 1 when the reply is already set (the stored one, or
 * a refusal). */
static int replay_or_lock (worker *w, loa_rpc_ctx *ctx, const Loa__Request *req, loa_idem *idem)
{
    int status = 0;
    uint8_t *body = NULL;
    size_t len = 0;
    switch (loa_idem_begin (ctx->db, idem, ctx->caller, req->method, ctx->idempotency_key,
                            req->body.data, req->body.len, &status, &body, &len)) {
    case LOA_IDEM_NEW: return 0;
    case LOA_IDEM_REPLAY:
        loa_info (req->request_id, "rpc: %s replayed for its Idempotency-Key", req->method);
        w->answered = 1;
        w->status = (Loa__Status) status;
        w->body = body;
        w->body_len = len;
        return 1;
    case LOA_IDEM_MISMATCH:
        loa_rpc_field_error (ctx, "Idempotency-Key", "đã được dùng cho một yêu cầu khác");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID,
                      "Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác");
        return 1;
    case LOA_IDEM_BAD_KEY:
        loa_rpc_field_error (ctx, "Idempotency-Key",
                             "phải gồm 1 đến 255 ký tự ASCII nhìn thấy được");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Idempotency-Key không hợp lệ");
        return 1;
    default: loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, "cơ sở dữ liệu không sẵn sàng"); return 1;
    }
}

/* Handles one request and leaves the packed Reply in *out. Returns 0 to
 * send it, 1 to drop the request (its deadline passed: nobody waits). */
static int process (worker *w, PGconn **db, const zmq_msg_t *payload, uint8_t **out,
                    size_t *out_len)
{
    loa_rpc_server *s = w->server;
    reply_reset (w);
    Loa__Request *req =
        loa__request__unpack (NULL, zmq_msg_size (payload), zmq_msg_data ((zmq_msg_t *) payload));
    Loa__Reply reply = LOA__REPLY__INIT;
    loa_rpc_ctx ctx = {.worker = w, .caller = &anonymous, .idempotency_key = "", .state = s->state};
    /* The calling program, as ZAP named it from its key (loa_curve.c). */
    const char *peer = zmq_msg_gets ((zmq_msg_t *) payload, "User-Id");
    ctx.peer = peer ? peer : "";
    ProtobufCMessage *in = NULL;
    int drop = 0;

    if (!req) {
        loa_warn (NULL, "rpc: undecodable request dropped");
        loa_rpc_fail (&ctx, LOA__STATUS__INVALID, "yêu cầu không giải mã được");
        goto pack;
    }
    ctx.request_id = req->request_id;
    ctx.method = req->method;
    ctx.deadline_ms = req->deadline_unix_ms;
    const char *fault = loa_rpc_envelope_fault (req, loa_now_ms ());
    if (fault) { /* not a Loa program's request: nothing of it is used */
        loa_warn (req->request_id, "rpc: request refused: its envelope's %s is malformed", fault);
        loa_rpc_field_error (&ctx, fault, "không hợp lệ");
        loa_rpc_fail (&ctx, LOA__STATUS__INVALID, "phong bì yêu cầu không hợp lệ");
        goto pack;
    }
    if (req->caller)
        ctx.caller = req->caller;
    if (req->idempotency_key)
        ctx.idempotency_key = req->idempotency_key;
    if (loa_now_ms () > req->deadline_unix_ms) {
        loa_warn (req->request_id, "rpc: %s dropped, deadline passed", req->method);
        drop = 1;
        goto pack;
    }
    const loa_rpc_method *m = find_method (s, req->method);
    if (!m) {
        loa_rpc_fail (&ctx, LOA__STATUS__NOT_FOUND, "phương thức không tồn tại");
        goto pack;
    }
    if (m->input) {
        in = protobuf_c_message_unpack (m->input, NULL, req->body.len, req->body.data);
        if (!in) {
            loa_rpc_fail (&ctx, LOA__STATUS__INVALID, "nội dung yêu cầu không hợp lệ");
            goto pack;
        }
    }
    if (ensure_db (s, w, db) != 0) {
        loa_rpc_fail (&ctx, LOA__STATUS__UNAVAILABLE, "cơ sở dữ liệu không sẵn sàng");
        goto pack;
    }
    ctx.db = *db;
    loa_idem idem = {0};
    if (ctx.idempotency_key[0] && replay_or_lock (w, &ctx, req, &idem) != 0)
        goto pack;
    int64_t t0_us = now_us ();
    /* A write names its caller to the audit trail's trigger for the call
     * (loa_audit.h); a read costs nothing. */
    int audited = ctx.caller->writes;
    if (audited)
        loa_audit_set_caller (*db, ctx.caller, req->request_id, req->method);
    m->handler (&ctx, in);
    if (audited)
        loa_audit_clear (*db);
    if (idem.lock_key[0])
        loa_idem_finish (*db, &idem,
                         w->answered &&
                             (w->status == LOA__STATUS__OK || w->status == LOA__STATUS__CREATED),
                         (int) w->status, w->body, w->body_len);
    if (!w->answered) {
        loa_error (req->request_id, "rpc: %s gave no answer", req->method);
        loa_rpc_fail (&ctx, LOA__STATUS__INTERNAL, "lỗi nội bộ");
    }
    int64_t took_us = now_us () - t0_us;
    record (s, m, w->status, took_us);
    loa_debug (req->request_id, "rpc: %s -> %d in %lld ms", req->method, w->status,
               (long long) (took_us / 1000));

pack:
    if (!drop) {
        reply.request_id = req ? req->request_id : (char *) "";
        reply.call_id = req ? req->call_id : 0;
        reply.status = w->status;
        reply.error = w->error ? w->error : (char *) "";
        reply.n_field_errors = w->n_field_errors;
        reply.field_errors = w->field_errors;
        reply.body.data = w->body;
        reply.body.len = w->body_len;
        *out_len = loa__reply__get_packed_size (&reply);
        *out = malloc (*out_len ? *out_len : 1);
        if (*out)
            loa__reply__pack (&reply, *out);
        else
            drop = 1;
    }
    if (in)
        protobuf_c_message_free_unpacked (in, NULL);
    if (req)
        loa__request__free_unpacked (req, NULL);
    reply_reset (w);
    return drop;
}

/* Takes one request off the frontend without waiting: 1 with its frames
 * in *client and *payload, 0 when none is queued. Under sock_lock. */
static int try_recv (loa_rpc_server *s, zmq_msg_t *client, zmq_msg_t *payload)
{
    if (zmq_msg_recv (client, s->frontend, ZMQ_DONTWAIT) < 0)
        return 0;
    int ok = zmq_msg_more (client) && zmq_msg_recv (payload, s->frontend, ZMQ_DONTWAIT) >= 0;
    int more = ok ? zmq_msg_more (payload) : zmq_msg_more (client);
    while (more) { /* [client id][request]: extra frames are dropped */
        zmq_msg_t junk;
        zmq_msg_init (&junk);
        if (zmq_msg_recv (&junk, s->frontend, ZMQ_DONTWAIT) < 0)
            more = 0;
        else
            more = zmq_msg_more (&junk);
        zmq_msg_close (&junk);
        ok = 0;
    }
    return ok;
}

/* After a worker used the frontend (which processes its pending commands,
 * and so may have taken the signal of a request that came meanwhile off
 * the socket's file descriptor), wakes the leader when a request waits.
 * Under sock_lock. */
static void tell_leader (loa_rpc_server *s)
{
    int events = 0;
    size_t len = sizeof events;
    if (zmq_getsockopt (s->frontend, ZMQ_EVENTS, &events, &len) == 0 && (events & ZMQ_POLLIN)) {
        uint64_t one = 1;
        if (write (s->wake_fd, &one, sizeof one) < 0) { /* already signalled: fine */
        }
    }
}

/* The leader waits for a request: it alone sleeps on the frontend's file
 * descriptor (ZMQ_FD, readable when the socket has news) and on wake_fd.
 * 1 with a request, 0 when stopping. */
static int lead (loa_rpc_server *s, zmq_msg_t *client, zmq_msg_t *payload)
{
    while (!atomic_load (&s->stop)) {
        pthread_mutex_lock (&s->sock_lock);
        int got = try_recv (s, client, payload);
        if (got)
            tell_leader (s); /* more queued: the next leader starts at once */
        pthread_mutex_unlock (&s->sock_lock);
        if (got)
            return 1;
        struct pollfd fds[2] = {{s->zmq_fd, POLLIN, 0}, {s->wake_fd, POLLIN, 0}};
        if (poll (fds, 2, POLL_MS) > 0 && (fds[1].revents & POLLIN)) {
            uint64_t n;
            if (read (s->wake_fd, &n, sizeof n) < 0) { /* drained by another: fine */
            }
        }
    }
    return 0;
}

/* Waits to be the leader (one thread at a time), leads until a request
 * comes, then hands the lead to the next worker. 1 with a request. */
static int next_request (loa_rpc_server *s, zmq_msg_t *client, zmq_msg_t *payload)
{
    pthread_mutex_lock (&s->lead_lock);
    while (s->has_leader && !atomic_load (&s->stop)) {
        struct timespec until;
        clock_gettime (CLOCK_REALTIME, &until);
        until.tv_nsec += POLL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait (&s->lead_cond, &s->lead_lock, &until);
    }
    if (atomic_load (&s->stop)) {
        pthread_mutex_unlock (&s->lead_lock);
        return 0;
    }
    s->has_leader = 1;
    pthread_mutex_unlock (&s->lead_lock);
    int got = lead (s, client, payload);
    pthread_mutex_lock (&s->lead_lock);
    s->has_leader = 0;
    pthread_cond_signal (&s->lead_cond);
    pthread_mutex_unlock (&s->lead_lock);
    return got;
}

/* Workers share the frontend under sock_lock, leader/followers style: one
 * sleeps on the socket, the others on a condition; the leader that takes a
 * request hands the lead on and works. A worker that has answered takes
 * the next queued request itself before going back in line, so under load
 * nobody sleeps between requests, and a request passes no thread but the
 * worker's (no broker, no inproc hop). */
static void *worker_main (void *arg)
{
    worker *w = arg;
    loa_rpc_server *s = w->server;
    PGconn *db = NULL;
    if (ensure_db (s, w, &db) != 0)
        loa_warn (NULL, "rpc: worker starts without database; will retry per request");

    zmq_msg_t client, payload;
    zmq_msg_init (&client);
    zmq_msg_init (&payload);
    int got = 0;
    while (!atomic_load (&s->stop)) {
        if (!got && !(got = next_request (s, &client, &payload)))
            continue;
        uint8_t *out = NULL;
        size_t out_len = 0;
        int send = process (w, &db, &payload, &out, &out_len) == 0;
        pthread_mutex_lock (&s->sock_lock);
        if (send && zmq_send (s->frontend, zmq_msg_data (&client), zmq_msg_size (&client),
                              ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
            zmq_send (s->frontend, out, out_len, ZMQ_DONTWAIT);
        zmq_msg_close (&client);
        zmq_msg_close (&payload);
        zmq_msg_init (&client);
        zmq_msg_init (&payload);
        got = try_recv (s, &client, &payload);
        tell_leader (s);
        pthread_mutex_unlock (&s->sock_lock);
        free (out);
    }
    zmq_msg_close (&client);
    zmq_msg_close (&payload);
    PQfinish (db);
    reply_reset (w);
    free (w->field_errors);
    w->field_errors = NULL;
    return NULL;
}

/* ------------------------------------------------------------ life */

loa_rpc_server *loa_rpc_server_new (const char *service_name, const char *bind_addr, int workers,
                                    const char *db_url, const loa_rpc_method *methods, void *state,
                                    int (*prepare) (PGconn *db))
{
    loa_rpc_server *s = calloc (1, sizeof *s);
    if (!s)
        return NULL;
    snprintf (s->name, sizeof s->name, "%s", service_name);
    s->bind_addr = strdup (bind_addr);
    s->db_url = strdup (db_url);
    s->n_workers = workers > 0 ? workers : 1;
    s->methods = methods;
    s->state = state;
    s->prepare = prepare;
    for (const loa_rpc_method *m = methods; m && m->method; m++)
        s->n_stats++;
    s->stats = calloc (++s->n_stats, sizeof *s->stats);
    for (size_t i = 0; s->stats && i + 1 < s->n_stats; i++)
        s->stats[i].method = methods[i].method;
    if (s->stats)
        s->stats[s->n_stats - 1].method = ping_method.method;
    s->workers = calloc ((size_t) s->n_workers, sizeof *s->workers);
    s->zmq_fd = -1;
    s->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
    pthread_mutex_init (&s->sock_lock, NULL);
    pthread_mutex_init (&s->lead_lock, NULL);
    pthread_cond_init (&s->lead_cond, NULL);
    atomic_init (&s->stop, 0);
    if (s->wake_fd < 0)
        loa_error (NULL, "rpc: eventfd: %s", strerror (errno));
    if (!s->bind_addr || !s->db_url || !s->workers || !s->stats || s->wake_fd < 0)
        loa_rpc_server_destroy (&s);
    return s;
}

/* Counts a call of `m` answered with `status` in `us` microseconds. */
static void record (loa_rpc_server *s, const loa_rpc_method *m, Loa__Status status, int64_t us)
{
    size_t i = m == &ping_method ? s->n_stats - 1 : (size_t) (m - s->methods);
    if (i >= s->n_stats)
        return;
    method_stats *st = &s->stats[i];
    size_t k = (size_t) status <= LOA__STATUS__CREATED ? (size_t) status : LOA__STATUS__INTERNAL;
    atomic_fetch_add_explicit (&st->by_status[k], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < N_BUCKETS && (double) us > bucket_ms[b] * 1000.0)
        b++;
    atomic_fetch_add_explicit (&st->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit (&st->sum_us, (unsigned long long) (us > 0 ? us : 0),
                               memory_order_relaxed);
}

void loa_rpc_server_metrics (loa_rpc_server *s, loa_buf *b)
{
    loa_buf_puts (b, "# HELP loa_rpc_server_requests_total RPC calls answered, by method and "
                     "status.\n# TYPE loa_rpc_server_requests_total counter\n");
    for (size_t i = 0; i < s->n_stats; i++)
        for (size_t k = 0; k <= LOA__STATUS__CREATED; k++) {
            unsigned long long n =
                atomic_load_explicit (&s->stats[i].by_status[k], memory_order_relaxed);
            const ProtobufCEnumValue *v =
                protobuf_c_enum_descriptor_get_value (&loa__status__descriptor, (int) k);
            if (n)
                loa_buf_printf (b,
                                "loa_rpc_server_requests_total{method=\"%s\",status=\"%s\"} %llu\n",
                                s->stats[i].method, v ? v->name : "unknown", n);
        }
    loa_buf_puts (b, "# HELP loa_rpc_server_duration_seconds Time to answer an RPC call, by "
                     "method.\n# TYPE loa_rpc_server_duration_seconds histogram\n");
    for (size_t i = 0; i < s->n_stats; i++) {
        unsigned long long cum = 0;
        for (size_t k = 0; k <= N_BUCKETS; k++)
            cum += atomic_load_explicit (&s->stats[i].bucket[k], memory_order_relaxed);
        if (!cum)
            continue;
        unsigned long long total = cum;
        cum = 0;
        for (size_t k = 0; k < N_BUCKETS; k++) {
            cum += atomic_load_explicit (&s->stats[i].bucket[k], memory_order_relaxed);
            loa_buf_printf (
                b, "loa_rpc_server_duration_seconds_bucket{method=\"%s\",le=\"%g\"} %llu\n",
                s->stats[i].method, bucket_ms[k] / 1000.0, cum);
        }
        loa_buf_printf (b,
                        "loa_rpc_server_duration_seconds_bucket{method=\"%s\",le=\"+Inf\"} %llu\n",
                        s->stats[i].method, total);
        loa_buf_printf (
            b, "loa_rpc_server_duration_seconds_sum{method=\"%s\"} %g\n", s->stats[i].method,
            (double) atomic_load_explicit (&s->stats[i].sum_us, memory_order_relaxed) / 1e6);
        loa_buf_printf (b, "loa_rpc_server_duration_seconds_count{method=\"%s\"} %llu\n",
                        s->stats[i].method, total);
    }
}

int loa_rpc_server_start (loa_rpc_server *s, void *zmq_ctx)
{
    /* Queues sized on purpose: a client has a few calls in flight (the
     * gateway's loops, a tool's one), so 1,000 waiting requests is already
     * a backlog no deadline survives; replies beyond 1,000 unread to one
     * client mean that client is gone. */
    int linger = 0, hwm = 1000;
    int64_t max_msg = loa_zmq_max_msg ();
    s->zmq_ctx = zmq_ctx;
    s->frontend = zmq_socket (zmq_ctx, ZMQ_ROUTER);
    if (!s->frontend || zmq_setsockopt (s->frontend, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt (s->frontend, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt (s->frontend, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt (s->frontend, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg) != 0 ||
        loa_curve_server (s->frontend) != 0) {
        loa_error (NULL, "rpc: cannot set up the socket for %s: %s", s->bind_addr,
                   zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (zmq_bind (s->frontend, s->bind_addr) != 0) {
        loa_error (NULL, "rpc: cannot bind %s: %s", s->bind_addr, zmq_strerror (errno));
        return -1;
    }
    size_t fd_len = sizeof s->zmq_fd;
    if (zmq_getsockopt (s->frontend, ZMQ_FD, &s->zmq_fd, &fd_len) != 0) {
        loa_error (NULL, "rpc: ZMQ_FD: %s", zmq_strerror (errno));
        return -1;
    }
    for (int i = 0; i < s->n_workers; i++) {
        s->workers[i].server = s;
        if (pthread_create (&s->workers[i].thread, NULL, worker_main, &s->workers[i]) != 0) {
            loa_error (NULL, "rpc: cannot start worker %d", i);
            return -1;
        }
        s->workers[i].started = 1;
    }
    loa_info (NULL, "rpc: %s serving on %s with %d workers", s->name, s->bind_addr, s->n_workers);
    return 0;
}

void loa_rpc_server_destroy (loa_rpc_server **pself)
{
    loa_rpc_server *s = pself ? *pself : NULL;
    if (!s)
        return;
    atomic_store (&s->stop, 1);
    pthread_mutex_lock (&s->lead_lock);
    pthread_cond_broadcast (&s->lead_cond);
    pthread_mutex_unlock (&s->lead_lock);
    for (int i = 0; s->workers && i < s->n_workers; i++)
        if (s->workers[i].started)
            pthread_join (s->workers[i].thread, NULL);
    if (s->frontend)
        zmq_close (s->frontend);
    if (s->wake_fd >= 0)
        close (s->wake_fd);
    pthread_mutex_destroy (&s->sock_lock);
    pthread_mutex_destroy (&s->lead_lock);
    pthread_cond_destroy (&s->lead_cond);
    free (s->workers);
    free (s->stats);
    free (s->bind_addr);
    free (s->db_url);
    free (s);
    *pself = NULL;
}
