#include "media_pkg_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_config.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"
#include "media_bag.h"
#include "media_ninjs.h"
#include "media_pkg_store_int.h"

#define MAX_ITEMS 100

static const loa_stmt statements[] = {
    {"pk_article", "SELECT title, summary, body_html, slug FROM published_articles "
                   "WHERE article_id = $1::bigint"},
    {"pk_assets", "SELECT a.id, a.sha256, a.size, a.mime FROM unnest($1::bigint[]) "
                  "WITH ORDINALITY u(id, n) JOIN assets a ON a.id = u.id ORDER BY u.n"},
    {"pk_bcs_given", "SELECT id FROM broadcasters WHERE id = ANY ($1::bigint[]) AND active"},
    {"pk_bcs_all", "SELECT id FROM broadcasters WHERE active ORDER BY id"},
    {"pk_new", "SELECT nextval('packages_id_seq'), rfc3339(now())"},
    {"pk_insert", "INSERT INTO packages (id, article_id, uri, created_by) "
                  "VALUES ($1::bigint, $2::bigint, $3, $4::bigint)"},
    {"pk_add_bcs", "INSERT INTO package_broadcasters SELECT $1::bigint, unnest($2::bigint[])"},
    /* The package's row lock: a version at a time. Taken by a statement
     * of its own, so that the next one (a new snapshot) sees the latest
     * version a concurrent writer committed. */
    {"pk_lock_row", "SELECT 1 FROM packages WHERE id = $1::bigint FOR UPDATE"},
    /* The embargo a correction keeps is the last usable version's (a
     * withheld or canceled version has none). */
    {"pk_lock", "SELECT p.article_id, p.uri, rfc3339(p.created_at), v.version, v.pub_status, "
                "coalesce((SELECT rfc3339(u.embargo_until) FROM package_versions u "
                "WHERE u.package_id = p.id AND u.pub_status = 'usable' "
                "ORDER BY u.version DESC LIMIT 1), ''), rfc3339(now()), "
                "to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'), "
                "(SELECT title FROM published_articles WHERE article_id = p.article_id), "
                "v.ninjs::json #>> '{headlines,0,value}' "
                "FROM packages p JOIN package_versions v ON v.package_id = p.id "
                "WHERE p.id = $1::bigint ORDER BY v.version DESC LIMIT 1"},
    /* A correction's assets when it names none: the last usable version's. */
    {"pk_prev_assets", "SELECT asset_id FROM package_files WHERE package_id = $1::bigint "
                       "AND version = (SELECT max(version) FROM package_versions "
                       "WHERE package_id = $1::bigint AND pub_status = 'usable') "
                       "ORDER BY position"},
    {"pk_norm_time", "SELECT rfc3339($1::timestamptz), $1::timestamptz > now()"},
    /* The bag is built later, by media_bag_builder.c (bag_state pending). */
    {"pk_version_insert",
     "INSERT INTO package_versions (package_id, version, pub_status, embargo_until, note, ninjs, "
     "ninjs_sha256, created_by, created_at) VALUES ($1::bigint, $2::integer, $3, "
     "nullif($4, '')::timestamptz, $5, $6, $7, $8::bigint, now())"},
    {"pk_file_insert", "INSERT INTO package_files (package_id, version, name, asset_id, position) "
                       "VALUES ($1::bigint, $2::integer, $3, $4::bigint, $5::integer)"},
    /* A version enters each broadcaster's feed now or, for a `hide`
     * broadcaster, when its embargo ends; never before an earlier version
     * of the same package still waiting for that broadcaster. */
    {"pk_feed_insert",
     "INSERT INTO feed_entries (broadcaster_id, package_id, version, release_at) "
     "SELECT pb.broadcaster_id, $1::bigint, $2::integer, "
     "greatest(CASE WHEN b.embargo_policy = 'hide' AND nullif($3, '')::timestamptz > now() "
     "THEN nullif($3, '')::timestamptz ELSE now() END, "
     "(SELECT max(f.release_at) FROM feed_entries f WHERE f.broadcaster_id = pb.broadcaster_id "
     "AND f.package_id = $1::bigint AND f.position IS NULL)) "
     "FROM package_broadcasters pb JOIN broadcasters b ON b.id = pb.broadcaster_id "
     "WHERE pb.package_id = $1::bigint AND b.active"},
    /* A correction that moves the embargo earlier (or clears it) moves the
     * package's entries still waiting for the old one with it: a version
     * never enters a feed before an earlier one, so they go first. */
    {"pk_feed_lift",
     "UPDATE feed_entries SET release_at = greatest(now(), coalesce(nullif($2, '')::timestamptz, "
     "now())) WHERE package_id = $1::bigint AND position IS NULL AND release_at > "
     "greatest(now(), coalesce(nullif($2, '')::timestamptz, now()))"},
    {"pk_release", "SELECT feed_release(nullif($1::bigint, 0))"},
    {"pk_pkg_ids", "SELECT broadcaster_id FROM package_broadcasters WHERE package_id = $1::bigint "
                   "ORDER BY 1"},
    /* Staff views. */
    {"pk_get",
     "SELECT p.id, p.article_id, p.uri, v.version, v.pub_status, "
     "coalesce(v.ninjs::json #>> '{headlines,0,value}', ''), p.created_by, rfc3339(p.created_at) "
     "FROM packages p JOIN LATERAL (SELECT * FROM package_versions WHERE package_id = p.id "
     "ORDER BY version DESC LIMIT 1) v ON true WHERE p.id = $1::bigint"},
    {"pk_versions",
     "SELECT v.version, v.pub_status, coalesce(rfc3339(v.embargo_until), ''), "
     "coalesce(v.bag_sha256, ''), coalesce(v.bag_size, 0), rfc3339(v.created_at), v.created_by, "
     "v.note, coalesce((SELECT string_agg(asset_id::text, ',' ORDER BY position) "
     "FROM package_files f WHERE f.package_id = v.package_id AND f.version = v.version), ''), "
     "v.bag_state, v.bag_error FROM package_versions v WHERE v.package_id = $1::bigint "
     "ORDER BY v.version"},
    {"pk_deliveries",
     "SELECT b.id, b.name, b.embargo_policy, "
     "coalesce((SELECT string_agg(f.version::text, ',' ORDER BY f.version) FROM feed_entries f "
     "WHERE f.package_id = $1::bigint AND f.broadcaster_id = b.id AND f.position IS NOT NULL), "
     "''), (SELECT count(*) FROM downloads d WHERE d.package_id = $1::bigint "
     "AND d.broadcaster_id = b.id), (SELECT coalesce(sum(bytes), 0) FROM downloads d "
     "WHERE d.package_id = $1::bigint AND d.broadcaster_id = b.id), "
     "coalesce((SELECT rfc3339(max(at)) FROM downloads d WHERE d.package_id = $1::bigint "
     "AND d.broadcaster_id = b.id), '') "
     "FROM package_broadcasters pb JOIN broadcasters b ON b.id = pb.broadcaster_id "
     "WHERE pb.package_id = $1::bigint ORDER BY b.id"},
    {"pk_receipts", "SELECT r.broadcaster_id, r.version, r.status, r.sha256, "
                    "rfc3339(r.created_at), p.uri FROM receipts r JOIN packages p "
                    "ON p.id = r.package_id WHERE r.package_id = $1::bigint "
                    "ORDER BY r.broadcaster_id, r.version"},
    {"pk_list", "SELECT id, count(*) OVER () FROM packages ORDER BY id DESC "
                "LIMIT $1::integer OFFSET $2::integer"},
    {"pk_count", "SELECT count(*) FROM packages"},
    /* Broadcasters' side. */
    {"pk_bc_of_key", "SELECT id FROM broadcasters WHERE api_key_id = $1::bigint AND active"},
    {"pk_access", "SELECT EXISTS (SELECT 1 FROM packages WHERE id = $2::bigint), "
                  "EXISTS (SELECT 1 FROM package_broadcasters WHERE package_id = $2::bigint "
                  "AND broadcaster_id = $1::bigint), "
                  "EXISTS (SELECT 1 FROM package_versions WHERE package_id = $2::bigint "
                  "AND ($3::integer = 0 OR version = $3::integer)), "
                  "CASE WHEN EXISTS (SELECT 1 FROM package_versions WHERE package_id = $2::bigint "
                  "AND pub_status = 'canceled') THEN 'canceled' ELSE (SELECT pub_status "
                  "FROM package_versions WHERE package_id = $2::bigint ORDER BY version DESC "
                  "LIMIT 1) END"},
    /* A version is the broadcaster's once released into its feed; one
     * named by its number is readable too while only its bag holds it back
     * (due, bag pending or failed): its ninjs does not depend on the bag. */
    {"pk_entry", "SELECT v.version, v.ninjs, coalesce(v.bag_sha256, ''), coalesce(v.bag_size, 0), "
                 "coalesce(v.manifest_sha256, ''), coalesce(v.manifest_size, 0), v.bag_state, "
                 "v.ninjs_2_3 "
                 "FROM feed_entries f JOIN package_versions v USING (package_id, version) "
                 "WHERE f.broadcaster_id = $1::bigint AND f.package_id = $2::bigint "
                 "AND ($3::integer = 0 OR f.version = $3::integer) AND (f.position IS NOT NULL OR "
                 "($3::integer <> 0 AND v.bag_state <> 'ready' AND f.release_at <= now())) "
                 "ORDER BY f.version DESC LIMIT 1"},
    {"pk_file", "SELECT a.sha256, a.size, a.mime FROM package_files f JOIN assets a "
                "ON a.id = f.asset_id WHERE f.package_id = $1::bigint AND f.version = $2::integer "
                "AND f.name = $3"},
    {"pk_download", "INSERT INTO downloads (broadcaster_id, package_id, version, what, name, "
                    "bytes, complete, status) VALUES ($1::bigint, $2::bigint, $3::integer, $4, $5, "
                    "$6::bigint, $7::boolean, $8::integer)"},
    {"pk_feed",
     "SELECT f.position, f.package_id, f.version, v.ninjs, v.ninjs_2_3 FROM feed_entries f "
     "JOIN package_versions v USING (package_id, version) WHERE f.broadcaster_id = $1::bigint "
     "AND f.position > $2::bigint ORDER BY f.position LIMIT $3::integer"},
    {"pk_receipt_insert",
     "INSERT INTO receipts (broadcaster_id, package_id, version, status, sha256) "
     "VALUES ($1::bigint, $2::bigint, $3::integer, $4, $5) ON CONFLICT DO NOTHING "
     "RETURNING status, sha256, rfc3339(created_at)"},
    {"pk_receipt_get", "SELECT status, sha256, rfc3339(created_at) FROM receipts "
                       "WHERE broadcaster_id = $1::bigint AND package_id = $2::bigint "
                       "AND version = $3::integer"},
    /* A version's ninjs 2.3 text (0005_ninjs_2_3.sql), stored once. */
    {"pk_ninjs_2_3", "UPDATE package_versions SET ninjs_2_3 = $3 WHERE package_id = $1::bigint "
                     "AND version = $2::integer AND ninjs_2_3 IS NULL"},
    /* The bag builder (media_pkg_store_build_next). Candidates: pending
     * bags that are due, the package's earliest pending version first (so
     * versions become ready, enter the feeds and are announced in their
     * order), small ones first (a cancellation is not held up by a video). */
    {"pk_bag_candidates",
     "SELECT v.package_id, v.version FROM package_versions v "
     "WHERE v.bag_state = 'pending' AND v.bag_next_at <= now() "
     "AND NOT EXISTS (SELECT 1 FROM package_versions e WHERE e.package_id = v.package_id "
     "AND e.version < v.version AND e.bag_state = 'pending') "
     "ORDER BY (SELECT coalesce(sum(a.size), 0) FROM package_files f JOIN assets a "
     "ON a.id = f.asset_id WHERE f.package_id = v.package_id AND f.version = v.version), "
     "v.created_at, v.package_id LIMIT 16"},
    /* A session lock per version while its bag is built (see
     * media_pkg_store_build_next); the two-int4 space's class "LoaB". */
    {"pk_bag_lock", "SELECT pg_try_advisory_lock(1282367810, hashtext($1 || '/' || $2))"},
    {"pk_bag_unlock", "SELECT pg_advisory_unlock(1282367810, hashtext($1 || '/' || $2))"},
    {"pk_bag_input", "SELECT v.bag_state, v.ninjs, p.uri, "
                     "to_char(v.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') "
                     "FROM package_versions v JOIN packages p ON p.id = v.package_id "
                     "WHERE v.package_id = $1::bigint AND v.version = $2::integer"},
    {"pk_bag_files", "SELECT f.name, a.sha256, a.size FROM package_files f JOIN assets a "
                     "ON a.id = f.asset_id WHERE f.package_id = $1::bigint "
                     "AND f.version = $2::integer ORDER BY f.position"},
    {"pk_bag_ready",
     "UPDATE package_versions v SET bag_state = 'ready', bag_sha256 = $3, bag_size = $4::bigint, "
     "manifest_sha256 = $5, manifest_size = $6::bigint, bag_attempts = bag_attempts + 1, "
     "bag_error = '' FROM packages p WHERE p.id = v.package_id AND v.package_id = $1::bigint "
     "AND v.version = $2::integer AND v.bag_state = 'pending' "
     "RETURNING v.pub_status, coalesce(rfc3339(v.embargo_until), ''), p.article_id, p.uri"},
    /* A failed attempt: tried again after retry_ms × 2^attempts, until
     * `attempts` of them have failed. */
    {"pk_bag_failed",
     "UPDATE package_versions SET bag_attempts = bag_attempts + 1, bag_error = $3, "
     "bag_state = CASE WHEN bag_attempts + 1 >= $4::integer THEN 'failed' ELSE 'pending' END, "
     "bag_next_at = now() + $5::bigint * interval '1 millisecond' * power(2, bag_attempts) "
     "WHERE package_id = $1::bigint AND version = $2::integer AND bag_state = 'pending' "
     "RETURNING bag_state, bag_attempts"},
    /* Withholding (media_pkg_store_withhold_next): a request no other
     * ticker holds, and the article's live packages (latest version usable). */
    {"pk_wh_todo", "SELECT event_seq, article_id, kind, note FROM withhold_requests "
                   "WHERE done_at IS NULL "
                   "ORDER BY event_seq LIMIT 1 FOR UPDATE SKIP LOCKED"},
    {"pk_wh_live", "SELECT p.id FROM packages p WHERE p.article_id = $1::bigint "
                   "AND (SELECT v.pub_status FROM package_versions v WHERE v.package_id = p.id "
                   "ORDER BY v.version DESC LIMIT 1) = 'usable' ORDER BY p.id"},
    {"pk_wh_done", "UPDATE withhold_requests SET done_at = now() WHERE event_seq = $1::bigint"},
    {NULL, NULL},
};

