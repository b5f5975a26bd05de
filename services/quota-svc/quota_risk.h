/* quota_risk: units at risk of missing the month's quota. From the 20th of
 * the month (Asia/Ho_Chi_Minh), every active unit that has not met the
 * month's rule gets one "quota.at_risk" event for that month, however many
 * times the sweep runs and on however many replicas. */
#ifndef QUOTA_RISK_H
#define QUOTA_RISK_H

#include <libpq-fe.h>
#include <stdint.h>

/* The sweep at Unix time `now`: before the month's 20th it does nothing.
 * The number of units flagged now (>= 0), or -1 (logged). */
int quota_risk_sweep (PGconn *db, int64_t now);

/* A loa_tick_fn (ticker.h): the sweep at the current time. 0 or -1. */
int quota_risk_tick (PGconn *db, void *arg);

#endif
