#include "auth/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"

#define USER_COLS                                                                                  \
    "id, username, full_name, coalesce(unit_id, 0), array_to_string(roles, ','), active, "         \
    "rfc3339(created_at), rfc3339(updated_at), email, must_change_password"

/* An admitted attempt's count, from the locked row: a count older than 15
 * minutes restarts. */
#define TAKE_COUNT                                                                                 \
    "(CASE WHEN t.last_failure < now() - interval '15 minutes' THEN 1 ELSE t.failures + 1 END)"

static const loa_stmt statements[] = {
    {"user_by_name", "SELECT " USER_COLS ", password_hash FROM users WHERE username = $1"},
    {"user_get", "SELECT " USER_COLS " FROM users WHERE id = $1"},
    {"user_password", "SELECT " USER_COLS ", password_hash FROM users WHERE id = $1"},
    {"user_insert",
     "INSERT INTO users (username, full_name, unit_id, roles, password_hash, email) "
     "VALUES ($1, $2, nullif($3::bigint, 0), $4::text[], $5, $6) RETURNING " USER_COLS},
    {"user_update",
     "UPDATE users SET full_name = coalesce($2, full_name), "
     "unit_id = CASE WHEN $3::bigint IS NULL THEN unit_id ELSE nullif($3::bigint, 0) END, "
     "roles = coalesce($4::text[], roles), active = coalesce($5::boolean, active), "
     "password_hash = coalesce($6, password_hash), email = coalesce($7, email), "
     "updated_at = now() "
     "WHERE id = $1 RETURNING " USER_COLS},
    {"other_admins",
     "SELECT count(*) FROM users WHERE active AND 'admin' = ANY (roles) AND id <> $1"},
    {"users_list",
     "SELECT " USER_COLS ", count(*) OVER () FROM users ORDER BY id LIMIT $1 OFFSET $2"},
    {"users_count", "SELECT count(*) FROM users"},
    /* The staff directory: names of the given users (active or not: a
     * history names people who may have left). */
    {"staff_names", "SELECT id, full_name, coalesce(unit_id, 0) FROM users "
                    "WHERE id = ANY ($1::bigint[]) ORDER BY id"},
    {"session_insert", "INSERT INTO sessions (token_hash, user_id, client_addr, expires_at) "
                       "VALUES ($1, $2, $3, now() + make_interval(secs => $4)) "
                       "RETURNING rfc3339(expires_at)"},
    /* A live session's user ($2: the idle period in seconds, 0 for none;
     * $3: how old last_seen_at may grow before it is written again), with
     * the session's id and whether to touch it. */
    {"session_user",
     "SELECT u.id, u.username, u.full_name, coalesce(u.unit_id, 0), "
     "array_to_string(u.roles, ','), u.active, rfc3339(u.created_at), "
     "rfc3339(u.updated_at), s.id, s.last_seen_at < now() - make_interval(secs => $3), "
     "u.must_change_password "
     "FROM sessions s JOIN users u ON u.id = s.user_id "
     "WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() "
     "AND ($2::int = 0 OR s.last_seen_at > now() - make_interval(secs => $2)) AND u.active"},
    {"session_touch", "UPDATE sessions SET last_seen_at = now() WHERE id = $1"},
    {"session_revoke", "UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 "
                       "AND revoked_at IS NULL"},
    {"sessions_end", "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 "
                     "AND revoked_at IS NULL"},
    /* A user's own password change: only if the hash is still the one the
     * current password was checked against, and in the same statement
     * every other session of the user ends ($4: the session kept); a
     * one-time password's mark goes with it. */
    {"password_change",
     "WITH u AS (UPDATE users SET password_hash = $2, must_change_password = false, "
     "updated_at = now() "
     "WHERE id = $1 AND password_hash = $3 AND active RETURNING id), "
     "s AS (UPDATE sessions SET revoked_at = now() WHERE user_id IN (SELECT id FROM u) "
     "AND token_hash <> $4 AND revoked_at IS NULL) SELECT count(*) FROM u"},
    /* An admin's reset: a one-time password, to be changed at the next
     * login, and every session of the user ends, in one statement. */
    {"password_reset",
     "WITH s AS (UPDATE sessions SET revoked_at = now() WHERE user_id = $1 "
     "AND revoked_at IS NULL) UPDATE users SET password_hash = $2, "
     "must_change_password = true, updated_at = now() WHERE id = $1 RETURNING " USER_COLS},
    {"api_key_insert",
     "INSERT INTO api_keys (name, kind, key_hash, key_prefix, expires_at, created_by) "
     "VALUES ($1, $2, $3, $4, $5::timestamptz, nullif($6::bigint, 0)) "
     "RETURNING id, name, kind, key_prefix, rfc3339(created_at), rfc3339(expires_at)"},
    {"api_keys_list",
     "SELECT id, name, kind, key_prefix, rfc3339(created_at), rfc3339(expires_at), "
     "rfc3339(revoked_at), rfc3339(last_used_at) FROM api_keys ORDER BY id"},
    {"api_key_revoke",
     "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1"},
    {"api_key_delete", "DELETE FROM api_keys WHERE id = $1"},
    {"api_key_find", "UPDATE api_keys SET last_used_at = now() WHERE key_hash = $1 "
                     "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) "
                     "RETURNING id, kind"},
    {"time_future", "SELECT $1::timestamptz > now()"},
    /* One attempt of `key` ($1), counted before the password is checked,
     * in one statement, so that parallel attempts cannot pass the limit:
     * refused (nothing changes) while blocked; else counted (a count older
     * than 15 minutes restarts at 1), and the count reaching $2 blocks the
     * key for $3 seconds, doubled for each attempt beyond, at most 15
     * minutes. Admitted: last_failure is this transaction's now(). */
    {"throttle_take",
     "INSERT INTO login_throttle AS t (key, failures, last_failure, blocked_until) "
     "VALUES ($1, 1, now(), CASE WHEN 1 >= $2::int THEN now() + make_interval(secs => $3::int) "
     "END) ON CONFLICT (key) DO UPDATE SET "
     "failures = CASE WHEN t.blocked_until > now() THEN t.failures ELSE " TAKE_COUNT " END, "
     "last_failure = CASE WHEN t.blocked_until > now() THEN t.last_failure ELSE now() END, "
     "blocked_until = CASE WHEN t.blocked_until > now() THEN t.blocked_until "
     "WHEN " TAKE_COUNT " >= $2::int THEN now() + make_interval(secs => "
     "least($3::int * power(2, " TAKE_COUNT " - $2::int), 900)) ELSE t.blocked_until END "
     "RETURNING last_failure = now(), "
     "coalesce(ceil(extract(epoch FROM blocked_until - now())), 0)::bigint"},
    /* An attempt that was no failure after all (it succeeded, or another
     * key refused it): uncounted, and the block it set lifted. */
    {"throttle_undo",
     "UPDATE login_throttle SET failures = greatest(failures - 1, 0), "
     "blocked_until = CASE WHEN failures - 1 < $2::int THEN NULL ELSE blocked_until END "
     "WHERE key = $1"},
    /* A success: the failures of its username from its address ($1) are
     * forgiven, and taken off its address's ($2) and its account's ($4)
     * counts too, each block lifted below its threshold ($3, $5). The
     * counts restart after 15 quiet minutes each on its own, so what is
     * taken off may be a little more or less than what $1 added; never
     * below 0. One statement: no other attempt sees half of it. */
    {"throttle_forgive",
     "WITH gone AS (DELETE FROM login_throttle WHERE key = $1 RETURNING failures) "
     "UPDATE login_throttle t SET failures = greatest(t.failures - g.failures, 0), "
     "blocked_until = CASE WHEN t.failures - g.failures < "
     "CASE WHEN t.key = $2 THEN $3::int ELSE $5::int END THEN NULL ELSE t.blocked_until END "
     "FROM gone g WHERE t.key IN ($2, $4)"},
    {NULL, NULL},
};

