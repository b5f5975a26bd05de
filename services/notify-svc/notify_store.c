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
    /* An account as the gateway has it, unless a newer one is here. */
    {"user_sync",
     "INSERT INTO users (user_id, username, full_name, email, roles, unit_id, active, updated_at) "
     "VALUES ($1, $2, $3, $4, $5::text[], nullif($6::bigint, 0), $7::boolean, $8::timestamptz) "
     "ON CONFLICT (user_id) DO UPDATE SET username = EXCLUDED.username, "
     "full_name = EXCLUDED.full_name, email = EXCLUDED.email, roles = EXCLUDED.roles, "
     "unit_id = EXCLUDED.unit_id, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at "
     "WHERE users.updated_at < EXCLUDED.updated_at"},
    {"notes_list", "SELECT id, kind, title, body, link, created_at, read_at, count(*) OVER () "
                   "FROM notifications WHERE user_id = $1 AND (NOT $2::boolean OR read_at IS NULL) "
                   "ORDER BY id DESC LIMIT $3 OFFSET $4"},
    {"notes_count", "SELECT count(*) FROM notifications WHERE user_id = $1 AND (NOT $2::boolean OR "
                    "read_at IS NULL)"},
    {"notes_unread", "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"},
    {"note_read",
     "UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 "
     "RETURNING id, kind, title, body, link, created_at, read_at"},
    {"notes_read_all",
     "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL"},
    {"prefs_get", "SELECT kind, email FROM preferences WHERE user_id = $1"},
    {"pref_put", "INSERT INTO preferences (user_id, kind, email) VALUES ($1, $2, $3::boolean) "
                 "ON CONFLICT (user_id, kind) DO UPDATE SET email = EXCLUDED.email"},
    {"user_email", "SELECT email FROM users WHERE user_id = $1"},
    {NULL, NULL},
};

int notify_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

/* What an INSERT ... ON CONFLICT DO NOTHING of a delivery came to (`res`,
 * cleared here): 1 queued, 0 there already, LOA_DB_RETRY, -1 (logged). */
static int queued (PGresult *res, const char *key)
{
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
    return queued (res, d->key);
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
    return queued (res, key);
}

loa_store_status notify_store_delivery_by_key (PGconn *db, const char *key,
                                               Loa__Notify__Delivery *out)
{
    const char *vals[] = {key};
    return loa_store_one (db, WHO, "delivery_get", 1, vals, fill_delivery, out);
}

void notify_store_free_webhook (Loa__Notify__Webhook *w) { loa_store_free_message (&w->base); }

/* ------------------------------------------------------------ staff */

int notify_store_user_sync (PGconn *db, const Loa__Notify__StaffUser *u)
{
    char id[24], unit[24];
    loa_store_int_param (id, u->id);
    loa_store_int_param (unit, u->unit_id);
    char *roles = loa_store_strings_literal ((const char *const *) u->roles, u->n_roles);
    if (!roles)
        return -1;
    const char *vals[] = {id,    u->username, u->full_name,          u->email,
                          roles, unit,        u->active ? "t" : "f", u->updated_at};
    PGresult *res = loa_store_run (db, WHO, "user_sync", 8, vals, PGRES_COMMAND_OK);
    int rc = PQresultStatus (res) == PGRES_COMMAND_OK ? atoi (PQcmdTuples (res)) : -1;
    PQclear (res);
    free (roles);
    return rc;
}

static void fill_note (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Notify__Notification *n = item;
    loa__notify__notification__init (n);
    n->id = atoll (PQgetvalue (res, row, 0));
    n->kind = loa_store_dup (res, row, 1, oom);
    n->title = loa_store_dup (res, row, 2, oom);
    n->body = loa_store_dup (res, row, 3, oom);
    n->link = loa_store_dup (res, row, 4, oom);
    n->created_at = loa_store_time (res, row, 5, oom);
    if (!PQgetisnull (res, row, 6)) {
        n->maybe_read_at_case = LOA__NOTIFY__NOTIFICATION__MAYBE_READ_AT_READ_AT;
        n->read_at = loa_store_time (res, row, 6, oom);
    }
}

loa_store_status notify_store_notes (PGconn *db, int64_t user_id, int unread_only, int page,
                                     int per_page, Loa__Notify__NotificationList *out)
{
    char u[24];
    loa_store_int_param (u, user_id);
    const char *vals[] = {u, unread_only ? "true" : "false"};
    const loa_store_page_query q = {
        "notes_list", "notes_count", 7, 2, vals, sizeof (Loa__Notify__Notification), fill_note};
    loa__notify__notification_list__init (out);
    out->page = page;
    out->per_page = per_page;
    loa_store_status st = loa_store_page (db, WHO, &q, page, per_page, (void ***) &out->items,
                                          &out->n_items, &out->total);
    if (st != LOA_STORE_OK)
        return st;
    const char *uv[] = {u};
    PGresult *res = loa_store_run (db, WHO, "notes_unread", 1, uv, PGRES_TUPLES_OK);
    if (PQresultStatus (res) == PGRES_TUPLES_OK)
        out->unread = atoll (PQgetvalue (res, 0, 0));
    else
        st = LOA_STORE_ERROR;
    PQclear (res);
    if (st != LOA_STORE_OK)
        loa_store_free_message (&out->base);
    return st;
}

