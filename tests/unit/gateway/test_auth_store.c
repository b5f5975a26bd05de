/* The gateway's identity store (gateway/auth/store.h) against the unit test
 * database (LOA_TEST_DB_URL), in a schema of the test's own made by the
 * gateway's own migrations: a staff token issued, looked up (its user and
 * roles, then gw_auth_decide on real routes), revoked, expired, ended with
 * its user; API keys created, found, revoked, expired; passwords. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/auth_int.h"
#include "auth/store.h"
#include "common/fixture.h"
#include "routes.h"
#include "suites.h"

extern const loa_migration gateway_migrations[];
extern const size_t gateway_migrations_count;

/* Not a real argon2id string: the store only checks its prefix. */
#define FAKE_HASH "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

/* The gateway's migrations but 0001_init, which comments on the schema
 * `gateway` by name. */
static void gateway_schema (test_schema *s)
{
    test_service_schema (s, "t_gwauth", "test_auth_store", gateway_migrations,
                         gateway_migrations_count, "0001_init");
    ck_assert_int_eq (gw_store_prepare (s->db), 0);
    ck_assert_int_eq (sodium_init () >= 0, 1);
}

static void exec_ok (PGconn *db, const char *sql)
{
    PGresult *r = PQexec (db, sql);
    ck_assert_msg (PQresultStatus (r) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage (db));
    PQclear (r);
}

static gw_user new_user (test_schema *s, const char *name, const char *roles)
{
    gw_user u;
    ck_assert_int_eq (
        gw_store_user_create (s->db, name, "Nguyễn Văn A", 7, roles, FAKE_HASH, "", &u),
        GW_STORE_OK);
    ck_assert_int_gt (u.id, 0);
    return u;
}

/* A session as login.c makes one: a token, its SHA-256 stored. */
static void issue (test_schema *s, int64_t user_id, long ttl_s, char token[64],
                   unsigned char hash[32])
{
    auth_new_secret ("", token, 64);
    ck_assert_uint_eq (strlen (token), 43);
    auth_secret_hash (token, hash);
    char expires_at[40] = "";
    ck_assert_int_eq (
        gw_store_session_create (s->db, hash, user_id, ttl_s, "192.0.2.1", expires_at),
        GW_STORE_OK);
    ck_assert_uint_gt (strlen (expires_at), 0);
}

/* The token's caller as the dispatcher sees it (no idle limit): found or
 * not, and the GW_R_* of its roles. */
static int lookup (test_schema *s, const unsigned char hash[32], unsigned *mask, gw_user *u)
{
    int found = gw_store_session_user (s->db, hash, 0, u);
    *mask = 0;
    if (found == 1) {
        char buf[96];
        snprintf (buf, sizeof buf, "%s", u->roles);
        char *save = NULL;
        for (char *r = strtok_r (buf, ",", &save); r; r = strtok_r (NULL, ",", &save))
            for (size_t k = 0; k < auth_n_roles; k++)
                if (strcmp (r, auth_roles[k].name) == 0)
                    *mask |= auth_roles[k].bit;
    }
    return found;
}

static unsigned allow_of (const char *method, const char *pattern)
{
    for (size_t i = 0; i < gw_n_routes; i++)
        if (strcmp (gw_routes[i].method, method) == 0 &&
            strcmp (gw_routes[i].pattern, pattern) == 0)
            return gw_routes[i].allow;
    ck_abort_msg ("no route %s %s", method, pattern);
    return 0;
}

START_TEST (token_issue_lookup_revoke)
{
    test_schema s;
    gateway_schema (&s);
    gw_user ed = new_user (&s, "editor.one", "{editor}");
    char token[64];
    unsigned char hash[32];
    issue (&s, ed.id, 3600, token, hash);

    /* Only the SHA-256 of the token is stored. */
    char sql[256];
    snprintf (sql, sizeof sql,
              "SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to('%s', 'UTF8'))",
              token);
    ck_assert_int_eq (test_query_int (s.db, sql), 1);
    snprintf (sql, sizeof sql,
              "SELECT count(*) FROM sessions WHERE position(convert_to('%s', 'UTF8') IN "
              "token_hash) > 0",
              token);
    ck_assert_int_eq (test_query_int (s.db, sql), 0);

    gw_user u;
    unsigned mask;
    ck_assert_int_eq (lookup (&s, hash, &mask, &u), 1);
    ck_assert_int_eq (u.id, ed.id);
    ck_assert_str_eq (u.username, "editor.one");
    ck_assert_int_eq (u.unit_id, 7);
    ck_assert_str_eq (u.roles, "editor");
    ck_assert_uint_eq (mask, GW_R_EDITOR);
    /* What that caller may do: staff routes, not an admin's, not a broadcaster's. */
    ck_assert_int_eq (
        gw_auth_decide (allow_of ("GET", "/api/v1/auth/me"), GW_AUTH_STAFF, mask, NULL), 0);
    ck_assert_int_eq (
        gw_auth_decide (allow_of ("GET", "/api/v1/api-keys"), GW_AUTH_STAFF, mask, NULL), 403);
    ck_assert_int_eq (
        gw_auth_decide (allow_of ("GET", "/api/v1/media/feed"), GW_AUTH_STAFF, mask, NULL), 403);

    /* A token never issued, or one character off, is nobody. */
    unsigned char other[32];
    char forged[64];
    snprintf (forged, sizeof forged, "%s", token);
    forged[0] = forged[0] == 'A' ? 'B' : 'A';
    auth_secret_hash (forged, other);
    ck_assert_int_eq (lookup (&s, other, &mask, &u), 0);

    /* Revoked (logout): nobody; revoking again finds nothing to revoke. */
    ck_assert_int_eq (gw_store_session_revoke (s.db, hash), GW_STORE_OK);
    ck_assert_int_eq (lookup (&s, hash, &mask, &u), 0);
    ck_assert_int_eq (gw_store_session_revoke (s.db, hash), GW_STORE_NOT_FOUND);
    test_schema_fini (&s);
}
END_TEST