int media_pkg_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

static char domain[256], public_url[512];
static pthread_once_t settings_once = PTHREAD_ONCE_INIT;

static void read_settings (void)
{
    snprintf (domain, sizeof domain, "%s", loa_env ("LOA_MEDIA_URN_DOMAIN", "loa.bacninh.gov.vn"));
    snprintf (public_url, sizeof public_url, "%s", loa_public_url ());
}

const char *media_pkg_domain (void)
{
    pthread_once (&settings_once, read_settings);
    return domain;
}

const char *media_pkg_public_url (void)
{
    pthread_once (&settings_once, read_settings);
    return public_url;
}

/* ------------------------------------------------------------ helpers */

PGresult *pk_run (PGconn *db, const char *stmt, int n, const char *const *vals)
{
    return loa_store_run (db, WHO, stmt, n, vals, PGRES_TUPLES_OK);
}

/* Renders the ninjs 2.3 text of a version from its 3.2 text and stores it
 * where the row has none yet: when the version is made, and on the first
 * read of a version made before 0005_ninjs_2_3.sql (rendering is
 * deterministic, so a concurrent reader stores the same bytes). 0,
 * LOA_DB_RETRY or -1 (logged); *text (when not NULL) gets the text, which
 * the caller frees, even when storing it failed. */
