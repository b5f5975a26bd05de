/* auth: staff accounts, sessions and API keys (schema gateway), and the
 * route x role check. Passwords are argon2id strings (libsodium
 * crypto_pwhash_str); tokens and keys are 256 random bits, base64url, and
 * only their SHA-256 is stored. Nothing here ever logs a secret. */
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/store.h"
#include "content.pb-c.h"
#include "core/services.h"
#include "gw.h"
#include "loa_config.h"
#include "loa_log.h"
#include "loa_text.h"

#define USER_THRESHOLD 5 /* failures of one username from one address before blocking */
#define ADDR_THRESHOLD 20 /* failures from one address, any usernames */
#define BLOCK_BASE_S 5 /* first block; doubles with each further failure, up to 15 min */
#define MIN_PASSWORD 10
#define MAX_PASSWORD 256

static long session_ttl_s = 43200;
static int trust_proxy;
static char dummy_hash[crypto_pwhash_STRBYTES]; /* verifies unknown users in the same time */

static const struct {
    const char *name;
    unsigned bit;
} role_names[] = {
    {"admin", GW_R_ADMIN},         {"reviewer", GW_R_REVIEWER}, {"editor", GW_R_EDITOR},
    {"inspector", GW_R_INSPECTOR}, {"handler", GW_R_HANDLER},   {"leader", GW_R_LEADER},
};
#define N_ROLES (sizeof role_names / sizeof role_names[0])

