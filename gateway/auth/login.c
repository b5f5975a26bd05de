/* login: the first admin, logging in and out, who am I (auth.h;
 * docs/api/auth.md). */
#include <stdio.h>
#include <string.h>

#include "auth/auth_int.h"
#include "auth/store.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_config.h"
#include "loa_log.h"

#define USER_THRESHOLD 5 /* failures of one username from one address before blocking */
#define ADDR_THRESHOLD 20 /* failures from one address, any usernames */
#define BLOCK_BASE_S 5 /* first block; doubles with each further failure, up to 15 min */

int gw_auth_bootstrap (void)
{
    PGconn *db = gw_thread_db ();
    if (!db)
        return -1;
    long long admins = gw_store_other_admins (db, 0);
    if (admins != 0)
        return admins < 0 ? -1 : 0;
    const char *given = loa_env ("LOA_ADMIN_PASSWORD", NULL);
    char generated[64], hash[crypto_pwhash_STRBYTES];
    if (given && strlen (given) < MIN_PASSWORD) {
        loa_error (NULL, "auth: LOA_ADMIN_PASSWORD must have at least %d characters", MIN_PASSWORD);
        return -1;
    }
    if (!given)
        auth_new_secret ("", generated, sizeof generated); /* 43 characters of base64url */
    const char *password = given ? given : generated;
    if (auth_hash_password (password, hash) != 0)
        return -1;
    gw_user u;
    int rc = gw_store_user_create (db, "admin", "Quản trị hệ thống", 0, "{admin}", hash, &u);
    if (rc == GW_STORE_CONFLICT) {
        loa_error (NULL,
                   "auth: no active admin, and the username admin is taken by another account");
        return -1;
    }
    if (rc != GW_STORE_OK)
        return -1;
    loa_info (NULL, "auth: created the first admin account (username admin)");
    if (!given) {
        /* The console, not the log: shown once, never stored in clear. */
        printf ("Tài khoản quản trị đầu tiên / first admin account: admin / %s\n"
                "(mật khẩu chỉ hiện một lần / shown only once)\n",
                generated);
        fflush (stdout);
    }
    sodium_memzero (generated, sizeof generated);
    return 0;
}

static enum MHD_Result too_many (gw_request *req, long wait_s)
{
    char detail[160], retry[24];
    snprintf (detail, sizeof detail, "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau %ld giây",
              wait_s);
    snprintf (retry, sizeof retry, "%ld", wait_s);
    return gw_respond_problem_with (req, 429, detail, NULL, MHD_HTTP_HEADER_RETRY_AFTER, retry);
}

static enum MHD_Result db_down (gw_request *req)
{
    return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
}

/* A new session for `u`: its token in the answer, this once. */
static enum MHD_Result new_session (gw_request *req, PGconn *db, const gw_user *u)
{
    char token[64], expires_at[40];
    unsigned char token_hash[32];
    auth_new_secret ("", token, sizeof token);
    auth_secret_hash (token, token_hash);
    if (gw_store_session_create (db, token_hash, u->id, auth_session_ttl_s, req->client_addr,
                                 expires_at) != GW_STORE_OK) {
        sodium_memzero (token, sizeof token);
        return gw_respond_problem (req, 503, "Không tạo được phiên đăng nhập", NULL);
    }
    loa_info (req->request_id, "auth: user %lld logged in from %s", (long long) u->id,
              req->client_addr);
    json_t *out = json_pack ("{s:s, s:s, s:o}", "token", token, "expires_at", expires_at, "user",
                             gw_user_json (u));
    sodium_memzero (token, sizeof token);
    return gw_respond_json (req, 200, out);
}

/* The throttle's keys for `username` from the caller's address: its
 * username's ("user:<name>|<address>", the name in lower case, into `name`
 * too) and its address's ("addr:<address>"). */
static void throttle_keys (gw_request *req, const char *username, char name[72], char user_key[160],
                           char addr_key[80])
{
    size_t n = strlen (username);
    if (n >= 72)
        n = 71;
    for (size_t i = 0; i < n; i++)
        name[i] =
            (char) (username[i] >= 'A' && username[i] <= 'Z' ? username[i] + 32 : username[i]);
    name[n] = '\0';
    snprintf (user_key, 160, "user:%s|%s", name, req->client_addr);
    snprintf (addr_key, 80, "addr:%s", req->client_addr);
}

/* The throttle's verdict on both keys: 0 to go on, or 1 with 429 or 503
 * answered. */
static int throttled (gw_request *req, PGconn *db, const char *user_key, const char *addr_key,
                      enum MHD_Result *rc)
{
    long wait_user = gw_store_throttle_wait (db, user_key);
    long wait_addr = gw_store_throttle_wait (db, addr_key);
    if (wait_user < 0 || wait_addr < 0) {
        *rc = db_down (req);
        return 1;
    }
    if (wait_user > 0 || wait_addr > 0) {
        *rc = too_many (req, wait_user > wait_addr ? wait_user : wait_addr);
        return 1;
    }
    return 0;
}

