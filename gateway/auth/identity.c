/* identity: who calls, and may they (auth.h): the dispatcher's
 * authentication hook. */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/auth_int.h"
#include "auth/store.h"
#include "core/forwarded.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_config.h"
#include "loa_log.h"

long auth_session_ttl_s = 43200;
long auth_session_idle_s = 3600;
static gw_proxies proxies;

int gw_auth_init (void)
{
    auth_session_ttl_s = loa_env_int ("LOA_SESSION_TTL_S", 43200, 1, 90L * 86400);
    auth_session_idle_s = loa_env_int ("LOA_SESSION_IDLE_S", 3600, 0, 90L * 86400);
    char why[200];
    gw_proxies_free (&proxies);
    if (gw_proxies_parse (loa_env ("LOA_TRUSTED_PROXIES", ""), &proxies, why, sizeof why) != 0) {
        loa_error (NULL, "auth: LOA_TRUSTED_PROXIES: %s", why);
        return -1;
    }
    proxies.any = loa_env_bool ("LOA_TRUST_PROXY", 0);
    return auth_secret_init ();
}

void gw_auth_done (void)
{
    auth_pool_stop ();
    gw_proxies_free (&proxies);
}

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
    /* Behind the operator's reverse proxies, what they say (forwarded.h). */
    char peer[sizeof req->client_addr];
    memcpy (peer, req->client_addr, sizeof peer);
    req->via_proxy = proxies.any || gw_proxies_has (&proxies, peer);
    gw_client_address (&proxies, peer, gw_header (req, "X-Forwarded-For"), req->client_addr,
                       sizeof req->client_addr);
    req->caller.client_addr = req->client_addr;
    /* A write names its caller to the services' audit trail (loa_audit.h). */
    req->caller.writes = strcmp (req->method, "GET") != 0 && strcmp (req->method, "HEAD") != 0;
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
        for (size_t k = 0; k < auth_n_roles; k++)
            if (strcmp (r, auth_roles[k].name) == 0)
                req->role_mask |= auth_roles[k].bit;
    }
    req->caller.roles = req->role_ptrs;
}

int gw_auth_decide (unsigned allow, int auth_kind, unsigned roles, const char *key_kind)
{
    if (allow & GW_ANYONE)
        return 0;
    if (auth_kind == GW_AUTH_NONE)
        return 401;
    int ok = 0;
    if (auth_kind == GW_AUTH_STAFF)
        ok = (allow & GW_STAFF) || (allow & roles);
    else if (auth_kind == GW_AUTH_KEY && key_kind)
        ok = ((allow & GW_BROADCASTER) && strcmp (key_kind, "broadcaster") == 0) ||
             ((allow & GW_OPEN311) && strcmp (key_kind, "open311_client") == 0);
    return ok ? 0 : 403;
}

/* A bearer token's staff caller: 0, or 1 with 401/503 answered. */
static int identify_staff (gw_request *req, PGconn *db, const char *authz, enum MHD_Result *rc)
{
    if (strncasecmp (authz, "Bearer ", 7) != 0 || strlen (authz + 7) == 0 ||
        strlen (authz + 7) > 256) {
        *rc = gw_respond_problem (req, 401, "Thông tin xác thực không hợp lệ", NULL);
        return 1;
    }
    const char *token = authz + 7;
    while (*token == ' ')
        token++;
    unsigned char hash[32];
    auth_secret_hash (token, hash);
    gw_user u;
    int found = gw_store_session_user (db, hash, auth_session_idle_s, &u);
    if (found <= 0) {
        *rc = found < 0
                  ? gw_respond_problem (req, 503, "Không kiểm tra được thông tin xác thực", NULL)
                  : gw_respond_problem (req, 401, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn",
                                        NULL);
        return 1;
    }
    /* A one-time password (an admin's reset) signs in, but its session may
     * only change it: nothing else is done under a password the admin saw. */
    if (u.must_change_password && !(req->route->flags & GW_ONE_TIME_OK)) {
        *rc = gw_respond_problem (req, 403,
                                  "Tài khoản đang dùng mật khẩu một lần do quản trị viên cấp: "
                                  "hãy đổi mật khẩu (POST /api/v1/auth/password) trước khi "
                                  "làm việc khác",
                                  NULL);
        return 1;
    }
    memcpy (req->token_hash, hash, sizeof hash);
    req->auth_kind = GW_AUTH_STAFF;
    req->caller.user_id = u.id;
    req->caller.unit_id = u.unit_id;
    set_roles (req, u.roles);
    return 0;
}

/* What a 401 of a broadcaster's route says to feed readers and newsroom
 * tools: they may send the key as HTTP Basic's password. */
