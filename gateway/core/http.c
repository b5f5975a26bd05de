/* http: libmicrohttpd glue. One gw_request per HTTP request: made on the
 * first call of the access handler, fed the body, dispatched on the final
 * call (or, after a step in flight, its continuation run: core/loop.h),
 * freed in the completion callback (which also records metrics). */
#include "core/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/conns.h"
#include "core/dispatch.h"
#include "core/loop.h"
#include "core/metrics.h"
#include "core/pool.h"
#include "core/respond.h"
#include "core/rpc_route.h"
#include "gw.h"
#include "loa_config.h"
#include "loa_log.h"

static size_t body_limit = 1 << 20;

/* A client's X-Request-Id is echoed when it looks like an id (so it cannot
 * inject anything into logs or headers); otherwise we make one. */
static void set_request_id (gw_request *req)
{
    const char *given = gw_header (req, "X-Request-Id");
    if (given) {
        size_t n = strlen (given);
        int ok = n >= 1 && n <= 64;
        for (size_t i = 0; ok && i < n; i++) {
            char c = given[i];
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == ':';
        }
        if (ok) {
            memcpy (req->request_id, given, n + 1);
            return;
        }
    }
    /* 12 random bytes in hex, from a thread's pool refilled by one
     * getrandom every 64 requests rather than one each. */
    enum { ID_BYTES = 12, POOL_IDS = 64 };
    static _Thread_local unsigned char pool[ID_BYTES * POOL_IDS];
    static _Thread_local size_t used = sizeof pool;
    if (used == sizeof pool) {
        if (getrandom (pool, sizeof pool, 0) != (ssize_t) sizeof pool)
            memset (pool, 0, sizeof pool);
        used = 0;
    }
    static const char hex[] = "0123456789abcdef";
    const unsigned char *rnd = pool + used;
    used += ID_BYTES;
    for (size_t i = 0; i < ID_BYTES; i++) {
        req->request_id[2 * i] = hex[rnd[i] >> 4];
        req->request_id[2 * i + 1] = hex[rnd[i] & 15];
    }
    req->request_id[2 * ID_BYTES] = '\0';
}

