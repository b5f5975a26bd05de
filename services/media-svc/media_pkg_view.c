/* media_pkg_store, the reading side: the staff's view of packages (versions,
 * deliveries, receipts) and the broadcasters' (release, their versions'
 * ninjs and files, downloads, the feed, receipts). The statements are
 * media_pkg_store.c's. */
#include "media_pkg_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"
#include "media_ninjs.h"
#include "media_pkg_store_int.h"

/* ------------------------------------------------------------ staff views */

static void fill_version (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Media__PackageVersion *v = item;
    loa__media__package_version__init (v);
    v->version = atoi (PQgetvalue (res, row, 0));
    v->pub_status = loa_store_dup (res, row, 1, oom);
    v->embargo_until = loa_store_dup (res, row, 2, oom);
    v->bag_sha256 = loa_store_dup (res, row, 3, oom);
    v->bag_size = atoll (PQgetvalue (res, row, 4));
    v->created_at = loa_store_dup (res, row, 5, oom);
    v->created_by = atoll (PQgetvalue (res, row, 6));
    v->note = loa_store_dup (res, row, 7, oom);
    v->asset_ids = loa_store_ids (PQgetvalue (res, row, 8), &v->n_asset_ids, oom);
    v->bag_status = loa_store_dup (res, row, 9, oom);
    v->bag_error = loa_store_dup (res, row, 10, oom);
}

static void fill_delivery (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Media__Delivery *d = item;
    loa__media__delivery__init (d);
    d->broadcaster_id = atoll (PQgetvalue (res, row, 0));
    d->broadcaster_name = loa_store_dup (res, row, 1, oom);
    d->embargo_policy = loa_store_dup (res, row, 2, oom);
    d->versions_in_feed = loa_store_int32s (PQgetvalue (res, row, 3), &d->n_versions_in_feed, oom);
    d->downloads = atoll (PQgetvalue (res, row, 4));
    d->bytes = atoll (PQgetvalue (res, row, 5));
    d->last_download_at = loa_store_dup (res, row, 6, oom);
}

static void fill_receipt (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Media__Receipt *r = item;
    loa__media__receipt__init (r);
    r->broadcaster_id = atoll (PQgetvalue (res, row, 0));
    r->version = atoi (PQgetvalue (res, row, 1));
    r->status = loa_store_dup (res, row, 2, oom);
    r->sha256 = loa_store_dup (res, row, 3, oom);
    r->created_at = loa_store_dup (res, row, 4, oom);
    r->uri = loa_store_dup (res, row, 5, oom);
}

/* Runs `stmt` with the package id and fills a list. 0 or -1. */
static int fill_list (PGconn *db, const char *stmt, const char *id_s, size_t size,
                      loa_store_fill_fn fill, void ***items, size_t *n)
{
    const char *v[] = {id_s};
    return loa_store_rows (db, WHO, stmt, 1, v, size, fill, items, n) == LOA_STORE_OK ? 0 : -1;
}

