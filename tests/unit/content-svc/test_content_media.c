/* content_media: content-svc's questions to media-svc, against media-svc's
 * real method table (its assets.get, counted on the way) on a real TCP
 * socket, its workers on a schema made by media-svc's own migrations, and
 * from inside a real RPC handler, as articles.create asks them. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "common/fixture.h"
#include "content_media.h"
#include "loa_rpc_client.h"
#include "loa_rpc_server.h"
#include "loa_rpc_thread.h"
#include "media.pb-c.h"
#include "media_rpc.h"
#include "media_store.h"
#include "suites.h"

extern const loa_migration media_svc_migrations[];
extern const size_t media_svc_migrations_count;

static void *zctx;
static loa_rpc_server *media, *content;
static char media_ep[64], content_ep[64];
static atomic_int asked;
static test_schema media_db;
static int64_t asset_a, asset_b; /* two assets media-svc has */

/* media-svc's own assets.get, counted: how many questions content-svc asks. */
static loa_rpc_handler real_assets_get;
static void counted_assets_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    atomic_fetch_add (&asked, 1);
    real_assets_get (ctx, msg);
}

static loa_rpc_method media_table[2];

static void media_table_init (void)
{
    for (const loa_rpc_method *m = media_methods; m->method; m++)
        if (strcmp (m->method, "assets.get") == 0) {
            real_assets_get = m->handler;
            media_table[0] = (loa_rpc_method){m->method, m->input, counted_assets_get};
        }
    ck_assert_ptr_nonnull (real_assets_get);
}

/* Two rows of media-svc's assets, as an upload leaves them (not public:
 * only staff may ask for them, as the editor writing the article is). */
static int64_t insert_asset (char hexdigit)
{
    char sha[65], sql[256], buf[32];
    memset (sha, hexdigit, 64);
    sha[64] = '\0';
    snprintf (sql, sizeof sql,
              "INSERT INTO assets (sha256, size, mime, created_by) VALUES ('%s', 10, "
              "'image/png', 1) RETURNING id",
              sha);
    return atoll (test_query_text (media_db.db, sql, buf, sizeof buf));
}

/* A content-svc handler checking the ids of an Int64List. */
static void h_check (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Int64List *in = (const Loa__Int64List *) msg;
    if (content_media_check_assets (ctx, in->values, in->n_values) == 0)
        loa_rpc_ok (ctx, LOA__STATUS__OK, NULL);
}

static const loa_rpc_method content_methods[] = {
    {"check", &loa__int64_list__descriptor, h_check},
    {NULL, NULL, NULL},
};

/* media_up: whether media-svc runs (else LOA_MEDIA_RPC names
 * a port nobody listens on). */
static void start (int media_up)
{
    zctx = test_zmq_context ();
    test_free_endpoint (media_ep, sizeof media_ep);
    setenv ("LOA_MEDIA_RPC", media_ep, 1);
    atomic_store (&asked, 0);
    test_service_schema (&media_db, "t_cmedia", "test_content_media", media_svc_migrations,
                         media_svc_migrations_count, "0001_init");
    asset_a = insert_asset ('a');
    asset_b = insert_asset ('b');
    if (media_up) {
        media_table_init ();
        media = loa_rpc_server_new ("media-svc", media_ep, 2, media_db.url, media_table, NULL,
                                    media_store_prepare);
        ck_assert_int_eq (loa_rpc_server_start (media, zctx), 0);
    }
    snprintf (content_ep, sizeof content_ep, "inproc://test-content-media-%ld", random ());
    content = loa_rpc_server_new ("content-svc", content_ep, 2, test_db_url (), content_methods,
                                  NULL, NULL);
    ck_assert_int_eq (loa_rpc_server_start (content, zctx), 0);
}

static void stop (void)
{
    /* The workers end, and their clients with them; then their context. */
    loa_rpc_server_destroy (&content);
    loa_rpc_thread_shutdown ();
    loa_rpc_thread_shutdown (); /* idempotent */
    loa_rpc_server_destroy (&media);
    zmq_ctx_term (zctx);
    test_schema_fini (&media_db);
}

static Loa__Status check (const int64_t *ids, size_t n, loa_rpc_result *r)
{
    loa_rpc_client *c = loa_rpc_client_new (zctx, "content-svc", content_ep);
    Loa__Int64List in = LOA__INT64_LIST__INIT;
    in.values = (int64_t *) ids;
    in.n_values = n;
    /* An editor writes the article: media-svc answers staff about assets
     * not yet public. */
    Loa__Caller editor = LOA__CALLER__INIT;
    editor.user_id = 1;
    Loa__Status st = loa_rpc_call (c, "check", &editor, NULL, NULL, &in.base, 5000, r);
    loa_rpc_client_destroy (&c);
    return st;
}

START_TEST (known_assets_pass)
{
    start (1);
    loa_rpc_result r = {0};
    int64_t ids[] = {asset_a, asset_b};
    ck_assert_int_eq (check (ids, 2, &r), LOA__STATUS__OK);
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (check (NULL, 0, &r), LOA__STATUS__OK); /* none: nothing asked */
    loa_rpc_result_clear (&r);
    ck_assert_int_eq (atomic_load (&asked), 2);
    stop ();
}
END_TEST

/* Each element media-svc does not know is named, in order (a repeated id
 * twice, though asked once); ids that are not positive are not asked. */
START_TEST (unknown_assets_are_named)
{
    start (1);
    loa_rpc_result r = {0};
    int64_t ids[] = {asset_a, 1001, 0, 1001, -4, 1002};
    ck_assert_int_eq (check (ids, 6, &r), LOA__STATUS__INVALID);
    ck_assert_str_eq (r.reply->error, "Tệp đính kèm không tồn tại");
    ck_assert_uint_eq (r.reply->n_field_errors, 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert_str_eq (r.reply->field_errors[i]->field, "attachment_ids");
    ck_assert_ptr_nonnull (strstr (r.reply->field_errors[0]->message, "1001"));
    ck_assert_ptr_nonnull (strstr (r.reply->field_errors[1]->message, "1001"));
    ck_assert_ptr_nonnull (strstr (r.reply->field_errors[2]->message, "1002"));
    ck_assert_int_eq (atomic_load (&asked), 3);
    loa_rpc_result_clear (&r);
    stop ();
}
END_TEST

/* media-svc down: UNAVAILABLE, and no field named. */
START_TEST (media_down_is_unavailable)
{
    start (0);
    loa_rpc_result r = {0};
    int64_t ids[] = {asset_a, 1001};
    ck_assert_int_eq (check (ids, 2, &r), LOA__STATUS__UNAVAILABLE);
    ck_assert_ptr_nonnull (r.reply);
    ck_assert_uint_eq (r.reply->n_field_errors, 0);
    ck_assert_ptr_nonnull (strstr (r.reply->error, "media-svc"));
    loa_rpc_result_clear (&r);
    stop ();
}
END_TEST

Suite *content_media_suite (void)
{
    Suite *s = suite_create ("content-svc/media");
    TCase *tc = tcase_create ("with media-svc's own assets.get");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, known_assets_pass);
    tcase_add_test (tc, unknown_assets_are_named);
    tcase_add_test (tc, media_down_is_unavailable);
    suite_add_tcase (s, tc);
    return s;
}