enum MHD_Result gw_login (gw_request *req)
{
    auth_fields f;
    auth_fields_init (&f, req);
    static const char *const keys[] = {"username", "password", NULL};
    auth_fields_known (&f, keys);
    const char *username = auth_fields_string (&f, "username", 1);
    const char *password = auth_fields_string (&f, "password", 1);
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 400, "Thiếu tên đăng nhập hoặc mật khẩu");
    auth_fields_free (&f);
    PGconn *db = gw_thread_db ();
    if (!db)
        return db_down (req);
    char name[72], user_key[160], addr_key[80];
    throttle_keys (req, username, name, user_key, addr_key);
    enum MHD_Result rc;
    if (throttled (req, db, user_key, addr_key, &rc))
        return rc;

    gw_user u;
    char hash[crypto_pwhash_STRBYTES];
    int found = gw_store_user_by_name (db, name, &u, hash, sizeof hash);
    if (found < 0)
        return db_down (req);
    /* Unknown users cost the same verification, so timing tells nothing. */
    int good = auth_password_ok (found ? hash : NULL, password);
    if (!found || !good || !u.active) {
        gw_store_throttle_fail (db, user_key, USER_THRESHOLD, BLOCK_BASE_S);
        gw_store_throttle_fail (db, addr_key, ADDR_THRESHOLD, BLOCK_BASE_S);
        loa_info (req->request_id, "auth: failed login for a username from %s", req->client_addr);
        return gw_respond_problem (req, 401, "Tên đăng nhập hoặc mật khẩu không đúng", NULL);
    }
    gw_store_throttle_clear (db, user_key);
    return new_session (req, db, &u);
}

/* POST /api/v1/auth/password: a staff member's own password, proven by the
 * current one (counted by the login throttle when wrong, so that a stolen
 * session cannot guess it); every other session of the account ends. */
enum MHD_Result gw_password_change (gw_request *req)
{
    if (req->auth_kind != GW_AUTH_STAFF)
        return gw_respond_problem (req, 403, "Chỉ dành cho tài khoản cán bộ", NULL);
    auth_fields f;
    auth_fields_init (&f, req);
    static const char *const keys[] = {"current_password", "new_password", NULL};
    auth_fields_known (&f, keys);
    const char *current = auth_fields_string (&f, "current_password", 1);
    const char *next = auth_fields_string (&f, "new_password", 1);
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 400, "Thiếu mật khẩu hiện tại hoặc mật khẩu mới");
    auth_check_password (&f, "new_password", next);
    if (!auth_fields_failed (&f) && strcmp (current, next) == 0)
        auth_fields_error (&f, "new_password", "phải khác mật khẩu hiện tại");
    if (auth_fields_failed (&f))
        return auth_fields_refuse (req, &f, 422, "Mật khẩu mới không hợp lệ");
    auth_fields_free (&f);
    PGconn *db = gw_thread_db ();
    if (!db)
        return db_down (req);
    gw_user u;
    char hash[crypto_pwhash_STRBYTES], new_hash[crypto_pwhash_STRBYTES];
    int found = gw_store_user_password (db, req->caller.user_id, &u, hash, sizeof hash);
    if (found <= 0)
        return found < 0 ? db_down (req) : gw_respond_problem (req, 401, NULL, NULL);
    char name[72], user_key[160], addr_key[80];
    throttle_keys (req, u.username, name, user_key, addr_key);
    enum MHD_Result rc;
    if (throttled (req, db, user_key, addr_key, &rc))
        return rc;
    if (!auth_password_ok (hash, current)) {
        gw_store_throttle_fail (db, user_key, USER_THRESHOLD, BLOCK_BASE_S);
        gw_store_throttle_fail (db, addr_key, ADDR_THRESHOLD, BLOCK_BASE_S);
        loa_info (req->request_id, "auth: user %lld gave a wrong current password from %s",
                  (long long) u.id, req->client_addr);
        auth_fields_init (&f, req);
        auth_fields_error (&f, "current_password", "không đúng");
        return auth_fields_refuse (req, &f, 422, "Mật khẩu hiện tại không đúng");
    }
    gw_store_throttle_clear (db, user_key);
    if (auth_hash_password (next, new_hash) != 0)
        return gw_respond_problem (req, 503, NULL, NULL);
    int st = gw_store_password_change (db, u.id, hash, new_hash, req->token_hash);
    sodium_memzero (new_hash, sizeof new_hash);
    if (st == GW_STORE_CONFLICT)
        return gw_respond_problem (
            req, 409, "Mật khẩu vừa được đổi ở nơi khác; vui lòng đăng nhập lại", NULL);
    if (st != GW_STORE_OK)
        return db_down (req);
    loa_info (req->request_id, "auth: user %lld changed their password; other sessions ended",
              (long long) u.id);
    return gw_respond_empty (req, 204);
}

enum MHD_Result gw_logout (gw_request *req)
{
    PGconn *db = gw_thread_db ();
    if (!db || gw_store_session_revoke (db, req->token_hash) == GW_STORE_ERROR)
        return db_down (req);
    return gw_respond_empty (req, 204);
}

enum MHD_Result gw_me (gw_request *req)
{
    if (req->auth_kind != GW_AUTH_STAFF)
        return gw_respond_problem (req, 403, "Chỉ dành cho tài khoản cán bộ", NULL);
    PGconn *db = gw_thread_db ();
    gw_user u;
    int found = db ? gw_store_user_get (db, req->caller.user_id, &u) : -1;
    if (found <= 0)
        return gw_respond_problem (req, found < 0 ? 503 : 401, NULL, NULL);
    return gw_respond_json (req, 200, gw_user_json (&u));
}
