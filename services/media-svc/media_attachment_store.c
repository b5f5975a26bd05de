#include "media_attachment_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "media_bag.h"
#include "media_store.h"

#define WHO "media attachments"

#define ATT_COLS                                                                                   \
    "id, sha256, size, mime, rfc3339(created_at), coalesce(feedback_id, 0), kind, "                \
    "coalesce(uploaded_by, 0), coalesce(report_id, 0)"

static const loa_stmt statements[] = {
    {"att_insert", "INSERT INTO private_attachments (sha256, size, mime, client_addr, kind, "
                   "uploaded_by) VALUES ($1, $2::bigint, $3, $4, $5, nullif($6::bigint, 0)) "
                   "RETURNING " ATT_COLS},
    {"att_lock", "SELECT " ATT_COLS " FROM private_attachments WHERE id = ANY ($1::bigint[]) "
                 "ORDER BY id FOR UPDATE"},
    {"att_claim", "UPDATE private_attachments SET feedback_id = $2::bigint, claimed_at = now() "
                  "WHERE id = ANY ($1::bigint[]) AND feedback_id IS NULL AND kind = 'feedback'"},
    {"att_claim_report",
     "UPDATE private_attachments SET report_id = $2::bigint, claimed_at = now() "
     "WHERE id = ANY ($1::bigint[]) AND report_id IS NULL AND kind = 'report'"},
    {"att_unused", "SELECT id, sha256 FROM private_attachments WHERE feedback_id IS NULL "
                   "AND report_id IS NULL "
                   "AND created_at < now() - make_interval(secs => $1::double precision) "
                   "ORDER BY created_at LIMIT $2::integer"},
    {"att_delete_unused", "DELETE FROM private_attachments WHERE id = $1::bigint "
                          "AND feedback_id IS NULL AND report_id IS NULL RETURNING id"},
    {NULL, NULL},
};

int media_attachment_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

static void fill_attachment (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Media__CitizenAttachment *a = item;
    loa__media__citizen_attachment__init (a);
    a->id = atoll (PQgetvalue (res, row, 0));
    a->sha256 = loa_store_dup (res, row, 1, oom);
    a->size = atoll (PQgetvalue (res, row, 2));
    a->mime = loa_store_dup (res, row, 3, oom);
    a->created_at = loa_store_dup (res, row, 4, oom);
    a->feedback_id = atoll (PQgetvalue (res, row, 5));
    a->kind = loa_store_dup (res, row, 6, oom);
    a->uploaded_by = atoll (PQgetvalue (res, row, 7));
    a->report_id = atoll (PQgetvalue (res, row, 8));
}

/* ------------------------------------------------------------ create */

typedef struct {
    const char *sha256, *mime, *client_addr, *kind;
    int64_t size, uploaded_by;
    Loa__Media__CitizenAttachment *out;
    loa_store_status st;
} create_arg;

static int create_tx (PGconn *db, void *argp)
{
    create_arg *a = argp;
    loa_store_free_message (&a->out->base); /* a retried transaction fills it again */
    a->st = LOA_STORE_ERROR;
    int rc = media_store_blob_lock (db, a->sha256);
    if (rc != 0)
        return rc;
    int exists = media_blob_exists (a->sha256);
    if (exists != 1) {
        a->st = exists == 0 ? LOA_STORE_NOT_READY : LOA_STORE_ERROR;
        return 1;
    }
    char size_s[24], by[24];
    loa_store_int_param (size_s, a->size);
    loa_store_int_param (by, a->uploaded_by);
    const char *vals[] = {a->sha256, size_s, a->mime, a->client_addr ? a->client_addr : "",
                          a->kind,   by};
    PGresult *res = loa_store_run (db, WHO, "att_insert", 6, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1) {
        rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
        PQclear (res);
        return rc;
    }
    int oom = 0;
    fill_attachment (res, 0, a->out, &oom);
    PQclear (res);
    if (oom)
        return -1;
    a->st = LOA_STORE_OK;
    return 0;
}

loa_store_status media_attachment_store_create (PGconn *db, const media_attachment_new *in,
                                                Loa__Media__CitizenAttachment *out)
{
    loa__media__citizen_attachment__init (out);
    create_arg a = {in->sha256,
                    in->mime,
                    in->client_addr,
                    in->uploaded_by ? "report" : "feedback",
                    in->size,
                    in->uploaded_by,
                    out,
                    LOA_STORE_ERROR};
    int rc = loa_db_tx (db, create_tx, &a);
    if (rc != 0)
        loa_store_free_message (&out->base);
    return rc == 0 ? LOA_STORE_OK : a.st == LOA_STORE_OK ? LOA_STORE_ERROR : a.st;
}