int gw_auth_init (void)
{
    if (sodium_init () < 0)
        return -1;
    session_ttl_s = loa_env_int ("LOA_SESSION_TTL_S", 43200, 1, 90L * 86400);
    trust_proxy = loa_env_bool ("LOA_TRUST_PROXY", 0);
    unsigned char rnd[32];
    randombytes_buf (rnd, sizeof rnd);
    return crypto_pwhash_str (dummy_hash, (const char *) rnd, sizeof rnd,
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

static int hash_password (const char *password, char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str (out, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

/* 256 random bits as base64url without padding (43 characters), after
 * `prefix`. */
static void new_secret (const char *prefix, char *out, size_t cap)
{
    unsigned char rnd[32];
    randombytes_buf (rnd, sizeof rnd);
    size_t n = strlen (prefix);
    memcpy (out, prefix, n);
    sodium_bin2base64 (out + n, cap - n, rnd, sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero (rnd, sizeof rnd);
}

static void secret_hash (const char *secret, unsigned char out[32])
{
    crypto_hash_sha256 (out, (const unsigned char *) secret, strlen (secret));
}

const char *gw_param (gw_request *req, const char *name)
{
    size_t n = strlen (name);
    for (int i = 0; i < req->n_params; i++)
        if (strncmp (req->params[i].name, name, n) == 0 && req->params[i].name[n] == '}')
            return req->params[i].value;
    return NULL;
}

/* ------------------------------------------------------------ bootstrap */

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
        new_secret ("", generated, sizeof generated); /* 43 characters of base64url */
    const char *password = given ? given : generated;
    if (hash_password (password, hash) != 0)
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

/* ------------------------------------------------------------ identify and allow */

static void client_address (gw_request *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info (req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    req->client_addr[0] = '\0';
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop (AF_INET, &((const struct sockaddr_in *) sa)->sin_addr, req->client_addr,
                       sizeof req->client_addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) sa)->sin6_addr, req->client_addr,
                       sizeof req->client_addr);
    }
    /* Behind a reverse proxy (LOA_TRUST_PROXY=1), the client is the last
     * address the proxy appended. */
    const char *xff = trust_proxy ? gw_header (req, "X-Forwarded-For") : NULL;
    if (xff) {
        const char *last = strrchr (xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        char addr[64];
        size_t n = strcspn (last, " ");
        if (n > 0 && n < sizeof addr) {
            memcpy (addr, last, n);
            addr[n] = '\0';
            unsigned char buf[sizeof (struct in6_addr)];
            if (inet_pton (AF_INET, addr, buf) == 1 || inet_pton (AF_INET6, addr, buf) == 1)
                memcpy (req->client_addr, addr, n + 1);
        }
    }
    req->caller.client_addr = req->client_addr;
}

static void set_roles (gw_request *req, const char *roles)
{
    char buf[96];
    snprintf (buf, sizeof buf, "%s", roles);
    char *save = NULL;
    req->caller.n_roles = 0;
    req->role_mask = 0;
    for (char *r = strtok_r (buf, ",", &save); r && req->caller.n_roles < 8;
         r = strtok_r (NULL, ",", &save)) {
        size_t i = req->caller.n_roles++;
        snprintf (req->role_buf[i], sizeof req->role_buf[i], "%s", r);
        req->role_ptrs[i] = req->role_buf[i];
        for (size_t k = 0; k < N_ROLES; k++)
            if (strcmp (r, role_names[k].name) == 0)
                req->role_mask |= role_names[k].bit;
    }
    req->caller.roles = req->role_ptrs;
}

int gw_auth_check (gw_request *req, enum MHD_Result *rc)
{
    client_address (req);
    const char *authz = gw_header (req, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *key = gw_header (req, "X-Api-Key");
    unsigned allow = req->route->allow;
    if (authz || key) {
        PGconn *db = gw_thread_db ();
        if (!db) {
            *rc = gw_respond_problem (req, 503, "Không kiểm tra được thông tin xác thực", NULL);
            return -1;
        }
        unsigned char hash[32];
        if (authz) {
            if (strncasecmp (authz, "Bearer ", 7) != 0 || strlen (authz + 7) == 0 ||
                strlen (authz + 7) > 256) {
                *rc = gw_respond_problem (req, 401, "Thông tin xác thực không hợp lệ", NULL);
                return -1;
            }
            const char *token = authz + 7;
            while (*token == ' ')
                token++;
            secret_hash (token, hash);
            gw_user u;
            int found = gw_store_session_user (db, hash, &u);
            if (found < 0) {
                *rc = gw_respond_problem (req, 503, "Không kiểm tra được thông tin xác thực", NULL);
                return -1;
            }
            if (!found) {
                *rc = gw_respond_problem (req, 401, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn",
                                          NULL);
                return -1;
            }
            memcpy (req->token_hash, hash, sizeof hash);
            req->auth_kind = GW_AUTH_STAFF;
            req->caller.user_id = u.id;
            req->caller.unit_id = u.unit_id;
            set_roles (req, u.roles);
        } else {
            if (strlen (key) > 256) {
                *rc = gw_respond_problem (req, 401, "Khóa API không hợp lệ", NULL);
                return -1;
            }
            secret_hash (key, hash);
            int64_t id = 0;
            char kind[24];
            int found = gw_store_api_key_find (db, hash, &id, kind);
            if (found <= 0) {
                *rc = found < 0
                          ? gw_respond_problem (req, 503, "Không kiểm tra được khóa API", NULL)
                          : gw_respond_problem (
                                req, 401, "Khóa API không hợp lệ, đã thu hồi hoặc hết hạn", NULL);
                return -1;
            }
            req->auth_kind = GW_AUTH_KEY;
            req->caller.api_key_id = id;
            set_roles (req, kind); /* services see the key's kind as its role */
        }
    }
    if (allow & GW_ANYONE)
        return 0;
    if (req->auth_kind == GW_AUTH_NONE) {
        *rc = gw_respond_problem (req, 401, "Cần đăng nhập hoặc khóa API", NULL);
        return -1;
    }
    int ok = 0;
    if (req->auth_kind == GW_AUTH_STAFF)
        ok = (allow & GW_STAFF) || (allow & req->role_mask);
    else if (req->caller.n_roles == 1)
        ok = ((allow & GW_BROADCASTER) && strcmp (req->role_buf[0], "broadcaster") == 0) ||
             ((allow & GW_OPEN311) && strcmp (req->role_buf[0], "open311_client") == 0);
    if (!ok) {
        *rc =
            gw_respond_problem (req, 403, "Tài khoản không có quyền thực hiện thao tác này", NULL);
        return -1;
    }
    return 0;
}

int gw_auth_api_key (gw_request *req, const char *key, const char *kind)
{
    if ((!key || !*key) && req->auth_kind == GW_AUTH_KEY) /* verified from X-Api-Key */
        return req->caller.n_roles == 1 && strcmp (req->role_buf[0], kind) == 0;
    if (!key || !*key || strlen (key) > 256)
        return 0;
    PGconn *db = gw_thread_db ();
    if (!db)
        return -1;
    unsigned char hash[32];
    secret_hash (key, hash);
    int64_t id = 0;
    char found_kind[24];
    int found = gw_store_api_key_find (db, hash, &id, found_kind);
    if (found <= 0)
        return found < 0 ? -1 : 0;
    if (strcmp (found_kind, kind) != 0)
        return 0;
    req->auth_kind = GW_AUTH_KEY; /* the application calls, not a staff login it may carry */
    req->caller.user_id = 0;
    req->caller.unit_id = 0;
    req->caller.api_key_id = id;
    set_roles (req, found_kind);
    return 1;
}

/* ------------------------------------------------------------ JSON bodies */

typedef struct {
    json_t *json;
    json_t *errors;
} body;

static json_t *field_error (const char *field, const char *message)
{
    return json_pack ("{s:s, s:s}", "field", field, "message", message);
}

/* Parses the request's JSON object; on failure queues 400/415 and returns -1. */
static int read_body (gw_request *req, body *b, enum MHD_Result *rc)
{
    b->errors = json_array ();
    b->json = NULL;
    const char *ct = gw_header (req, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (ct && strncasecmp (ct, "application/json", 16) != 0) {
        json_decref (b->errors);
        *rc =
            gw_respond_problem (req, 415, "Nội dung phải là JSON (Content-Type: application/json)",
                                json_pack ("[o]", field_error ("body", "phải là JSON")));
        return -1;
    }
    json_error_t jerr;
    b->json =
        req->body_len ? json_loadb (req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!json_is_object (b->json)) {
        char msg[300];
        if (!req->body_len)
            snprintf (msg, sizeof msg, "là bắt buộc");
        else if (b->json)
            snprintf (msg, sizeof msg, "phải là một đối tượng JSON");
        else
            snprintf (msg, sizeof msg, "JSON không hợp lệ (dòng %d, cột %d): %s", jerr.line,
                      jerr.column, jerr.text);
        json_decref (b->json);
        json_decref (b->errors);
        *rc = gw_respond_problem (req, 400, "Nội dung JSON không hợp lệ",
                                  json_pack ("[o]", field_error ("body", msg)));
        return -1;
    }
    return 0;
}

static void body_free (body *b)
{
    json_decref (b->json);
    json_decref (b->errors);
}

static void add_error (body *b, const char *field, const char *message)
{
    json_array_append_new (b->errors, field_error (field, message));
}

/* Refuses keys not in `allowed` (NULL-terminated): a typo must not be
 * silently ignored. */
static void check_keys (body *b, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach (b->json, k, v)
    {
        int known = 0;
        for (const char *const *a = allowed; *a; a++)
            known |= strcmp (*a, k) == 0;
        if (!known)
            add_error (b, k, "không được chấp nhận");
    }
}

/* A string field: NULL when absent (or null); a type error is recorded. */
static const char *get_string (body *b, const char *field, int required)
{
    json_t *v = json_object_get (b->json, field);
    if (!v || json_is_null (v)) {
        if (required)
            add_error (b, field, "là bắt buộc");
        return NULL;
    }
    if (!json_is_string (v)) {
        add_error (b, field, "phải là chuỗi");
        return NULL;
    }
    return json_string_value (v);
}

/* 400 when a field has the wrong type or is unknown; 422 for values. */
static enum MHD_Result respond_errors (gw_request *req, body *b, unsigned status,
                                       const char *detail)
{
    json_t *errors = json_incref (b->errors);
    body_free (b);
    return gw_respond_problem (req, status, detail, errors);
}

static int valid_username (const char *s)
{
    size_t n = strlen (s);
    if (n < 3 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
              s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

static void check_password (body *b, const char *field, const char *pw)
{
    if (!loa_utf8_valid (pw))
        add_error (b, field, "phải là văn bản UTF-8 hợp lệ");
    else if (loa_utf8_length (pw) < MIN_PASSWORD)
        add_error (b, field, "phải có ít nhất 10 ký tự");
    else if (strlen (pw) > MAX_PASSWORD)
        add_error (b, field, "tối đa 256 byte");
}

/* ------------------------------------------------------------ login, logout, me */

static enum MHD_Result too_many (gw_request *req, long wait_s)
{
    char detail[160], retry[24];
    snprintf (detail, sizeof detail, "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau %ld giây",
              wait_s);
    snprintf (retry, sizeof retry, "%ld", wait_s);
    return gw_respond_problem_with (req, 429, detail, NULL, MHD_HTTP_HEADER_RETRY_AFTER, retry);
}

enum MHD_Result gw_login (gw_request *req)
{
    enum MHD_Result rc;
    body b;
    if (read_body (req, &b, &rc) != 0)
        return rc;
    static const char *const keys[] = {"username", "password", NULL};
    check_keys (&b, keys);
    const char *username = get_string (&b, "username", 1);
    const char *password = get_string (&b, "password", 1);
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 400, "Thiếu tên đăng nhập hoặc mật khẩu");
    PGconn *db = gw_thread_db ();
    if (!db) {
        body_free (&b);
        return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
    }
    char name[72], user_key[160], addr_key[80];
    size_t n = strlen (username);
    if (n >= sizeof name)
        n = sizeof name - 1;
    for (size_t i = 0; i < n; i++)
        name[i] =
            (char) (username[i] >= 'A' && username[i] <= 'Z' ? username[i] + 32 : username[i]);
    name[n] = '\0';
    snprintf (user_key, sizeof user_key, "user:%s|%s", name, req->client_addr);
    snprintf (addr_key, sizeof addr_key, "addr:%s", req->client_addr);

    long wait_user = gw_store_throttle_wait (db, user_key);
    long wait_addr = gw_store_throttle_wait (db, addr_key);
    if (wait_user < 0 || wait_addr < 0) {
        body_free (&b);
        return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
    }
    if (wait_user > 0 || wait_addr > 0) {
        body_free (&b);
        return too_many (req, wait_user > wait_addr ? wait_user : wait_addr);
    }

    gw_user u;
    char hash[crypto_pwhash_STRBYTES];
    int found = gw_store_user_by_name (db, name, &u, hash, sizeof hash);
    if (found < 0) {
        body_free (&b);
        return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
    }
    /* Unknown users cost the same verification, so timing tells nothing. */
    int good =
        crypto_pwhash_str_verify (found ? hash : dummy_hash, password, strlen (password)) == 0;
    body_free (&b);
    if (!found || !good || !u.active) {
        gw_store_throttle_fail (db, user_key, USER_THRESHOLD, BLOCK_BASE_S);
        gw_store_throttle_fail (db, addr_key, ADDR_THRESHOLD, BLOCK_BASE_S);
        loa_info (req->request_id, "auth: failed login for a username from %s", req->client_addr);
        return gw_respond_problem (req, 401, "Tên đăng nhập hoặc mật khẩu không đúng", NULL);
    }
    gw_store_throttle_clear (db, user_key);
    char token[64], expires_at[40];
    unsigned char token_hash[32];
    new_secret ("", token, sizeof token);
    secret_hash (token, token_hash);
    if (gw_store_session_create (db, token_hash, u.id, session_ttl_s, req->client_addr,
                                 expires_at) != GW_STORE_OK) {
        sodium_memzero (token, sizeof token);
        return gw_respond_problem (req, 503, "Không tạo được phiên đăng nhập", NULL);
    }
    loa_info (req->request_id, "auth: user %lld logged in from %s", (long long) u.id,
              req->client_addr);
    json_t *out = json_pack ("{s:s, s:s, s:o}", "token", token, "expires_at", expires_at, "user",
                             gw_user_json (&u));
    sodium_memzero (token, sizeof token);
    return gw_respond_json (req, 200, out);
}

enum MHD_Result gw_logout (gw_request *req)
{
    PGconn *db = gw_thread_db ();
    if (!db || gw_store_session_revoke (db, req->token_hash) == GW_STORE_ERROR)
        return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
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

/* ------------------------------------------------------------ users */

/* Reads an integer query parameter into *out (default when absent);
 * records an error naming it. */
static void query_int (gw_request *req, body *b, const char *name, int def, int min, int max,
                       int *out)
{
    const char *v = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, name);
    *out = def;
    if (!v)
        return;
    char *end;
    long n = strtol (v, &end, 10);
    if (!*v || *end || n < min || n > max) {
        char msg[80];
        snprintf (msg, sizeof msg, "phải là số nguyên từ %d đến %d", min, max);
        add_error (b, name, msg);
        return;
    }
    *out = (int) n;
}

static int path_id (gw_request *req, int64_t *id)
{
    const char *v = gw_param (req, "id");
    char *end;
    long long n = v ? strtoll (v, &end, 10) : 0;
    if (!v || !*v || *end || n <= 0)
        return -1;
    *id = n;
    return 0;
}

enum MHD_Result gw_users_list (gw_request *req)
{
    body b = {NULL, json_array ()};
    int page, per_page;
    query_int (req, &b, "page", 1, 1, 1000000, &page);
    query_int (req, &b, "per_page", 20, 1, 100, &per_page);
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 400, "Tham số không hợp lệ");
    body_free (&b);
    PGconn *db = gw_thread_db ();
    json_t *items = NULL;
    long long total = 0;
    if (!db || gw_store_users_list (db, page, per_page, &items, &total) != GW_STORE_OK)
        return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
    return gw_respond_json (req, 200,
                            json_pack ("{s:o, s:i, s:i, s:I}", "items", items, "page", page,
                                       "per_page", per_page, "total", (json_int_t) total));
}

/* GET /api/v1/staff?ids=1,2,3 (staff): the names of colleagues, for the
 * console to show who did each step of a history (feedback, articles) that
 * carries only user ids. Only the name and unit: never a username, roles
 * or whether the account is active. At most 100 ids. */
enum MHD_Result gw_staff_names (gw_request *req)
{
    enum { MAX_IDS = 100 };
    body b = {NULL, json_array ()};
    const char *ids = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, "ids");
    char literal[MAX_IDS * 21 + 3];
    size_t o = 0, count = 0;
    literal[o++] = '{';
    const char *p = ids ? ids : "";
    while (*p && !json_array_size (b.errors)) {
        char *end;
        errno = 0;
        long long v = (*p >= '0' && *p <= '9') ? strtoll (p, &end, 10) : -1;
        if (v <= 0 || errno || (*end != ',' && *end != '\0'))
            add_error (&b, "ids",
                       "phải là các mã số người dùng (số nguyên dương) cách nhau bởi dấu phẩy");
        else if (++count > MAX_IDS)
            add_error (&b, "ids", "tối đa 100 mã số");
        else {
            o += (size_t) snprintf (literal + o, sizeof literal - o, "%s%lld", count > 1 ? "," : "",
                                    v);
            p = *end ? end + 1 : end;
        }
    }
    if (!count && !json_array_size (b.errors))
        add_error (&b, "ids", "là bắt buộc");
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 400, "Tham số không hợp lệ");
    body_free (&b);
    literal[o++] = '}';
    literal[o] = '\0';
    PGconn *db = gw_thread_db ();
    json_t *items = NULL;
    if (!db || gw_store_staff_names (db, literal, &items) != GW_STORE_OK)
        return gw_respond_problem (req, 503, "Cơ sở dữ liệu không sẵn sàng", NULL);
    return gw_respond_json (req, 200, json_pack ("{s:o}", "items", items));
}

/* roles: an array of known role names -> a PostgreSQL array literal in
 * `out`; errors recorded. */
static void read_roles (body *b, json_t *v, char *out, size_t cap)
{
    if (!json_is_array (v)) {
        add_error (b, "roles", "phải là một mảng tên vai trò");
        return;
    }
    size_t o = 0;
    unsigned seen = 0;
    out[o++] = '{';
    size_t i;
    json_t *r;
    json_array_foreach (v, i, r)
    {
        unsigned bit = 0;
        const char *name = json_is_string (r) ? json_string_value (r) : "";
        for (size_t k = 0; k < N_ROLES; k++)
            if (strcmp (name, role_names[k].name) == 0)
                bit = role_names[k].bit;
        if (!bit) {
            add_error (b, "roles",
                       "vai trò không hợp lệ (một trong: admin, reviewer, editor, inspector, "
                       "handler, leader)");
            return;
        }
        if (seen & bit)
            continue;
        seen |= bit;
        o += (size_t) snprintf (out + o, cap - o, "%s%s", o > 1 ? "," : "", name);
    }
    snprintf (out + o, cap - o, "}");
}

/* unit_id: null/0 for none, else a unit content-svc knows. Returns 0 ok,
 * -1 with an error recorded, -2 when content-svc cannot answer. */
static int check_unit (gw_request *req, body *b, json_t *v, int64_t *unit_id)
{
    *unit_id = 0;
    if (!v || json_is_null (v))
        return 0;
    if (!json_is_integer (v) || json_integer_value (v) < 0) {
        add_error (b, "unit_id", "phải là số nguyên dương hoặc null");
        return -1;
    }
    *unit_id = json_integer_value (v);
    if (*unit_id == 0)
        return 0;
    loa_rpc_client *c = gw_service_client (GW_CONTENT);
    Loa__Content__IdRequest in = LOA__CONTENT__ID_REQUEST__INIT;
    in.id = *unit_id;
    loa_rpc_result r = {0};
    Loa__Status st = c ? loa_rpc_call (c, "units.get", &req->caller, req->request_id, NULL,
                                       &in.base, gw_rpc_timeout_ms (), &r)
                       : LOA__STATUS__UNAVAILABLE;
    loa_rpc_result_clear (&r);
    if (st == LOA__STATUS__NOT_FOUND) {
        add_error (b, "unit_id", "đơn vị không tồn tại");
        return -1;
    }
    return st == LOA__STATUS__OK ? 0 : -2;
}

enum MHD_Result gw_users_create (gw_request *req)
{
    enum MHD_Result rc;
    body b;
    if (read_body (req, &b, &rc) != 0)
        return rc;
    static const char *const keys[] = {"username", "password", "full_name",
                                       "unit_id",  "roles",    NULL};
    check_keys (&b, keys);
    const char *username = get_string (&b, "username", 1);
    const char *password = get_string (&b, "password", 1);
    const char *full_name = get_string (&b, "full_name", 0);
    json_t *roles_v = json_object_get (b.json, "roles");
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 400, "Dữ liệu tài khoản không hợp lệ");
    if (!valid_username (username))
        add_error (&b, "username", "gồm 3–64 ký tự a-z, 0-9, '.', '_' hoặc '-'");
    check_password (&b, "password", password);
    if (full_name && (!loa_utf8_valid (full_name) || loa_utf8_length (full_name) > 200))
        add_error (&b, "full_name", "tối đa 200 ký tự UTF-8");
    char roles[96] = "{}";
    if (roles_v)
        read_roles (&b, roles_v, roles, sizeof roles);
    int64_t unit_id = 0;
    if (check_unit (req, &b, json_object_get (b.json, "unit_id"), &unit_id) == -2) {
        body_free (&b);
        return gw_respond_problem (req, 503, "Dịch vụ content-svc tạm thời không sẵn sàng", NULL);
    }
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 422, "Dữ liệu tài khoản không hợp lệ");
    char hash[crypto_pwhash_STRBYTES];
    PGconn *db = gw_thread_db ();
    if (!db || hash_password (password, hash) != 0) {
        body_free (&b);
        return gw_respond_problem (req, 503, NULL, NULL);
    }
    gw_user u;
    int st =
        gw_store_user_create (db, username, full_name ? full_name : "", unit_id, roles, hash, &u);
    if (st == GW_STORE_CONFLICT) {
        json_t *errors = json_pack ("[o]", field_error ("username", "tên đăng nhập đã tồn tại"));
        body_free (&b);
        return gw_respond_problem (req, 409, "Tên đăng nhập đã tồn tại", errors);
    }
    body_free (&b);
    if (st != GW_STORE_OK)
        return gw_respond_problem (req, 503, NULL, NULL);
    loa_info (req->request_id, "auth: user %lld created by %lld", (long long) u.id,
              (long long) req->caller.user_id);
    char location[64];
    snprintf (location, sizeof location, "/api/v1/users/%lld", (long long) u.id);
    return gw_respond_created (req, gw_user_json (&u), location);
}

enum MHD_Result gw_users_get (gw_request *req)
{
    int64_t id;
    if (path_id (req, &id) != 0)
        return gw_respond_problem (req, 404, "Không tìm thấy tài khoản", NULL);
    PGconn *db = gw_thread_db ();
    gw_user u;
    int found = db ? gw_store_user_get (db, id, &u) : -1;
    if (found < 0)
        return gw_respond_problem (req, 503, NULL, NULL);
    if (!found)
        return gw_respond_problem (req, 404, "Không tìm thấy tài khoản", NULL);
    return gw_respond_json (req, 200, gw_user_json (&u));
}

enum MHD_Result gw_users_update (gw_request *req)
{
    int64_t id;
    if (path_id (req, &id) != 0)
        return gw_respond_problem (req, 404, "Không tìm thấy tài khoản", NULL);
    enum MHD_Result rc;
    body b;
    if (read_body (req, &b, &rc) != 0)
        return rc;
    static const char *const keys[] = {"password", "full_name", "unit_id", "roles", "active", NULL};
    check_keys (&b, keys);
    gw_user_change ch = {0};
    const char *password = get_string (&b, "password", 0);
    ch.full_name = get_string (&b, "full_name", 0);
    json_t *active = json_object_get (b.json, "active");
    if (active && !json_is_boolean (active))
        add_error (&b, "active", "phải là true hoặc false");
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 400, "Dữ liệu tài khoản không hợp lệ");
    if (password)
        check_password (&b, "password", password);
    if (ch.full_name && (!loa_utf8_valid (ch.full_name) || loa_utf8_length (ch.full_name) > 200))
        add_error (&b, "full_name", "tối đa 200 ký tự UTF-8");
    char roles[96];
    json_t *roles_v = json_object_get (b.json, "roles");
    if (roles_v) {
        read_roles (&b, roles_v, roles, sizeof roles);
        ch.roles = roles;
    }
    json_t *unit_v = json_object_get (b.json, "unit_id");
    if (unit_v) {
        ch.has_unit_id = 1;
        if (check_unit (req, &b, unit_v, &ch.unit_id) == -2) {
            body_free (&b);
            return gw_respond_problem (req, 503, "Dịch vụ content-svc tạm thời không sẵn sàng",
                                       NULL);
        }
    }
    if (active) {
        ch.has_active = 1;
        ch.active = json_is_true (active);
    }
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 422, "Dữ liệu tài khoản không hợp lệ");
    PGconn *db = gw_thread_db ();
    gw_user before;
    int found = db ? gw_store_user_get (db, id, &before) : -1;
    if (found <= 0) {
        body_free (&b);
        return found < 0 ? gw_respond_problem (req, 503, NULL, NULL)
                         : gw_respond_problem (req, 404, "Không tìm thấy tài khoản", NULL);
    }
    /* The department always keeps one active admin. */
    int was_admin = before.active && strstr (before.roles, "admin") != NULL;
    int stays_admin = (ch.has_active ? ch.active : before.active) &&
                      (ch.roles ? strstr (ch.roles, "admin") != NULL : was_admin);
    if (was_admin && !stays_admin && gw_store_other_admins (db, id) == 0) {
        body_free (&b);
        return gw_respond_problem (req, 409, "Phải còn ít nhất một quản trị viên đang hoạt động",
                                   NULL);
    }
    char hash[crypto_pwhash_STRBYTES];
    if (password) {
        if (hash_password (password, hash) != 0) {
            body_free (&b);
            return gw_respond_problem (req, 503, NULL, NULL);
        }
        ch.password_hash = hash;
    }
    gw_user u;
    int st = gw_store_user_update (db, id, &ch, &u);
    body_free (&b);
    if (st != GW_STORE_OK)
        return gw_respond_problem (req, st == GW_STORE_NOT_FOUND ? 404 : 503, NULL, NULL);
    /* A disabled account or a new password ends the account's sessions. */
    if ((ch.has_active && !ch.active) || ch.password_hash)
        gw_store_sessions_end (db, id);
    loa_info (req->request_id, "auth: user %lld changed by %lld", (long long) id,
              (long long) req->caller.user_id);
    return gw_respond_json (req, 200, gw_user_json (&u));
}