int gw_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

/* The sweep's (its own connection: gw_auth_sweep). Ended sessions are kept
 * a day, then deleted ($1: the idle period in seconds, 0 for none); a
 * throttle row a day after its last failure, once no longer blocking. */
static const loa_stmt sweep_statements[] = {
    {"sweep_sessions", "DELETE FROM sessions WHERE expires_at < now() - interval '1 day' "
                       "OR revoked_at < now() - interval '1 day' OR ($1::int > 0 AND "
                       "last_seen_at < now() - make_interval(secs => $1) - interval '1 day')"},
    {"sweep_throttle", "DELETE FROM login_throttle WHERE last_failure < now() - interval '1 day' "
                       "AND (blocked_until IS NULL OR blocked_until < now())"},
    {NULL, NULL},
};

int gw_store_prepare_sweep (PGconn *db) { return loa_db_prepare (db, sweep_statements); }

/* Runs a prepared statement; text params, except those marked binary in
 * `binary` (bit i = param i, 32 bytes long: our hashes). */
static PGresult *run (PGconn *db, const char *stmt, int n, const char *const *vals, unsigned binary)
{
    int lengths[8] = {0}, formats[8] = {0};
    for (int i = 0; i < n && i < 8; i++)
        if (binary & (1u << i)) {
            lengths[i] = 32;
            formats[i] = 1;
        }
    PGresult *res = PQexecPrepared (db, stmt, n, vals, lengths, formats, 0);
    ExecStatusType st = PQresultStatus (res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && !loa_db_is_state (res, "23505"))
        loa_error (NULL, "gateway store: %s: %s", stmt, loa_db_error (res));
    return res;
}

