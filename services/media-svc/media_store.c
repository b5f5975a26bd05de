#include "media_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"
#include "media_attachment_store.h"
#include "media_bag.h"
#include "media_pkg_store.h"

#define WHO "media store"

#define ASSET_COLS                                                                                 \
    "a.id, a.sha256, a.size, a.mime, a.original_name, a.created_by, rfc3339(a.created_at), "       \
    "EXISTS (SELECT 1 FROM published_attachments p WHERE p.asset_id = a.id), a.caption"
#define BC_COLS                                                                                    \
    "id, name, kind, embargo_policy, coalesce(api_key_id, 0), active, created_by, "                \
    "rfc3339(created_at), rfc3339(updated_at)"

static const loa_stmt statements[] = {
    /* The same bytes are one asset: an existing row is returned as it is. */
    {"asset_insert",
     "WITH ins AS (INSERT INTO assets (sha256, size, mime, original_name, created_by) "
     "VALUES ($1, $2::bigint, $3, $4, $5::bigint) ON CONFLICT (sha256) DO NOTHING RETURNING *) "
     "SELECT " ASSET_COLS ", true FROM ins a "
     "UNION ALL SELECT " ASSET_COLS ", false FROM assets a WHERE a.sha256 = $1 "
     "AND NOT EXISTS (SELECT 1 FROM ins)"},
    {"asset_get", "SELECT " ASSET_COLS " FROM assets a WHERE a.id = $1::bigint"},
    {"asset_update", "UPDATE assets a SET caption = coalesce($2, a.caption) "
                     "WHERE a.id = $1::bigint RETURNING " ASSET_COLS},
    /* The assets among $1 in its order; only the public ones unless $2. */
    {"asset_describe", "SELECT " ASSET_COLS " FROM unnest($1::bigint[]) WITH ORDINALITY u(id, n) "
                       "JOIN assets a ON a.id = u.id WHERE $2::boolean OR EXISTS (SELECT 1 FROM "
                       "published_attachments p WHERE p.asset_id = a.id) ORDER BY u.n"},
    {"bc_insert", "INSERT INTO broadcasters (name, kind, embargo_policy, api_key_id, created_by) "
                  "VALUES ($1, $2, $3, nullif($4::bigint, 0), $5::bigint) RETURNING " BC_COLS},
    {"bc_get", "SELECT " BC_COLS " FROM broadcasters WHERE id = $1::bigint"},
    {"bc_update",
     "UPDATE broadcasters SET name = coalesce($2, name), kind = coalesce($3, kind), "
     "embargo_policy = coalesce($4, embargo_policy), active = coalesce($5::boolean, active), "
     "updated_at = now() WHERE id = $1::bigint RETURNING " BC_COLS},
    {"bc_set_key", "UPDATE broadcasters SET api_key_id = $2::bigint, updated_at = now() "
                   "WHERE id = $1::bigint RETURNING " BC_COLS},
    {"bc_list", "SELECT " BC_COLS ", count(*) OVER () FROM broadcasters ORDER BY id "
                "LIMIT $1::integer OFFSET $2::integer"},
    {"bc_count", "SELECT count(*) FROM broadcasters"},
    /* A blob's lock (the two-int4 space's class "LoaS"), held by whoever
     * names a blob in a row (an asset, a bag) and by the orphan sweeper,
     * each checking the other's side under it. */
    {"blob_lock", "SELECT pg_advisory_xact_lock(1282367827, hashtext($1))"},
    {"blob_referenced",
     "SELECT EXISTS (SELECT 1 FROM assets WHERE sha256 = $1) OR EXISTS (SELECT 1 "
     "FROM private_attachments WHERE sha256 = $1) OR EXISTS (SELECT 1 "
     "FROM package_versions WHERE bag_sha256 = $1) OR EXISTS (SELECT 1 FROM package_versions "
     "WHERE manifest_sha256 = $1)"},
    {NULL, NULL},
};

int media_store_prepare (PGconn *db)
{
    return loa_db_prepare (db, statements) == 0 && media_pkg_store_prepare (db) == 0 &&
                   media_attachment_store_prepare (db) == 0
               ? 0
               : -1;
}

/* ------------------------------------------------------------ assets */

static void fill_asset (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Media__Asset *a = item;
    loa__media__asset__init (a);
    a->id = atoll (PQgetvalue (res, row, 0));
    a->sha256 = loa_store_dup (res, row, 1, oom);
    a->size = atoll (PQgetvalue (res, row, 2));
    a->mime = loa_store_dup (res, row, 3, oom);
    a->original_name = loa_store_dup (res, row, 4, oom);
    a->created_by = atoll (PQgetvalue (res, row, 5));
    a->created_at = loa_store_dup (res, row, 6, oom);
    a->is_public = PQgetvalue (res, row, 7)[0] == 't';
    a->caption = loa_store_dup (res, row, 8, oom);
    char url[64];
    snprintf (url, sizeof url, "/api/v1/assets/%lld", (long long) a->id);
    a->url = strdup (url);
    if (!a->url) {
        a->url = (char *) protobuf_c_empty_string;
        *oom = 1;
    }
}