#define BASIC_CHALLENGE "Basic realm=\"loa\", charset=\"UTF-8\""

/* A 401 with `detail`, and Basic's challenge where broadcasters may call. */
static enum MHD_Result unauthorized (gw_request *req, const char *detail)
{
    if (req->route->allow & GW_BROADCASTER)
        return gw_respond_problem_with (req, 401, detail, NULL, "WWW-Authenticate",
                                        BASIC_CHALLENGE);
    return gw_respond_problem (req, 401, detail, NULL);
}

/* An X-Api-Key's caller: 0, or 1 with 401/503 answered. */
static int identify_key (gw_request *req, PGconn *db, const char *key, enum MHD_Result *rc)
{
    if (strlen (key) > 256) {
        *rc = unauthorized (req, "Khóa API không hợp lệ");
        return 1;
    }
    unsigned char hash[32];
    auth_secret_hash (key, hash);
    int64_t id = 0;
    char kind[24];
    int found = gw_store_api_key_find (db, hash, &id, kind);
    if (found <= 0) {
        *rc = found < 0 ? gw_respond_problem (req, 503, "Không kiểm tra được khóa API", NULL)
                        : unauthorized (req, "Khóa API không hợp lệ, đã thu hồi hoặc hết hạn");
        return 1;
    }
    req->auth_kind = GW_AUTH_KEY;
    req->caller.api_key_id = id;
    set_roles (req, kind); /* services see the key's kind as its role */
    return 0;
}

int gw_auth_basic_password (const char *credentials, char *out, size_t cap)
{
    while (*credentials == ' ')
        credentials++;
    size_t len = strlen (credentials);
    while (len > 0 && credentials[len - 1] == ' ')
        len--;
    unsigned char raw[3 * 512 / 4 + 4];
    size_t n = 0;
    const char *end = NULL;
    if (len == 0 || len > 512 ||
        sodium_base642bin (raw, sizeof raw - 1, credentials, len, NULL, &n, &end,
                           sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != credentials + len)
        return -1;
    raw[n] = '\0';
    if (memchr (raw, '\0', n))
        return -1; /* a NUL inside */
    const char *colon = memchr (raw, ':', n);
    if (!colon)
        return -1;
    size_t plen = n - (size_t) (colon + 1 - (const char *) raw);
    if (plen == 0 || plen >= cap)
        return -1;
    memcpy (out, colon + 1, plen);
    out[plen] = '\0';
    return 0;
}

int gw_auth_check (gw_request *req, enum MHD_Result *rc)
{
    client_address (req);
    const char *authz = gw_header (req, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *key = gw_header (req, "X-Api-Key");
    if (req->route->flags & GW_OWN_AUTH)
        authz = key = NULL; /* judged by the route's handler */
    /* HTTP Basic, the API key as the password, for the tools that can send
     * no other header (feed readers): only where broadcasters may call. */
    char basic_key[260];
    if (authz && strncasecmp (authz, "Basic ", 6) == 0) {
        if (!(req->route->allow & GW_BROADCASTER)) {
            *rc = gw_respond_problem (req, 401,
                                      "Xác thực Basic chỉ dùng cho các địa chỉ của đài, báo "
                                      "(khóa API làm mật khẩu); cán bộ dùng Bearer",
                                      NULL);
            return 1;
        }
        if (key || gw_auth_basic_password (authz + 6, basic_key, sizeof basic_key) != 0) {
            *rc = unauthorized (req, key ? "Chỉ gửi một loại thông tin xác thực"
                                         : "Thông tin xác thực Basic không hợp lệ (mật khẩu là "
                                           "khóa API)");
            return 1;
        }
        key = basic_key;
        authz = NULL;
    }
    if (authz || key) {
        PGconn *db = gw_thread_db ();
        if (!db) {
            *rc = gw_respond_problem (req, 503, "Không kiểm tra được thông tin xác thực", NULL);
            return 1;
        }
        if (authz ? identify_staff (req, db, authz, rc) : identify_key (req, db, key, rc))
            return 1;
    }
    const char *key_kind =
        req->auth_kind == GW_AUTH_KEY && req->caller.n_roles == 1 ? req->role_buf[0] : NULL;
    int verdict = gw_auth_decide (req->route->allow, req->auth_kind, req->role_mask, key_kind);
    if (verdict == 401)
        *rc = unauthorized (req, "Cần đăng nhập hoặc khóa API");
    else if (verdict)
        *rc =
            gw_respond_problem (req, 403, "Tài khoản không có quyền thực hiện thao tác này", NULL);
    return verdict != 0;
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
    auth_secret_hash (key, hash);
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
