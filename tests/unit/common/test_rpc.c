#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_rpc_client.h"
#include "loa_rpc_server.h"
#include "suites.h"

static void *zctx;
static loa_rpc_server *server;
static char endpoint[64];

static void sleep_ms (int ms)
{
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
}

/* echo: EventsSinceRequest{since_seq} -> EventsSinceReply{last_seq = since_seq} */
static void h_echo (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__EventsSinceRequest *in = (const Loa__EventsSinceRequest *) msg;
    Loa__EventsSinceReply out = LOA__EVENTS_SINCE_REPLY__INIT;
    out.last_seq = in->since_seq;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
}

static void h_slow (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__EventsSinceRequest *in = (const Loa__EventsSinceRequest *) msg;
    sleep_ms ((int) in->limit);
    h_echo (ctx, msg);
}

static void h_fields (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) msg;
    loa_rpc_field_error (ctx, "title", "Tiêu đề là bắt buộc");
    loa_rpc_field_error (ctx, "submitter.email", "Thư điện tử không hợp lệ");
    loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu không hợp lệ");
}

static atomic_int whoami_calls;

/* whoami: the caller's roles and user, as a PingReply. */
static void h_whoami (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) msg;
    atomic_fetch_add (&whoami_calls, 1);
    Loa__PingReply out = LOA__PING_REPLY__INIT;
    out.service =
        loa_rpc_has_role (ctx, "reviewer") ? (char *) "reviewer" : (char *) "not-reviewer";
    out.last_event_seq = (uint64_t) ctx->caller->user_id;
    out.version = (char *) ctx->idempotency_key;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
}

static void h_silent (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) ctx;
    (void) msg;
}

/* store: fails with the store status in since_seq, as a handler of units
 * would; for ANSWERED its "guard" has failed the call first. */
static void h_store (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__EventsSinceRequest *in = (const Loa__EventsSinceRequest *) msg;
    static const loa_rpc_store_answer answers[] = {
        {LOA_STORE_NOT_FOUND, "Không tìm thấy đơn vị"},
        {LOA_STORE_CONFLICT, "Mã đơn vị đã tồn tại", "code"},
        {LOA_STORE_INVALID, "Dữ liệu gửi lên không hợp lệ", "unit_id", "Đơn vị không tồn tại"},
        {LOA_STORE_OK},
    };
    loa_store_status st = (loa_store_status) in->since_seq;
    if (st == LOA_STORE_ANSWERED)
        loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, "Người viết bài không được tự duyệt");
    loa_rpc_fail_store (ctx, st, answers);
}

static const loa_rpc_method methods[] = {
    {"store", &loa__events_since_request__descriptor, h_store},
    {"echo", &loa__events_since_request__descriptor, h_echo},
    {"slow", &loa__events_since_request__descriptor, h_slow},
    {"fields", NULL, h_fields},
    {"whoami", NULL, h_whoami},
    {"silent", NULL, h_silent},
    {NULL, NULL, NULL},
};

/* The services' shared idempotency table, from its real migration. */
static void idempotency_table (void)
{
    FILE *f = fopen ("services/common/sql/0000_idempotency.sql", "r");
    ck_assert_msg (f != NULL, "run from the repository's top directory");
    char sql[4096];
    size_t n = fread (sql, 1, sizeof sql - 1, f);
    fclose (f);
    sql[n] = '\0';
    PGconn *db = PQconnectdb (test_db_url ());
    ck_assert_int_eq (PQstatus (db), CONNECTION_OK);
    PGresult *res = PQexec (db, sql);
    ck_assert_msg (PQresultStatus (res) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage (res));
    PQclear (res);
    PQfinish (db);
}

static void setup (void)
{
    idempotency_table ();
    zctx = zmq_ctx_new ();
    snprintf (endpoint, sizeof endpoint, "inproc://test-rpc-%ld", random ());
    server = loa_rpc_server_new ("test-svc", endpoint, 2, test_db_url (), methods, NULL, NULL);
    ck_assert_ptr_nonnull (server);
    ck_assert_int_eq (loa_rpc_server_start (server, zctx), 0);
}

static void teardown (void)
{
    loa_rpc_server_destroy (&server);
    ck_assert_ptr_null (server);
    loa_rpc_server_destroy (&server); /* idempotent */
    zmq_ctx_term (zctx);
}