static int ok (const PGresult *res)
{
    ExecStatusType st = PQresultStatus (res);
    return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

static void fill_user (const PGresult *res, int row, gw_user *u)
{
    memset (u, 0, sizeof *u);
    u->id = atoll (PQgetvalue (res, row, 0));
    snprintf (u->username, sizeof u->username, "%s", PQgetvalue (res, row, 1));
    snprintf (u->full_name, sizeof u->full_name, "%s", PQgetvalue (res, row, 2));
    u->unit_id = atoll (PQgetvalue (res, row, 3));
    snprintf (u->roles, sizeof u->roles, "%s", PQgetvalue (res, row, 4));
    u->active = PQgetvalue (res, row, 5)[0] == 't';
    snprintf (u->created_at, sizeof u->created_at, "%s", PQgetvalue (res, row, 6));
    snprintf (u->updated_at, sizeof u->updated_at, "%s", PQgetvalue (res, row, 7));
    int email = PQfnumber (res, "email"); /* not in the session's own columns */
    if (email >= 0)
        snprintf (u->email, sizeof u->email, "%s", PQgetvalue (res, row, email));
    int must = PQfnumber (res, "must_change_password");
    if (must >= 0)
        u->must_change_password = PQgetvalue (res, row, must)[0] == 't';
}

json_t *gw_user_json (const gw_user *u)
{
    json_t *roles = json_array ();
    char buf[sizeof u->roles];
    snprintf (buf, sizeof buf, "%s", u->roles);
    char *save = NULL;
    for (char *r = strtok_r (buf, ",", &save); r; r = strtok_r (NULL, ",", &save))
        json_array_append_new (roles, json_string (r));
    return json_pack ("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:s, s:s, s:b}", "id",
                      (json_int_t) u->id, "username", u->username, "full_name", u->full_name,
                      "email", u->email, "unit_id",
                      u->unit_id ? json_integer (u->unit_id) : json_null (), "roles", roles,
                      "active", u->active, "created_at", u->created_at, "updated_at", u->updated_at,
                      "must_change_password", u->must_change_password);
}

/* One user row or none: 1 / 0 / -1, filling *u (and the extra column into
 * extra when given). */
static int one_user (PGresult *res, gw_user *u, char *extra, size_t cap)
{
    int rc = !ok (res) ? GW_STORE_ERROR : PQntuples (res) == 0 ? 0 : 1;
    if (rc == 1) {
        fill_user (res, 0, u);
        if (extra) /* the column after the user's */
            snprintf (extra, cap, "%s", PQgetvalue (res, 0, PQnfields (res) - 1));
    }
    PQclear (res);
    return rc;
}

int gw_store_user_by_name (PGconn *db, const char *username, gw_user *u, char *hash, size_t cap)
{
    const char *vals[] = {username};
    return one_user (run (db, "user_by_name", 1, vals, 0), u, hash, cap);
}

int gw_store_user_get (PGconn *db, int64_t id, gw_user *u)
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    const char *vals[] = {id_s};
    return one_user (run (db, "user_get", 1, vals, 0), u, NULL, 0);
}

int gw_store_user_password (PGconn *db, int64_t id, gw_user *u, char *hash, size_t cap)
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    const char *vals[] = {id_s};
    return one_user (run (db, "user_password", 1, vals, 0), u, hash, cap);
}

