/* login: the first admin, logging in and out, who am I (auth.h;
 * docs/api/auth.md). */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "auth/store.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_config.h"
#include "loa_log.h"

#define USER_THRESHOLD 5 /* attempts of one username from one address before blocking */
#define ADDR_THRESHOLD 20 /* from one address (an IPv6 /64), any usernames */
#define ACCOUNT_THRESHOLD 20 /* of one username, from any addresses */
#define BLOCK_BASE_S 5 /* first block; doubles with each further attempt, up to 15 min */

int gw_auth_bootstrap (void)
{
    PGconn *db = gw_thread_db ();
    if (!db)
        return -1;
    long long admins = gw_store_other_admins (db, 0);
    if (admins != 0)
        return admins < 0 ? -1 : 0;
    const char *given = loa_env ("LOA_ADMIN_PASSWORD", NULL);
    if (!given) {
        /* Nothing made up and printed: under Docker or systemd the console
         * is a log. The operator makes the account and chooses its password. */
        loa_warn (NULL, "auth: no active admin account: create one with `gateway --create-admin "
                        "USERNAME` (in the image: `loa-admin create-admin USERNAME`), the "
                        "password on standard input, or start once with "
                        "LOA_ADMIN_PASSWORD_FILE");
        return 0;
    }
    if (strlen (given) < MIN_PASSWORD) {
        loa_error (NULL, "auth: LOA_ADMIN_PASSWORD must have at least %d characters", MIN_PASSWORD);
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (auth_hash_password (given, hash) != 0)
        return -1;
    gw_user u;
    int rc = gw_store_user_create (db, "admin", "Quản trị hệ thống", 0, "{admin}", hash, "", &u);
    sodium_memzero (hash, sizeof hash);
    if (rc == GW_STORE_CONFLICT) {
        loa_error (NULL,
                   "auth: no active admin, and the username admin is taken by another account");
        return -1;
    }
    if (rc != GW_STORE_OK)
        return -1;
    loa_info (NULL, "auth: created the first admin account (username admin)");
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

/* The throttle's unit for an address: an IPv6 address counts by its /64
 * (one host has the whole /64 to choose from), an IPv4-mapped one as IPv4. */
static void addr_unit (const char *addr, char *out, size_t cap)
{
    struct in6_addr a6;
    if (strchr (addr, ':') && inet_pton (AF_INET6, addr, &a6) == 1) {
        if (IN6_IS_ADDR_V4MAPPED (&a6)) {
            inet_ntop (AF_INET, &a6.s6_addr[12], out, (socklen_t) cap);
            return;
        }
        memset (&a6.s6_addr[8], 0, 8);
        char buf[INET6_ADDRSTRLEN];
        inet_ntop (AF_INET6, &a6, buf, sizeof buf);
        snprintf (out, cap, "%s/64", buf);
        return;
    }
    snprintf (out, cap, "%s", addr);
}

/* One attempt at a password, counted under three keys before it is
 * checked: its username from its address ("user:<name>|<address>"), its
 * address ("addr:<address>") and its username from anywhere
 * ("account:<name>"), the name in lower case. */
typedef struct {
    char name[72]; /* the username in lower case, as stored */
    char keys[3][200];
} attempt;
static const int thresholds[3] = {USER_THRESHOLD, ADDR_THRESHOLD, ACCOUNT_THRESHOLD};

/* Takes the attempt on every key (atomically each, so that parallel
 * guesses cannot pass a limit): 0 to check the password, or 1 with 429 or
 * 503 answered (the keys that admitted it take it back). */
static int attempt_begin (gw_request *req, PGconn *db, const char *username, attempt *a,
                          enum MHD_Result *rc)
{
    char unit[80];
    size_t n = strlen (username);
    if (n >= sizeof a->name)
        n = sizeof a->name - 1;
    for (size_t i = 0; i < n; i++)
        a->name[i] =
            (char) (username[i] >= 'A' && username[i] <= 'Z' ? username[i] + 32 : username[i]);
    a->name[n] = '\0';
    addr_unit (req->client_addr, unit, sizeof unit);
    snprintf (a->keys[0], sizeof a->keys[0], "user:%s|%s", a->name, unit);
    snprintf (a->keys[1], sizeof a->keys[1], "addr:%s", unit);
    snprintf (a->keys[2], sizeof a->keys[2], "account:%s", a->name);
    for (int i = 0; i < 3; i++) {
        long wait = gw_store_throttle_take (db, a->keys[i], thresholds[i], BLOCK_BASE_S);
        if (wait != 0) {
            for (int k = 0; k < i; k++)
                gw_store_throttle_undo (db, a->keys[k], thresholds[k]);
            if (wait > 0)
                loa_info (req->request_id, "auth: attempt refused by the throttle (%.*s) from %s",
                          (int) strcspn (a->keys[i], ":"), a->keys[i], req->client_addr);
            *rc = wait < 0 ? db_down (req) : too_many (req, wait);
            return 1;
        }
    }
    return 0;
}

/* A successful attempt clears its username's count from its address, and
 * what those failures (and itself) added to the address's and the
 * account's counts; failures from elsewhere stay counted. */
static void attempt_succeeded (PGconn *db, const attempt *a)
{
    gw_store_throttle_forgive (db, a->keys[0], a->keys[1], ADDR_THRESHOLD, a->keys[2],
                               ACCOUNT_THRESHOLD);
}

/* What a login keeps while its password is checked on the hash pool. */
typedef struct {
    auth_pw_job pw; /* first */
    attempt a;
    gw_user u;
    int found;
} login_job;

/* The attempt is taken back from every key: its password was never
 * checked (the pool was full). */
static void attempt_undo (PGconn *db, const attempt *a)
{
    for (int k = 0; k < 3; k++)
        gw_store_throttle_undo (db, a->keys[k], thresholds[k]);
}

static enum MHD_Result login_checked (gw_request *req);

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
    /* A full hash pool refuses at once, before the throttle's statements:
     * a flood of logins costs the loops next to nothing. */
    enum MHD_Result rc;
    if (auth_pw_room (req, &rc) != 0)
        return rc;
    PGconn *db = gw_thread_db ();
    if (!db)
        return db_down (req);
    attempt a;
    if (attempt_begin (req, db, username, &a, &rc))
        return rc;

    gw_user u;
    char hash[crypto_pwhash_STRBYTES];
    int found = gw_store_user_by_name (db, a.name, &u, hash, sizeof hash);
    if (found < 0)
        return db_down (req);
    /* Unknown users cost the same verification, so timing tells nothing;
     * on the hash pool either way. */
    login_job *j = (login_job *) auth_pw_new (sizeof *j, password, found ? hash : NULL, NULL);
    sodium_memzero (hash, sizeof hash);
    if (j) {
        j->a = a;
        j->u = u;
        j->found = found;
    }
    if (auth_pw_run (req, (auth_pw_job *) j, login_checked, &rc) != 0)
        attempt_undo (db, &a);
    return rc;
}

/* The password has been checked (or the job did not run in time). */
static enum MHD_Result login_checked (gw_request *req)
{
    enum MHD_Result rc;
    login_job *j = (login_job *) auth_pw_take (req, &rc);
    if (!j)
        return rc;
    PGconn *db = gw_thread_db ();
    if (!db) {
        rc = db_down (req);
    } else if (!j->found || !j->pw.matched || !j->u.active) {
        loa_info (req->request_id, "auth: failed login for a username from %s", req->client_addr);
        /* The trail keeps the name tried (never the password). */
        json_t *tried = json_pack ("{s:s}", "username", j->a.name);
        char *text = tried ? json_dumps (tried, JSON_COMPACT) : NULL;
        json_decref (tried);
        gw_audit_note (req, db, "login_failed", j->found ? j->u.id : 0, text);
        free (text);
        rc = gw_respond_problem (req, 401, "Tên đăng nhập hoặc mật khẩu không đúng", NULL);
    } else {
        attempt_succeeded (db, &j->a);
        rc = new_session (req, db, &j->u);
        gw_audit_note (req, db, "login", j->u.id, NULL);
    }
    auth_pw_free (&j->pw);
    return rc;
}

/* What a password change keeps while the hash pool checks the current
 * password and hashes the new one. */
typedef struct {
    auth_pw_job pw; /* first */
    attempt a;
    gw_user u;
} change_job;

static enum MHD_Result password_checked (gw_request *req);

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
    char hash[crypto_pwhash_STRBYTES];
    int found = gw_store_user_password (db, req->caller.user_id, &u, hash, sizeof hash);
    if (found <= 0)
        return found < 0 ? db_down (req) : gw_respond_problem (req, 401, NULL, NULL);
    attempt a;
    enum MHD_Result rc;
    if (attempt_begin (req, db, u.username, &a, &rc))
        return rc;
    /* One job: the current password checked, then the new one hashed. */
    change_job *j = (change_job *) auth_pw_new (sizeof *j, current, hash, next);
    sodium_memzero (hash, sizeof hash);
    if (j) {
        j->a = a;
        j->u = u;
    }
    if (auth_pw_run (req, (auth_pw_job *) j, password_checked, &rc) != 0)
        attempt_undo (db, &a);
    return rc;
}

