/* sweep: old sessions and login throttle rows deleted on a schedule
 * (auth.h), on a loa_ticker: a thread and a database connection of its
 * own, so that no HTTP thread waits for it. Every gateway runs it; the
 * deletes are idempotent. */
#include <stdlib.h>

#include "auth/auth_int.h"
#include "auth/store.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_ticker.h"

static loa_ticker *ticker;

static int sweep (PGconn *db, void *arg)
{
    (void) arg;
    long long sessions = 0, throttle = 0;
    if (gw_store_sweep (db, auth_session_idle_s, &sessions, &throttle) != GW_STORE_OK)
        return -1;
    if (sessions || throttle)
        loa_info (NULL, "auth: swept %lld old sessions and %lld old login throttle rows", sessions,
                  throttle);
    return 0;
}

int gw_auth_sweep_start (const char *db_url)
{
    long every_s = loa_env_int ("LOA_AUTH_SWEEP_S", 3600, 1, 86400);
    char *url = loa_db_url_with_schema (db_url, "gateway");
    ticker = url ? loa_ticker_new ("gateway", "auth-sweep", url, (int) (every_s * 1000),
                                   gw_store_prepare_sweep, sweep, NULL)
                 : NULL;
    free (url);
    if (!ticker || loa_ticker_start (ticker) != 0) {
        loa_error (NULL, "auth: cannot start the sweep of old sessions");
        loa_ticker_destroy (&ticker);
        return -1;
    }
    return 0;
}

void gw_auth_sweep_stop (void) { loa_ticker_destroy (&ticker); }
