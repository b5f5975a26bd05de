/* keys: API keys of client applications (auth.h; docs/api/auth.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "auth/store.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_log.h"
#include "loa_text.h"

static const char invalid_key[] = "Dữ liệu khóa API không hợp lệ";

enum MHD_Result gw_api_keys_list (gw_request *req)
{
    PGconn *db = gw_thread_db ();
    json_t *items = NULL;
    if (!db || gw_store_api_keys_list (db, &items) != GW_STORE_OK)
        return gw_respond_problem (req, 503, NULL, NULL);
    size_t n = json_array_size (items);
    return gw_respond_json (req, 200,
                            json_pack ("{s:o, s:i, s:I, s:I}", "items", items, "page", 1,
                                       "per_page", (json_int_t) n, "total", (json_int_t) n));
}

/* expires_at: a time in the future, when given; errors recorded. */
static void check_expiry (PGconn *db, auth_fields *f, const char *expires_at)
{
    if (!expires_at)
        return;
    int future = gw_store_time_future (db, expires_at);
    if (future < 0)
        auth_fields_error (f, "expires_at",
                           "phải là thời điểm RFC 3339, ví dụ 2027-01-31T17:00:00+07:00");
    else if (!future)
        auth_fields_error (f, "expires_at", "phải ở tương lai");
}

enum MHD_Result gw_api_keys_create (gw_request *req)
{
    auth_fields f;
    auth_fields_init (&f, req);
    static const char *const keys[] = {"name", "kind", "expires_at", NULL};
    auth_fields_known (&f, keys);
    const char *name = auth_fields_string (&f, "name", 1);
    const char *kind = auth_fields_string (&f, "kind", 1);
    const char *expires_at = auth_fields_string (&f, "expires_at", 0);
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 400, invalid_key);
    if (loa_text_blank (name) || !loa_utf8_valid (name) || loa_utf8_length (name) > 200)
        auth_fields_error (&f, "name", "là bắt buộc, tối đa 200 ký tự");
    if (strcmp (kind, "broadcaster") != 0 && strcmp (kind, "open311_client") != 0)
        auth_fields_error (&f, "kind", "phải là broadcaster hoặc open311_client");
    PGconn *db = gw_thread_db ();
    if (!db) {
        auth_fields_free (&f);
        return gw_respond_problem (req, 503, NULL, NULL);
    }
    check_expiry (db, &f, expires_at);
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 422, invalid_key);
    auth_fields_free (&f);
    char key[64], prefix[16];
    unsigned char hash[32];
    gw_auth_new_key (key, sizeof key, hash, prefix);
    json_t *out = NULL;
    gw_audit_as (req, db, "api_keys.create");
    int st = gw_store_api_key_create (db, name, kind, hash, prefix, expires_at, req->caller.user_id,
                                      &out);
    gw_audit_done (db);
    if (st != GW_STORE_OK) {
        sodium_memzero (key, sizeof key);
        return gw_respond_problem (req, 503, NULL, NULL);
    }
    json_object_set_new (out, "api_key", json_string (key));
    sodium_memzero (key, sizeof key);
    char location[64];
    snprintf (location, sizeof location, "/api/v1/api-keys/%lld",
              (long long) json_integer_value (json_object_get (out, "id")));
    loa_info (req->request_id, "auth: api key %s created by %lld", location,
              (long long) req->caller.user_id);
    return gw_respond_created (req, out, location);
}

enum MHD_Result gw_api_keys_revoke (gw_request *req)
{
    /* DELETE /api-keys/{id}, or /api-keys?id= */
    int64_t id = gw_param_id (req, "id", INT64_MAX);
    if (!id) {
        const char *q = gw_query (req, "id");
        char *end;
        id = q ? strtoll (q, &end, 10) : 0;
        if (!q || *end || id <= 0)
            return gw_respond_invalid (req, 400, "Thiếu mã khóa API", "id", "là bắt buộc");
    }
    PGconn *db = gw_thread_db ();
    gw_audit_as (req, db, "api_keys.revoke");
    int st = db ? gw_store_api_key_revoke (db, id) : GW_STORE_ERROR;
    gw_audit_done (db);
    if (st == GW_STORE_NOT_FOUND)
        return gw_respond_problem (req, 404, "Không tìm thấy khóa API", NULL);
    if (st != GW_STORE_OK)
        return gw_respond_problem (req, 503, NULL, NULL);
    loa_info (req->request_id, "auth: api key %lld revoked by %lld", (long long) id,
              (long long) req->caller.user_id);
    return gw_respond_empty (req, 204);
}