int pk_save_2_3 (PGconn *db, const char *id_s, const char *ver_s, const char *ninjs, char **text)
{
    char *t = media_ninjs_2_3 (ninjs);
    if (!t) {
        loa_error (NULL, WHO ": package %s v%s: no ninjs 2.3 from its 3.2 text", id_s, ver_s);
        return -1;
    }
    const char *v[] = {id_s, ver_s, t};
    int rc = loa_store_change (db, WHO, "pk_ninjs_2_3", 3, v);
    if (text)
        *text = t;
    else
        free (t);
    return rc;
}

/* ------------------------------------------------------------ articles */

int media_pkg_store_article (PGconn *db, int64_t article_id, int published, int64_t unit_id,
                             const char *slug, const char *title, const char *summary,
                             const char *body, const char *body_html, const char *published_at,
                             const char *correction_note, uint64_t seq)
{
    char id[24], unit[24], seq_s[24];
    loa_store_int_param (id, article_id);
    loa_store_int_param (unit, unit_id);
    snprintf (seq_s, sizeof seq_s, "%llu", (unsigned long long) seq);
    if (!published) {
        const char *vals[] = {id};
        const char *req[] = {seq_s, id};
        int rc = loa_store_exec (
            db, WHO, "DELETE FROM published_articles WHERE article_id = $1::bigint", 1, vals);
        /* Its live packages are withheld by the ticker (withhold_next). */
        return rc != 0 ? rc
                       : loa_store_exec (db, WHO,
                                         "INSERT INTO withhold_requests (event_seq, article_id) "
                                         "SELECT $1::bigint, $2::bigint WHERE EXISTS (SELECT 1 "
                                         "FROM packages WHERE article_id = $2::bigint) "
                                         "ON CONFLICT DO NOTHING",
                                         2, req);
    }
    const char *vals[] = {id,
                          unit,
                          slug ? slug : "",
                          title ? title : "",
                          summary ? summary : "",
                          body ? body : "",
                          body_html ? body_html : "",
                          published_at ? published_at : "",
                          seq_s};
    int rc = loa_store_exec (
        db, WHO,
        "INSERT INTO published_articles (article_id, unit_id, slug, title, summary, body, "
        "body_html, published_at, event_seq) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7, "
        "$8, $9::bigint) ON CONFLICT (article_id) DO UPDATE SET unit_id = EXCLUDED.unit_id, "
        "slug = EXCLUDED.slug, title = EXCLUDED.title, summary = EXCLUDED.summary, "
        "body = EXCLUDED.body, body_html = EXCLUDED.body_html, "
        "published_at = EXCLUDED.published_at, event_seq = EXCLUDED.event_seq",
        9, vals);
    if (rc != 0 || !correction_note)
        return rc;
    /* A correction the reviewer asked to send on: its live packages get a
     * corrected version of the text just stored (the ticker). */
    const char *req[] = {seq_s, id, correction_note};
    return loa_store_exec (db, WHO,
                           "INSERT INTO withhold_requests (event_seq, article_id, kind, note) "
                           "SELECT $1::bigint, $2::bigint, 'correct', $3 WHERE EXISTS (SELECT 1 "
                           "FROM packages WHERE article_id = $2::bigint) ON CONFLICT DO NOTHING",
                           3, req);
}