loa_store_status media_pkg_store_get (PGconn *db, int64_t id, Loa__Media__Package *out)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *v[] = {id_s};
    PGresult *res = pk_run (db, "pk_get", 1, v);
    if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1) {
        loa_store_status st =
            PQresultStatus (res) == PGRES_TUPLES_OK ? LOA_STORE_NOT_FOUND : LOA_STORE_ERROR;
        PQclear (res);
        return st;
    }
    out->id = atoll (PQgetvalue (res, 0, 0));
    out->article_id = atoll (PQgetvalue (res, 0, 1));
    out->uri = loa_store_dup (res, 0, 2, NULL);
    out->version = atoi (PQgetvalue (res, 0, 3));
    out->pub_status = loa_store_dup (res, 0, 4, NULL);
    out->title = loa_store_dup (res, 0, 5, NULL);
    out->created_by = atoll (PQgetvalue (res, 0, 6));
    out->created_at = loa_store_dup (res, 0, 7, NULL);
    PQclear (res);
    res = pk_run (db, "pk_pkg_ids", 1, v);
    if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) > 0 &&
        (out->broadcaster_ids = calloc ((size_t) PQntuples (res), sizeof (int64_t)))) {
        out->n_broadcaster_ids = (size_t) PQntuples (res);
        for (int i = 0; i < PQntuples (res); i++)
            out->broadcaster_ids[i] = atoll (PQgetvalue (res, i, 0));
    }
    PQclear (res);
    if (fill_list (db, "pk_versions", id_s, sizeof (Loa__Media__PackageVersion), fill_version,
                   (void ***) &out->versions, &out->n_versions) != 0 ||
        fill_list (db, "pk_deliveries", id_s, sizeof (Loa__Media__Delivery), fill_delivery,
                   (void ***) &out->deliveries, &out->n_deliveries) != 0)
        return LOA_STORE_ERROR;
    /* Each delivery's receipts. */
    Loa__Media__Receipt **all = NULL;
    size_t n_all = 0;
    if (fill_list (db, "pk_receipts", id_s, sizeof (Loa__Media__Receipt), fill_receipt,
                   (void ***) &all, &n_all) != 0)
        return LOA_STORE_ERROR;
    int rc = 0;
    for (size_t d = 0; d < out->n_deliveries && rc == 0; d++) {
        Loa__Media__Delivery *del = out->deliveries[d];
        size_t k = 0;
        for (size_t i = 0; i < n_all; i++)
            k += all[i]->broadcaster_id == del->broadcaster_id;
        if (!loa_store_list_block (k, sizeof (Loa__Media__Receipt), (void ***) &del->receipts)) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < n_all; i++)
            if (all[i]->broadcaster_id == del->broadcaster_id) {
                /* Moved: the strings change owner. */
                *del->receipts[del->n_receipts] = *all[i];
                loa__media__receipt__init (all[i]);
                del->n_receipts++;
            }
    }
    for (size_t i = 0; i < n_all; i++)
        loa_store_free_message (&all[i]->base);
    free (all);
    return rc == 0 ? LOA_STORE_OK : LOA_STORE_ERROR;
}

loa_store_status media_pkg_store_list (PGconn *db, int page, int per_page,
                                       Loa__Media__PackageList *out)
{
    char limit[24], offset[24];
    loa_store_int_param (limit, per_page);
    loa_store_int_param (offset, (long long) (page - 1) * per_page);
    const char *vals[] = {limit, offset};
    PGresult *res = pk_run (db, "pk_list", 2, vals);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    size_t n = (size_t) PQntuples (res);
    long long total = loa_store_page_total (db, WHO, res, 1, "pk_count", 0, NULL);
    void *block = loa_store_list_block (n, sizeof (Loa__Media__Package), (void ***) &out->items);
    loa_store_status st = block && total >= 0 ? LOA_STORE_OK : LOA_STORE_ERROR;
    for (size_t i = 0; block && i < n; i++)
        loa__media__package__init (out->items[i]);
    if (block)
        out->n_items = n;
    for (size_t i = 0; i < n && st == LOA_STORE_OK; i++)
        st = media_pkg_store_get (db, atoll (PQgetvalue (res, (int) i, 0)), out->items[i]);
    PQclear (res);
    out->page = page;
    out->per_page = per_page;
    out->total = total;
    return st;
}

/* ------------------------------------------------------------ broadcasters */

loa_store_status media_pkg_store_broadcaster (PGconn *db, int64_t api_key_id, int64_t *id)
{
    char key[24];
    loa_store_int_param (key, api_key_id);
    const char *v[] = {key};
    PGresult *res = pk_run (db, "pk_bc_of_key", 1, v);
    loa_store_status st = LOA_STORE_ERROR;
    if (PQresultStatus (res) == PGRES_TUPLES_OK) {
        st = PQntuples (res) == 1 ? LOA_STORE_OK : LOA_STORE_FORBIDDEN;
        if (st == LOA_STORE_OK)
            *id = atoll (PQgetvalue (res, 0, 0));
    }
    PQclear (res);
    return st;
}