/* ------------------------------------------------------------ API keys */

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

void gw_auth_new_key (char *key, size_t cap, unsigned char hash[32], char prefix[16])
{
    new_secret ("loa_", key, cap);
    secret_hash (key, hash);
    snprintf (prefix, 16, "%.12s", key);
}

enum MHD_Result gw_api_keys_create (gw_request *req)
{
    enum MHD_Result rc;
    body b;
    if (read_body (req, &b, &rc) != 0)
        return rc;
    static const char *const keys[] = {"name", "kind", "expires_at", NULL};
    check_keys (&b, keys);
    const char *name = get_string (&b, "name", 1);
    const char *kind = get_string (&b, "kind", 1);
    const char *expires_at = get_string (&b, "expires_at", 0);
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 400, "Dữ liệu khóa API không hợp lệ");
    if (loa_text_blank (name) || !loa_utf8_valid (name) || loa_utf8_length (name) > 200)
        add_error (&b, "name", "là bắt buộc, tối đa 200 ký tự");
    if (strcmp (kind, "broadcaster") != 0 && strcmp (kind, "open311_client") != 0)
        add_error (&b, "kind", "phải là broadcaster hoặc open311_client");
    PGconn *db = gw_thread_db ();
    if (!db) {
        body_free (&b);
        return gw_respond_problem (req, 503, NULL, NULL);
    }
    if (expires_at) {
        int future = gw_store_time_future (db, expires_at);
        if (future < 0)
            add_error (&b, "expires_at",
                       "phải là thời điểm RFC 3339, ví dụ 2027-01-31T17:00:00+07:00");
        else if (!future)
            add_error (&b, "expires_at", "phải ở tương lai");
    }
    if (json_array_size (b.errors))
        return respond_errors (req, &b, 422, "Dữ liệu khóa API không hợp lệ");
    char key[64], prefix[16];
    unsigned char hash[32];
    gw_auth_new_key (key, sizeof key, hash, prefix);
    json_t *out = NULL;
    int st = gw_store_api_key_create (db, name, kind, hash, prefix, expires_at, req->caller.user_id,
                                      &out);
    body_free (&b);
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
    int64_t id;
    if (path_id (req, &id) != 0) {
        const char *q = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, "id");
        char *end;
        id = q ? strtoll (q, &end, 10) : 0;
        if (!q || *end || id <= 0)
            return gw_respond_problem (req, 400, "Thiếu mã khóa API",
                                       json_pack ("[o]", field_error ("id", "là bắt buộc")));
    }
    PGconn *db = gw_thread_db ();
    int st = db ? gw_store_api_key_revoke (db, id) : GW_STORE_ERROR;
    if (st == GW_STORE_NOT_FOUND)
        return gw_respond_problem (req, 404, "Không tìm thấy khóa API", NULL);
    if (st != GW_STORE_OK)
        return gw_respond_problem (req, 503, NULL, NULL);
    loa_info (req->request_id, "auth: api key %lld revoked by %lld", (long long) id,
              (long long) req->caller.user_id);
    return gw_respond_empty (req, 204);
}
