/* media_pkg_store against a real PostgreSQL schema migrated with
 * media-svc's own migrations, and a media volume in a temporary folder:
 * versions (a package, a correction, a cancellation, nothing after it),
 * their bags built afterwards (pending until then, kept out of the feeds)
 * and stored by SHA-256, a bag that cannot be built (retried, then failed,
 * never in a feed, passed by the next version), and the feed's positions:
 * dense, in release order, a `hide` broadcaster's embargoed entry released
 * after what it has read, never at a position below it. */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fixture.h"
#include "loa_store.h"
#include "media_bag.h"
#include "media_bag_builder.h"
#include "media_ninjs.h"
#include "media_pkg_store.h"
#include "media_store.h"
#include "media_sweep.h"
#include "suites.h"

extern const loa_migration media_svc_migrations[];
extern const size_t media_svc_migrations_count;

static char volume[64];

static int remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove (path);
}

static void media_schema (test_schema *s)
{
    test_service_schema (s, "t_mpkg", "test_media_pkg_store", media_svc_migrations,
                         media_svc_migrations_count, "0001_init");
    ck_assert_int_eq (media_store_prepare (s->db), 0);
    /* The volume, once per process (media_bag reads it once). */
    if (!volume[0]) {
        snprintf (volume, sizeof volume, "/tmp/loa-unit-media-XXXXXX");
        ck_assert_ptr_nonnull (mkdtemp (volume));
        setenv ("LOA_MEDIA_DIR", volume, 1);
    }
    ck_assert_int_eq (media_bag_init (), 0);
}

/* Makes `path` (under the volume) hold `text`, last written `age` s ago. */
static void blob_file (const char *rel, const char *text, long age)
{
    char path[256];
    snprintf (path, sizeof path, "%s/%.9s", volume, rel);
    mkdir (path, 0755);
    snprintf (path, sizeof path, "%s/%.12s", volume, rel);
    mkdir (path, 0755);
    snprintf (path, sizeof path, "%s/%s", volume, rel);
    FILE *f = fopen (path, "wb");
    ck_assert_ptr_nonnull (f);
    fputs (text, f);
    fclose (f);
    struct timespec t[2] = {{time (NULL) - age, 0}, {time (NULL) - age, 0}};
    ck_assert_int_eq (utimensat (AT_FDCWD, path, t, 0), 0);
}

/* An asset whose blob holds `text`, under a made-up digest from n. */
static int64_t asset (PGconn *db, int n, const char *text)
{
    char sha[65], rel[96];
    snprintf (sha, sizeof sha, "%064x", 0xa000 + n);
    ck_assert_int_eq (loa_blob_path (sha, rel, sizeof rel), 0);
    blob_file (rel, text, 0);
    Loa__Media__Asset a = LOA__MEDIA__ASSET__INIT;
    int created = 0;
    ck_assert_int_eq (media_store_asset_create (db, sha, (int64_t) strlen (text), "image/png",
                                                "a.png", 3, &a, &created),
                      LOA_STORE_OK);
    int64_t id = a.id;
    loa_store_free_message (&a.base);
    return id;
}

static int64_t broadcaster (PGconn *db, const char *policy, int64_t key)
{
    Loa__Media__Broadcaster b = LOA__MEDIA__BROADCASTER__INIT;
    ck_assert_int_eq (media_store_broadcaster_create (db, "Đài", "tv", policy, key, 1, &b),
                      LOA_STORE_OK);
    int64_t id = b.id;
    loa_store_free_message (&b.base);
    return id;
}

/* Builds every pending bag that is due; the number handled. */
static int build_all (PGconn *db)
{
    int n = 0, rc;
    while ((rc = media_pkg_store_build_next (db, 2, 0)) == 1)
        n++;
    ck_assert_int_eq (rc, 0);
    return n;
}

/* A package of article `article` with one asset for one broadcaster, by
 * user 3, no embargo (the pointers must outlive the write). */