static Loa__Status echo (loa_rpc_client *c, uint64_t v, int timeout_ms, uint32_t sleep_for,
                         uint64_t *got)
{
    Loa__EventsSinceRequest in = LOA__EVENTS_SINCE_REQUEST__INIT;
    in.since_seq = v;
    in.limit = sleep_for;
    loa_rpc_result r;
    Loa__Status st =
        loa_rpc_call (c, sleep_for ? "slow" : "echo", NULL, NULL, NULL, &in.base, timeout_ms, &r);
    if (st == LOA__STATUS__OK) {
        Loa__EventsSinceReply *out =
            loa__events_since_reply__unpack (NULL, r.reply->body.len, r.reply->body.data);
        ck_assert_ptr_nonnull (out);
        *got = out->last_seq;
        loa__events_since_reply__free_unpacked (out, NULL);
    }
    loa_rpc_result_clear (&r);
    return st;
}

START_TEST (ping_answers_with_database)
{
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test", endpoint);
    loa_rpc_result r;
    ck_assert_int_eq (loa_rpc_call (c, "ping", NULL, "rid-1", NULL, NULL, 3000, &r),
                      LOA__STATUS__OK);
    ck_assert_str_eq (r.reply->request_id, "rid-1");
    Loa__PingReply *p = loa__ping_reply__unpack (NULL, r.reply->body.len, r.reply->body.data);
    ck_assert_str_eq (p->service, "test-svc");
    ck_assert (p->database_ok);
    loa__ping_reply__free_unpacked (p, NULL);
    loa_rpc_result_clear (&r);
    loa_rpc_result_clear (&r); /* safe twice */
    loa_rpc_client_destroy (&c);
    ck_assert_ptr_null (c);
}
END_TEST

START_TEST (bodies_round_trip)
{
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test", endpoint);
    for (uint64_t v = 1; v < 50; v++) {
        uint64_t got = 0;
        ck_assert_int_eq (echo (c, v * 1000003ULL, 3000, 0, &got), LOA__STATUS__OK);
        ck_assert_uint_eq (got, v * 1000003ULL);
    }
    loa_rpc_client_destroy (&c);
}
END_TEST

