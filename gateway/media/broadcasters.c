/* broadcasters: their API keys (media.h; docs/broadcasters.md). The
 * gateway makes the key (kind broadcaster, stored hashed with the other
 * keys, auth/store.h), media-svc the broadcaster that holds the key's id;
 * the key is shown once. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/store.h"
#include "core/call.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_log.h"
#include "loa_pbjson.h"
#include "loa_text.h"
#include "media.pb-c.h"
#include "media/media_int.h"

/* A new broadcaster key in the gateway's table, named `name`: its id, the
 * text in `key` (the caller wipes it); 0 (key wiped) when it cannot be made. */
static int64_t new_broadcaster_key (gw_request *req, PGconn *db, const char *name, char key[64])
{
    char prefix[16];
    unsigned char hash[32];
    gw_auth_new_key (key, 64, hash, prefix);
    json_t *key_json = NULL;
    gw_audit_as (req, db, "broadcasters.key");
    int st = db ? gw_store_api_key_create (db, name, "broadcaster", hash, prefix, NULL,
                                           req->caller.user_id, &key_json)
                : GW_STORE_ERROR;
    gw_audit_done (db);
    int64_t id = st == GW_STORE_OK ? json_integer_value (json_object_get (key_json, "id")) : 0;
    json_decref (key_json);
    if (id <= 0)
        sodium_memzero (key, 64);
    return id;
}

/* media-svc refused what a new key was for: the key (never shown) goes. */
static void drop_unused_key (gw_request *req, PGconn *db, int64_t key_id, char key[64])
{
    sodium_memzero (key, 64);
    gw_audit_as (req, db, "broadcasters.key_unused");
    int st = gw_store_api_key_delete (db, key_id);
    gw_audit_done (db);
    if (st != GW_STORE_OK)
        loa_warn (req->request_id, "media: unused api key %lld left (revoke it)",
                  (long long) key_id);
}

/* The broadcaster in `out` (freed here) as JSON with its key, shown this
 * once (wiped here); NULL when out of memory. */
static json_t *with_key (gw_reply *out, char key[64])
{
    json_t *reply = loa_pbjson_encode (out->msg);
    gw_reply_free (out);
    if (reply)
        json_object_set_new (reply, "api_key", json_string (key));
    sodium_memzero (key, 64);
    return reply;
}

/* Calls media-svc's `method` with `in`, for a broadcaster. */
static int call_broadcaster (gw_request *req, const char *method, const ProtobufCMessage *in,
                             gw_reply *reply)
{
    gw_call_spec spec = {
        .service = GW_MEDIA,
        .method = method,
        .in = in,
        .out = &loa__media__broadcaster__descriptor,
        .read = strcmp (method, "broadcasters.get") == 0,
    };
    return gw_call (req, &spec, reply);
}

static enum MHD_Result no_key (gw_request *req)
{
    return gw_respond_problem (req, 503, "Không tạo được khóa API", NULL);
}

enum MHD_Result gw_broadcasters_create (gw_request *req)
{
    loa_pbjson_error err;
    Loa__Media__BroadcasterInput *in =
        (Loa__Media__BroadcasterInput *) loa_pbjson_decode (req->route->body, req->json, &err);
    if (!in)
        return gw_respond_invalid (req, 400, "Dữ liệu gửi lên không hợp lệ", err.field,
                                   err.message);
    enum MHD_Result rc;
    PGconn *db = gw_thread_db ();
    char key[64];
    int64_t key_id = 0;
    gw_reply reply;
    /* The key first, so that its id goes with the broadcaster; if
     * media-svc refuses the broadcaster, the key (never shown) goes. */
    const char *key_name = in->name && !loa_text_blank (in->name) && loa_utf8_valid (in->name) &&
                                   loa_utf8_length (in->name) <= 200
                               ? in->name
                               : "broadcaster";
    if (!db || (key_id = new_broadcaster_key (req, db, key_name, key)) <= 0) {
        rc = no_key (req);
        goto out;
    }
    Loa__Media__CreateBroadcasterRequest create = LOA__MEDIA__CREATE_BROADCASTER_REQUEST__INIT;
    create.broadcaster = in;
    create.api_key_id = key_id;
    if (call_broadcaster (req, "broadcasters.create", &create.base, &reply) != 0) {
        drop_unused_key (req, db, key_id, key);
        rc = reply.rc;
        goto out;
    }
    int64_t id = ((const Loa__Media__Broadcaster *) reply.msg)->id;
    json_t *json = with_key (&reply, key);
    if (!json) {
        rc = gw_respond_problem (req, 500, NULL, NULL);
        goto out;
    }
    char location[64];
    snprintf (location, sizeof location, "/api/v1/broadcasters/%lld", (long long) id);
    loa_info (req->request_id, "media: broadcaster %lld with api key %lld created by %lld",
              (long long) id, (long long) key_id, (long long) req->caller.user_id);
    rc = gw_respond_created (req, json, location);
out:
    protobuf_c_message_free_unpacked (&in->base, NULL);
    return rc;
}

/* POST /api/v1/broadcasters/{id}/key (admin): a new API key for a
 * broadcaster that lost its own, or fears it leaked. The gateway makes the
 * key, media-svc gives it to the broadcaster (broadcasters.set_key), then
 * the old key is revoked (kept, marked, for the record); the new key is in
 * the answer this once. If media-svc refuses, the new key goes and the old
 * one stays. */
enum MHD_Result gw_broadcasters_new_key (gw_request *req)
{
    int64_t id = gw_param_id (req, "id", INT64_MAX);
    if (!id)
        return gw_respond_problem (req, 404, "Không tìm thấy đơn vị nhận tin", NULL);
    Loa__Media__BroadcasterIdRequest get = LOA__MEDIA__BROADCASTER_ID_REQUEST__INIT;
    get.id = id;
    gw_reply reply;
    if (call_broadcaster (req, "broadcasters.get", &get.base, &reply) != 0)
        return reply.rc;
    const Loa__Media__Broadcaster *b = (const Loa__Media__Broadcaster *) reply.msg;
    int64_t old_key = b->api_key_id;
    char name[256];
    snprintf (name, sizeof name, "%s", b->name && *b->name ? b->name : "broadcaster");
    gw_reply_free (&reply);
    PGconn *db = gw_thread_db ();
    char key[64];
    int64_t key_id = new_broadcaster_key (req, db, name, key);
    if (key_id <= 0)
        return no_key (req);
    Loa__Media__SetBroadcasterKeyRequest set = LOA__MEDIA__SET_BROADCASTER_KEY_REQUEST__INIT;
    set.id = id;
    set.api_key_id = key_id;
    if (call_broadcaster (req, "broadcasters.set_key", &set.base, &reply) != 0) {
        drop_unused_key (req, db, key_id, key);
        return reply.rc;
    }
    gw_audit_as (req, db, "broadcasters.key");
    int revoked = old_key > 0 ? gw_store_api_key_revoke (db, old_key) : GW_STORE_OK;
    gw_audit_done (db);
    if (revoked != GW_STORE_OK)
        loa_warn (req->request_id,
                  "media: broadcaster %lld's old api key %lld not revoked (revoke it)",
                  (long long) id, (long long) old_key);
    json_t *json = with_key (&reply, key);
    if (!json)
        return gw_respond_problem (req, 500, NULL, NULL);
    loa_info (req->request_id, "media: broadcaster %lld: api key %lld replaces %lld (user %lld)",
              (long long) id, (long long) key_id, (long long) old_key,
              (long long) req->caller.user_id);
    return gw_respond_json (req, 200, json);
}
