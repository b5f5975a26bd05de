#include "notify_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"

#define WHO "notify store"

#define DELIVERY_COLS                                                                              \
    "id, key, kind, channel, recipient, subject, status, attempts, "                               \
    "CASE WHEN status = 'queued' THEN next_at END, last_error, provider_response, created_at, "    \
    "sent_at, broadcaster_id"

/* The list's filters: "" is any. */
#define LIST_WHERE                                                                                 \
    "WHERE ($1 = '' OR status = $1) AND ($2 = '' OR channel = $2) "                                \
    "AND ($3::bigint IS NULL OR broadcaster_id = $3)"

#define WEBHOOK_COLS "broadcaster_id, url, created_at, updated_at"

static const loa_stmt statements[] = {
    {"claim", "SELECT id, key, recipient, subject, body_text, body_html, attempts, "
              "extract(epoch FROM created_at)::bigint, coalesce(broadcaster_id, 0) FROM deliveries "
              "WHERE channel = $1 AND status = 'queued' AND next_at <= now() "
              "ORDER BY next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"},
    {"sent",
     "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, sent_at = now(), "
     "updated_at = now(), provider_response = left($2, 1000), last_error = '' WHERE id = $1"},
    {"later",
     "UPDATE deliveries SET attempts = attempts + 1, updated_at = now(), "
     "next_at = now() + $2::bigint * interval '1 millisecond', last_error = left($3, 1000) "
     "WHERE id = $1"},
    {"failed",
     "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, updated_at = now(), "
     "last_error = left($2, 1000) WHERE id = $1"},
    {"list", "SELECT " DELIVERY_COLS ", count(*) OVER () FROM deliveries " LIST_WHERE
             " ORDER BY id DESC LIMIT $4 OFFSET $5"},
    {"count", "SELECT count(*) FROM deliveries " LIST_WHERE},
    {"retry",
     "WITH d AS (SELECT id, status FROM deliveries WHERE id = $1 FOR UPDATE), "
     "u AS (UPDATE deliveries SET status = 'queued', attempts = 0, next_at = now(), "
     "updated_at = now() FROM d WHERE deliveries.id = d.id AND d.status = 'failed' "
     "RETURNING deliveries.*) "
     "SELECT " DELIVERY_COLS ", (SELECT status FROM d) FROM u "
     "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
     "NULL, NULL, status FROM d WHERE NOT EXISTS (SELECT 1 FROM u)"},
    /* A new secret with every PUT: the answer shows it, once. */
    {"webhook_put",
     "INSERT INTO webhooks (broadcaster_id, url, secret, created_by) "
     "VALUES ($1, $2, $3::bytea, $4::bigint) ON CONFLICT (broadcaster_id) DO UPDATE SET "
     "url = EXCLUDED.url, secret = EXCLUDED.secret, created_by = EXCLUDED.created_by, "
     "updated_at = now() RETURNING " WEBHOOK_COLS},
    {"webhook_get", "SELECT " WEBHOOK_COLS " FROM webhooks WHERE broadcaster_id = $1"},
    {"webhook_delete", "DELETE FROM webhooks WHERE broadcaster_id = $1"},
    {"webhook_secret", "SELECT url, secret FROM webhooks WHERE broadcaster_id = $1"},
    {"delivery_get", "SELECT " DELIVERY_COLS " FROM deliveries WHERE key = $1"},
    {NULL, NULL},
};

int notify_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

int notify_store_enqueue (PGconn *db, const notify_new *d)
{
    const char *vals[] = {d->key,     d->kind,      d->channel,  d->recipient,
                          d->subject, d->body_text, d->body_html};
    PGresult *res = loa_db_run (
        db, &(loa_db_query){.sql = "INSERT INTO deliveries (key, kind, channel, recipient, "
                                   "subject, body_text, body_html) "
                                   "VALUES ($1, $2, $3, $4, $5, $6, $7) "
                                   "ON CONFLICT (key) DO NOTHING",
                            .n = 7,
                            .vals = vals});
    int rc;
    if (PQresultStatus (res) == PGRES_COMMAND_OK)
        rc = atoi (PQcmdTuples (res)) > 0;
    else if (loa_db_retryable (res))
        rc = LOA_DB_RETRY;
    else {
        loa_error (NULL, "%s: cannot queue %s: %s", WHO, d->key, loa_db_error (res));
        rc = -1;
    }
    PQclear (res);
    return rc;
}