/* What the pool found, answered (the job stays the caller's). */
static enum MHD_Result password_answer (gw_request *req, PGconn *db, change_job *j)
{
    if (!j->pw.matched) {
        loa_info (req->request_id, "auth: user %lld gave a wrong current password from %s",
                  (long long) j->u.id, req->client_addr);
        auth_fields f;
        auth_fields_init (&f, req);
        auth_fields_error (&f, "current_password", "không đúng");
        return auth_fields_refuse (req, &f, 422, "Mật khẩu hiện tại không đúng");
    }
    attempt_succeeded (db, &j->a);
    if (!j->pw.ok) /* the new hash could not be made */
        return gw_respond_problem (req, 503, NULL, NULL);
    gw_audit_as (req, db, "auth.password");
    int st = gw_store_password_change (db, j->u.id, j->pw.hash, j->pw.made, req->token_hash);
    gw_audit_done (db);
    if (st == GW_STORE_CONFLICT)
        return gw_respond_problem (
            req, 409, "Mật khẩu vừa được đổi ở nơi khác; vui lòng đăng nhập lại", NULL);
    if (st != GW_STORE_OK)
        return db_down (req);
    loa_info (req->request_id, "auth: user %lld changed their password; other sessions ended",
              (long long) j->u.id);
    return gw_respond_empty (req, 204);
}

static enum MHD_Result password_checked (gw_request *req)
{
    enum MHD_Result rc;
    change_job *j = (change_job *) auth_pw_take (req, &rc);
    if (!j)
        return rc;
    PGconn *db = gw_thread_db ();
    rc = db ? password_answer (req, db, j) : db_down (req);
    auth_pw_free (&j->pw);
    return rc;
}

enum MHD_Result gw_logout (gw_request *req)
{
    PGconn *db = gw_thread_db ();
    if (!db || gw_store_session_revoke (db, req->token_hash) == GW_STORE_ERROR)
        return db_down (req);
    gw_audit_note (req, db, "logout", req->caller.user_id, NULL);
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