loa_store_status media_store_asset_create (PGconn *db, const char *sha256, int64_t size,
                                           const char *mime, const char *original_name,
                                           int64_t created_by, Loa__Media__Asset *out, int *created)
{
    char size_s[24], by[24];
    loa_store_int_param (size_s, size);
    loa_store_int_param (by, created_by);
    const char *vals[] = {sha256, size_s, mime, original_name ? original_name : "", by};
    PGresult *res = loa_store_run (db, WHO, "asset_insert", 5, vals, PGRES_TUPLES_OK);
    loa_store_status st = LOA_STORE_ERROR;
    if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1) {
        int oom = 0;
        fill_asset (res, 0, out, &oom);
        *created = PQgetvalue (res, 0, 9)[0] == 't';
        st = oom ? LOA_STORE_ERROR : LOA_STORE_OK;
    } else if (PQresultStatus (res) == PGRES_TUPLES_OK || loa_db_is_state (res, "23505")) {
        /* Two first uploads of the same bytes raced: the caller retries
         * and finds the winner's row. */
        st = LOA_STORE_CONFLICT;
    }
    PQclear (res);
    return st;
}

typedef struct {
    const char *sha256, *mime, *original_name;
    int64_t size, created_by;
    Loa__Media__Asset *out;
    int *created;
    loa_store_status st;
} asset_tx_arg;

static int asset_tx (PGconn *db, void *argp)
{
    asset_tx_arg *a = argp;
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
    a->st = media_store_asset_create (db, a->sha256, a->size, a->mime, a->original_name,
                                      a->created_by, a->out, a->created);
    return a->st == LOA_STORE_OK ? 0 : 1;
}

loa_store_status media_store_asset_register (PGconn *db, const char *sha256, int64_t size,
                                             const char *mime, const char *original_name,
                                             int64_t created_by, Loa__Media__Asset *out,
                                             int *created)
{
    asset_tx_arg a = {sha256, mime, original_name, size, created_by, out, created, LOA_STORE_ERROR};
    int rc = loa_db_tx (db, asset_tx, &a);
    return rc == 0 ? LOA_STORE_OK : a.st == LOA_STORE_OK ? LOA_STORE_ERROR : a.st;
}

int media_store_blob_lock (PGconn *db, const char *sha256)
{
    const char *v[] = {sha256};
    PGresult *res = loa_store_run (db, WHO, "blob_lock", 1, v, PGRES_TUPLES_OK);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK ? 0
             : loa_db_retryable (res)                ? LOA_DB_RETRY
                                                     : -1;
    PQclear (res);
    return rc;
}

int media_store_blob_referenced (PGconn *db, const char *sha256)
{
    const char *v[] = {sha256};
    PGresult *res = loa_store_run (db, WHO, "blob_referenced", 1, v, PGRES_TUPLES_OK);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1
                 ? PQgetvalue (res, 0, 0)[0] == 't'
                 : -1;
    PQclear (res);
    return rc;
}

typedef struct {
    const char *sha256;
    int (*remove) (const char *sha256, void *arg);
    void *arg;
    int removed;
} orphan_arg;

static int orphan_tx (PGconn *db, void *argp)
{
    orphan_arg *a = argp;
    a->removed = 0;
    int rc = media_store_blob_lock (db, a->sha256);
    if (rc != 0)
        return rc;
    int ref = media_store_blob_referenced (db, a->sha256);
    if (ref < 0)
        return -1;
    if (!ref)
        a->removed = a->remove (a->sha256, a->arg) == 1;
    return 0;
}

int media_store_blob_remove_orphan (PGconn *db, const char *sha256,
                                    int (*remove) (const char *sha256, void *arg), void *arg)
{
    orphan_arg a = {sha256, remove, arg, 0};
    if (loa_db_tx (db, orphan_tx, &a) != 0)
        return -1;
    return a.removed;
}

loa_store_status media_store_asset_get (PGconn *db, int64_t id, Loa__Media__Asset *out)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    return loa_store_one (db, WHO, "asset_get", 1, vals, fill_asset, out);
}

typedef struct {
    int64_t id;
    const char *caption;
    Loa__Media__Asset *out;
    loa_store_status st;
} update_arg;

/* The row changed and asset.updated written in one transaction: every
 * gateway's cache of pages that show the asset goes stale. */
static int update_tx (PGconn *db, void *argp)
{
    update_arg *a = argp;
    char id_s[24];
    loa_store_int_param (id_s, a->id);
    const char *vals[] = {id_s, a->caption};
    loa_store_free_message (&a->out->base);
    a->st = loa_store_one (db, WHO, "asset_update", 2, vals, fill_asset, a->out);
    if (a->st != LOA_STORE_OK)
        return a->st == LOA_STORE_NOT_FOUND ? 0 : -1;
    return loa_outbox_add (db, "asset.updated", &a->out->base) == 0 ? 0 : -1;
}