int notify_store_claim (PGconn *db, const char *channel, notify_claimed *out)
{
    memset (out, 0, sizeof *out);
    const char *vals[] = {channel};
    PGresult *res = loa_store_run (db, WHO, "claim", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    if (PQntuples (res) == 0) {
        PQclear (res);
        return 0;
    }
    out->id = atoll (PQgetvalue (res, 0, 0));
    out->key = strdup (PQgetvalue (res, 0, 1));
    out->recipient = strdup (PQgetvalue (res, 0, 2));
    out->subject = strdup (PQgetvalue (res, 0, 3));
    out->body_text = strdup (PQgetvalue (res, 0, 4));
    out->body_html = strdup (PQgetvalue (res, 0, 5));
    out->attempts = atoi (PQgetvalue (res, 0, 6));
    out->created_unix = atoll (PQgetvalue (res, 0, 7));
    out->broadcaster_id = atoll (PQgetvalue (res, 0, 8));
    PQclear (res);
    if (!out->key || !out->recipient || !out->subject || !out->body_text || !out->body_html) {
        loa_error (NULL, "%s: out of memory", WHO);
        notify_store_claimed_free (out);
        return -1;
    }
    return 1;
}

void notify_store_claimed_free (notify_claimed *c)
{
    free (c->key);
    free (c->recipient);
    free (c->subject);
    free (c->body_text);
    free (c->body_html);
    memset (c, 0, sizeof *c);
}

int notify_store_sent (PGconn *db, int64_t id, const char *response)
{
    char i[24];
    loa_store_int_param (i, id);
    const char *vals[] = {i, response};
    return loa_store_change (db, WHO, "sent", 2, vals) == 0 ? 0 : -1;
}

int notify_store_later (PGconn *db, int64_t id, long delay_ms, const char *error)
{
    char i[24], d[24];
    loa_store_int_param (i, id);
    loa_store_int_param (d, delay_ms);
    const char *vals[] = {i, d, error};
    return loa_store_change (db, WHO, "later", 3, vals) == 0 ? 0 : -1;
}

int notify_store_failed (PGconn *db, int64_t id, const char *error)
{
    char i[24];
    loa_store_int_param (i, id);
    const char *vals[] = {i, error};
    return loa_store_change (db, WHO, "failed", 2, vals) == 0 ? 0 : -1;
}

static void fill_delivery (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Notify__Delivery *d = item;
    loa__notify__delivery__init (d);
    d->id = atoll (PQgetvalue (res, row, 0));
    d->key = loa_store_dup (res, row, 1, oom);
    d->kind = loa_store_dup (res, row, 2, oom);
    d->channel = loa_store_dup (res, row, 3, oom);
    d->recipient = loa_store_dup (res, row, 4, oom);
    d->subject = loa_store_dup (res, row, 5, oom);
    d->status = loa_store_dup (res, row, 6, oom);
    d->attempts = atoi (PQgetvalue (res, row, 7));
    d->next_attempt_at = loa_store_time (res, row, 8, oom);
    d->last_error = loa_store_dup (res, row, 9, oom);
    d->provider_response = loa_store_dup (res, row, 10, oom);
    d->created_at = loa_store_time (res, row, 11, oom);
    if (!PQgetisnull (res, row, 12)) {
        d->maybe_sent_at_case = LOA__NOTIFY__DELIVERY__MAYBE_SENT_AT_SENT_AT;
        d->sent_at = loa_store_time (res, row, 12, oom);
    }
    d->broadcaster_id = PQgetisnull (res, row, 13) ? 0 : atoll (PQgetvalue (res, row, 13));
}

loa_store_status notify_store_list (PGconn *db, const char *status, const char *channel,
                                    int64_t broadcaster_id, int page, int per_page,
                                    Loa__Notify__DeliveryList *out)
{
    char b[24];
    const char *vals[] = {status, channel, loa_store_opt_int (b, broadcaster_id)};
    const loa_store_page_query q = {
        "list", "count", 14, 3, vals, sizeof (Loa__Notify__Delivery), fill_delivery};
    loa__notify__delivery_list__init (out);
    out->page = page;
    out->per_page = per_page;
    return loa_store_page (db, WHO, &q, page, per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}

void notify_store_free_list (Loa__Notify__DeliveryList *list)
{
    loa_store_free_message (&list->base);
}

loa_store_status notify_store_retry (PGconn *db, int64_t id, Loa__Notify__Delivery *out)
{
    char i[24];
    loa_store_int_param (i, id);
    const char *vals[] = {i};
    PGresult *res = loa_store_run (db, WHO, "retry", 1, vals, PGRES_TUPLES_OK);
    loa_store_status st = LOA_STORE_ERROR;
    int oom = 0;
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        st = LOA_STORE_ERROR;
    else if (PQntuples (res) == 0)
        st = LOA_STORE_NOT_FOUND;
    else if (PQgetisnull (res, 0, 0))
        st = LOA_STORE_WRONG_STATE;
    else {
        fill_delivery (res, 0, out, &oom);
        st = oom ? LOA_STORE_ERROR : LOA_STORE_OK;
        if (oom)
            notify_store_free_delivery (out);
    }
    PQclear (res);
    return st;
}

void notify_store_free_delivery (Loa__Notify__Delivery *d) { loa_store_free_message (&d->base); }

/* ------------------------------------------------------------ webhooks */

static void fill_webhook (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Notify__Webhook *w = item;
    loa__notify__webhook__init (w);
    w->broadcaster_id = atoll (PQgetvalue (res, row, 0));
    w->url = loa_store_dup (res, row, 1, oom);
    w->created_at = loa_store_time (res, row, 2, oom);
    w->updated_at = loa_store_time (res, row, 3, oom);
}

/* A bytea parameter in PostgreSQL's hex form: "\\x" and 2 digits a byte. */
static void hex_param (const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    out[0] = '\\';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i] = digits[b[i] >> 4];
        out[3 + 2 * i] = digits[b[i] & 15];
    }
    out[2 + 2 * n] = '\0';
}