/* ------------------------------------------------------------ claim */

typedef struct {
    const char *ids, *owner;
    size_t n;
    const media_attachment_owner *o;
    Loa__Media__CitizenAttachmentList *out;
} claim_arg;

/* Whether `a` may become the owner's: of its kind, and the owner's already
 * or nobody's (a report's file, then, uploaded by the claiming member of
 * staff). */
static int claimable (const Loa__Media__CitizenAttachment *a, const media_attachment_owner *o)
{
    if (o->report_id)
        return strcmp (a->kind, "report") == 0 &&
               (a->report_id == o->report_id ||
                (a->report_id == 0 && a->uploaded_by == o->user_id));
    return strcmp (a->kind, "feedback") == 0 &&
           (a->feedback_id == o->feedback_id || a->feedback_id == 0);
}

/* The rows of `ids`, locked, into *out (replacing what it held). */
static int lock_rows (PGconn *db, claim_arg *a)
{
    loa_store_free_message (&a->out->base);
    const char *vals[] = {a->ids};
    PGresult *res = loa_store_run (db, WHO, "att_lock", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        int rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
        PQclear (res);
        return rc;
    }
    int rc = loa_store_fill_rows (res, sizeof (Loa__Media__CitizenAttachment), fill_attachment,
                                  (void ***) &a->out->items, &a->out->n_items);
    PQclear (res);
    return rc;
}

static int claim_tx (PGconn *db, void *argp)
{
    claim_arg *a = argp;
    int rc = lock_rows (db, a);
    if (rc != 0)
        return rc;
    if (a->out->n_items != a->n)
        return 0; /* one is missing: nothing is claimed */
    for (size_t i = 0; i < a->out->n_items; i++)
        if (!claimable (a->out->items[i], a->o))
            return 0; /* another owner's, or not of its kind */
    const char *vals[] = {a->ids, a->owner};
    if ((rc = loa_store_change (db, WHO, a->o->report_id ? "att_claim_report" : "att_claim", 2,
                                vals)) != 0)
        return rc;
    return lock_rows (db, a);
}

loa_store_status media_attachment_store_claim (PGconn *db, const int64_t *ids, size_t n,
                                               const media_attachment_owner *owner,
                                               Loa__Media__CitizenAttachmentList *out)
{
    loa__media__citizen_attachment_list__init (out);
    char *lit = loa_store_ids_literal (ids, n), item[24];
    if (!lit)
        return LOA_STORE_ERROR;
    loa_store_int_param (item, owner->report_id ? owner->report_id : owner->feedback_id);
    claim_arg a = {lit, item, n, owner, out};
    int rc = loa_db_tx (db, claim_tx, &a);
    free (lit);
    if (rc != 0) {
        loa_store_free_message (&out->base);
        return LOA_STORE_ERROR;
    }
    return LOA_STORE_OK;
}

/* ------------------------------------------------------------ sweep */

typedef struct {
    const char *id, *sha256;
    int deleted;
} drop_arg;

static int drop_tx (PGconn *db, void *argp)
{
    drop_arg *d = argp;
    d->deleted = 0;
    int rc = media_store_blob_lock (db, d->sha256);
    if (rc != 0)
        return rc;
    const char *vals[] = {d->id};
    PGresult *res = loa_store_run (db, WHO, "att_delete_unused", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
        PQclear (res);
        return rc;
    }
    d->deleted = PQntuples (res) > 0;
    PQclear (res);
    return 0;
}

int media_attachment_store_sweep (PGconn *db, long older_than_s, int max,
                                  int (*remove) (const char *sha256, void *arg), void *arg)
{
    char age[24], limit[24];
    loa_store_int_param (age, older_than_s);
    loa_store_int_param (limit, max);
    const char *vals[] = {age, limit};
    PGresult *res = loa_store_run (db, WHO, "att_unused", 2, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    int removed = 0;
    for (int i = 0; i < PQntuples (res); i++) {
        drop_arg d = {PQgetvalue (res, i, 0), PQgetvalue (res, i, 1), 0};
        if (loa_db_tx (db, drop_tx, &d) != 0) {
            removed = -1;
            break;
        }
        if (!d.deleted)
            continue; /* claimed meanwhile */
        removed++;
        loa_info (NULL, "media: removed the unused attachment %s (blob %s)", d.id, d.sha256);
        if (media_store_blob_remove_orphan (db, d.sha256, remove, arg) < 0) {
            removed = -1;
            break;
        }
    }
    PQclear (res);
    return removed;
}