loa_store_status media_store_asset_update (PGconn *db, int64_t id, const char *caption,
                                           Loa__Media__Asset *out)
{
    update_arg a = {id, caption, out, LOA_STORE_ERROR};
    return loa_store_tx (db, update_tx, &a, &a.st);
}

loa_store_status media_store_asset_describe (PGconn *db, const int64_t *ids, size_t n, int all,
                                             Loa__Media__AssetList *out)
{
    char *list = loa_store_ids_literal (ids, n);
    if (!list)
        return LOA_STORE_ERROR;
    const char *vals[] = {list, all ? "true" : "false"};
    loa_store_status st =
        loa_store_rows (db, WHO, "asset_describe", 2, vals, sizeof (Loa__Media__Asset), fill_asset,
                        (void ***) &out->items, &out->n_items);
    free (list);
    return st;
}

int media_store_apply_article (PGconn *db, int64_t article_id, int published,
                               const int64_t *asset_ids, size_t n, uint64_t seq)
{
    char id[24], seq_s[24];
    loa_store_int_param (id, article_id);
    snprintf (seq_s, sizeof seq_s, "%llu", (unsigned long long) seq);
    const char *del[] = {id};
    int rc = loa_store_exec (
        db, WHO, "DELETE FROM published_attachments WHERE article_id = $1::bigint", 1, del);
    if (rc != 0 || !published)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char asset[24];
        loa_store_int_param (asset, asset_ids[i]);
        const char *vals[] = {id, asset, seq_s};
        rc = loa_store_exec (db, WHO,
                             "INSERT INTO published_attachments (article_id, asset_id, event_seq) "
                             "SELECT $1::bigint, a.id, $3::bigint FROM assets a "
                             "WHERE a.id = $2::bigint ON CONFLICT DO NOTHING",
                             3, vals);
    }
    return rc;
}

int media_store_reset (PGconn *db)
{
    return loa_store_exec (db, WHO, "DELETE FROM published_attachments", 0, NULL);
}

/* ------------------------------------------------------------ broadcasters */

static void fill_broadcaster (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Media__Broadcaster *b = item;
    loa__media__broadcaster__init (b);
    b->id = atoll (PQgetvalue (res, row, 0));
    b->name = loa_store_dup (res, row, 1, oom);
    b->kind = loa_store_dup (res, row, 2, oom);
    b->embargo_policy = loa_store_dup (res, row, 3, oom);
    b->api_key_id = atoll (PQgetvalue (res, row, 4));
    b->active = PQgetvalue (res, row, 5)[0] == 't';
    b->created_by = atoll (PQgetvalue (res, row, 6));
    b->created_at = loa_store_dup (res, row, 7, oom);
    b->updated_at = loa_store_dup (res, row, 8, oom);
}

/* One row of `stmt` into *out (CONFLICT: the API key is another's). */
static loa_store_status one_broadcaster (PGconn *db, const char *stmt, int n,
                                         const char *const *vals, Loa__Media__Broadcaster *out)
{
    return loa_store_one (db, WHO, stmt, n, vals, fill_broadcaster, out);
}

loa_store_status media_store_broadcaster_create (PGconn *db, const char *name, const char *kind,
                                                 const char *embargo_policy, int64_t api_key_id,
                                                 int64_t created_by, Loa__Media__Broadcaster *out)
{
    char key[24], by[24];
    loa_store_int_param (key, api_key_id);
    loa_store_int_param (by, created_by);
    const char *vals[] = {name, kind, embargo_policy, key, by};
    return one_broadcaster (db, "bc_insert", 5, vals, out);
}

loa_store_status media_store_broadcaster_get (PGconn *db, int64_t id, Loa__Media__Broadcaster *out)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    return one_broadcaster (db, "bc_get", 1, vals, out);
}

loa_store_status media_store_broadcaster_update (PGconn *db,
                                                 const Loa__Media__UpdateBroadcasterRequest *in,
                                                 Loa__Media__Broadcaster *out)
{
    char id_s[24];
    loa_store_int_param (id_s, in->id);
    const char *vals[] = {id_s, in->name, in->kind, in->embargo_policy,
                          in->has_active ? (in->active ? "true" : "false") : NULL};
    return one_broadcaster (db, "bc_update", 5, vals, out);
}

loa_store_status media_store_broadcaster_set_key (PGconn *db, int64_t id, int64_t api_key_id,
                                                  Loa__Media__Broadcaster *out)
{
    char id_s[24], key_s[24];
    loa_store_int_param (id_s, id);
    loa_store_int_param (key_s, api_key_id);
    const char *vals[] = {id_s, key_s};
    return one_broadcaster (db, "bc_set_key", 2, vals, out);
}

loa_store_status media_store_broadcasters_list (PGconn *db, int page, int per_page,
                                                Loa__Media__BroadcasterList *out)
{
    static const loa_store_page_query q = {
        "bc_list", "bc_count", 9, 0, NULL, sizeof (Loa__Media__Broadcaster), fill_broadcaster};
    out->page = page;
    out->per_page = per_page;
    return loa_store_page (db, WHO, &q, page, per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}