static int release_tx (PGconn *db, void *arg)
{
    char b[24];
    loa_store_int_param (b, *(const int64_t *) arg);
    const char *v[] = {b};
    return loa_store_change (db, WHO, "pk_release", 1, v);
}

int media_pkg_store_release (PGconn *db, int64_t broadcaster_id)
{
    return loa_db_tx (db, release_tx, &broadcaster_id) == 0 ? 0 : -1;
}

/* Whether the broadcaster may see version `version` (0: any) of package
 * `id`: OK with *entry (the released version's row, caller clears),
 * NOT_FOUND, FORBIDDEN; *gone is GONE when the package is canceled,
 * WITHHELD while its latest version is withheld, else OK. */
static loa_store_status entry (PGconn *db, int64_t b, int64_t id, int version, PGresult **entry,
                               loa_store_status *gone)
{
    char b_s[24], id_s[24], v_s[16];
    loa_store_int_param (b_s, b);
    loa_store_int_param (id_s, id);
    snprintf (v_s, sizeof v_s, "%d", version);
    const char *v[] = {b_s, id_s, v_s};
    *entry = NULL;
    if (media_pkg_store_release (db, b) != 0)
        return LOA_STORE_ERROR;
    PGresult *res = pk_run (db, "pk_access", 3, v);
    if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    int exists = PQgetvalue (res, 0, 0)[0] == 't', mine = PQgetvalue (res, 0, 1)[0] == 't',
        has_version = PQgetvalue (res, 0, 2)[0] == 't';
    *gone = strcmp (PQgetvalue (res, 0, 3), "canceled") == 0   ? LOA_STORE_GONE
            : strcmp (PQgetvalue (res, 0, 3), "withheld") == 0 ? LOA_STORE_WITHHELD
                                                               : LOA_STORE_OK;
    PQclear (res);
    if (!exists)
        return LOA_STORE_NOT_FOUND;
    if (!mine)
        return LOA_STORE_FORBIDDEN;
    if (!has_version)
        return LOA_STORE_NOT_FOUND;
    res = pk_run (db, "pk_entry", 3, v);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    if (PQntuples (res) != 1) {
        PQclear (res);
        return LOA_STORE_FORBIDDEN; /* under embargo for this broadcaster */
    }
    *entry = res;
    return LOA_STORE_OK;
}

loa_store_status media_pkg_store_ninjs (PGconn *db, int64_t broadcaster_id, int64_t id, int version,
                                        Loa__Media__Ninjs *out)
{
    PGresult *res;
    loa_store_status gone;
    loa_store_status st = entry (db, broadcaster_id, id, version, &res, &gone);
    if (st != LOA_STORE_OK)
        return st;
    out->package_id = id;
    out->version = atoi (PQgetvalue (res, 0, 0));
    out->json = loa_store_dup (res, 0, 1, NULL);
    out->json_2_3 = PQgetisnull (res, 0, 7) ? NULL : loa_store_dup (res, 0, 7, NULL);
    if (!out->json_2_3) {
        char id_s[24], v_s[16];
        loa_store_int_param (id_s, id);
        snprintf (v_s, sizeof v_s, "%d", out->version);
        pk_save_2_3 (db, id_s, v_s, out->json, &out->json_2_3);
    }
    PQclear (res);
    return out->json_2_3 ? LOA_STORE_OK : LOA_STORE_ERROR;
}