/* The connection's deadlines (core/conns.h), or NULL. */
static gw_conn *conn_of (struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info (conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* 1 when a body follows the headers (its length, or chunks). */
static int body_follows (gw_request *req)
{
    const char *cl = gw_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return gw_header (req, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL ||
           (cl && strtoull (cl, NULL, 10) > 0);
}

static enum MHD_Result too_large (gw_request *req)
{
    char detail[96];
    snprintf (detail, sizeof detail, "Nội dung vượt quá giới hạn %zu byte", body_limit);
    return gw_respond_problem (req, 413, detail, NULL);
}

/* The headers are in: a new request, matched and maybe answered at once. */
static enum MHD_Result begin (struct MHD_Connection *conn, const char *url, const char *method,
                              void **con_cls)
{
    gw_request *req = calloc (1, sizeof *req);
    if (!req)
        return MHD_NO;
    *con_cls = req;
    req->conn = conn;
    req->method = method;
    req->url = url;
    req->t0_ms = loa_mono_ms ();
    loa__caller__init (&req->caller);
    set_request_id (req);
    req->head = strcmp (method, "HEAD") == 0;
    /* The headers are in: their deadline is met. */
    gw_conn *c = conn_of (conn);
    if (c)
        gw_conn_headers_in (c, req->t0_ms, 0);
    enum MHD_Result rc;
    if (gw_dispatch_start (req, &rc))
        return rc;
    const char *cl = gw_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (req->route && !req->feed && cl && strtoull (cl, NULL, 10) > body_limit)
        return too_large (req);
    /* A body held in memory is due within its own deadline; a streamed
     * one (an upload, its sender authenticated) has none. */
    if (c && !req->feed && body_follows (req))
        gw_conn_headers_in (c, req->t0_ms, 1);
    return MHD_YES;
}

/* A piece of the body: to the route's stream, or held up to the limit
 * (chunked bodies are only known as they come). */
static enum MHD_Result take (gw_request *req, const char *data, size_t n)
{
    if (req->feed) {
        req->feed (req, data, n);
        return MHD_YES;
    }
    if (req->too_large)
        return MHD_YES;
    if (req->body_len + n > body_limit) {
        req->too_large = 1;
        free (req->body);
        req->body = NULL;
        req->body_len = req->body_cap = 0;
        return MHD_YES;
    }
    if (req->body_len + n + 1 > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap : 1024;
        while (cap < req->body_len + n + 1)
            cap *= 2;
        char *grown = realloc (req->body, cap);
        if (!grown)
            return MHD_NO;
        req->body = grown;
        req->body_cap = cap;
    }
    memcpy (req->body + req->body_len, data, n);
    req->body_len += n;
    req->body[req->body_len] = '\0';
    return MHD_YES;
}

static enum MHD_Result on_request (void *cls, struct MHD_Connection *conn, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
    (void) cls;
    (void) version;
    gw_request *req = *con_cls;
    if (!req)
        return begin (conn, url, method, con_cls);
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return take (req, upload_data, n);
    }
    gw_conn *c = conn_of (conn);
    if (c)
        gw_conn_request_in (c); /* all in: no deadline while it is answered */
    if (req->too_large)
        return too_large (req);
    enum MHD_Result rc;
    if (gw_loop_resumed (req, &rc))
        return rc;
    return gw_dispatch_run (req);
}

/* The access log (docs/operations.md "Logs"): one line of fields at info
 * per request, 1 in LOA_ACCESS_LOG_SAMPLE (0: none), every 5xx whatever
 * the sample. The route's pattern, never the URL (a query may hold what
 * is not to be logged), and the caller's kind, never who. */
static long access_every = 1;
static atomic_ulong access_seen;

static void access_log (const gw_request *req, int64_t elapsed, int completed)
{
    int status = req->http_status;
    if (status < 500 &&
        (access_every == 0 ||
         (access_every > 1 &&
          atomic_fetch_add_explicit (&access_seen, 1, memory_order_relaxed) % access_every)))
        return;
    if (!loa_log_enabled (LOA_LOG_INFO))
        return;
    char route[256], method[40], fields[700];
    loa_log_escape (route, sizeof route,
                    req->route      ? req->route->pattern
                    : req->fallback ? "portal"
                                    : "unmatched");
    loa_log_escape (method, sizeof method, req->method);
    const char *caller = req->auth_kind == GW_AUTH_STAFF ? "staff"
                         : req->auth_kind == GW_AUTH_KEY && req->caller.n_roles == 1
                             ? req->role_buf[0] /* the key's kind */
                             : "anonymous";
    snprintf (fields, sizeof fields,
              "\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,\"duration_ms\":%lld,"
              "\"bytes\":%llu,\"caller\":\"%s\"%s",
              method, route, status, (long long) elapsed, (unsigned long long) req->resp_bytes,
              caller, completed ? "" : ",\"completed\":false");
    loa_log_fields (LOA_LOG_INFO, req->request_id, fields, "%s %s -> %d", method, route, status);
}

static void on_completed (void *cls, struct MHD_Connection *conn, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
    (void) cls;
    gw_request *req = *con_cls;
    gw_conn *c = conn_of (conn);
    if (c) /* the next request's headers are due (or it closes) */
        gw_conn_answered (c, loa_mono_ms ());
    if (!req)
        return;
    int64_t elapsed = loa_mono_ms () - req->t0_ms;
    gw_metrics_http (req->route, req->fallback, (unsigned) req->http_status, elapsed);
    access_log (req, elapsed, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    /* A cut-off upload leaves no file; a download is logged. */
    if (req->done)
        req->done (req, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    gw_loop_forget (req);
    gw_pool_forget (req);
    gw_rpc_route_end (req);
    json_decref (req->json);
    free (req->body);
    free (req);
    *con_cls = NULL;
}

/* libmicrohttpd's own messages go to the JSON log, not raw stderr. */
static void mhd_log (void *cls, const char *fmt, va_list ap)
{
    (void) cls;
    char msg[512];
    vsnprintf (msg, sizeof msg, fmt, ap);
    size_t n = strlen (msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    loa_warn (NULL, "http: %s", msg);
}

struct gw_http {
    int listen_fd;
    unsigned n;
    struct MHD_Daemon **daemons;
    gw_loop **loops;
    gw_conns *conns;
    gw_conn_set **sets; /* each daemon's connections */
    unsigned cap; /* of the arrays */
};

/* Refusals are logged at most once every 10 s (an attack refuses many). */
static void log_refused (gw_conns *conns, const struct sockaddr *addr)
{
    static atomic_llong last_ms;
    int64_t now = loa_mono_ms ();
    long long last = atomic_load (&last_ms);
    if (now - last < 10000 || !atomic_compare_exchange_strong (&last_ms, &last, now))
        return;
    unsigned total, of_addr;
    unsigned long long refused;
    gw_conns_stats (conns, addr, &total, &of_addr, &refused);
    loa_warn (NULL,
              "http: connections refused at their limits (%llu so far; %u open, %u of the last "
              "refused address)",
              refused, total, of_addr);
}

/* libmicrohttpd asks before it takes a connection (any loop's thread). */
static enum MHD_Result admit (void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void) addrlen;
    if (gw_conns_admit (cls, addr))
        return MHD_YES;
    gw_metrics_guard (GW_GUARD_CONN_REFUSED);
    log_refused (cls, addr);
    return MHD_NO;
}

/* A connection starts or ends, on its daemon's thread (or the stopping
 * thread, once the loops are over). */
static void on_connection (void *cls, struct MHD_Connection *conn, void **socket_context,
                           enum MHD_ConnectionNotificationCode code)
{
    gw_conn_set *set = cls;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        gw_conn *c = *socket_context;
        gw_conn_end (&c);
        *socket_context = NULL;
        return;
    }
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info (conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *addr =
        MHD_get_connection_info (conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    int sock = fd ? fd->connect_fd : -1;
    *socket_context = gw_conn_start (set, addr ? addr->client_addr : NULL, sock, loa_mono_ms ());
    if (!*socket_context && sock >= 0)
        shutdown (sock, SHUT_RDWR);
}

/* A deadline passed: the socket is shut down under libmicrohttpd, which
 * sees the end at once and closes the connection (on_connection). */
static void close_late (gw_conn *c, void *cls)
{
    (void) cls;
    loa_debug (NULL, "http: a connection missed its deadline; closed");
    gw_metrics_guard (GW_GUARD_CONN_LATE);
    if (c->fd >= 0)
        shutdown (c->fd, SHUT_RDWR);
}

static int64_t tick (void *cls, int64_t now)
{
    return gw_conn_set_expire (cls, now, 1000, close_late, NULL);
}

/* The listening socket the loops share (0.0.0.0:port). -1 on failure. */
static int listen_on (unsigned port)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons ((uint16_t) port),
                               .sin_addr.s_addr = htonl (INADDR_ANY)};
    if (setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind (fd, (struct sockaddr *) &addr, sizeof addr) != 0 || listen (fd, SOMAXCONN) != 0) {
        loa_error (NULL, "http: cannot listen on port %u: %s", port, strerror (errno));
        close (fd);
        return -1;
    }
    return fd;
}

gw_http *gw_http_start (unsigned port, unsigned threads, size_t max_body,
                        const gw_conns_limits *limits)
{
    body_limit = max_body;
    access_every = loa_env_int ("LOA_ACCESS_LOG_SAMPLE", 1, 0, 1000000);
    gw_http *h = calloc (1, sizeof *h);
    if (!h)
        return NULL;
    h->daemons = calloc (threads, sizeof *h->daemons);
    h->loops = calloc (threads, sizeof *h->loops);
    h->sets = calloc (threads, sizeof *h->sets);
    h->cap = threads;
    h->conns = gw_conns_new (limits);
    h->listen_fd = h->daemons && h->loops && h->sets && h->conns ? listen_on (port) : -1;
    if (h->listen_fd < 0) {
        gw_http_stop (&h);
        return NULL;
    }
    /* One daemon per loop thread, without a thread of its own: the loop
     * polls it together with its service sockets (core/loop.h). */
    unsigned flags = MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    for (h->n = 0; h->n < threads; h->n++) {
        if (!(h->sets[h->n] = gw_conn_set_new (h->conns))) {
            gw_http_stop (&h);
            return NULL;
        }
        struct MHD_Daemon *d =
            MHD_start_daemon (flags, 0, admit, h->conns, on_request, NULL,
                              /* First, so that the daemon's own messages about the options
                               * that follow reach the log too. */
                              MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET,
                              h->listen_fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                              MHD_OPTION_NOTIFY_CONNECTION, on_connection, h->sets[h->n],
                              /* The total is gw_conns' (shared by the daemons); each daemon
                               * alone may take all of it. */
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned) limits->max_total,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 60,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 32 * 1024,
                              /* main.c ignores SIGPIPE: without this libmicrohttpd, which cannot
                               * block it in threads it does not own, sends files by read and
                               * send instead of sendfile (a third of the download rate). */
                              MHD_OPTION_SIGPIPE_HANDLED_BY_APP, (int) 1, MHD_OPTION_END);
        if (!d) {
            loa_error (NULL, "http: cannot start a daemon on port %u", port);
            gw_http_stop (&h);
            return NULL;
        }
        h->daemons[h->n] = d;
        if (!(h->loops[h->n] = gw_loop_new (d, tick, h->sets[h->n]))) {
            h->n++; /* its daemon is stopped with the others */
            gw_http_stop (&h);
            return NULL;
        }
    }
    return h;
}

void gw_http_stop (gw_http **ph)
{
    gw_http *h = ph ? *ph : NULL;
    if (!h)
        return;
    /* All loops stop together (a fill on one may wake a wait on another),
     * then each is joined; its thread closes its own sockets. */
    for (unsigned i = 0; i < h->n; i++)
        gw_loop_stop (h->loops[i]);
    for (unsigned i = 0; i < h->n; i++)
        gw_loop_destroy (&h->loops[i]);
    for (unsigned i = 0; i < h->n; i++)
        if (h->daemons[i]) {
            MHD_quiesce_daemon (h->daemons[i]); /* the socket is ours to close */
            MHD_stop_daemon (h->daemons[i]);
        }
    if (h->listen_fd >= 0)
        close (h->listen_fd);
    /* After the daemons: their stop ended every connection. */
    for (unsigned i = 0; h->sets && i < h->cap; i++)
        gw_conn_set_destroy (&h->sets[i]);
    gw_conns_destroy (&h->conns);
    free (h->sets);
    free (h->daemons);
    free (h->loops);
    free (h);
    *ph = NULL;
}
