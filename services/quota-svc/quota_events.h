/* quota_events: what quota-svc does with content-svc's events. */
#ifndef QUOTA_EVENTS_H
#define QUOTA_EVENTS_H

#include <libpq-fe.h>

#include "common.pb-c.h"

/* A loa_event_apply (subscriber.h) for content-svc's events, run inside the
 * subscriber's transaction: unit.created / unit.updated go to the unit
 * mirror (unit_mirror.h), then activities whose lead is known only by that
 * unit's code get its id (plan_store_resolve_leads); article.published and article.retracted update
 * the article's row of the tallies (quota_store_apply_article), counted in
 * the month (Asia/Ho_Chi_Minh) of its first publication unless retracted.
 * Other topics are ignored. 0, or -1 when the database failed (the
 * subscriber retries). An undecodable payload is logged and skipped. */
int quota_events_apply (PGconn *db, const Loa__Event *event, void *arg);

#endif