int media_pkg_store_reset (PGconn *db)
{
    return loa_store_exec (db, WHO, "DELETE FROM published_articles", 0, NULL);
}

/* ------------------------------------------------------------ versions */

typedef struct {
    int64_t id;
    char sha[MEDIA_HEX + 1];
    int64_t size;
    char mime[104];
} asset_row;

static int invalid (media_pkg_write *w, const char *field, const char *message)
{
    w->field = field;
    snprintf (w->message, sizeof w->message, "%s", message);
    return 1;
}

typedef struct {
    media_pkg_write *w;
    loa_store_status st;
} write_tx_arg;

/* The assets `ids`, in order, into rows[] (n of them). 0, 1 (invalid:
 * w->field set), or -1. */
static int load_assets (PGconn *db, media_pkg_write *w, const int64_t *ids, size_t n,
                        asset_row *rows)
{
    if (n == 0)
        return 0;
    char *arr = loa_store_ids_literal (ids, n);
    if (!arr)
        return -1;
    const char *vals[] = {arr};
    PGresult *res = pk_run (db, "pk_assets", 1, vals);
    free (arr);
    int rc = -1;
    if (PQresultStatus (res) == PGRES_TUPLES_OK) {
        if ((size_t) PQntuples (res) != n) {
            rc = invalid (w, "asset_ids", "có tệp không tồn tại");
        } else {
            for (size_t i = 0; i < n; i++) {
                rows[i].id = atoll (PQgetvalue (res, (int) i, 0));
                snprintf (rows[i].sha, sizeof rows[i].sha, "%s", PQgetvalue (res, (int) i, 1));
                rows[i].size = atoll (PQgetvalue (res, (int) i, 2));
                snprintf (rows[i].mime, sizeof rows[i].mime, "%s", PQgetvalue (res, (int) i, 3));
            }
            rc = 0;
        }
    } else if (loa_db_retryable (res)) {
        rc = LOA_DB_RETRY;
    }
    PQclear (res);
    return rc;
}

