/* media_pkg_store: packages' SQL (schema media, 0003_packages.sql and
 * 0004_bag_builder.sql): the published articles' text (from content
 * events), packages and their immutable versions (each made with its ninjs
 * document, media_ninjs.h, in the transaction that adds the row; its bag,
 * media_bag.h, afterwards by media_pkg_store_build_next), the broadcasters'
 * feed, downloads and receipts. Messages it fills own their strings (free
 * with loa_store_free_message). One store in three files: media_pkg_store.c
 * (statements, articles, writing versions, withholding),
 * media_pkg_bag_store.c (building bags), media_pkg_view.c (the staff's and
 * the broadcasters' reads). */
#ifndef MEDIA_PKG_STORE_H
#define MEDIA_PKG_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "media_pkg.pb-c.h"
#include "media_store.h"

int media_pkg_store_prepare (PGconn *db);

/* LOA_MEDIA_URN_DOMAIN (the uri's domain) and LOA_PUBLIC_URL (renditions'
 * href), read once. */
const char *media_pkg_domain (void);
const char *media_pkg_public_url (void);

/* article.published keeps the article's text (what packages carry) and,
 * for a correction whose reviewer asked for it (`correction_note` not
 * NULL), asks for a corrected version of its live packages with that note;
 * article.retracted forgets it and, when the article has packages, asks
 * for them to be withheld (requests keyed by `seq`: the same event twice
 * asks once). Inside the subscriber's transaction. 0 or -1. */
int media_pkg_store_article (PGconn *db, int64_t article_id, int published, int64_t unit_id,
                             const char *slug, const char *title, const char *summary,
                             const char *body, const char *body_html, const char *published_at,
                             const char *correction_note, uint64_t seq);
int media_pkg_store_reset (PGconn *db);

typedef enum {
    MEDIA_PKG_CREATE,
    MEDIA_PKG_CORRECT,
    MEDIA_PKG_CANCEL,
    MEDIA_PKG_WITHHOLD
} media_pkg_kind;

/* A new version: a package's first (CREATE), a correction, a cancellation,
 * a withholding (media_pkg_store_withhold_next). A correction's assets and
 * embargo, when not given, are the last usable version's. */
typedef struct {
    media_pkg_kind kind;
    int64_t package_id; /* CORRECT, CANCEL */
    int64_t article_id; /* CREATE */
    const int64_t *asset_ids;
    size_t n_assets;
    int has_assets; /* CORRECT: else the previous version's */
    const int64_t *broadcaster_ids; /* CREATE; none: every active one */
    size_t n_broadcasters;
    const char *embargo_until; /* RFC 3339, "" none, NULL (CORRECT) the previous one's */
    const char *note; /* CORRECT: a note; CANCEL: the reason */
    int64_t user_id;
    /* out */
    const char *field; /* LOA_STORE_INVALID: the field, and message */
    char message[200];
    int64_t id;
    int version;
} media_pkg_write;

/* Makes the version (its bag pending) and its feed entries, in one
 * transaction; the entries are released, and package.published written,
 * once the bag is built. OK, INVALID (w->field), NOT_FOUND (no such package),
 * CONFLICT (canceled already, or the article is no longer published;
 * w->message), ERROR. */
loa_store_status media_pkg_store_write (PGconn *db, media_pkg_write *w);

/* Answers one withhold request (the oldest no other session holds): every
 * live package of the retracted article (its latest version usable) gets a
 * version `withheld` (the last headline, WITHHELD_NOTE as edNote, no
 * renditions, no embargo), all in one transaction with the request marked
 * done. A request of kind `correct` (a corrected article) gives each a
 * corrected version instead: the article's text as it now stands, the
 * request's note as edNote, the last usable version's assets and embargo. 1 (one request answered),
 * 0 (none left), -1 (logged). */
int media_pkg_store_withhold_next (PGconn *db);

/* Builds the bag of one pending version that is due, if any: picks one no
 * other session is building (a session-level advisory lock per version,
 * held only while building, with no transaction open meanwhile), builds it
 * (media_bag_build), then marks it ready, releases the feed entries that
 * are due and writes package.published, in one transaction. A failed build
 * is logged and recorded (bag_error), tried again after retry_ms × 2^n,
 * and marked failed after `max_attempts`. 1 (one version done, built or
 * not), 0 (nothing to build), -1 (database error, logged). */
int media_pkg_store_build_next (PGconn *db, int max_attempts, int retry_ms);

/* Staff views: one package with its versions and deliveries; a page. */
loa_store_status media_pkg_store_get (PGconn *db, int64_t id, Loa__Media__Package *out);
loa_store_status media_pkg_store_list (PGconn *db, int page, int per_page,
                                       Loa__Media__PackageList *out);

/* The active broadcaster holding API key `api_key_id`: OK (*id) or
 * FORBIDDEN. */
loa_store_status media_pkg_store_broadcaster (PGconn *db, int64_t api_key_id, int64_t *id);

/* Releases the broadcaster's entries (every broadcaster's when 0) whose
 * embargo ended and whose bag is ready (positions in their order; its own
 * transaction). 0 or -1. */
int media_pkg_store_release (PGconn *db, int64_t broadcaster_id);

/* The ninjs of version `version` (0: the latest released to it) for the
 * broadcaster, 3.2 and 2.3 texts (a version made before 0005_ninjs_2_3.sql
 * gets its 2.3 text made and stored now): OK, NOT_FOUND, FORBIDDEN (not its
 * package, or not yet released to it). */
loa_store_status media_pkg_store_ninjs (PGconn *db, int64_t broadcaster_id, int64_t id, int version,
                                        Loa__Media__Ninjs *out);

/* Which blob answers `what` (bag, file, manifest) of a version for the
 * broadcaster: OK, NOT_FOUND, FORBIDDEN, GONE (the package is canceled),
 * WITHHELD (its latest version is withheld), NOT_READY (bag and manifest of a
 * version whose bag is not built yet) or FAILED (whose bag could not be). */
loa_store_status media_pkg_store_file (PGconn *db, int64_t broadcaster_id,
                                       const Loa__Media__PackageFileRequest *in,
                                       Loa__Media__PackageFile *out);

loa_store_status media_pkg_store_log_download (PGconn *db, int64_t broadcaster_id,
                                               const Loa__Media__DownloadLog *in);

/* The broadcaster's feed after position `after`, at most `limit` items,
 * each with its 3.2 and 2.3 texts (as media_pkg_store_ninjs). */
loa_store_status media_pkg_store_feed (PGconn *db, int64_t broadcaster_id, int64_t after, int limit,
                                       Loa__Media__FeedPage *out);

/* A receipt: OK (*created 1 the first time, with package.delivered),
 * NOT_FOUND, FORBIDDEN, INVALID (sha256 does not match the bag; `field`). */
loa_store_status media_pkg_store_receipt (PGconn *db, int64_t broadcaster_id, int64_t id,
                                          int version, const char *sha256, const char *status,
                                          Loa__Media__Receipt *out, int *created,
                                          const char **field);

#endif