int gw_store_password_change (PGconn *db, int64_t id, const char *old_hash, const char *new_hash,
                              const unsigned char keep_session[32])
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    const char *vals[] = {id_s, new_hash, old_hash, (const char *) keep_session};
    PGresult *res = run (db, "password_change", 4, vals, 1u << 3);
    int rc = !ok (res)                            ? GW_STORE_ERROR
             : atoll (PQgetvalue (res, 0, 0)) > 0 ? GW_STORE_OK
                                                  : GW_STORE_CONFLICT;
    PQclear (res);
    return rc;
}

int gw_store_password_reset (PGconn *db, int64_t id, const char *new_hash, gw_user *out)
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    const char *vals[] = {id_s, new_hash};
    int rc = one_user (run (db, "password_reset", 2, vals, 0), out, NULL, 0);
    return rc == 1 ? GW_STORE_OK : rc == 0 ? GW_STORE_NOT_FOUND : GW_STORE_ERROR;
}

int gw_store_user_create (PGconn *db, const char *username, const char *full_name, int64_t unit_id,
                          const char *roles, const char *password_hash, const char *email,
                          gw_user *out)
{
    char unit[24];
    snprintf (unit, sizeof unit, "%lld", (long long) unit_id);
    const char *vals[] = {username, full_name, unit, roles, password_hash, email ? email : ""};
    PGresult *res = run (db, "user_insert", 6, vals, 0);
    if (loa_db_is_state (res, "23505")) {
        PQclear (res);
        return GW_STORE_CONFLICT;
    }
    int rc = one_user (res, out, NULL, 0);
    return rc == 1 ? GW_STORE_OK : GW_STORE_ERROR;
}

int gw_store_user_update (PGconn *db, int64_t id, const gw_user_change *ch, gw_user *out)
{
    char id_s[24], unit[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    snprintf (unit, sizeof unit, "%lld", (long long) ch->unit_id);
    const char *vals[] = {id_s,
                          ch->full_name,
                          ch->has_unit_id ? unit : NULL,
                          ch->roles,
                          ch->has_active ? (ch->active ? "true" : "false") : NULL,
                          ch->password_hash,
                          ch->email};
    int rc = one_user (run (db, "user_update", 7, vals, 0), out, NULL, 0);
    return rc == 1 ? GW_STORE_OK : rc == 0 ? GW_STORE_NOT_FOUND : GW_STORE_ERROR;
}

static long long scalar (PGresult *res)
{
    long long v = ok (res) && PQntuples (res) == 1 ? atoll (PQgetvalue (res, 0, 0)) : -1;
    PQclear (res);
    return v;
}

long long gw_store_other_admins (PGconn *db, int64_t except_id)
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) except_id);
    const char *vals[] = {id_s};
    return scalar (run (db, "other_admins", 1, vals, 0));
}

int gw_store_users_list (PGconn *db, int page, int per_page, json_t **items, long long *total)
{
    char limit[24], offset[24];
    snprintf (limit, sizeof limit, "%d", per_page);
    snprintf (offset, sizeof offset, "%lld", (long long) (page - 1) * per_page);
    const char *vals[] = {limit, offset};
    PGresult *res = run (db, "users_list", 2, vals, 0);
    if (!ok (res)) {
        PQclear (res);
        return GW_STORE_ERROR;
    }
    *items = json_array ();
    int n = PQntuples (res);
    for (int i = 0; i < n; i++) {
        gw_user u;
        fill_user (res, i, &u);
        json_array_append_new (*items, gw_user_json (&u));
    }
    *total = n ? atoll (PQgetvalue (res, 0, PQnfields (res) - 1))
               : scalar (run (db, "users_count", 0, NULL, 0));
    PQclear (res);
    return *total < 0 ? GW_STORE_ERROR : GW_STORE_OK;
}

int gw_store_staff_names (PGconn *db, const char *ids, json_t **items)
{
    const char *vals[] = {ids};
    PGresult *res = run (db, "staff_names", 1, vals, 0);
    if (!ok (res)) {
        PQclear (res);
        return GW_STORE_ERROR;
    }
    *items = json_array ();
    for (int i = 0; i < PQntuples (res); i++)
        json_array_append_new (*items, json_pack ("{s:I, s:s, s:I}", "id",
                                                  (json_int_t) atoll (PQgetvalue (res, i, 0)),
                                                  "full_name", PQgetvalue (res, i, 1), "unit_id",
                                                  (json_int_t) atoll (PQgetvalue (res, i, 2))));
    PQclear (res);
    return GW_STORE_OK;
}

