#include "quota_risk.h"

#include <time.h>

#include "loa_log.h"
#include "quota_month.h"
#include "quota_store.h"

int quota_risk_sweep (PGconn *db, int64_t now)
{
    char month[QUOTA_MONTH_SIZE];
    int mday;
    quota_month_at (now, month, &mday);
    if (mday < QUOTA_AT_RISK_FROM_DAY)
        return 0;
    int n = quota_store_flag_at_risk (db, month);
    if (n > 0)
        loa_info (NULL, "quota: %d unit(s) flagged at risk for %s", n, month);
    else if (n < 0)
        loa_error (NULL, "quota: the at-risk sweep of %s failed; it runs again later", month);
    return n;
}

int quota_risk_tick (PGconn *db, void *arg)
{
    (void) arg;
    return quota_risk_sweep (db, (int64_t) time (NULL)) < 0 ? -1 : 0;
}
