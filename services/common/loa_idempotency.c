#include "loa_idempotency.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"

static int key_ok (const char *key)
{
    size_t n = strlen (key);
    if (n < 1 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (key[i] < 0x21 || key[i] > 0x7e)
            return 0;
    return 1;
}

/* The lock's text: caller, method and key (hashed by PostgreSQL). */
static char *lock_text (const loa_idem *st)
{
    size_t n = strlen (st->method) + strlen (st->key) + 48;
    char *s = malloc (n);
    if (s)
        snprintf (s, n, "%lld|%s|%s", (long long) st->user_id, st->method, st->key);
    return s;
}

static int advisory (PGconn *db, const loa_idem *st, const char *fn)
{
    char *text = lock_text (st);
    if (!text)
        return -1;
    char sql[96];
    snprintf (sql, sizeof sql, "SELECT %s(hashtextextended($1, 7))", fn);
    const char *vals[] = {text};
    PGresult *res = PQexecParams (db, sql, 1, NULL, vals, NULL, NULL, 0);
    int ok = PQresultStatus (res) == PGRES_TUPLES_OK;
    if (!ok)
        loa_error (NULL, "idempotency: %s: %s", fn, loa_db_error (res));
    PQclear (res);
    free (text);
    return ok ? 0 : -1;
}

loa_idem_result loa_idem_begin (PGconn *db, loa_idem *st, const Loa__Caller *caller,
                                const char *method, const char *key, const uint8_t *request,
                                size_t request_len, int *status, uint8_t **reply, size_t *reply_len)
{
    memset (st, 0, sizeof *st);
    *reply = NULL;
    *reply_len = 0;
    if (!key_ok (key))
        return LOA_IDEM_BAD_KEY;
    st->user_id = caller->user_id;
    st->method = method;
    if (caller->user_id)
        snprintf (st->key, sizeof st->key, "%s", key);
    else if (caller->api_key_id)
        snprintf (st->key, sizeof st->key, "key:%lld %s", (long long) caller->api_key_id, key);
    else
        snprintf (st->key, sizeof st->key, "addr:%.64s %s",
                  caller->client_addr ? caller->client_addr : "", key);
    crypto_hash_sha256 (st->hash, request, request_len);
    if (advisory (db, st, "pg_advisory_lock") != 0)
        return LOA_IDEM_ERROR;
    snprintf (st->lock_key, sizeof st->lock_key, "held");

    char user[24];
    snprintf (user, sizeof user, "%lld", (long long) st->user_id);
    const char *vals[] = {user, method, st->key};
    PGresult *res = PQexecParams (
        db,
        "SELECT request_hash, status, reply FROM idempotency WHERE user_id = $1 AND method = $2 "
        "AND key = $3 AND created_at > now() - interval '24 hours'",
        3, NULL, vals, NULL, NULL, 1 /* binary */);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_error (NULL, "idempotency: lookup: %s", loa_db_error (res));
        PQclear (res);
        loa_idem_finish (db, st, 0, 0, NULL, 0);
        return LOA_IDEM_ERROR;
    }
    if (PQntuples (res) == 0) {
        PQclear (res);
        return LOA_IDEM_NEW;
    }
    loa_idem_result r = LOA_IDEM_REPLAY;
    if (PQgetlength (res, 0, 0) != 32 || memcmp (PQgetvalue (res, 0, 0), st->hash, 32) != 0) {
        r = LOA_IDEM_MISMATCH;
    } else {
        const unsigned char *s = (const unsigned char *) PQgetvalue (res, 0, 1);
        *status =
            (int) ((uint32_t) s[0] << 24 | (uint32_t) s[1] << 16 | (uint32_t) s[2] << 8 | s[3]);
        *reply_len = (size_t) PQgetlength (res, 0, 2);
        *reply = malloc (*reply_len ? *reply_len : 1);
        if (*reply)
            memcpy (*reply, PQgetvalue (res, 0, 2), *reply_len);
        else
            r = LOA_IDEM_ERROR;
    }
    PQclear (res);
    loa_idem_finish (db, st, 0, 0, NULL, 0);
    return r;
}

void loa_idem_finish (PGconn *db, loa_idem *st, int status_ok, int status, const uint8_t *reply,
                      size_t reply_len)
{
    if (!st->lock_key[0])
        return;
    if (status_ok) {
        char user[24], status_s[16];
        snprintf (user, sizeof user, "%lld", (long long) st->user_id);
        snprintf (status_s, sizeof status_s, "%d", status);
        const char *vals[] = {user,     st->method,          st->key, (const char *) st->hash,
                              status_s, (const char *) reply};
        int lens[] = {0, 0, 0, 32, 0, (int) reply_len};
        int formats[] = {0, 0, 0, 1, 0, 1};
        PGresult *res = PQexecParams (
            db,
            "WITH gone AS (DELETE FROM idempotency WHERE created_at < now() - interval '24 hours') "
            "INSERT INTO idempotency (user_id, method, key, request_hash, status, reply) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, method, key) DO UPDATE SET "
            "request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, "
            "reply = EXCLUDED.reply, created_at = now()",
            6, NULL, vals, lens, formats, 0);
        if (PQresultStatus (res) != PGRES_COMMAND_OK)
            loa_error (NULL, "idempotency: store: %s", loa_db_error (res));
        PQclear (res);
    }
    advisory (db, st, "pg_advisory_unlock");
    st->lock_key[0] = '\0';
}