loa_store_status notify_store_webhook_put (PGconn *db, int64_t broadcaster_id, const char *url,
                                           const uint8_t secret[32], int64_t created_by,
                                           Loa__Notify__Webhook *out)
{
    char b[24], by[24], hex[2 + 64 + 1];
    loa_store_int_param (b, broadcaster_id);
    hex_param (secret, 32, hex);
    const char *vals[] = {b, url, hex, loa_store_opt_int (by, created_by)};
    return loa_store_one (db, WHO, "webhook_put", 4, vals, fill_webhook, out);
}

loa_store_status notify_store_webhook_get (PGconn *db, int64_t broadcaster_id,
                                           Loa__Notify__Webhook *out)
{
    char b[24];
    loa_store_int_param (b, broadcaster_id);
    const char *vals[] = {b};
    return loa_store_one (db, WHO, "webhook_get", 1, vals, fill_webhook, out);
}

loa_store_status notify_store_webhook_delete (PGconn *db, int64_t broadcaster_id)
{
    char b[24];
    loa_store_int_param (b, broadcaster_id);
    const char *vals[] = {b};
    PGresult *res = loa_store_run (db, WHO, "webhook_delete", 1, vals, PGRES_COMMAND_OK);
    loa_store_status st = PQresultStatus (res) != PGRES_COMMAND_OK ? LOA_STORE_ERROR
                          : atoi (PQcmdTuples (res)) == 0          ? LOA_STORE_NOT_FOUND
                                                                   : LOA_STORE_OK;
    PQclear (res);
    return st;
}

int notify_store_webhook_secret (PGconn *db, int64_t broadcaster_id, char **url, uint8_t secret[32])
{
    char b[24];
    loa_store_int_param (b, broadcaster_id);
    const char *vals[] = {b};
    *url = NULL;
    PGresult *res = loa_store_run (db, WHO, "webhook_secret", 1, vals, PGRES_TUPLES_OK);
    int rc = -1;
    if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 0)
        rc = 0;
    else if (PQresultStatus (res) == PGRES_TUPLES_OK) {
        size_t n = 0;
        unsigned char *bytes = PQunescapeBytea ((const unsigned char *) PQgetvalue (res, 0, 1), &n);
        if (bytes && n == 32 && (*url = strdup (PQgetvalue (res, 0, 0)))) {
            memcpy (secret, bytes, 32);
            rc = 1;
        }
        PQfreemem (bytes);
    }
    PQclear (res);
    return rc;
}

int notify_store_enqueue_webhook (PGconn *db, const char *key, const char *kind,
                                  int64_t broadcaster_id, const char *body)
{
    char b[24];
    loa_store_int_param (b, broadcaster_id);
    const char *vals[] = {key, kind, b, body};
    PGresult *res = loa_db_run (
        db, &(loa_db_query){.sql = "INSERT INTO deliveries (key, kind, channel, recipient, "
                                   "body_text, broadcaster_id) "
                                   "SELECT $1, $2, 'webhook', url, $4, broadcaster_id "
                                   "FROM webhooks WHERE broadcaster_id = $3::bigint "
                                   "ON CONFLICT (key) DO NOTHING",
                            .n = 4,
                            .vals = vals});
    int rc;
    if (PQresultStatus (res) == PGRES_COMMAND_OK)
        rc = atoi (PQcmdTuples (res)) > 0;
    else if (loa_db_retryable (res))
        rc = LOA_DB_RETRY;
    else {
        loa_error (NULL, "%s: cannot queue %s: %s", WHO, key, loa_db_error (res));
        rc = -1;
    }
    PQclear (res);
    return rc;
}

loa_store_status notify_store_delivery_by_key (PGconn *db, const char *key,
                                               Loa__Notify__Delivery *out)
{
    const char *vals[] = {key};
    return loa_store_one (db, WHO, "delivery_get", 1, vals, fill_delivery, out);
}

void notify_store_free_webhook (Loa__Notify__Webhook *w) { loa_store_free_message (&w->base); }
