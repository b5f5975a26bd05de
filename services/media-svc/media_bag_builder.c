#include "media_bag_builder.h"

#include <pthread.h>

#include "config.h"
#include "log.h"
#include "media_pkg_store.h"

/* At most this many bags a run, so that releases (done before each) are
 * never held up for long by a queue of small bags. */
#define MAX_BAGS_PER_RUN 64

static int attempts, retry_ms;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_settings (void)
{
    attempts = (int) loa_env_int ("LOA_BAG_BUILD_ATTEMPTS", 5, 1, 100);
    retry_ms = (int) loa_env_int ("LOA_BAG_RETRY_MS", 10000, 0, 86400000);
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
        if (rc <= 0)
            return rc;
    }
    return 0;
}