int gw_store_session_create (PGconn *db, const unsigned char hash[32], int64_t user_id, long ttl_s,
                             const char *client_addr, char expires_at[40])
{
    char uid[24], ttl[24];
    snprintf (uid, sizeof uid, "%lld", (long long) user_id);
    snprintf (ttl, sizeof ttl, "%ld", ttl_s);
    const char *vals[] = {(const char *) hash, uid, client_addr, ttl};
    PGresult *res = run (db, "session_insert", 4, vals, 1u << 0);
    int rc = ok (res) && PQntuples (res) == 1 ? GW_STORE_OK : GW_STORE_ERROR;
    if (rc == GW_STORE_OK)
        snprintf (expires_at, 40, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return rc;
}

int gw_store_session_user (PGconn *db, const unsigned char hash[32], long idle_s, gw_user *u)
{
    char idle[24], touch[24];
    snprintf (idle, sizeof idle, "%ld", idle_s);
    /* Written at most every minute, or every quarter of a shorter idle
     * period, so that a session in use never looks idle. */
    double every = idle_s > 0 && idle_s < 240 ? idle_s / 4.0 : 60.0;
    snprintf (touch, sizeof touch, "%.3f", every);
    const char *vals[] = {(const char *) hash, idle, touch};
    PGresult *res = run (db, "session_user", 3, vals, 1u << 0);
    if (ok (res) && PQntuples (res) == 1 && PQgetvalue (res, 0, 9)[0] == 't') {
        const char *id[] = {PQgetvalue (res, 0, 8)};
        PQclear (run (db, "session_touch", 1, id, 0));
    }
    return one_user (res, u, NULL, 0);
}

static int command (PGresult *res)
{
    int rc = ok (res) ? (atoi (PQcmdTuples (res)) > 0 ? GW_STORE_OK : GW_STORE_NOT_FOUND)
                      : GW_STORE_ERROR;
    PQclear (res);
    return rc;
}

int gw_store_session_revoke (PGconn *db, const unsigned char hash[32])
{
    const char *vals[] = {(const char *) hash};
    return command (run (db, "session_revoke", 1, vals, 1u << 0));
}

int gw_store_sessions_end (PGconn *db, int64_t user_id)
{
    char uid[24];
    snprintf (uid, sizeof uid, "%lld", (long long) user_id);
    const char *vals[] = {uid};
    int rc = command (run (db, "sessions_end", 1, vals, 0));
    return rc == GW_STORE_ERROR ? rc : GW_STORE_OK;
}

static json_t *opt_string (const PGresult *res, int row, int col)
{
    return PQgetisnull (res, row, col) ? json_null () : json_string (PQgetvalue (res, row, col));
}

int gw_store_api_key_create (PGconn *db, const char *name, const char *kind,
                             const unsigned char hash[32], const char *prefix,
                             const char *expires_at, int64_t created_by, json_t **out)
{
    char by[24];
    snprintf (by, sizeof by, "%lld", (long long) created_by);
    const char *vals[] = {name, kind, (const char *) hash, prefix, expires_at, by};
    PGresult *res = run (db, "api_key_insert", 6, vals, 1u << 2);
    if (!ok (res) || PQntuples (res) != 1) {
        PQclear (res);
        return GW_STORE_ERROR;
    }
    *out = json_pack ("{s:I, s:s, s:s, s:s, s:s, s:o}", "id",
                      (json_int_t) atoll (PQgetvalue (res, 0, 0)), "name", PQgetvalue (res, 0, 1),
                      "kind", PQgetvalue (res, 0, 2), "prefix", PQgetvalue (res, 0, 3),
                      "created_at", PQgetvalue (res, 0, 4), "expires_at", opt_string (res, 0, 5));
    PQclear (res);
    return GW_STORE_OK;
}

int gw_store_api_keys_list (PGconn *db, json_t **items)
{
    PGresult *res = run (db, "api_keys_list", 0, NULL, 0);
    if (!ok (res)) {
        PQclear (res);
        return GW_STORE_ERROR;
    }
    *items = json_array ();
    for (int i = 0; i < PQntuples (res); i++)
        json_array_append_new (
            *items,
            json_pack ("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "id",
                       (json_int_t) atoll (PQgetvalue (res, i, 0)), "name", PQgetvalue (res, i, 1),
                       "kind", PQgetvalue (res, i, 2), "prefix", PQgetvalue (res, i, 3),
                       "created_at", PQgetvalue (res, i, 4), "expires_at", opt_string (res, i, 5),
                       "revoked_at", opt_string (res, i, 6), "last_used_at", opt_string (res, i, 7),
                       "revoked", !PQgetisnull (res, i, 6)));
    PQclear (res);
    return GW_STORE_OK;
}

int gw_store_api_key_revoke (PGconn *db, int64_t id)
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    const char *vals[] = {id_s};
    return command (run (db, "api_key_revoke", 1, vals, 0));
}