/* The statement's first row's column `col` copied into out (cap bytes).
 * 0, 1 (no row), LOA_DB_RETRY or -1. */
static int first_value (PGresult *res, int col, char *out, size_t cap)
{
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        return loa_db_retryable (res) ? LOA_DB_RETRY : -1;
    if (PQntuples (res) < 1)
        return 1;
    snprintf (out, cap, "%s", PQgetvalue (res, 0, col));
    return 0;
}

static int write_tx (PGconn *db, void *argp)
{
    write_tx_arg *arg = argp;
    media_pkg_write *w = arg->w;
    arg->st = LOA_STORE_ERROR;
    char id_s[24], art_s[24], by_s[24], ver_s[16], uri[320], first_created[40], now_s[40],
        embargo[40] = "", prev_status[16] = "", title_prev[1] = "";
    char *title = NULL, *summary = NULL, *body_html = NULL, *slug = NULL, *ninjs = NULL,
         *bc_arr = NULL;
    int64_t *prev_ids = NULL;
    asset_row *assets = NULL;
    media_rendition *rends = NULL;
    char (*names)[64] = NULL;
    const int64_t *asset_ids = w->asset_ids;
    size_t n_assets = w->n_assets;
    int rc = -1, version = 1;
    PGresult *res = NULL;
    (void) title_prev;
    loa_store_int_param (by_s, w->user_id);

    if (w->kind == MEDIA_PKG_CREATE) {
        loa_store_int_param (art_s, w->article_id);
        const char *v1[] = {art_s};
        res = pk_run (db, "pk_article", 1, v1);
        if (PQresultStatus (res) != PGRES_TUPLES_OK) {
            rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
            goto out;
        }
        if (PQntuples (res) != 1) {
            rc = invalid (w, "article_id", "bài viết không tồn tại hoặc chưa xuất bản");
            arg->st = LOA_STORE_INVALID;
            goto out;
        }
    } else {
        loa_store_int_param (id_s, w->package_id);
        const char *v1[] = {id_s};
        if ((rc = loa_store_change (db, WHO, "pk_lock_row", 1, v1)) != 0)
            goto out;
        rc = -1;
        res = pk_run (db, "pk_lock", 1, v1);
        if (PQresultStatus (res) != PGRES_TUPLES_OK) {
            rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
            goto out;
        }
        if (PQntuples (res) != 1) {
            arg->st = LOA_STORE_NOT_FOUND;
            rc = 1;
            goto out;
        }
        w->article_id = atoll (PQgetvalue (res, 0, 0));
        loa_store_int_param (art_s, w->article_id);
        snprintf (uri, sizeof uri, "%s", PQgetvalue (res, 0, 1));
        snprintf (first_created, sizeof first_created, "%s", PQgetvalue (res, 0, 2));
        version = atoi (PQgetvalue (res, 0, 3)) + 1;
        snprintf (prev_status, sizeof prev_status, "%s", PQgetvalue (res, 0, 4));
        snprintf (embargo, sizeof embargo, "%s", PQgetvalue (res, 0, 5));
        snprintf (now_s, sizeof now_s, "%s", PQgetvalue (res, 0, 6));
        int has_article = !PQgetisnull (res, 0, 8);
        if (strcmp (prev_status, "canceled") == 0) {
            snprintf (w->message, sizeof w->message, "Gói tin đã bị hủy");
            arg->st = LOA_STORE_CONFLICT;
            rc = 1;
            goto out;
        }
        if (w->kind == MEDIA_PKG_WITHHOLD && strcmp (prev_status, "usable") != 0) {
            snprintf (w->message, sizeof w->message, "Gói tin đã tạm ngừng phát hành");
            arg->st = LOA_STORE_CONFLICT;
            rc = 1;
            goto out;
        }
        if (w->kind == MEDIA_PKG_CORRECT && !has_article) {
            snprintf (w->message, sizeof w->message, "Bài viết của gói tin không còn xuất bản");
            arg->st = LOA_STORE_CONFLICT;
            rc = 1;
            goto out;
        }
        if (w->kind == MEDIA_PKG_CANCEL || w->kind == MEDIA_PKG_WITHHOLD) {
            /* The headline the broadcasters know: the last version's. */
            title = strdup (PQgetvalue (res, 0, PQgetisnull (res, 0, 9) ? 8 : 9));
            embargo[0] = '\0';
        }
        PQclear (res);
        res = NULL;
        if (w->kind == MEDIA_PKG_CORRECT) {
            const char *v2[] = {art_s};
            res = pk_run (db, "pk_article", 1, v2);
            if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1) {
                rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
                goto out;
            }
        }
    }
    if (res && PQresultStatus (res) == PGRES_TUPLES_OK && PQnfields (res) == 4) {
        title = strdup (PQgetvalue (res, 0, 0));
        summary = strdup (PQgetvalue (res, 0, 1));
        body_html = strdup (PQgetvalue (res, 0, 2));
        slug = strdup (PQgetvalue (res, 0, 3));
        if (!title || !summary || !body_html || !slug)
            goto out;
    }
    PQclear (res);
    res = NULL;

    /* The embargo, in the database's form (RFC 3339 +07:00). */
    if (w->kind != MEDIA_PKG_CANCEL && w->kind != MEDIA_PKG_WITHHOLD && w->embargo_until) {
        embargo[0] = '\0';
        if (*w->embargo_until) {
            const char *v[] = {w->embargo_until};
            res = pk_run (db, "pk_norm_time", 1, v);
            if ((rc = first_value (res, 0, embargo, sizeof embargo)) != 0)
                goto out;
        }
    }
    PQclear (res);
    res = NULL;

    /* The assets: given, or the previous version's for a correction that
     * names none; a cancellation carries none. */
    if (w->kind == MEDIA_PKG_CANCEL || w->kind == MEDIA_PKG_WITHHOLD) {
        n_assets = 0;
    } else if (w->kind == MEDIA_PKG_CORRECT && !w->has_assets) {
        const char *v[] = {id_s};
        res = pk_run (db, "pk_prev_assets", 1, v);
        if (PQresultStatus (res) != PGRES_TUPLES_OK) {
            rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
            goto out;
        }
        n_assets = (size_t) PQntuples (res);
        prev_ids = calloc (n_assets + 1, sizeof *prev_ids);
        if (!prev_ids)
            goto out;
        for (size_t i = 0; i < n_assets; i++)
            prev_ids[i] = atoll (PQgetvalue (res, (int) i, 0));
        asset_ids = prev_ids;
        PQclear (res);
        res = NULL;
    }
    assets = calloc (n_assets + 1, sizeof *assets);
    rends = calloc (n_assets + 1, sizeof *rends);
    names = calloc (n_assets + 1, sizeof *names);
    if (!assets || !rends || !names)
        goto out;
    if ((rc = load_assets (db, w, asset_ids, n_assets, assets)) != 0) {
        if (rc == 1)
            arg->st = LOA_STORE_INVALID;
        goto out;
    }
    rc = -1;

    if (w->kind == MEDIA_PKG_CREATE) {
        /* The broadcasters: those named (each active), or every active one. */
        res = w->n_broadcasters ? NULL : pk_run (db, "pk_bcs_all", 0, NULL);
        if (w->n_broadcasters) {
            if (!(bc_arr = loa_store_ids_literal (w->broadcaster_ids, w->n_broadcasters)))
                goto out;
            const char *v[] = {bc_arr};
            res = pk_run (db, "pk_bcs_given", 1, v);
        }
        if (PQresultStatus (res) != PGRES_TUPLES_OK) {
            rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
            goto out;
        }
        size_t found = (size_t) PQntuples (res);
        if (found == 0 || (w->n_broadcasters && found != w->n_broadcasters)) {
            rc = invalid (w, "broadcaster_ids",
                          found == 0 ? "không có đơn vị nhận tin nào đang hoạt động"
                                     : "có đơn vị nhận tin không tồn tại hoặc đã ngừng");
            arg->st = LOA_STORE_INVALID;
            goto out;
        }
        if (!w->n_broadcasters) {
            int64_t *ids = calloc (found, sizeof *ids);
            if (!ids)
                goto out;
            for (size_t i = 0; i < found; i++)
                ids[i] = atoll (PQgetvalue (res, (int) i, 0));
            bc_arr = loa_store_ids_literal (ids, found);
            free (ids);
            if (!bc_arr)
                goto out;
        }
        PQclear (res);
        res = pk_run (db, "pk_new", 0, NULL);
        if ((rc = first_value (res, 0, id_s, sizeof id_s)) != 0)
            goto out;
        w->package_id = atoll (id_s);
        snprintf (now_s, sizeof now_s, "%s", PQgetvalue (res, 0, 1));
        snprintf (first_created, sizeof first_created, "%s", now_s);
        PQclear (res);
        res = NULL;
        if (media_ninjs_uri (uri, sizeof uri, media_pkg_domain (), w->package_id) != 0)
            goto out;
        const char *v[] = {id_s, art_s, uri, by_s};
        const char *vb[] = {id_s, bc_arr};
        if ((rc = loa_store_change (db, WHO, "pk_insert", 4, v)) != 0 ||
            (rc = loa_store_change (db, WHO, "pk_add_bcs", 2, vb)) != 0)
            goto out;
        rc = -1;
    }

    /* The document (the bag comes later: media_pkg_store_build_next). */
    for (size_t i = 0; i < n_assets; i++) {
        media_ninjs_rendition_name (names[i], sizeof names[i], (int) i + 1, assets[i].id,
                                    assets[i].mime);
        rends[i] = (media_rendition){names[i], assets[i].mime, assets[i].size};
    }
    const char *status = w->kind == MEDIA_PKG_CANCEL     ? "canceled"
                         : w->kind == MEDIA_PKG_WITHHOLD ? "withheld"
                                                         : "usable";
    media_ninjs_input in = {
        .uri = uri,
        .package_id = w->package_id,
        .version = version,
        .first_created = first_created,
        .version_created = now_s,
        .pub_status = status,
        .embargo_until = embargo,
        .title = title ? title : "",
        .summary = summary,
        .body_html = body_html,
        .note = w->note,
        .article_id = w->article_id,
        .slug = slug,
        .base_url = media_pkg_public_url (),
        .renditions = rends,
        .n_renditions = n_assets,
    };
    if (!(ninjs = media_ninjs_build (&in)))
        goto out;
    char ninjs_sha[MEDIA_HEX + 1];
    media_bag_sha256_text (ninjs, strlen (ninjs), ninjs_sha);
    snprintf (ver_s, sizeof ver_s, "%d", version);
    const char *vv[] = {id_s,  ver_s,     status, embargo, w->note ? w->note : "",
                        ninjs, ninjs_sha, by_s};
    if ((rc = loa_store_change (db, WHO, "pk_version_insert", 8, vv)) != 0 ||
        (rc = pk_save_2_3 (db, id_s, ver_s, ninjs, NULL)) != 0)
        goto out;
    for (size_t i = 0; i < n_assets; i++) {
        char asset_s[24], pos[24];
        loa_store_int_param (asset_s, assets[i].id);
        loa_store_int_param (pos, (long long) i + 1);
        const char *vf[] = {id_s, ver_s, names[i], asset_s, pos};
        if ((rc = loa_store_change (db, WHO, "pk_file_insert", 5, vf)) != 0)
            goto out;
    }
    /* Its feed entries wait for the bag (feed_release takes only versions
     * whose bag is ready); package.published is written with the bag. */
    const char *ve[] = {id_s, ver_s, embargo};
    const char *vl[] = {id_s, embargo};
    if (w->kind == MEDIA_PKG_CORRECT && w->embargo_until &&
        (rc = loa_store_change (db, WHO, "pk_feed_lift", 2, vl)) != 0)
        goto out;
    if ((rc = loa_store_change (db, WHO, "pk_feed_insert", 3, ve)) != 0)
        goto out;
    rc = -1;
    w->id = w->package_id;
    w->version = version;
    arg->st = LOA_STORE_OK;
    rc = 0;