START_TEST (expired_and_ended_sessions)
{
    test_schema s;
    gateway_schema (&s);
    gw_user ed = new_user (&s, "editor.two", "{editor}");
    char token[64];
    unsigned char expired[32], a[32], b[32];
    gw_user u;
    unsigned mask;
    issue (&s, ed.id, -1, token, expired);
    ck_assert_int_eq (lookup (&s, expired, &mask, &u), 0);

    /* A disabled user's sessions are nobody's, and ending them is for good. */
    issue (&s, ed.id, 3600, token, a);
    issue (&s, ed.id, 3600, token, b);
    ck_assert_int_eq (lookup (&s, a, &mask, &u), 1);
    gw_user_change off = {.has_active = 1, .active = 0};
    ck_assert_int_eq (gw_store_user_update (s.db, ed.id, &off, &u), GW_STORE_OK);
    ck_assert_int_eq (lookup (&s, a, &mask, &u), 0);
    ck_assert_int_eq (lookup (&s, b, &mask, &u), 0);
    ck_assert_int_eq (gw_store_sessions_end (s.db, ed.id), GW_STORE_OK);
    gw_user_change on = {.has_active = 1, .active = 1};
    ck_assert_int_eq (gw_store_user_update (s.db, ed.id, &on, &u), GW_STORE_OK);
    ck_assert_int_eq (lookup (&s, a, &mask, &u), 0);
    ck_assert_int_eq (lookup (&s, b, &mask, &u), 0);
    test_schema_fini (&s);
}
END_TEST

/* Sessions end after LOA_SESSION_IDLE_S without use; a session in use is
 * marked used (at most every minute), so that it never looks idle. */
START_TEST (idle_sessions_end)
{
    test_schema s;
    gateway_schema (&s);
    gw_user ed = new_user (&s, "idle.one", "{editor}");
    char token[64];
    unsigned char hash[32];
    issue (&s, ed.id, 86400, token, hash);
    gw_user u;
    ck_assert_int_eq (gw_store_session_user (s.db, hash, 3600, &u), 1);
    exec_ok (s.db, "UPDATE sessions SET last_seen_at = now() - interval '2 hours'");
    ck_assert_int_eq (gw_store_session_user (s.db, hash, 3600, &u), 0);
    ck_assert_int_eq (gw_store_session_user (s.db, hash, 0, &u), 1); /* no idle limit */
    /* Used two minutes ago: alive, and marked used now. */
    exec_ok (s.db, "UPDATE sessions SET last_seen_at = now() - interval '2 minutes'");
    ck_assert_int_eq (gw_store_session_user (s.db, hash, 3600, &u), 1);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM sessions "
                                            "WHERE last_seen_at > now() - interval '10 seconds'"),
                      1);
    /* Used 30 s ago: alive, not written again (once a minute is enough). */
    exec_ok (s.db, "UPDATE sessions SET last_seen_at = now() - interval '30 seconds'");
    ck_assert_int_eq (gw_store_session_user (s.db, hash, 3600, &u), 1);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM sessions "
                                            "WHERE last_seen_at > now() - interval '10 seconds'"),
                      0);
    /* A short idle period is watched more closely (a quarter of it). */
    ck_assert_int_eq (gw_store_session_user (s.db, hash, 40, &u), 1);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM sessions "
                                            "WHERE last_seen_at > now() - interval '10 seconds'"),
                      1);
    test_schema_fini (&s);
}
END_TEST

