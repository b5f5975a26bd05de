/* media_pkg_store, the bag builder's side: a pending version's bag built
 * outside any transaction under a session lock, then marked ready (its
 * feed entries released, package.published written) or failed. The
 * statements are media_pkg_store.c's. */
#include "media_pkg_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"
#include "media_bag.h"
#include "media_pkg_store_int.h"

/* ------------------------------------------------------------ bags */

typedef struct {
    const char *id_s, *ver_s;
    const media_bag_result *bag;
    int missing; /* out: a blob was gone (the orphan sweeper) */
} bag_ready_arg;

/* The bag is ready: the row, the feeds (its entries that are due), and
 * package.published, in one transaction. */
static int bag_ready_tx (PGconn *db, void *argp)
{
    bag_ready_arg *a = argp;
    /* Under the blobs' locks, and only if they are there: the orphan
     * sweeper never removes a blob a row names (media_store_blob_lock). */
    const char *blobs[] = {a->bag->bag_sha256, a->bag->manifest_sha256};
    for (int i = 0; i < 2; i++) {
        int lrc = media_store_blob_lock (db, blobs[i]);
        if (lrc != 0)
            return lrc;
        if (media_blob_exists (blobs[i]) != 1) {
            a->missing = 1;
            return -1;
        }
    }
    char bag_size[24], man_size[24];
    loa_store_int_param (bag_size, a->bag->bag_size);
    loa_store_int_param (man_size, a->bag->manifest_size);
    const char *v[] = {a->id_s, a->ver_s, a->bag->bag_sha256, bag_size, a->bag->manifest_sha256,
                       man_size};
    PGresult *res = pk_run (db, "pk_bag_ready", 6, v);
    PGresult *ids = NULL;
    int64_t *bids = NULL;
    int rc = -1;
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
        goto out;
    }
    if (PQntuples (res) != 1) {
        rc = 0; /* made ready by another builder meanwhile: nothing more */
        goto out;
    }
    const char *vr[] = {"0"};
    const char *vi[] = {a->id_s};
    if ((rc = loa_store_change (db, WHO, "pk_release", 1, vr)) != 0)
        goto out;
    rc = -1;
    ids = pk_run (db, "pk_pkg_ids", 1, vi);
    if (PQresultStatus (ids) != PGRES_TUPLES_OK) {
        rc = loa_db_retryable (ids) ? LOA_DB_RETRY : -1;
        goto out;
    }
    size_t nb = (size_t) PQntuples (ids);
    if (!(bids = calloc (nb + 1, sizeof *bids)))
        goto out;
    for (size_t i = 0; i < nb; i++)
        bids[i] = atoll (PQgetvalue (ids, (int) i, 0));
    Loa__Media__PackageEvent ev = LOA__MEDIA__PACKAGE_EVENT__INIT;
    ev.package_id = atoll (a->id_s);
    ev.version = atoi (a->ver_s);
    ev.uri = PQgetvalue (res, 0, 3);
    ev.article_id = atoll (PQgetvalue (res, 0, 2));
    ev.pub_status = PQgetvalue (res, 0, 0);
    ev.broadcaster_ids = bids;
    ev.n_broadcaster_ids = nb;
    ev.embargo_until = PQgetvalue (res, 0, 1);
    ev.bag_sha256 = (char *) a->bag->bag_sha256;
    rc = loa_outbox_add (db, "package.published", &ev.base) == 0 ? 0 : -1;
out:
    PQclear (res);
    PQclear (ids);
    free (bids);
    return rc;
}

/* Records a failed attempt (its own statement, outside any transaction). */
static int bag_failed (PGconn *db, const char *id_s, const char *ver_s, const char *why,
                       int max_attempts, int retry_ms)
{
    char max_s[16], retry_s[24];
    snprintf (max_s, sizeof max_s, "%d", max_attempts);
    snprintf (retry_s, sizeof retry_s, "%d", retry_ms);
    const char *v[] = {id_s, ver_s, why, max_s, retry_s};
    PGresult *res = pk_run (db, "pk_bag_failed", 5, v);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK ? 0 : -1;
    if (rc == 0 && PQntuples (res) == 1) {
        int failed = strcmp (PQgetvalue (res, 0, 0), "failed") == 0;
        if (failed)
            loa_error (NULL, "media: package %s version %s: no bag after %s attempts: %s", id_s,
                       ver_s, PQgetvalue (res, 0, 1), why);
        else
            loa_warn (NULL, "media: package %s version %s: bag attempt %s failed (%s); will retry",
                      id_s, ver_s, PQgetvalue (res, 0, 1), why);
    }
    PQclear (res);
    return rc;
}