out:
    PQclear (res);
    free (title);
    free (summary);
    free (body_html);
    free (slug);
    free (ninjs);
    free (bc_arr);
    free (prev_ids);
    free (assets);
    free (rends);
    free (names);
    return rc;
}

loa_store_status media_pkg_store_write (PGconn *db, media_pkg_write *w)
{
    write_tx_arg arg = {.w = w, .st = LOA_STORE_ERROR};
    int rc = loa_db_tx (db, write_tx, &arg);
    if (rc == 0)
        return LOA_STORE_OK;
    return arg.st == LOA_STORE_OK ? LOA_STORE_ERROR : arg.st;
}

/* ------------------------------------------------------------ withheld */

#define WITHHELD_NOTE                                                                                                         \
    "Bài viết gốc đã bị gỡ khỏi cổng thông tin; gói tin tạm ngừng phát hành cho đến khi có bản " \
    "đính chính."

typedef struct {
    int found;
    int made;
} withhold_arg;

static int withhold_tx (PGconn *db, void *argp)
{
    withhold_arg *a = argp;
    a->found = a->made = 0;
    PGresult *todo = pk_run (db, "pk_wh_todo", 0, NULL), *live = NULL;
    int rc = -1;
    if (PQresultStatus (todo) != PGRES_TUPLES_OK) {
        rc = loa_db_retryable (todo) ? LOA_DB_RETRY : -1;
        goto out;
    }
    rc = 0;
    if (PQntuples (todo) != 1)
        goto out;
    a->found = 1;
    const char *va[] = {PQgetvalue (todo, 0, 1)};
    live = pk_run (db, "pk_wh_live", 1, va);
    if (PQresultStatus (live) != PGRES_TUPLES_OK) {
        rc = loa_db_retryable (live) ? LOA_DB_RETRY : -1;
        goto out;
    }
    int correct = strcmp (PQgetvalue (todo, 0, 2), "correct") == 0;
    const char *note = PQgetvalue (todo, 0, 3);
    for (int i = 0; i < PQntuples (live); i++) {
        /* A correction keeps each package's assets and embargo (the last
         * usable version's), with the article's text as it now stands. */
        media_pkg_write w = {.kind = correct ? MEDIA_PKG_CORRECT : MEDIA_PKG_WITHHOLD,
                             .package_id = atoll (PQgetvalue (live, i, 0)),
                             .note = correct ? note : WITHHELD_NOTE,
                             .user_id = 0};
        write_tx_arg wa = {.w = &w, .st = LOA_STORE_ERROR};
        rc = write_tx (db, &wa);
        if (rc == 1 && wa.st == LOA_STORE_CONFLICT) {
            rc = 0; /* canceled or withheld meanwhile (the row lock orders us) */
            continue;
        }
        if (rc != 0)
            goto out;
        loa_info (NULL, "media: package %lld %s (article %s): version %d", (long long) w.id,
                  correct ? "corrected" : "withheld (retracted)", va[0], w.version);
        a->made++;
    }
    const char *vs[] = {PQgetvalue (todo, 0, 0)};
    rc = loa_store_change (db, WHO, "pk_wh_done", 1, vs);
out:
    PQclear (todo);
    PQclear (live);
    return rc;
}

int media_pkg_store_withhold_next (PGconn *db)
{
    withhold_arg a = {0, 0};
    if (loa_db_tx (db, withhold_tx, &a) != 0)
        return -1;
    return a.found;
}