loa_store_status media_pkg_store_file (PGconn *db, int64_t broadcaster_id,
                                       const Loa__Media__PackageFileRequest *in,
                                       Loa__Media__PackageFile *out)
{
    PGresult *res;
    loa_store_status gone;
    if (in->version <= 0)
        return LOA_STORE_NOT_FOUND;
    loa_store_status st = entry (db, broadcaster_id, in->id, in->version, &res, &gone);
    if (st != LOA_STORE_OK)
        return st;
    char name[96];
    if (gone != LOA_STORE_OK) {
        st = gone;
    } else if (strcmp (in->what, "file") != 0 && strcmp (PQgetvalue (res, 0, 6), "ready") != 0) {
        st = strcmp (PQgetvalue (res, 0, 6), "pending") == 0 ? LOA_STORE_NOT_READY
                                                             : LOA_STORE_FAILED;
    } else if (strcmp (in->what, "bag") == 0) {
        out->sha256 = loa_store_dup (res, 0, 2, NULL);
        out->size = atoll (PQgetvalue (res, 0, 3));
        out->mime = strdup ("application/zip");
        snprintf (name, sizeof name, "%lld-v%d.zip", (long long) in->id, in->version);
        out->filename = strdup (name);
    } else if (strcmp (in->what, "manifest") == 0) {
        out->sha256 = loa_store_dup (res, 0, 4, NULL);
        out->size = atoll (PQgetvalue (res, 0, 5));
        out->mime = strdup ("text/plain; charset=utf-8");
        out->filename = strdup ("manifest-sha256.txt");
    } else {
        char id_s[24], v_s[16];
        loa_store_int_param (id_s, in->id);
        snprintf (v_s, sizeof v_s, "%d", in->version);
        const char *v[] = {id_s, v_s, in->name};
        PGresult *f = pk_run (db, "pk_file", 3, v);
        if (PQresultStatus (f) != PGRES_TUPLES_OK)
            st = LOA_STORE_ERROR;
        else if (PQntuples (f) != 1)
            st = LOA_STORE_NOT_FOUND;
        else {
            out->sha256 = loa_store_dup (f, 0, 0, NULL);
            out->size = atoll (PQgetvalue (f, 0, 1));
            out->mime = loa_store_dup (f, 0, 2, NULL);
            out->filename = strdup (in->name);
        }
        PQclear (f);
    }
    PQclear (res);
    if (st == LOA_STORE_OK && (!out->mime || !out->filename))
        st = LOA_STORE_ERROR;
    return st;
}

loa_store_status media_pkg_store_log_download (PGconn *db, int64_t broadcaster_id,
                                               const Loa__Media__DownloadLog *in)
{
    char b[24], id[24], v[16], bytes[24], status[16];
    loa_store_int_param (b, broadcaster_id);
    loa_store_int_param (id, in->id);
    snprintf (v, sizeof v, "%d", in->version);
    loa_store_int_param (bytes, in->bytes);
    snprintf (status, sizeof status, "%d", in->status);
    const char *vals[] = {b,     id, v, in->what, in->name, bytes, in->complete ? "true" : "false",
                          status};
    return loa_store_change (db, WHO, "pk_download", 8, vals) == 0 ? LOA_STORE_OK : LOA_STORE_ERROR;
}

static void fill_feed_item (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Media__FeedItem *f = item;
    loa__media__feed_item__init (f);
    f->position = atoll (PQgetvalue (res, row, 0));
    f->package_id = atoll (PQgetvalue (res, row, 1));
    f->version = atoi (PQgetvalue (res, row, 2));
    f->json = loa_store_dup (res, row, 3, oom);
    f->json_2_3 = PQgetisnull (res, row, 4) ? NULL : loa_store_dup (res, row, 4, oom);
}

loa_store_status media_pkg_store_feed (PGconn *db, int64_t broadcaster_id, int64_t after, int limit,
                                       Loa__Media__FeedPage *out)
{
    if (media_pkg_store_release (db, broadcaster_id) != 0)
        return LOA_STORE_ERROR;
    char b[24], a[24], l[16];
    loa_store_int_param (b, broadcaster_id);
    loa_store_int_param (a, after);
    snprintf (l, sizeof l, "%d", limit);
    const char *v[] = {b, a, l};
    PGresult *res = pk_run (db, "pk_feed", 3, v);
    loa_store_status st = LOA_STORE_ERROR;
    if (PQresultStatus (res) == PGRES_TUPLES_OK &&
        loa_store_fill_rows (res, sizeof (Loa__Media__FeedItem), fill_feed_item,
                             (void ***) &out->items, &out->n_items) == 0) {
        out->last = out->n_items ? out->items[out->n_items - 1]->position : after;
        st = LOA_STORE_OK;
    }
    /* Versions made before 0005_ninjs_2_3.sql get their 2.3 text now. */
    for (size_t i = 0; st == LOA_STORE_OK && i < out->n_items; i++) {
        Loa__Media__FeedItem *f = out->items[i];
        if (f->json_2_3)
            continue;
        char id_s[24], v_s[16];
        loa_store_int_param (id_s, f->package_id);
        snprintf (v_s, sizeof v_s, "%d", f->version);
        pk_save_2_3 (db, id_s, v_s, f->json, &f->json_2_3);
        if (!f->json_2_3)
            st = LOA_STORE_ERROR;
    }
    PQclear (res);
    return st;
}

