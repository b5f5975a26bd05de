#include "loa_rpc_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "loa_config.h"
#include "loa_curve.h"
#include "loa_log.h"
#include "loa_peers.h"

/* ZMTP heartbeats of every client socket: a PING after this much silence,
 * and the peer taken for gone without an answer within the timeout. */
#define HEARTBEAT_IVL_MS 1000
#define HEARTBEAT_TIMEOUT_MS 3000

struct loa_rpc_client {
    void *zmq_ctx;
    void *sock;
    char service[48];
    loa_peers *peers; /* where the replicas are (the socket follows them) */
    int down;
    long connect_ms; /* LOA_RPC_CONNECT_MS, read once */
    unsigned long long counter;
};

void *loa_rpc_dealer_open (void *zmq_ctx, const char *service, loa_peers *peers)
{
    void *sock = zmq_socket (zmq_ctx, ZMQ_DEALER);
    if (!sock)
        return NULL;
    int linger = 0, immediate = 1, ivl = 100, ivl_max = 1000;
    int hb_ivl = HEARTBEAT_IVL_MS, hb_timeout = HEARTBEAT_TIMEOUT_MS;
    int64_t max_msg = loa_zmq_max_msg ();
    zmq_setsockopt (sock, ZMQ_LINGER, &linger, sizeof linger);
    /* Queue messages only on completed connections, so that "no replica
     * connected" shows as not writable instead of a silent queue. (With
     * CURVE, a connection completes with its handshake: a server that
     * refuses our key is never writable either.) */
    zmq_setsockopt (sock, ZMQ_IMMEDIATE, &immediate, sizeof immediate);
    zmq_setsockopt (sock, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt (sock, ZMQ_RECONNECT_IVL_MAX, &ivl_max, sizeof ivl_max);
    zmq_setsockopt (sock, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg);
    /* ZMTP heartbeats: a replica whose host vanished (no FIN, no RST) is
     * dropped after HEARTBEAT_TIMEOUT_MS, and requests stop going its way,
     * instead of after TCP's own minutes. */
    zmq_setsockopt (sock, ZMQ_HEARTBEAT_IVL, &hb_ivl, sizeof hb_ivl);
    zmq_setsockopt (sock, ZMQ_HEARTBEAT_TIMEOUT, &hb_timeout, sizeof hb_timeout);
    if (loa_curve_client (sock, service) != 0) {
        zmq_close (sock);
        return NULL;
    }
    loa_peers_forget (peers); /* a new socket: connected to every address */
    loa_peers_sync (peers, sock);
    return sock;
}

static void *open_socket (loa_rpc_client *c)
{
    return loa_rpc_dealer_open (c->zmq_ctx, c->service, c->peers);
}

loa_rpc_client *loa_rpc_client_new (void *zmq_ctx, const char *service, const char *endpoints)
{
    loa_rpc_client *c = calloc (1, sizeof *c);
    if (!c)
        return NULL;
    c->zmq_ctx = zmq_ctx;
    c->connect_ms = loa_env_int ("LOA_RPC_CONNECT_MS", 1000, 1, 60000);
    snprintf (c->service, sizeof c->service, "%s", service);
    c->peers = loa_peers_new (service, endpoints);
    if (c->peers)
        c->sock = open_socket (c);
    if (!c->sock) {
        loa_rpc_client_destroy (&c);
        return NULL;
    }
    return c;
}

void loa_rpc_client_destroy (loa_rpc_client **pself)
{
    loa_rpc_client *c = pself ? *pself : NULL;
    if (!c)
        return;
    if (c->sock)
        zmq_close (c->sock);
    loa_peers_free (&c->peers);
    free (c);
    *pself = NULL;
}

/* Lazy Pirate: after a timeout the socket may still receive the reply to
 * the abandoned request; a new socket guarantees it never will. */
static void reset_socket (loa_rpc_client *c)
{
    zmq_close (c->sock);
    c->sock = open_socket (c);
}

static Loa__Status local_failure (loa_rpc_client *c, Loa__Status st, loa_rpc_result *r)
{
    r->status = st;
    r->reply = NULL;
    c->down = 1;
    return st;
}

uint8_t *loa_rpc_request_pack (const char *method, const Loa__Caller *caller,
                               const char *request_id, const char *idempotency_key,
                               const ProtobufCMessage *body, int timeout_ms, uint64_t call_id,
                               size_t *len)
{
    Loa__Request req = LOA__REQUEST__INIT;
    req.request_id = (char *) (request_id ? request_id : "");
    req.method = (char *) method;
    req.caller = (Loa__Caller *) caller;
    req.deadline_unix_ms = loa_now_ms () + timeout_ms;
    req.idempotency_key = (char *) (idempotency_key ? idempotency_key : "");
    req.call_id = call_id;
    uint8_t *packed_body = NULL;
    if (body) {
        req.body.len = protobuf_c_message_get_packed_size (body);
        packed_body = malloc (req.body.len ? req.body.len : 1);
        if (!packed_body)
            return NULL;
        protobuf_c_message_pack (body, packed_body);
        req.body.data = packed_body;
    }
    *len = loa__request__get_packed_size (&req);
    uint8_t *buf = malloc (*len ? *len : 1);
    if (buf)
        loa__request__pack (&req, buf);
    free (packed_body);
    return buf;
}

int loa_rpc_retry_ms (int timeout_ms)
{
    /* A third of the deadline, at most a second: time for the second try. */
    int dflt = timeout_ms / 3 < 1000 ? timeout_ms / 3 : 1000;
    int ms = (int) loa_env_int ("LOA_RPC_RETRY_MS", dflt, 0, 600000);
    return ms < timeout_ms ? ms : 0;
}

static Loa__Status call (loa_rpc_client *c, const char *method, const Loa__Caller *caller,
                         const char *request_id, const char *idempotency_key,
                         const ProtobufCMessage *body, int timeout_ms, int safe, loa_rpc_result *r)
{
    r->status = LOA__STATUS__INTERNAL;
    r->reply = NULL;
    if (!c->sock && !(c->sock = open_socket (c)))
        return local_failure (c, LOA__STATUS__UNAVAILABLE, r);
    loa_peers_sync (c->peers, c->sock); /* replicas come and go */

    char rid_buf[40];
    if (!request_id || !*request_id) {
        snprintf (rid_buf, sizeof rid_buf, "%p-%llu", (void *) c, ++c->counter);
        request_id = rid_buf;
    }
    /* The call's own id: the calls of one request share its request_id, and
     * a late answer to one (sent again) must not be taken for the next. */
    uint64_t call_id = ++c->counter;
    int64_t start = loa_mono_ms ();
    int64_t deadline = start + timeout_ms;

    size_t len = 0;
    uint8_t *buf = loa_rpc_request_pack (method, caller, request_id, idempotency_key, body,
                                         timeout_ms, call_id, &len);
    if (!buf)
        return local_failure (c, LOA__STATUS__INTERNAL, r);

    /* Sent at once when a replica is connected (the usual case: no poll);
     * else wait briefly for one: none means the service is down. */
    int sent = zmq_send (c->sock, buf, len, ZMQ_DONTWAIT) == (int) len;
    int64_t connect_deadline = start + (c->connect_ms < timeout_ms ? c->connect_ms : timeout_ms);
    int64_t now;
    while (!sent && errno == EAGAIN && (now = loa_mono_ms ()) < connect_deadline) {
        zmq_pollitem_t out_item = {c->sock, 0, ZMQ_POLLOUT, 0};
        if (zmq_poll (&out_item, 1, (long) (connect_deadline - now)) > 0)
            sent = zmq_send (c->sock, buf, len, ZMQ_DONTWAIT) == (int) len;
    }
    if (!sent) {
        free (buf);
        loa_peers_hurry (c->peers); /* perhaps they moved */
        loa_warn (request_id, "rpc: %s unavailable for %s (no replica connected)", c->service,
                  method);
        return local_failure (c, LOA__STATUS__UNAVAILABLE, r);
    }
    /* A call safe to repeat is sent once more when its reply is late: the
     * replica that had it may have died with it (the round robin gives the
     * copy to another); the first reply with its call_id wins. */
    int retry_ms = safe ? loa_rpc_retry_ms (timeout_ms) : 0;
    int64_t retry_at = retry_ms > 0 ? start + retry_ms : 0;
    if (!retry_at) {
        free (buf);
        buf = NULL;
    }

    /* A blocking receive bounded by ZMQ_RCVTIMEO: one wait on the socket's
     * mailbox, without zmq_poll's set-up (and its getpid) per message. */
    for (;;) {
        now = loa_mono_ms ();
        if (now >= deadline)
            break;
        if (retry_at && now >= retry_at) {
            if (zmq_send (c->sock, buf, len, ZMQ_DONTWAIT) == (int) len)
                loa_warn (request_id, "rpc: %s: %s sent again after %lld ms without a reply",
                          c->service, method, (long long) (now - start));
            free (buf);
            buf = NULL;
            retry_at = 0;
        }
        int wait_ms = (int) ((retry_at ? retry_at : deadline) - now);
        zmq_setsockopt (c->sock, ZMQ_RCVTIMEO, &wait_ms, sizeof wait_ms);
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        if (zmq_msg_recv (&msg, c->sock, 0) < 0) {
            zmq_msg_close (&msg);
            continue;
        }
        int more = zmq_msg_more (&msg);
        Loa__Reply *reply =
            more ? NULL : loa__reply__unpack (NULL, zmq_msg_size (&msg), zmq_msg_data (&msg));
        zmq_msg_close (&msg);
        while (more) { /* not ours: drain */
            zmq_msg_init (&msg);
            zmq_msg_recv (&msg, c->sock, 0);
            more = zmq_msg_more (&msg);
            zmq_msg_close (&msg);
        }
        if (!reply)
            continue;
        if (reply->call_id != call_id || strcmp (reply->request_id, request_id) != 0) {
            loa_debug (request_id, "rpc: %s: late reply for %s (call %llu) dropped", c->service,
                       reply->request_id, (unsigned long long) reply->call_id);
            loa__reply__free_unpacked (reply, NULL);
            continue;
        }
        c->down = 0;
        free (buf);
        r->status = reply->status;
        r->reply = reply;
        return r->status;
    }
    free (buf);
    loa_warn (request_id, "rpc: %s: %s timed out after %d ms", c->service, method, timeout_ms);
    reset_socket (c);
    return local_failure (c, LOA__STATUS__DEADLINE, r);
}

Loa__Status loa_rpc_call (loa_rpc_client *c, const char *method, const Loa__Caller *caller,
                          const char *request_id, const char *idempotency_key,
                          const ProtobufCMessage *body, int timeout_ms, loa_rpc_result *r)
{
    return call (c, method, caller, request_id, idempotency_key, body, timeout_ms,
                 idempotency_key != NULL, r);
}

Loa__Status loa_rpc_read (loa_rpc_client *c, const char *method, const Loa__Caller *caller,
                          const char *request_id, const ProtobufCMessage *body, int timeout_ms,
                          loa_rpc_result *r)
{
    return call (c, method, caller, request_id, NULL, body, timeout_ms, 1, r);
}

void loa_rpc_result_clear (loa_rpc_result *r)
{
    if (r && r->reply) {
        loa__reply__free_unpacked (r->reply, NULL);
        r->reply = NULL;
    }
}

int loa_rpc_client_down (const loa_rpc_client *c) { return c->down; }

const char *loa_rpc_client_service (const loa_rpc_client *c) { return c->service; }
