#include "media_bag_builder.h"

#include <pthread.h>
#include <time.h>

#include "loa_config.h"
#include "loa_log.h"
#include "media_pkg_store.h"
#include "media_sweep.h"

/* At most this many bags a run, so that releases (done before each) are
 * never held up for long by a queue of small bags. */
#define MAX_BAGS_PER_RUN 64

static int attempts, retry_ms;
static long sweep_ms, orphan_s, unused_s;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_settings (void)
{
    attempts = (int) loa_env_int ("LOA_BAG_BUILD_ATTEMPTS", 5, 1, 100);
    retry_ms = (int) loa_env_int ("LOA_BAG_RETRY_MS", 10000, 0, 86400000);
    sweep_ms = loa_env_int ("LOA_BLOB_SWEEP_MS", 3600000, 0, 86400000L * 7);
    orphan_s = loa_env_int ("LOA_BLOB_ORPHAN_S", 3600, 600, 86400L * 365);
    /* Citizens' attachments no feedback item used: a day (tests shorten it). */
    unused_s = loa_env_int ("LOA_ATTACHMENT_UNUSED_S", 86400, 1, 86400L * 365);
}

/* The orphan sweep, at most every LOA_BLOB_SWEEP_MS (0: never). 0 or -1. */
static int sweep_when_due (PGconn *db)
{
    static struct timespec last; /* the ticker's thread only */
    static int done_once;
    struct timespec now;
    pthread_once (&once, read_settings);
    if (sweep_ms <= 0)
        return 0;
    clock_gettime (CLOCK_MONOTONIC, &now);
    long long since =
        (now.tv_sec - last.tv_sec) * 1000LL + (now.tv_nsec - last.tv_nsec) / 1000000LL;
    if (done_once && since < sweep_ms)
        return 0;
    last = now;
    done_once = 1;
    int n = media_sweep_orphans (db, orphan_s);
    if (n > 0)
        loa_info (NULL, "media: the orphan sweep removed %d blob(s)", n);
    int m = media_sweep_attachments (db, unused_s);
    if (m > 0)
        loa_info (NULL, "media: the sweep removed %d unused citizen attachment(s)", m);
    return n < 0 || m < 0 ? -1 : 0;
}

int media_bag_builder_attempts (void)
{
    pthread_once (&once, read_settings);
    return attempts;
}

int media_bag_builder_retry_ms (void)
{
    pthread_once (&once, read_settings);
    return retry_ms;
}

int media_bag_builder_tick (PGconn *db, void *arg)
{
    (void) arg;
    /* Retracted articles' packages first: their (small) bags come next. */
    int w;
    while ((w = media_pkg_store_withhold_next (db)) == 1)
        ;
    if (w < 0)
        return -1;
    for (int i = 0; i < MAX_BAGS_PER_RUN; i++) {
        /* Every broadcaster's due entries, on time (a reader releases its
         * own too): the deliveries report and a `hide` broadcaster's feed
         * show an ended embargo without waiting for its next read. */
        if (media_pkg_store_release (db, 0) != 0)
            return -1;
        int rc = media_pkg_store_build_next (db, media_bag_builder_attempts (),
                                             media_bag_builder_retry_ms ());
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
    }
    return sweep_when_due (db);
}