loa_store_status notify_store_note_read (PGconn *db, int64_t id, int64_t user_id,
                                         Loa__Notify__Notification *out)
{
    char i[24], u[24];
    loa_store_int_param (i, id);
    loa_store_int_param (u, user_id);
    const char *vals[] = {i, u};
    return loa_store_one (db, WHO, "note_read", 2, vals, fill_note, out);
}

long long notify_store_notes_read_all (PGconn *db, int64_t user_id)
{
    char u[24];
    loa_store_int_param (u, user_id);
    const char *vals[] = {u};
    PGresult *res = loa_store_run (db, WHO, "notes_read_all", 1, vals, PGRES_COMMAND_OK);
    long long n = PQresultStatus (res) == PGRES_COMMAND_OK ? atoll (PQcmdTuples (res)) : -1;
    PQclear (res);
    return n;
}

int notify_store_prefs (PGconn *db, int64_t user_id, const char **kinds, size_t n_kinds, int *email,
                        char *address, size_t address_len)
{
    char u[24];
    loa_store_int_param (u, user_id);
    const char *vals[] = {u};
    for (size_t i = 0; i < n_kinds; i++)
        email[i] = 0;
    address[0] = '\0';
    PGresult *res = loa_store_run (db, WHO, "prefs_get", 1, vals, PGRES_TUPLES_OK);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK ? 0 : -1;
    for (int r = 0; rc == 0 && r < PQntuples (res); r++)
        for (size_t i = 0; i < n_kinds; i++)
            if (strcmp (PQgetvalue (res, r, 0), kinds[i]) == 0)
                email[i] = PQgetvalue (res, r, 1)[0] == 't';
    PQclear (res);
    if (rc != 0)
        return rc;
    res = loa_store_run (db, WHO, "user_email", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        rc = -1;
    else if (PQntuples (res))
        snprintf (address, address_len, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return rc;
}

int notify_store_pref_put (PGconn *db, int64_t user_id, const char *kind, int email)
{
    char u[24];
    loa_store_int_param (u, user_id);
    const char *vals[] = {u, kind, email ? "true" : "false"};
    return loa_store_change (db, WHO, "pref_put", 3, vals) == 0 ? 0 : -1;
}

int notify_store_fan_out (PGconn *db, const notify_note *n)
{
    char unit[24], user[24];
    const char *vals[] = {n->key_base,
                          n->kind,
                          n->roles,
                          loa_store_opt_int (unit, n->unit_id),
                          loa_store_opt_int (user, n->user_id),
                          n->title,
                          n->body,
                          n->link,
                          n->subject,
                          n->text,
                          n->html};
    PGresult *res = loa_db_run (
        db,
        &(loa_db_query){
            .sql = "WITH r AS (SELECT user_id, email FROM users WHERE active "
                   "AND ($3::text[] IS NULL OR roles && $3::text[]) "
                   "AND ($4::bigint IS NULL OR unit_id = $4) "
                   "AND ($5::bigint IS NULL OR user_id = $5)), "
                   "n AS (INSERT INTO notifications (key, user_id, kind, title, body, link) "
                   "SELECT $1 || '.' || $2 || '.u' || user_id, user_id, $2, $6, $7, $8 FROM r "
                   "ON CONFLICT (key) DO NOTHING RETURNING user_id) "
                   "INSERT INTO deliveries (key, kind, channel, recipient, subject, body_text, "
                   "body_html) SELECT $1 || '.email.u' || r.user_id, $2, 'email', r.email, $9, "
                   "$10, $11 FROM r JOIN preferences p ON p.user_id = r.user_id AND p.kind = $2 "
                   "AND p.email WHERE r.email <> '' AND $10 <> '' ON CONFLICT (key) DO NOTHING",
            .n = 11,
            .vals = vals});
    int rc = 0;
    if (PQresultStatus (res) != PGRES_COMMAND_OK) {
        rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
        if (rc == -1)
            loa_error (NULL, "%s: cannot notify %s of %s: %s", WHO, n->roles ? n->roles : "a user",
                       n->key_base, loa_db_error (res));
    }
    PQclear (res);
    return rc;
}
