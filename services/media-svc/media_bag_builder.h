/* media_bag_builder: media-svc's periodic job (services/common/loa_ticker.h),
 * every LOA_BAG_BUILD_MS: withholds the packages of retracted articles
 * (media_pkg_store_withhold_next), releases the feed entries that are due for every
 * broadcaster (a `hide` embargo that ended, a bag that became ready), then
 * builds the pending bags one after the other (media_pkg_store_build_next)
 * until none is left, and now and then removes orphan blobs. Safe with several replicas (see
 * media_pkg_store.h). */
#ifndef MEDIA_BAG_BUILDER_H
#define MEDIA_BAG_BUILDER_H

#include <libpq-fe.h>

/* LOA_BAG_BUILD_ATTEMPTS (default 5) failed builds before a bag is marked
 * failed; LOA_BAG_RETRY_MS (default 10000) the wait after the first failed
 * attempt, doubled after each. Read once. */
int media_bag_builder_attempts (void);
int media_bag_builder_retry_ms (void);

/* One run (a loa_tick_fn; `arg` unused); it ends with the orphan blob
 * sweep (media_sweep.h) when LOA_BLOB_SWEEP_MS (default an hour; 0: never)
 * has passed since the last one, for blobs older than LOA_BLOB_ORPHAN_S
 * (default 3600, at least 600). 0, or -1 (logged). */
int media_bag_builder_tick (PGconn *db, void *arg);

#endif