/* The sweep deletes sessions a day after they ended (expired, revoked,
 * idle) and throttle rows a day after their last failure unless they
 * still block; nothing else. */
START_TEST (sweep_deletes_old_rows_only)
{
    test_schema s;
    gateway_schema (&s);
    ck_assert_int_eq (gw_store_prepare_sweep (s.db), 0);
    gw_user ed = new_user (&s, "sweep.one", "{editor}");
    char token[64], sql[400];
    unsigned char hash[32];
    static const char *const cases[] = {
        "expires_at = now() - interval '2 days'", /* swept */
        "revoked_at = now() - interval '2 days'", /* swept */
        "last_seen_at = now() - interval '1 hour' - interval '25 hours'", /* swept */
        "revoked_at = now() - interval '1 hour'", /* kept */
        "expires_at = now() - interval '1 hour'", /* kept */
        "last_seen_at = now() - interval '5 minutes'", /* kept: live */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        issue (&s, ed.id, 86400, token, hash);
        snprintf (sql, sizeof sql,
                  "UPDATE sessions SET %s WHERE id = (SELECT max(id) FROM sessions)", cases[i]);
        exec_ok (s.db, sql);
    }
    exec_ok (s.db, "INSERT INTO login_throttle VALUES "
                   "('addr:192.0.2.1', 3, now() - interval '2 days', NULL), "
                   "('addr:192.0.2.2', 30, now() - interval '2 days', now() + interval '1 hour'), "
                   "('addr:192.0.2.3', 1, now() - interval '1 hour', NULL)");
    long long sessions = -1, throttle = -1;
    ck_assert_int_eq (gw_store_sweep (s.db, 3600, &sessions, &throttle), GW_STORE_OK);
    ck_assert_int_eq (sessions, 3);
    ck_assert_int_eq (throttle, 1);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM sessions"), 3);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM login_throttle "
                                            "WHERE key IN ('addr:192.0.2.2', 'addr:192.0.2.3')"),
                      2);
    /* Again: nothing more to do. */
    ck_assert_int_eq (gw_store_sweep (s.db, 3600, &sessions, &throttle), GW_STORE_OK);
    ck_assert_int_eq (sessions + throttle, 0);
    test_schema_fini (&s);
}
END_TEST

START_TEST (roles_are_read_at_each_lookup)
{
    test_schema s;
    gateway_schema (&s);
    gw_user nobody = new_user (&s, "no.roles", "{}");
    char token[64];
    unsigned char hash[32];
    issue (&s, nobody.id, 3600, token, hash);
    gw_user u;
    unsigned mask;
    const unsigned admin = allow_of ("GET", "/api/v1/api-keys");
    ck_assert_int_eq (lookup (&s, hash, &mask, &u), 1);
    ck_assert_str_eq (u.roles, "");
    ck_assert_uint_eq (mask, 0);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_STAFF, mask, NULL), 403);
    ck_assert_int_eq (
        gw_auth_decide (allow_of ("GET", "/api/v1/auth/me"), GW_AUTH_STAFF, mask, NULL), 0);

    /* Made admin: the same token now has the role; taken away, not. */
    gw_user_change up = {.roles = "{admin,reviewer}"};
    ck_assert_int_eq (gw_store_user_update (s.db, nobody.id, &up, &u), GW_STORE_OK);
    ck_assert_int_eq (lookup (&s, hash, &mask, &u), 1);
    ck_assert_uint_eq (mask, GW_R_ADMIN | GW_R_REVIEWER);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_STAFF, mask, NULL), 0);
    gw_user_change down = {.roles = "{reviewer}"};
    ck_assert_int_eq (gw_store_user_update (s.db, nobody.id, &down, &u), GW_STORE_OK);
    ck_assert_int_eq (lookup (&s, hash, &mask, &u), 1);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_STAFF, mask, NULL), 403);
    /* A role the gateway does not know is refused by the table. */
    gw_user_change bad = {.roles = "{superuser}"};
    ck_assert_int_eq (gw_store_user_update (s.db, nobody.id, &bad, &u), GW_STORE_ERROR);
    test_schema_fini (&s);
}
END_TEST