/* Builds the bag of one version whose lock this session holds: 1 (built,
 * or the failure recorded), 0 (not pending any more), -1. */
static int build_locked (PGconn *db, const char *id_s, const char *ver_s, int max_attempts,
                         int retry_ms)
{
    const char *v[] = {id_s, ver_s};
    PGresult *in = pk_run (db, "pk_bag_input", 2, v);
    PGresult *fr = NULL;
    media_bag_file *files = NULL;
    char (*hexes)[MEDIA_HEX + 1] = NULL;
    char (*paths)[112] = NULL;
    int rc = -1;
    if (PQresultStatus (in) != PGRES_TUPLES_OK)
        goto out;
    if (PQntuples (in) != 1 || strcmp (PQgetvalue (in, 0, 0), "pending") != 0) {
        rc = 0; /* built by another replica between our look and our lock */
        goto out;
    }
    fr = pk_run (db, "pk_bag_files", 2, v);
    if (PQresultStatus (fr) != PGRES_TUPLES_OK)
        goto out;
    size_t n = (size_t) PQntuples (fr);
    files = calloc (n + 1, sizeof *files);
    hexes = calloc (n + 1, sizeof *hexes);
    paths = calloc (n + 1, sizeof *paths);
    if (!files || !hexes || !paths)
        goto out;
    const char *ninjs = PQgetvalue (in, 0, 1);
    files[0] = (media_bag_file){.path = "ninjs.json", .text = ninjs, .text_len = strlen (ninjs)};
    for (size_t i = 0; i < n; i++) {
        snprintf (paths[i], sizeof paths[i], "renditions/%s", PQgetvalue (fr, (int) i, 0));
        files[i + 1] = (media_bag_file){.path = paths[i],
                                        .sha256 = PQgetvalue (fr, (int) i, 1),
                                        .size = atoll (PQgetvalue (fr, (int) i, 2))};
    }
    char top[48], why[200];
    snprintf (top, sizeof top, "%s-v%s", id_s, ver_s);
    media_bag_result bag;
    if (media_bag_build (top, PQgetvalue (in, 0, 2), PQgetvalue (in, 0, 3), files, n + 1, hexes,
                         &bag, why, sizeof why) != 0) {
        rc = bag_failed (db, id_s, ver_s, why, max_attempts, retry_ms) == 0 ? 1 : -1;
        goto out;
    }
    bag_ready_arg arg = {.id_s = id_s, .ver_s = ver_s, .bag = &bag};
    if (loa_db_tx (db, bag_ready_tx, &arg) != 0) {
        if (arg.missing)
            rc = bag_failed (db, id_s, ver_s, "bag vừa ghi đã bị dọn khỏi kho media", max_attempts,
                             retry_ms) == 0
                     ? 1
                     : -1;
        goto out;
    }
    loa_info (NULL, "media: package %s version %s: bag %s (%lld bytes) ready", id_s, ver_s,
              bag.bag_sha256, (long long) bag.bag_size);
    rc = 1;
out:
    PQclear (in);
    PQclear (fr);
    free (files);
    free (hexes);
    free (paths);
    return rc;
}

int media_pkg_store_build_next (PGconn *db, int max_attempts, int retry_ms)
{
    PGresult *c = pk_run (db, "pk_bag_candidates", 0, NULL);
    if (PQresultStatus (c) != PGRES_TUPLES_OK) {
        PQclear (c);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < PQntuples (c) && rc == 0; i++) {
        const char *v[] = {PQgetvalue (c, i, 0), PQgetvalue (c, i, 1)};
        PGresult *l = pk_run (db, "pk_bag_lock", 2, v);
        int locked = PQresultStatus (l) == PGRES_TUPLES_OK && PQgetvalue (l, 0, 0)[0] == 't';
        if (PQresultStatus (l) != PGRES_TUPLES_OK)
            rc = -1;
        PQclear (l);
        if (!locked)
            continue; /* another replica builds it */
        rc = build_locked (db, v[0], v[1], max_attempts, retry_ms);
        PQclear (pk_run (db, "pk_bag_unlock", 2, v));
    }
    PQclear (c);
    return rc;
}