static media_pkg_write create_one (int64_t article, int64_t *asset, int64_t *broadcaster)
{
    return (media_pkg_write){.kind = MEDIA_PKG_CREATE,
                             .article_id = article,
                             .asset_ids = asset,
                             .n_assets = 1,
                             .broadcaster_ids = broadcaster,
                             .n_broadcasters = 1,
                             .embargo_until = "",
                             .user_id = 3};
}

/* "<package>#<version> ..." of the broadcaster's feed after `after`. */
static void feed (PGconn *db, int64_t b, int64_t after, char *out, size_t cap, int64_t *last)
{
    Loa__Media__FeedPage page = LOA__MEDIA__FEED_PAGE__INIT;
    ck_assert_int_eq (media_pkg_store_feed (db, b, after, 100, &page), LOA_STORE_OK);
    out[0] = '\0';
    for (size_t i = 0; i < page.n_items; i++) {
        size_t len = strlen (out);
        snprintf (out + len, cap - len, "%s%lld#%d", i ? " " : "",
                  (long long) page.items[i]->package_id, page.items[i]->version);
    }
    if (last)
        *last = page.last;
    loa_store_free_message (&page.base);
}

START_TEST (test_versions_and_feed)
{
    test_schema s;
    media_schema (&s);
    ck_assert_int_eq (media_pkg_store_article (s.db, 10, 1, 1, "tin", "Tiêu đề", "Tóm tắt", "Thân",
                                               "<p>Thân</p>", "2022-03-01T08:00:00+07:00", NULL, 1),
                      0);
    int64_t a1 = asset (s.db, 1, "first photo"), a2 = asset (s.db, 2, "second");
    int64_t deliver = broadcaster (s.db, "deliver", 501), hide = broadcaster (s.db, "hide", 502);
    int64_t assets[] = {a1, a2}, bcs[] = {deliver, hide};

    /* An unpublished article is refused, naming it. */
    media_pkg_write w = {
        .kind = MEDIA_PKG_CREATE, .article_id = 11, .embargo_until = "", .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &w), LOA_STORE_INVALID);
    ck_assert_str_eq (w.field, "article_id");

    media_pkg_write p1 = {.kind = MEDIA_PKG_CREATE,
                          .article_id = 10,
                          .asset_ids = assets,
                          .n_assets = 2,
                          .broadcaster_ids = bcs,
                          .n_broadcasters = 2,
                          .embargo_until = "",
                          .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &p1), LOA_STORE_OK);
    ck_assert_int_eq (p1.version, 1);
    /* Embargoed for a day: `hide` waits, `deliver` has it at once. */
    media_pkg_write p2 = {.kind = MEDIA_PKG_CREATE,
                          .article_id = 10,
                          .asset_ids = assets,
                          .n_assets = 1,
                          .broadcaster_ids = bcs,
                          .n_broadcasters = 2,
                          .embargo_until = "2999-01-01T00:00:00Z",
                          .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &p2), LOA_STORE_OK);
    media_pkg_write c1 = {
        .kind = MEDIA_PKG_CORRECT, .package_id = p1.id, .note = "sửa", .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &c1), LOA_STORE_OK);
    ck_assert_int_eq (c1.version, 2);

    /* Nothing in the feeds, and no bag to fetch, until the bags are built. */
    char got[256], want[256];
    feed (s.db, deliver, 0, got, sizeof got, NULL);
    ck_assert_str_eq (got, "");
    Loa__Media__PackageFileRequest pr = LOA__MEDIA__PACKAGE_FILE_REQUEST__INIT;
    pr.id = p1.id;
    pr.version = 1;
    pr.what = (char *) "bag";
    Loa__Media__PackageFile pf = LOA__MEDIA__PACKAGE_FILE__INIT;
    ck_assert_int_eq (media_pkg_store_file (s.db, deliver, &pr, &pf), LOA_STORE_NOT_READY);
    pr.what = (char *) "manifest";
    ck_assert_int_eq (media_pkg_store_file (s.db, deliver, &pr, &pf), LOA_STORE_NOT_READY);
    Loa__Media__Ninjs nj = LOA__MEDIA__NINJS__INIT;
    ck_assert_int_eq (media_pkg_store_ninjs (s.db, deliver, p1.id, 1, &nj), LOA_STORE_OK);
    loa_store_free_message (&nj.base);
    ck_assert_int_eq (media_pkg_store_ninjs (s.db, deliver, p1.id, 0, &nj), LOA_STORE_FORBIDDEN);
    ck_assert_int_eq (media_pkg_store_ninjs (s.db, hide, p2.id, 1, &nj), LOA_STORE_FORBIDDEN);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox "
                                            "WHERE topic = 'package.published'"),
                      0);
    /* Built once each; a second run finds nothing. */
    ck_assert_int_eq (build_all (s.db), 3);
    ck_assert_int_eq (build_all (s.db), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM package_versions "
                                            "WHERE bag_state = 'ready' AND bag_attempts = 1"),
                      3);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox "
                                            "WHERE topic = 'package.published'"),
                      3);

    int64_t hide_last = 0;
    /* In the order the bags became ready: the smallest first (p2's), a
     * package's versions in their order. */
    feed (s.db, deliver, 0, got, sizeof got, NULL);
    snprintf (want, sizeof want, "%lld#1 %lld#1 %lld#2", (long long) p2.id, (long long) p1.id,
              (long long) p1.id);
    ck_assert_str_eq (got, want);
    feed (s.db, hide, 0, got, sizeof got, &hide_last);
    snprintf (want, sizeof want, "%lld#1 %lld#2", (long long) p1.id, (long long) p1.id);
    ck_assert_str_eq (got, want);
    /* Positions are dense: 6 entries made, 5 released (hide's embargoed one
     * waits), at positions 1..5. */
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(position) FROM feed_entries"), 5);
    ck_assert_int_eq (test_query_int (s.db, "SELECT last FROM feed_counter"), 5);
    ck_assert_int_eq (test_query_int (s.db, "SELECT max(position) FROM feed_entries"), 5);

    /* The embargo ends: the entry enters hide's feed after what it read. */
    ck_assert_int_eq (test_query_int (s.db, "WITH u AS (UPDATE feed_entries SET release_at = "
                                            "now() - interval '1 second' WHERE position IS NULL "
                                            "RETURNING 1) SELECT count(*) FROM u"),
                      1);
    /* Released on time by the builder's run, before the broadcaster reads. */
    ck_assert_int_eq (media_bag_builder_tick (s.db, NULL), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(position) FROM feed_entries"), 6);
    feed (s.db, hide, hide_last, got, sizeof got, NULL);
    snprintf (want, sizeof want, "%lld#1", (long long) p2.id);
    ck_assert_str_eq (got, want);
    ck_assert_int_eq (test_query_int (s.db, "SELECT max(position) FROM feed_entries"), 6);

    /* The bag is a blob, and the version's files come from it. */
    Loa__Media__PackageFileRequest fr = LOA__MEDIA__PACKAGE_FILE_REQUEST__INIT;
    fr.id = p1.id;
    fr.version = 1;
    fr.what = (char *) "bag";
    Loa__Media__PackageFile f = LOA__MEDIA__PACKAGE_FILE__INIT;
    ck_assert_int_eq (media_pkg_store_file (s.db, deliver, &fr, &f), LOA_STORE_OK);
    char rel[96], path[256];
    ck_assert_int_eq (loa_blob_path (f.sha256, rel, sizeof rel), 0);
    snprintf (path, sizeof path, "%s/%s", volume, rel);
    struct stat st;
    ck_assert_int_eq (stat (path, &st), 0);
    ck_assert_int_eq (st.st_size, f.size);
    loa_store_free_message (&f.base);

    /* A bag that cannot be built (a rendition's blob is missing): retried
     * once, then failed; never in a feed; its bag answers FAILED; the next
     * version passes it. */
    int64_t a3 = asset (s.db, 3, "lost");
    char lost_rel[96], lost[256], lost_sha[65];
    snprintf (lost_sha, sizeof lost_sha, "%064x", 0xa000 + 3);
    ck_assert_int_eq (loa_blob_path (lost_sha, lost_rel, sizeof lost_rel), 0);
    snprintf (lost, sizeof lost, "%s/%s", volume, lost_rel);
    ck_assert_int_eq (unlink (lost), 0);
    int64_t with_lost[] = {a3};
    media_pkg_write c2 = {.kind = MEDIA_PKG_CORRECT,
                          .package_id = p1.id,
                          .asset_ids = with_lost,
                          .n_assets = 1,
                          .has_assets = 1,
                          .note = "ảnh mất",
                          .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &c2), LOA_STORE_OK);
    ck_assert_int_eq (c2.version, 3);
    ck_assert_int_eq (build_all (s.db), 2); /* two attempts (no wait between them here) */
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM package_versions WHERE "
                                            "bag_state = 'failed' AND bag_attempts = 2 AND "
                                            "bag_error LIKE 'thiếu tệp renditions/%'"),
                      1);
    pr.what = (char *) "bag";
    pr.version = 3;
    ck_assert_int_eq (media_pkg_store_file (s.db, deliver, &pr, &pf), LOA_STORE_FAILED);
    media_pkg_write c3 = {.kind = MEDIA_PKG_CORRECT,
                          .package_id = p1.id,
                          .asset_ids = assets,
                          .n_assets = 1,
                          .has_assets = 1,
                          .note = "sửa lại",
                          .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &c3), LOA_STORE_OK);
    ck_assert_int_eq (c3.version, 4);
    int64_t deliver_last = 0;
    feed (s.db, deliver, 0, got, sizeof got, &deliver_last);
    ck_assert_int_eq (build_all (s.db), 1);
    feed (s.db, deliver, deliver_last, got, sizeof got, NULL);
    snprintf (want, sizeof want, "%lld#4", (long long) p1.id);
    ck_assert_str_eq (got, want);

    /* A cancellation, then nothing more; its files are gone. */
    media_pkg_write x = {
        .kind = MEDIA_PKG_CANCEL, .package_id = p1.id, .note = "hủy", .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &x), LOA_STORE_OK);
    ck_assert_int_eq (x.version, 5);
    media_pkg_write after = {.kind = MEDIA_PKG_CORRECT, .package_id = p1.id, .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &after), LOA_STORE_CONFLICT);
    ck_assert_int_eq (media_pkg_store_file (s.db, deliver, &fr, &f), LOA_STORE_GONE);
    loa_store_free_message (&f.base);
    media_pkg_write none = {.kind = MEDIA_PKG_CORRECT, .package_id = 999999, .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &none), LOA_STORE_NOT_FOUND);
    test_schema_fini (&s);
    nftw (volume, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

/* Each version's ninjs 2.3 text is stored when it is made, and a version
 * made before 0005_ninjs_2_3.sql (NULL) gets it on its first read, by the
 * document or by the feed; either way it is media_ninjs_2_3 of its 3.2 text. */
START_TEST (test_ninjs_2_3_stored)
{
    test_schema s;
    media_schema (&s);
    ck_assert_int_eq (media_pkg_store_article (s.db, 20, 1, 1, "tin-2-3", "Tiêu đề", "Tóm tắt",
                                               "Thân", "<p>Thân</p>", "2022-03-01T08:00:00+07:00",
                                               NULL, 1),
                      0);
    int64_t a1 = asset (s.db, 3, "photo"), bc = broadcaster (s.db, "deliver", 601);
    media_pkg_write p = create_one (20, &a1, &bc);
    ck_assert_int_eq (media_pkg_store_write (s.db, &p), LOA_STORE_OK);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM package_versions "
                                            "WHERE ninjs_2_3 IS NOT NULL"),
                      1);
    ck_assert_int_eq (build_all (s.db), 1); /* the bag: then the version is released */
    Loa__Media__Ninjs doc = LOA__MEDIA__NINJS__INIT;
    ck_assert_int_eq (media_pkg_store_ninjs (s.db, bc, p.id, 1, &doc), LOA_STORE_OK);
    char *want = media_ninjs_2_3 (doc.json);
    ck_assert_ptr_nonnull (want);
    ck_assert_str_eq (doc.json_2_3, want);
    ck_assert_ptr_nonnull (strstr (doc.json_2_3, "\"pubstatus\":\"usable\""));
    loa_store_free_message (&doc.base);

    /* As if made before the migration: the document's read fills it. */
    test_query_int (s.db, "WITH u AS (UPDATE package_versions SET ninjs_2_3 = NULL RETURNING 1) "
                          "SELECT count(*) FROM u");
    Loa__Media__Ninjs again = LOA__MEDIA__NINJS__INIT;
    ck_assert_int_eq (media_pkg_store_ninjs (s.db, bc, p.id, 0, &again), LOA_STORE_OK);
    ck_assert_str_eq (again.json_2_3, want);
    loa_store_free_message (&again.base);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM package_versions "
                                            "WHERE ninjs_2_3 IS NOT NULL"),
                      1);

    /* And the feed's. */
    test_query_int (s.db, "WITH u AS (UPDATE package_versions SET ninjs_2_3 = NULL RETURNING 1) "
                          "SELECT count(*) FROM u");
    Loa__Media__FeedPage page = LOA__MEDIA__FEED_PAGE__INIT;
    ck_assert_int_eq (media_pkg_store_feed (s.db, bc, 0, 100, &page), LOA_STORE_OK);
    ck_assert_int_eq (page.n_items, 1);
    ck_assert_str_eq (page.items[0]->json_2_3, want);
    loa_store_free_message (&page.base);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM package_versions "
                                            "WHERE ninjs_2_3 IS NOT NULL"),
                      1);
    free (want);
    test_schema_fini (&s);
    nftw (volume, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

/* The latest pub_status of package `id`. */
static void latest_status (PGconn *db, int64_t id, char *out, size_t cap)
{
    char sql[160];
    snprintf (sql, sizeof sql,
              "SELECT pub_status FROM package_versions WHERE package_id = %lld "
              "ORDER BY version DESC LIMIT 1",
              (long long) id);
    PGresult *res = PQexec (db, sql);
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    ck_assert_int_eq (PQntuples (res), 1);
    snprintf (out, cap, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
}

/* article.retracted: every live package of the article gets a version
 * withheld (once, however often the event is applied), its files answer
 * WITHHELD, a correction waits for the article to be published again and
 * makes the package usable; a canceled package stays canceled. */
START_TEST (test_withheld)
{
    test_schema s;
    media_schema (&s);
    ck_assert_int_eq (media_pkg_store_article (s.db, 20, 1, 1, "tin", "Tiêu đề", "Tóm tắt", "Thân",
                                               "<p>Thân</p>", "2022-03-01T08:00:00+07:00", NULL, 1),
                      0);
    int64_t a1 = asset (s.db, 11, "withheld photo");
    int64_t b = broadcaster (s.db, "deliver", 601);
    int64_t assets[] = {a1}, bcs[] = {b};
    media_pkg_write p1 = create_one (20, assets, bcs);
    media_pkg_write p2 = p1;
    ck_assert_int_eq (media_pkg_store_write (s.db, &p1), LOA_STORE_OK);
    ck_assert_int_eq (media_pkg_store_write (s.db, &p2), LOA_STORE_OK);
    media_pkg_write x = {
        .kind = MEDIA_PKG_CANCEL, .package_id = p2.id, .note = "hủy", .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &x), LOA_STORE_OK);
    ck_assert_int_eq (build_all (s.db), 3);
    ck_assert_int_eq (media_pkg_store_withhold_next (s.db), 0);

    /* The retraction, applied twice (a replay): one request, one version. */
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq (
            media_pkg_store_article (s.db, 20, 0, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 7),
            0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM withhold_requests"), 1);
    ck_assert_int_eq (media_pkg_store_withhold_next (s.db), 1);
    ck_assert_int_eq (media_pkg_store_withhold_next (s.db), 0);
    char st[16];
    latest_status (s.db, p1.id, st, sizeof st);
    ck_assert_str_eq (st, "withheld");
    latest_status (s.db, p2.id, st, sizeof st);
    ck_assert_str_eq (st, "canceled");
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM package_versions "
                                            "WHERE pub_status = 'withheld'"),
                      1);
    /* Its ninjs says so once its bag is built; its files are gone. */
    ck_assert_int_eq (build_all (s.db), 1);
    Loa__Media__Ninjs nj = LOA__MEDIA__NINJS__INIT;
    ck_assert_int_eq (media_pkg_store_ninjs (s.db, b, p1.id, 0, &nj), LOA_STORE_OK);
    ck_assert_int_eq (nj.version, 2);
    ck_assert_ptr_nonnull (strstr (nj.json, "\"pubStatus\":\"withheld\""));
    ck_assert_ptr_nonnull (strstr (nj.json, "Tiêu đề"));
    ck_assert_ptr_null (strstr (nj.json, "renditions"));
    loa_store_free_message (&nj.base);
    Loa__Media__PackageFileRequest fr = LOA__MEDIA__PACKAGE_FILE_REQUEST__INIT;
    fr.id = p1.id;
    fr.version = 1;
    fr.what = (char *) "bag";
    Loa__Media__PackageFile f = LOA__MEDIA__PACKAGE_FILE__INIT;
    ck_assert_int_eq (media_pkg_store_file (s.db, b, &fr, &f), LOA_STORE_WITHHELD);

    /* A correction waits for the article; then the package is usable, with
     * version 1's assets, and its files come back. */
    media_pkg_write c = {.kind = MEDIA_PKG_CORRECT, .package_id = p1.id, .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &c), LOA_STORE_CONFLICT);
    ck_assert_int_eq (media_pkg_store_article (s.db, 20, 1, 1, "tin", "Tiêu đề mới", "", "", "",
                                               "2022-03-02T08:00:00+07:00", NULL, 8),
                      0);
    ck_assert_int_eq (media_pkg_store_write (s.db, &c), LOA_STORE_OK);
    ck_assert_int_eq (c.version, 3);
    latest_status (s.db, p1.id, st, sizeof st);
    ck_assert_str_eq (st, "usable");
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM package_files "
                                            "WHERE version = 3"),
                      1);
    ck_assert_int_eq (build_all (s.db), 1);
    ck_assert_int_eq (media_pkg_store_file (s.db, b, &fr, &f), LOA_STORE_OK);
    loa_store_free_message (&f.base);
    /* The old retraction once more (a replay): nothing. */
    ck_assert_int_eq (
        media_pkg_store_article (s.db, 20, 0, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 7), 0);
    ck_assert_int_eq (media_pkg_store_withhold_next (s.db), 0);
    latest_status (s.db, p1.id, st, sizeof st);
    ck_assert_str_eq (st, "usable");
    test_schema_fini (&s);
    nftw (volume, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

/* article.published of a correction whose reviewer asked for it: every
 * live package gets a corrected version (the new text, the note, version
 * 1's assets), once however often the event is applied; a canceled one
 * none; without the request (no note), nothing is queued. */
START_TEST (test_corrected_article)
{
    test_schema s;
    media_schema (&s);
    ck_assert_int_eq (media_pkg_store_article (s.db, 30, 1, 1, "tin", "Tiêu đề", "Tóm tắt", "Thân",
                                               "<p>Thân</p>", "2022-03-01T08:00:00+07:00", NULL, 1),
                      0);
    int64_t a1 = asset (s.db, 12, "corrected photo");
    int64_t b = broadcaster (s.db, "deliver", 602);
    int64_t assets[] = {a1}, bcs[] = {b};
    media_pkg_write p1 = create_one (30, assets, bcs);
    media_pkg_write p2 = p1;
    ck_assert_int_eq (media_pkg_store_write (s.db, &p1), LOA_STORE_OK);
    ck_assert_int_eq (media_pkg_store_write (s.db, &p2), LOA_STORE_OK);
    media_pkg_write x = {
        .kind = MEDIA_PKG_CANCEL, .package_id = p2.id, .note = "hủy", .user_id = 3};
    ck_assert_int_eq (media_pkg_store_write (s.db, &x), LOA_STORE_OK);

    /* A correction without the option: the text only. */
    ck_assert_int_eq (media_pkg_store_article (s.db, 30, 1, 1, "tin", "Tiêu đề sửa", "", "", "",
                                               "2022-03-01T08:00:00+07:00", NULL, 5),
                      0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM withhold_requests"), 0);
    ck_assert_int_eq (media_pkg_store_withhold_next (s.db), 0);

    /* With it, applied twice (a replay): one request, one version. */
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq (media_pkg_store_article (s.db, 30, 1, 1, "tin", "Tiêu đề đính chính", "",
                                                   "", "", "2022-03-01T08:00:00+07:00",
                                                   "Sửa ngày họp", 6),
                          0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM withhold_requests "
                                            "WHERE kind = 'correct'"),
                      1);
    ck_assert_int_eq (media_pkg_store_withhold_next (s.db), 1);
    ck_assert_int_eq (media_pkg_store_withhold_next (s.db), 0);
    char st[16];
    latest_status (s.db, p1.id, st, sizeof st);
    ck_assert_str_eq (st, "usable");
    latest_status (s.db, p2.id, st, sizeof st);
    ck_assert_str_eq (st, "canceled");
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM package_versions v "
                                            "WHERE v.version = 2 AND v.note = 'Sửa ngày họp' "
                                            "AND v.pub_status = 'usable' AND v.created_by = 0"),
                      1);
    ck_assert_int_eq (build_all (s.db), 4);
    Loa__Media__Ninjs nj = LOA__MEDIA__NINJS__INIT;
    ck_assert_int_eq (media_pkg_store_ninjs (s.db, b, p1.id, 0, &nj), LOA_STORE_OK);
    ck_assert_int_eq (nj.version, 2);
    ck_assert_ptr_nonnull (strstr (nj.json, "Tiêu đề đính chính"));
    ck_assert_ptr_nonnull (strstr (nj.json, "Sửa ngày họp"));
    ck_assert_ptr_nonnull (strstr (nj.json, "renditions"));
    loa_store_free_message (&nj.base);
    test_schema_fini (&s);
    nftw (volume, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

static int on_volume (const char *rel)
{
    char path[256];
    snprintf (path, sizeof path, "%s/%s", volume, rel);
    return access (path, F_OK) == 0;
}

/* The orphan sweep removes old blobs no row names, and only those: not an
 * asset's, a bag's or a manifest's, not a young one, not a file that is
 * not a digest in its place; an asset is not registered for a blob that is
 * not there (the sweeper removed it). */
START_TEST (test_orphan_sweep)
{
    test_schema s;
    media_schema (&s);
    ck_assert_int_eq (media_pkg_store_article (s.db, 30, 1, 1, "tin", "Tiêu đề", "", "", "",
                                               "2022-03-01T08:00:00+07:00", NULL, 1),
                      0);
    int64_t a1 = asset (s.db, 21, "kept photo");
    int64_t b = broadcaster (s.db, "deliver", 701);
    int64_t assets[] = {a1}, bcs[] = {b};
    media_pkg_write p = create_one (30, assets, bcs);
    ck_assert_int_eq (media_pkg_store_write (s.db, &p), LOA_STORE_OK);
    ck_assert_int_eq (build_all (s.db), 1);
    /* Every blob so far two hours old, and some that no row names. */
    char path[256], rel[96], bag_rel[96], man_rel[96], asset_rel[96], orphan_rel[96], young_rel[96],
        hex[65];
    PGresult *res = PQexec (s.db, "SELECT bag_sha256, manifest_sha256 FROM package_versions");
    ck_assert_int_eq (PQntuples (res), 1);
    ck_assert_int_eq (loa_blob_path (PQgetvalue (res, 0, 0), bag_rel, sizeof bag_rel), 0);
    ck_assert_int_eq (loa_blob_path (PQgetvalue (res, 0, 1), man_rel, sizeof man_rel), 0);
    PQclear (res);
    snprintf (hex, sizeof hex, "%064x", 0xa000 + 21);
    ck_assert_int_eq (loa_blob_path (hex, asset_rel, sizeof asset_rel), 0);
    blob_file (asset_rel, "kept photo", 7200);
    snprintf (path, sizeof path, "%s/%s", volume, bag_rel);
    struct timespec old[2] = {{time (NULL) - 7200, 0}, {time (NULL) - 7200, 0}};
    ck_assert_int_eq (utimensat (AT_FDCWD, path, old, 0), 0);
    snprintf (path, sizeof path, "%s/%s", volume, man_rel);
    ck_assert_int_eq (utimensat (AT_FDCWD, path, old, 0), 0);
    snprintf (hex, sizeof hex, "%064x", 0xb001);
    ck_assert_int_eq (loa_blob_path (hex, orphan_rel, sizeof orphan_rel), 0);
    blob_file (orphan_rel, "orphan", 7200);
    snprintf (hex, sizeof hex, "%064x", 0xb002);
    ck_assert_int_eq (loa_blob_path (hex, young_rel, sizeof young_rel), 0);
    blob_file (young_rel, "young", 60);
    snprintf (rel, sizeof rel, "sha256/00/00/notes.txt");
    blob_file (rel, "not a digest", 7200);
    snprintf (hex, sizeof hex, "%064x", 0xb003); /* 0000…b003 in the wrong place */
    snprintf (rel, sizeof rel, "sha256/ff/ff/%s", hex);
    blob_file (rel, "misplaced", 7200);

    ck_assert_int_eq (media_sweep_orphans (s.db, 3600), 1);
    ck_assert (!on_volume (orphan_rel));
    ck_assert (on_volume (asset_rel) && on_volume (bag_rel) && on_volume (man_rel));
    ck_assert (on_volume (young_rel) && on_volume ("sha256/00/00/notes.txt") && on_volume (rel));
    ck_assert_int_eq (media_sweep_orphans (s.db, 3600), 0);

    /* Registering bytes whose blob the sweeper removed: NOT_READY (upload
     * them again), no row. */
    Loa__Media__Asset a = LOA__MEDIA__ASSET__INIT;
    int created = 0;
    snprintf (hex, sizeof hex, "%064x", 0xb001);
    ck_assert_int_eq (media_store_asset_register (s.db, hex, 6, "image/png", "", 3, &a, &created),
                      LOA_STORE_NOT_READY);
    loa_store_free_message (&a.base);
    snprintf (hex, sizeof hex, "%064x", 0xb002);
    ck_assert_int_eq (media_store_asset_register (s.db, hex, 5, "image/png", "", 3, &a, &created),
                      LOA_STORE_OK);
    ck_assert_int_eq (created, 1);
    loa_store_free_message (&a.base);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM assets"), 2);
    test_schema_fini (&s);
    nftw (volume, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

Suite *media_pkg_store_suite (void)
{
    Suite *s = suite_create ("media-svc/pkg_store");
    TCase *tc = tcase_create ("pkg_store");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_versions_and_feed);
    tcase_add_test (tc, test_ninjs_2_3_stored);
    tcase_add_test (tc, test_withheld);
    tcase_add_test (tc, test_corrected_article);
    tcase_add_test (tc, test_orphan_sweep);
    suite_add_tcase (s, tc);
    return s;
}