typedef struct {
    int64_t b, id;
    int version;
    const char *sha256, *status;
    Loa__Media__Receipt *out;
    int created;
    const char *uri;
} receipt_arg;

static int receipt_tx (PGconn *db, void *argp)
{
    receipt_arg *a = argp;
    loa_store_free_message (&a->out->base); /* a retried transaction fills it again */
    char b[24], id[24], v[16];
    loa_store_int_param (b, a->b);
    loa_store_int_param (id, a->id);
    snprintf (v, sizeof v, "%d", a->version);
    const char *vals[] = {b, id, v, a->status, a->sha256};
    PGresult *res = pk_run (db, "pk_receipt_insert", 5, vals);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        int rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
        PQclear (res);
        return rc;
    }
    a->created = PQntuples (res) == 1;
    if (!a->created) {
        PQclear (res);
        res = pk_run (db, "pk_receipt_get", 3, vals);
        if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1) {
            PQclear (res);
            return -1;
        }
    }
    Loa__Media__Receipt *r = a->out;
    r->package_id = a->id;
    r->version = a->version;
    r->broadcaster_id = a->b;
    r->status = loa_store_dup (res, 0, 0, NULL);
    r->sha256 = loa_store_dup (res, 0, 1, NULL);
    r->created_at = loa_store_dup (res, 0, 2, NULL);
    r->uri = strdup (a->uri);
    PQclear (res);
    if (!r->uri)
        return -1;
    if (a->created) {
        Loa__Media__DeliveryEvent ev = LOA__MEDIA__DELIVERY_EVENT__INIT;
        ev.package_id = a->id;
        ev.version = a->version;
        ev.broadcaster_id = a->b;
        ev.status = (char *) a->status;
        ev.uri = (char *) a->uri;
        if (loa_outbox_add (db, "package.delivered", &ev.base) != 0)
            return -1;
    }
    return 0;
}

loa_store_status media_pkg_store_receipt (PGconn *db, int64_t broadcaster_id, int64_t id,
                                          int version, const char *sha256, const char *status,
                                          Loa__Media__Receipt *out, int *created,
                                          const char **field)
{
    PGresult *res;
    loa_store_status gone;
    *field = NULL;
    if (version <= 0) {
        *field = "version";
        return LOA_STORE_INVALID;
    }
    loa_store_status st = entry (db, broadcaster_id, id, version, &res, &gone);
    if (st == LOA_STORE_NOT_FOUND) {
        *field = "version";
        return LOA_STORE_INVALID;
    }
    if (st != LOA_STORE_OK)
        return st;
    int match = strcmp (PQgetvalue (res, 0, 2), sha256) == 0;
    char uri[320];
    PQclear (res);
    /* A failed delivery reports the digest it got, which need not match. */
    if (!match && strcmp (status, "received") == 0) {
        *field = "sha256";
        return LOA_STORE_INVALID;
    }
    media_ninjs_uri (uri, sizeof uri, media_pkg_domain (), id);
    receipt_arg a = {.b = broadcaster_id,
                     .id = id,
                     .version = version,
                     .sha256 = sha256,
                     .status = status,
                     .out = out,
                     .uri = uri};
    if (loa_db_tx (db, receipt_tx, &a) != 0)
        return LOA_STORE_ERROR;
    *created = a.created;
    return LOA_STORE_OK;
}