START_TEST (unknown_method_and_field_errors)
{
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test", endpoint);
    loa_rpc_result r;
    ck_assert_int_eq (loa_rpc_call (c, "nope", NULL, NULL, NULL, NULL, 3000, &r),
                      LOA__STATUS__NOT_FOUND);
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (loa_rpc_call (c, "fields", NULL, NULL, NULL, NULL, 3000, &r),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (r.reply->error, "Dữ liệu không hợp lệ");
    ck_assert_uint_eq (r.reply->n_field_errors, 2);
    ck_assert_str_eq (r.reply->field_errors[1]->field, "submitter.email");
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (loa_rpc_call (c, "silent", NULL, NULL, NULL, NULL, 3000, &r),
                      LOA__STATUS__INTERNAL);
    loa_rpc_result_clear (&r);
    loa_rpc_client_destroy (&c);
}
END_TEST

/* Calls "store" failing with `st`; the reply is checked by the caller and
 * cleared by the next call (or the test). */
static Loa__Status store_call (loa_rpc_client *c, loa_store_status st, loa_rpc_result *r)
{
    Loa__EventsSinceRequest in = LOA__EVENTS_SINCE_REQUEST__INIT;
    in.since_seq = (uint64_t) st;
    loa_rpc_result_clear (r);
    return loa_rpc_call (c, "store", NULL, NULL, NULL, &in.base, 3000, r);
}

/* One mapping of store statuses to RPC failures: the handler's words where
 * it has some (and the field they name), general ones elsewhere. */
START_TEST (store_statuses_fail_calls_alike)
{
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test", endpoint);
    loa_rpc_result r = {0};
    ck_assert_int_eq (store_call (c, LOA_STORE_NOT_FOUND, &r), LOA__STATUS__NOT_FOUND);
    ck_assert_str_eq (r.reply->error, "Không tìm thấy đơn vị");
    ck_assert_uint_eq (r.reply->n_field_errors, 0);
    ck_assert_int_eq (store_call (c, LOA_STORE_CONFLICT, &r), LOA__STATUS__CONFLICT);
    ck_assert_uint_eq (r.reply->n_field_errors, 1);
    ck_assert_str_eq (r.reply->field_errors[0]->field, "code");
    ck_assert_str_eq (r.reply->field_errors[0]->message, "Mã đơn vị đã tồn tại");
    ck_assert_int_eq (store_call (c, LOA_STORE_INVALID, &r), LOA__STATUS__INVALID);
    ck_assert_str_eq (r.reply->error, "Dữ liệu gửi lên không hợp lệ");
    ck_assert_str_eq (r.reply->field_errors[0]->message, "Đơn vị không tồn tại");
    /* Not in the handler's answers: the general words. */
    ck_assert_int_eq (store_call (c, LOA_STORE_ERROR, &r), LOA__STATUS__UNAVAILABLE);
    ck_assert_str_eq (r.reply->error, "Không truy cập được cơ sở dữ liệu");
    ck_assert_int_eq (store_call (c, LOA_STORE_WRONG_STATE, &r), LOA__STATUS__CONFLICT);
    ck_assert_uint_eq (r.reply->n_field_errors, 0);
    ck_assert_int_eq (store_call (c, LOA_STORE_WITHHELD, &r), LOA__STATUS__GONE);
    ck_assert_int_eq (store_call (c, LOA_STORE_NOT_READY, &r), LOA__STATUS__UNAVAILABLE);
    /* The guard's own answer stands. */
    ck_assert_int_eq (store_call (c, LOA_STORE_ANSWERED, &r), LOA__STATUS__FORBIDDEN);
    ck_assert_str_eq (r.reply->error, "Người viết bài không được tự duyệt");
    /* OK is a handler's bug, not a success without a body. */
    ck_assert_int_eq (store_call (c, LOA_STORE_OK, &r), LOA__STATUS__INTERNAL);
    loa_rpc_result_clear (&r);
    loa_rpc_client_destroy (&c);
}
END_TEST

START_TEST (store_statuses_map_to_rpc_statuses)
{
    static const struct {
        loa_store_status st;
        Loa__Status rpc;
    } map[] = {
        {LOA_STORE_ERROR, LOA__STATUS__UNAVAILABLE},
        {LOA_STORE_NOT_FOUND, LOA__STATUS__NOT_FOUND},
        {LOA_STORE_INVALID, LOA__STATUS__INVALID},
        {LOA_STORE_FORBIDDEN, LOA__STATUS__FORBIDDEN},
        {LOA_STORE_CONFLICT, LOA__STATUS__CONFLICT},
        {LOA_STORE_WRONG_STATE, LOA__STATUS__CONFLICT},
        {LOA_STORE_GONE, LOA__STATUS__GONE},
        {LOA_STORE_WITHHELD, LOA__STATUS__GONE},
        {LOA_STORE_NOT_READY, LOA__STATUS__UNAVAILABLE},
        {LOA_STORE_FAILED, LOA__STATUS__INTERNAL},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        ck_assert_int_eq (loa_rpc_store_status (map[i].st), map[i].rpc);
}
END_TEST

START_TEST (caller_and_idempotency_key_reach_the_handler)
{
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test", endpoint);
    Loa__Caller caller = LOA__CALLER__INIT;
    char *roles[] = {(char *) "editor", (char *) "reviewer"};
    caller.user_id = 77;
    caller.n_roles = 2;
    caller.roles = roles;
    loa_rpc_result r;
    ck_assert_int_eq (loa_rpc_call (c, "whoami", &caller, NULL, "key-1", NULL, 3000, &r),
                      LOA__STATUS__OK);
    Loa__PingReply *p = loa__ping_reply__unpack (NULL, r.reply->body.len, r.reply->body.data);
    ck_assert_str_eq (p->service, "reviewer");
    ck_assert_uint_eq (p->last_event_seq, 77);
    ck_assert_str_eq (p->version, "key-1");
    loa__ping_reply__free_unpacked (p, NULL);
    loa_rpc_result_clear (&r);
    /* The same key again (a fresh one per run: the table outlives it): the
     * stored reply, without running the handler; another caller runs it. */
    char key[48];
    snprintf (key, sizeof key, "key-%ld", random ());
    int before = atomic_load (&whoami_calls);
    ck_assert_int_eq (loa_rpc_call (c, "whoami", &caller, NULL, key, NULL, 3000, &r),
                      LOA__STATUS__OK);
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (loa_rpc_call (c, "whoami", &caller, NULL, key, NULL, 3000, &r),
                      LOA__STATUS__OK);
    p = loa__ping_reply__unpack (NULL, r.reply->body.len, r.reply->body.data);
    ck_assert_str_eq (p->version, key);
    loa__ping_reply__free_unpacked (p, NULL);
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (atomic_load (&whoami_calls), before + 1);
    caller.user_id = 78;
    ck_assert_int_eq (loa_rpc_call (c, "whoami", &caller, NULL, key, NULL, 3000, &r),
                      LOA__STATUS__OK);
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (atomic_load (&whoami_calls), before + 2);
    /* Anonymous callers own their keys by address. */
    caller.user_id = 0;
    caller.client_addr = (char *) "192.0.2.1";
    ck_assert_int_eq (loa_rpc_call (c, "whoami", &caller, NULL, key, NULL, 3000, &r),
                      LOA__STATUS__OK);
    loa_rpc_result_clear (&r);
    caller.client_addr = (char *) "192.0.2.2";
    ck_assert_int_eq (loa_rpc_call (c, "whoami", &caller, NULL, key, NULL, 3000, &r),
                      LOA__STATUS__OK);
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (atomic_load (&whoami_calls), before + 4);
    ck_assert_int_eq (loa_rpc_call (c, "whoami", &caller, NULL, key, NULL, 3000, &r),
                      LOA__STATUS__OK);
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (atomic_load (&whoami_calls), before + 4);
    caller.user_id = 78;
    ck_assert_int_eq (loa_rpc_call (c, "whoami", &caller, NULL, "bad key", NULL, 3000, &r),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (r.reply->field_errors[0]->field, "Idempotency-Key");
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (loa_rpc_call (c, "whoami", NULL, NULL, NULL, NULL, 3000, &r),
                      LOA__STATUS__OK);
    p = loa__ping_reply__unpack (NULL, r.reply->body.len, r.reply->body.data);
    ck_assert_str_eq (p->service, "not-reviewer"); /* anonymous */
    loa__ping_reply__free_unpacked (p, NULL);
    loa_rpc_result_clear (&r);
    loa_rpc_client_destroy (&c);
}
END_TEST

START_TEST (timeout_then_late_reply_is_dropped)
{
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test", endpoint);
    uint64_t got = 0;
    int64_t t0 = loa_mono_ms ();
    ck_assert_int_eq (echo (c, 1, 100, 400, &got), LOA__STATUS__DEADLINE);
    ck_assert_int_lt (loa_mono_ms () - t0, 1000);
    sleep_ms (500); /* the slow reply arrives now, on the abandoned socket */
    ck_assert_int_eq (echo (c, 2, 3000, 0, &got), LOA__STATUS__OK);
    ck_assert_uint_eq (got, 2); /* our own reply, not the late one */
    loa_rpc_client_destroy (&c);
}
END_TEST

START_TEST (no_server_is_unavailable_quickly)
{
    setenv ("LOA_RPC_CONNECT_MS", "200", 1);
    loa_rpc_client *c = loa_rpc_client_new (zctx, "nobody", "tcp://127.0.0.1:1");
    uint64_t got;
    int64_t t0 = loa_mono_ms ();
    ck_assert_int_eq (echo (c, 1, 5000, 0, &got), LOA__STATUS__UNAVAILABLE);
    ck_assert_int_lt (loa_mono_ms () - t0, 2000);
    ck_assert (loa_rpc_client_down (c));
    loa_rpc_client_destroy (&c);
    unsetenv ("LOA_RPC_CONNECT_MS");
}
END_TEST

START_TEST (expired_requests_are_not_processed)
{
    /* A raw request whose deadline has passed gets no reply; the next one does. */
    void *s = zmq_socket (zctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    ck_assert_int_eq (zmq_connect (s, endpoint), 0);
    Loa__Request req = LOA__REQUEST__INIT;
    req.request_id = (char *) "old";
    req.method = (char *) "fields";
    req.deadline_unix_ms = loa_now_ms () - 1000;
    uint8_t buf[128];
    size_t len = loa__request__pack (&req, buf);
    ck_assert_int_eq (zmq_send (s, buf, len, 0), (int) len);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    ck_assert_int_eq (zmq_poll (&item, 1, 300), 0);
    req.request_id = (char *) "new";
    req.deadline_unix_ms = loa_now_ms () + 3000;
    len = loa__request__pack (&req, buf);
    zmq_send (s, buf, len, 0);
    ck_assert_int_eq (zmq_poll (&item, 1, 3000), 1);
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    zmq_msg_recv (&msg, s, 0);
    Loa__Reply *rep = loa__reply__unpack (NULL, zmq_msg_size (&msg), zmq_msg_data (&msg));
    ck_assert_str_eq (rep->request_id, "new");
    loa__reply__free_unpacked (rep, NULL);
    zmq_msg_close (&msg);
    zmq_close (s);
}
END_TEST

START_TEST (garbage_gets_an_invalid_reply)
{
    void *s = zmq_socket (zctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect (s, endpoint);
    zmq_send (s, "\xff\xff\xff", 3, 0);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    ck_assert_int_eq (zmq_poll (&item, 1, 3000), 1);
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    zmq_msg_recv (&msg, s, 0);
    Loa__Reply *rep = loa__reply__unpack (NULL, zmq_msg_size (&msg), zmq_msg_data (&msg));
    ck_assert_ptr_nonnull (rep);
    ck_assert_int_eq (rep->status, LOA__STATUS__INVALID);
    loa__reply__free_unpacked (rep, NULL);
    zmq_msg_close (&msg);
    zmq_close (s);
}
END_TEST

/* A statement of the worker's, run in a transaction (loa_db_tx resets a
 * broken connection on the way). */
static int run_prepared (PGconn *db, void *arg)
{
    (void) arg;
    PGresult *res = PQexecPrepared (db, "t_rpc_one", 0, NULL, NULL, NULL, 0);
    int ok = PQresultStatus (res) == PGRES_TUPLES_OK;
    PQclear (res);
    return ok ? 0 : -1;
}

static void h_prepared (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) msg;
    if (loa_db_tx (ctx->db, run_prepared, NULL) != 0) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, "cơ sở dữ liệu không sẵn sàng");
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, NULL);
}

static int prepare_one (PGconn *db)
{
    PGresult *res = PQprepare (db, "t_rpc_one", "SELECT 1", 0, NULL);
    int ok = PQresultStatus (res) == PGRES_COMMAND_OK;
    PQclear (res);
    return ok ? 0 : -1;
}

/* Every backend of the workers is terminated: a worker finds out inside a
 * transaction (loa_db_tx resets its connection), may fail that call, and
 * has its statements again for the next ones, rather than answering every
 * later call "prepared statement does not exist". */
START_TEST (statements_come_back_after_the_session_is_lost)
{
    static const loa_rpc_method table[] = {{"prepared", NULL, h_prepared}, {NULL, NULL, NULL}};
    char ep[64];
    snprintf (ep, sizeof ep, "inproc://test-rpc-prepared-%ld", random ());
    loa_rpc_server *srv =
        loa_rpc_server_new ("test-svc-prepared", ep, 2, test_db_url (), table, NULL, prepare_one);
    ck_assert_ptr_nonnull (srv);
    ck_assert_int_eq (loa_rpc_server_start (srv, zctx), 0);
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test-svc-prepared", ep);
    loa_rpc_result r;
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq (loa_rpc_call (c, "prepared", NULL, NULL, NULL, NULL, 3000, &r),
                          LOA__STATUS__OK);
        loa_rpc_result_clear (&r);
    }
    PGconn *admin = PQconnectdb (test_db_url ());
    ck_assert_int_eq (PQstatus (admin), CONNECTION_OK);
    /* Each worker connects as it starts: under load the second may still be
     * on its way after the four calls (the first answered them all). */
    for (int i = 0; i < 500; i++) {
        PGresult *n = PQexec (admin, "SELECT count(*) FROM pg_stat_activity "
                                     "WHERE application_name = 'test-svc-prepared'");
        int have = PQresultStatus (n) == PGRES_TUPLES_OK ? atoi (PQgetvalue (n, 0, 0)) : 0;
        PQclear (n);
        if (have >= 2)
            break;
        sleep_ms (20);
    }
    PGresult *res = PQexec (admin, "SELECT count(pg_terminate_backend (pid)) FROM pg_stat_activity "
                                   "WHERE application_name = 'test-svc-prepared'");
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    ck_assert_int_eq (atoi (PQgetvalue (res, 0, 0)), 2);
    PQclear (res);
    PQfinish (admin);
    sleep_ms (100);
    /* Each worker may fail its first call on the lost session, no more:
     * forty calls end with eight answered in a row, two failed at most. */
    int failed = 0, in_a_row = 0;
    for (int i = 0; i < 40 && in_a_row < 8; i++) {
        Loa__Status st = loa_rpc_call (c, "prepared", NULL, NULL, NULL, NULL, 3000, &r);
        loa_rpc_result_clear (&r);
        if (st == LOA__STATUS__OK) {
            in_a_row++;
        } else {
            failed++;
            in_a_row = 0;
        }
    }
    ck_assert_msg (in_a_row == 8 && failed <= 2, "%d calls failed after the loss, %d answered last",
                   failed, in_a_row);
    loa_rpc_client_destroy (&c);
    loa_rpc_server_destroy (&srv);
}
END_TEST

/* A replica that takes requests and never answers (it died with them, or
 * hangs), beside the real server: a read is sent again to the other once
 * its reply is late (LOA_RPC_RETRY_MS) and answers within its deadline; a
 * call that is not safe to repeat is not, and times out. */
START_TEST (a_late_read_is_sent_again_to_another_replica)
{
    char dead_ep[64], both[160];
    snprintf (dead_ep, sizeof dead_ep, "inproc://test-rpc-dead-%ld", random ());
    void *dead = zmq_socket (zctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt (dead, ZMQ_LINGER, &linger, sizeof linger);
    ck_assert_int_eq (zmq_bind (dead, dead_ep), 0);
    snprintf (both, sizeof both, "%s,%s", dead_ep, endpoint);
    setenv ("LOA_RPC_RETRY_MS", "300", 1);
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test", both);
    ck_assert_ptr_nonnull (c);
    int resent = 0;
    for (int i = 0; i < 4; i++) {
        loa_rpc_result r;
        int64_t t0 = loa_mono_ms ();
        ck_assert_int_eq (loa_rpc_read (c, "ping", NULL, NULL, NULL, 3000, &r), LOA__STATUS__OK);
        int64_t ms = loa_mono_ms () - t0;
        ck_assert_int_lt (ms, 2000);
        resent += ms >= 300;
        loa_rpc_result_clear (&r);
    }
    ck_assert_int_ge (resent, 1); /* the round robin gave some to the dead one first */
    int taken = 0;
    zmq_msg_t m;
    zmq_msg_init (&m);
    while (zmq_msg_recv (&m, dead, ZMQ_DONTWAIT) >= 0)
        taken += !zmq_msg_more (&m);
    zmq_msg_close (&m);
    ck_assert_int_eq (taken, resent); /* each of those once, never again */
    int timed_out = 0;
    for (int i = 0; i < 2; i++) {
        loa_rpc_result r;
        Loa__Status st = loa_rpc_call (c, "ping", NULL, NULL, NULL, NULL, 800, &r);
        timed_out += st == LOA__STATUS__DEADLINE;
        loa_rpc_result_clear (&r);
    }
    ck_assert_int_ge (timed_out, 1); /* not safe to repeat: not sent again */
    unsetenv ("LOA_RPC_RETRY_MS");
    loa_rpc_client_destroy (&c);
    zmq_close (dead);
}
END_TEST

/* A replica that answers one request late, with the request's ids and a
 * body of its own (last_seq 999): a stale answer. */
typedef struct {
    void *sock;
} stale_replica;

static void *answer_late (void *arg)
{
    stale_replica *sr = arg;
    int wait = 5000;
    zmq_setsockopt (sr->sock, ZMQ_RCVTIMEO, &wait, sizeof wait);
    zmq_msg_t id, body;
    zmq_msg_init (&id);
    zmq_msg_init (&body);
    if (zmq_msg_recv (&id, sr->sock, 0) >= 0 && zmq_msg_recv (&body, sr->sock, 0) >= 0) {
        Loa__Request *req = loa__request__unpack (NULL, zmq_msg_size (&body), zmq_msg_data (&body));
        if (req) {
            sleep_ms (700);
            Loa__EventsSinceReply out = LOA__EVENTS_SINCE_REPLY__INIT;
            out.last_seq = 999;
            uint8_t payload[64];
            size_t plen = loa__events_since_reply__pack (&out, payload);
            Loa__Reply rep = LOA__REPLY__INIT;
            rep.request_id = req->request_id;
            rep.call_id = req->call_id;
            rep.status = LOA__STATUS__OK;
            rep.body.data = payload;
            rep.body.len = plen;
            uint8_t buf[256];
            size_t len = loa__reply__pack (&rep, buf);
            zmq_send (sr->sock, zmq_msg_data (&id), zmq_msg_size (&id), ZMQ_SNDMORE);
            zmq_send (sr->sock, buf, len, 0);
            loa__request__free_unpacked (req, NULL);
        }
    }
    zmq_msg_close (&id);
    zmq_msg_close (&body);
    return NULL;
}

/* One request id for several calls (as the gateway's calls of one HTTP
 * request): the late answer to a read that was sent again arrives during
 * the next call, and must not be taken for that call's (each call has its
 * own call_id). */
START_TEST (a_late_answer_is_not_the_next_calls)
{
    char stale_ep[64], both[160];
    snprintf (stale_ep, sizeof stale_ep, "inproc://test-rpc-stale-%ld", random ());
    stale_replica sr = {zmq_socket (zctx, ZMQ_ROUTER)};
    int linger = 0;
    zmq_setsockopt (sr.sock, ZMQ_LINGER, &linger, sizeof linger);
    ck_assert_int_eq (zmq_bind (sr.sock, stale_ep), 0);
    pthread_t th;
    ck_assert_int_eq (pthread_create (&th, NULL, answer_late, &sr), 0);
    snprintf (both, sizeof both, "%s,%s", stale_ep, endpoint);
    setenv ("LOA_RPC_RETRY_MS", "300", 1);
    loa_rpc_client *c = loa_rpc_client_new (zctx, "test", both);
    ck_assert_ptr_nonnull (c);
    Loa__EventsSinceRequest in = LOA__EVENTS_SINCE_REQUEST__INIT;
    loa_rpc_result r;
    int resent = 0;
    /* Until one read went to the stale replica first (then to the other). */
    for (int i = 0; i < 4 && !resent; i++) {
        in.since_seq = 1;
        int64_t t0 = loa_mono_ms ();
        ck_assert_int_eq (loa_rpc_read (c, "echo", NULL, "one-request", &in.base, 3000, &r),
                          LOA__STATUS__OK);
        resent = loa_mono_ms () - t0 >= 300;
        loa_rpc_result_clear (&r);
    }
    ck_assert (resent);
    /* The next call of the same request takes 800 ms: the stale answer
     * (700 ms after the first) comes meanwhile. */
    in.since_seq = 2;
    in.limit = 800;
    ck_assert_int_eq (loa_rpc_read (c, "slow", NULL, "one-request", &in.base, 5000, &r),
                      LOA__STATUS__OK);
    Loa__EventsSinceReply *out =
        loa__events_since_reply__unpack (NULL, r.reply->body.len, r.reply->body.data);
    ck_assert_ptr_nonnull (out);
    ck_assert_uint_eq (out->last_seq, 2); /* its own answer, not the stale 999 */
    loa__events_since_reply__free_unpacked (out, NULL);
    loa_rpc_result_clear (&r);
    pthread_join (th, NULL);
    unsetenv ("LOA_RPC_RETRY_MS");
    loa_rpc_client_destroy (&c);
    zmq_close (sr.sock);
}
END_TEST

Suite *rpc_suite (void)
{
    Suite *s = suite_create ("rpc");
    TCase *tc = tcase_create ("server+client");
    tcase_set_timeout (tc, 30);
    tcase_add_checked_fixture (tc, setup, teardown);
    tcase_add_test (tc, ping_answers_with_database);
    tcase_add_test (tc, bodies_round_trip);
    tcase_add_test (tc, unknown_method_and_field_errors);
    tcase_add_test (tc, store_statuses_fail_calls_alike);
    tcase_add_test (tc, store_statuses_map_to_rpc_statuses);
    tcase_add_test (tc, caller_and_idempotency_key_reach_the_handler);
    tcase_add_test (tc, timeout_then_late_reply_is_dropped);
    tcase_add_test (tc, a_late_read_is_sent_again_to_another_replica);
    tcase_add_test (tc, a_late_answer_is_not_the_next_calls);
    tcase_add_test (tc, no_server_is_unavailable_quickly);
    tcase_add_test (tc, expired_requests_are_not_processed);
    tcase_add_test (tc, garbage_gets_an_invalid_reply);
    tcase_add_test (tc, statements_come_back_after_the_session_is_lost);
    suite_add_tcase (s, tc);
    return s;
}