int gw_store_api_key_delete (PGconn *db, int64_t id)
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    const char *vals[] = {id_s};
    return command (run (db, "api_key_delete", 1, vals, 0));
}

int gw_store_api_key_find (PGconn *db, const unsigned char hash[32], int64_t *id, char kind[24])
{
    const char *vals[] = {(const char *) hash};
    PGresult *res = run (db, "api_key_find", 1, vals, 1u << 0);
    int rc = !ok (res) ? GW_STORE_ERROR : PQntuples (res) == 0 ? 0 : 1;
    if (rc == 1) {
        *id = atoll (PQgetvalue (res, 0, 0));
        snprintf (kind, 24, "%s", PQgetvalue (res, 0, 1));
    }
    PQclear (res);
    return rc;
}

long gw_store_throttle_take (PGconn *db, const char *key, int threshold, int base_s)
{
    char t[24], b[24];
    snprintf (t, sizeof t, "%d", threshold);
    snprintf (b, sizeof b, "%d", base_s);
    const char *vals[] = {key, t, b};
    PGresult *res = run (db, "throttle_take", 3, vals, 0);
    long rc = -1;
    if (ok (res) && PQntuples (res) == 1) {
        long wait = atol (PQgetvalue (res, 0, 1));
        rc = PQgetvalue (res, 0, 0)[0] == 't' ? 0 : wait > 0 ? wait : 1;
    }
    PQclear (res);
    return rc;
}

int gw_store_throttle_undo (PGconn *db, const char *key, int threshold)
{
    char t[24];
    snprintf (t, sizeof t, "%d", threshold);
    const char *vals[] = {key, t};
    int rc = command (run (db, "throttle_undo", 2, vals, 0));
    return rc == GW_STORE_ERROR ? rc : GW_STORE_OK;
}

int gw_store_throttle_forgive (PGconn *db, const char *pair_key, const char *addr_key,
                               int addr_threshold, const char *account_key, int account_threshold)
{
    char at[24], ct[24];
    snprintf (at, sizeof at, "%d", addr_threshold);
    snprintf (ct, sizeof ct, "%d", account_threshold);
    const char *vals[] = {pair_key, addr_key, at, account_key, ct};
    int rc = command (run (db, "throttle_forgive", 5, vals, 0));
    return rc == GW_STORE_ERROR ? rc : GW_STORE_OK;
}

int gw_store_time_future (PGconn *db, const char *when)
{
    /* Only RFC 3339 with a zone: PostgreSQL alone would take "tomorrow". */
    size_t n = strlen (when);
    int zoned = n >= 20 && when[10] == 'T' &&
                (when[n - 1] == 'Z' || when[n - 6] == '+' || when[n - 6] == '-');
    if (!zoned)
        return -1;
    const char *vals[] = {when};
    PGresult *res = PQexecPrepared (db, "time_future", 1, vals, NULL, NULL, 0);
    int rc = ok (res) ? PQgetvalue (res, 0, 0)[0] == 't' : -1;
    PQclear (res);
    return rc;
}

int gw_store_sweep (PGconn *db, long idle_s, long long *sessions, long long *throttle)
{
    char idle[24];
    snprintf (idle, sizeof idle, "%ld", idle_s);
    const char *vals[] = {idle};
    PGresult *a = run (db, "sweep_sessions", 1, vals, 0);
    PGresult *b = run (db, "sweep_throttle", 0, NULL, 0);
    int rc = ok (a) && ok (b) ? GW_STORE_OK : GW_STORE_ERROR;
    *sessions = ok (a) ? atoll (PQcmdTuples (a)) : 0;
    *throttle = ok (b) ? atoll (PQcmdTuples (b)) : 0;
    PQclear (a);
    PQclear (b);
    return rc;
}