START_TEST (api_keys)
{
    test_schema s;
    gateway_schema (&s);
    gw_user admin = new_user (&s, "admin.one", "{admin}");
    const unsigned feed = allow_of ("GET", "/api/v1/media/feed");
    const unsigned staff = allow_of ("GET", "/api/v1/auth/me");

    char key[64], prefix[16];
    unsigned char hash[32];
    gw_auth_new_key (key, sizeof key, hash, prefix);
    ck_assert_uint_eq (strlen (key), 47);
    ck_assert_int_eq (strncmp (key, "loa_", 4), 0);
    ck_assert_int_eq (strncmp (key, prefix, 12), 0);
    ck_assert_uint_eq (strlen (prefix), 12);
    json_t *out = NULL;
    ck_assert_int_eq (gw_store_api_key_create (s.db, "Đài PT-TH", "broadcaster", hash, prefix, NULL,
                                               admin.id, &out),
                      GW_STORE_OK);
    int64_t id = json_integer_value (json_object_get (out, "id"));
    ck_assert_int_gt (id, 0);
    ck_assert_str_eq (json_string_value (json_object_get (out, "kind")), "broadcaster");
    json_decref (out);

    int64_t found_id = 0;
    char kind[24] = "";
    ck_assert_int_eq (gw_store_api_key_find (s.db, hash, &found_id, kind), 1);
    ck_assert_int_eq (found_id, id);
    ck_assert_str_eq (kind, "broadcaster");
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_KEY, 0, kind), 0);
    ck_assert_int_eq (gw_auth_decide (staff, GW_AUTH_KEY, 0, kind), 403);
    char sql[128];
    snprintf (sql, sizeof sql,
              "SELECT count(*) FROM api_keys WHERE id = %lld AND last_used_at IS NOT NULL",
              (long long) id);
    ck_assert_int_eq (test_query_int (s.db, sql), 1);

    /* Revoked: nobody (twice is no error). */
    ck_assert_int_eq (gw_store_api_key_revoke (s.db, id), GW_STORE_OK);
    ck_assert_int_eq (gw_store_api_key_find (s.db, hash, &found_id, kind), 0);
    ck_assert_int_eq (gw_store_api_key_revoke (s.db, id), GW_STORE_OK);

    /* Expired: nobody; expiring later: live. */
    unsigned char old_hash[32], later_hash[32], o311_hash[32], unknown[32];
    gw_auth_new_key (key, sizeof key, old_hash, prefix);
    ck_assert_int_eq (gw_store_api_key_create (s.db, "old", "broadcaster", old_hash, prefix,
                                               "2000-01-01T00:00:00Z", admin.id, &out),
                      GW_STORE_OK);
    json_decref (out);
    ck_assert_int_eq (gw_store_api_key_find (s.db, old_hash, &found_id, kind), 0);
    gw_auth_new_key (key, sizeof key, later_hash, prefix);
    ck_assert_int_eq (gw_store_api_key_create (s.db, "later", "broadcaster", later_hash, prefix,
                                               "2999-01-01T00:00:00Z", admin.id, &out),
                      GW_STORE_OK);
    json_decref (out);
    ck_assert_int_eq (gw_store_api_key_find (s.db, later_hash, &found_id, kind), 1);

    /* Another kind is found as that kind, and is no broadcaster. */
    gw_auth_new_key (key, sizeof key, o311_hash, prefix);
    ck_assert_int_eq (gw_store_api_key_create (s.db, "app", "open311_client", o311_hash, prefix,
                                               NULL, admin.id, &out),
                      GW_STORE_OK);
    json_decref (out);
    ck_assert_int_eq (gw_store_api_key_find (s.db, o311_hash, &found_id, kind), 1);
    ck_assert_str_eq (kind, "open311_client");
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_KEY, 0, kind), 403);

    /* A key never made, and a kind that does not exist. */
    gw_auth_new_key (key, sizeof key, unknown, prefix);
    ck_assert_int_eq (gw_store_api_key_find (s.db, unknown, &found_id, kind), 0);
    out = NULL;
    ck_assert_int_eq (
        gw_store_api_key_create (s.db, "x", "admin", unknown, prefix, NULL, admin.id, &out),
        GW_STORE_ERROR);
    ck_assert_ptr_null (out);
    test_schema_fini (&s);
}
END_TEST

START_TEST (passwords)
{
    ck_assert_int_eq (auth_secret_init (), 0);
    char hash[crypto_pwhash_STRBYTES];
    ck_assert_int_eq (auth_hash_password ("correct horse battery", hash), 0);
    ck_assert_int_eq (strncmp (hash, "$argon2id$", 10), 0);
    ck_assert_int_eq (auth_password_ok (hash, "correct horse battery"), 1);
    ck_assert_int_eq (auth_password_ok (hash, "correct horse batterx"), 0);
    ck_assert_int_eq (auth_password_ok (NULL, "correct horse battery"), 0);
}
END_TEST

Suite *auth_store_suite (void)
{
    Suite *s = suite_create ("gateway/auth store");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, token_issue_lookup_revoke);
    tcase_add_test (tc, expired_and_ended_sessions);
    tcase_add_test (tc, idle_sessions_end);
    tcase_add_test (tc, sweep_deletes_old_rows_only);
    tcase_add_test (tc, roles_are_read_at_each_lookup);
    tcase_add_test (tc, api_keys);
    tcase_add_test (tc, passwords);
    suite_add_tcase (s, tc);
    return s;
}
