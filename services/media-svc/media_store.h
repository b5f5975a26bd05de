/* media_store: all of media-svc's SQL (schema media): assets, the assets of
 * published articles, broadcasters. Every function runs prepared
 * statements on the worker's connection; messages it fills own their
 * strings (free with loa_store_free_message, loa_store.h). */
#ifndef MEDIA_STORE_H
#define MEDIA_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "loa_store.h"
#include "media.pb-c.h"
#include "media_edit.pb-c.h"

int media_store_prepare (PGconn *db);

/* Registers the bytes `sha256` as an asset, or finds the asset already
 * holding those bytes: *created is 1 when the row is new. */
loa_store_status media_store_asset_create (PGconn *db, const char *sha256, int64_t size,
                                           const char *mime, const char *original_name,
                                           int64_t created_by, Loa__Media__Asset *out,
                                           int *created);

/* media_store_asset_create in one transaction holding the blob's lock
 * (media_store_blob_lock), after checking that the blob is on the volume:
 * NOT_READY when it is not (the orphan sweeper removed it: the bytes must be
 * uploaded again), so a row never names a blob the sweeper removes. */
loa_store_status media_store_asset_register (PGconn *db, const char *sha256, int64_t size,
                                             const char *mime, const char *original_name,
                                             int64_t created_by, Loa__Media__Asset *out,
                                             int *created);

/* Takes the blob's transaction-level lock (inside a transaction): 0,
 * LOA_DB_RETRY or -1. Whoever makes a row name a blob takes it and checks
 * that the blob is there; the orphan sweeper takes it and checks that no
 * row names the blob before removing it. */
int media_store_blob_lock (PGconn *db, const char *sha256);

/* 1 when an asset, a citizen's attachment, a bag or a manifest names the
 * blob, 0 when none, -1. */
int media_store_blob_referenced (PGconn *db, const char *sha256);

/* In one transaction holding the blob's lock: when no row names it, calls
 * remove (sha256, arg), which returns 1 when it removed the file. 1
 * (removed), 0 (kept), -1 (logged). */
int media_store_blob_remove_orphan (PGconn *db, const char *sha256,
                                    int (*remove) (const char *sha256, void *arg), void *arg);

/* The asset `id`, with `is_public` (attached to a published article). */
loa_store_status media_store_asset_get (PGconn *db, int64_t id, Loa__Media__Asset *out);

/* Changes an asset's caption (NULL: kept) and writes asset.updated, in one
 * transaction; the asset as it now is into *out. OK, NOT_FOUND or ERROR. */
loa_store_status media_store_asset_update (PGconn *db, int64_t id, const char *caption,
                                           Loa__Media__Asset *out);

/* The assets among the n `ids` in their order, only those a published
 * article carries unless `all`, into *out (one list block). OK or ERROR. */
loa_store_status media_store_asset_describe (PGconn *db, const int64_t *ids, size_t n, int all,
                                             Loa__Media__AssetList *out);

/* What an article event says of its attachments (inside the subscriber's
 * transaction; not prepared): `published` replaces the article's rows with
 * those of `asset_ids` that name an asset (an id no upload has taken is
 * skipped: it must not make a later upload public); otherwise (retracted)
 * removes them. 0 or -1 (logged). */
int media_store_apply_article (PGconn *db, int64_t article_id, int published,
                               const int64_t *asset_ids, size_t n, uint64_t seq);

/* Empties what the events built (a rebuild). 0 or -1. */
int media_store_reset (PGconn *db);

loa_store_status media_store_broadcaster_create (PGconn *db, const char *name, const char *kind,
                                                 const char *embargo_policy, int64_t api_key_id,
                                                 int64_t created_by, Loa__Media__Broadcaster *out);
loa_store_status media_store_broadcaster_get (PGconn *db, int64_t id, Loa__Media__Broadcaster *out);
/* Changes what `in` names (the others stay). */
loa_store_status media_store_broadcaster_update (PGconn *db,
                                                 const Loa__Media__UpdateBroadcasterRequest *in,
                                                 Loa__Media__Broadcaster *out);
/* The broadcaster's API key is now `api_key_id`. */
loa_store_status media_store_broadcaster_set_key (PGconn *db, int64_t id, int64_t api_key_id,
                                                  Loa__Media__Broadcaster *out);
/* A page of broadcasters by id, and the total. */
loa_store_status media_store_broadcasters_list (PGconn *db, int page, int per_page,
                                                Loa__Media__BroadcasterList *out);

#endif
