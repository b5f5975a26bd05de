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

/* A loa_event_apply for media-svc's events: package.published and
 * package.delivered become the summary's media figures, in the month
 * (Asia/Ho_Chi_Minh) of the event; other topics are ignored. 0, or -1 when
 * the database failed. An undecodable payload is logged and skipped. */
int quota_media_apply (PGconn *db, const Loa__Event *event, void *arg);

/* A loa_event_reset: empties what quota_media_apply built. */
int quota_media_reset (PGconn *db, void *arg);

/* A loa_event_reset (subscriber.h): empties what quota_events_apply built
 * (the tallies and the units), inside a rebuild's transaction. */
int quota_events_reset (PGconn *db, void *arg);

/* Rebuilds the tallies and the units from content-svc's whole event
 * history in one transaction (loa_subscriber_rebuild); readers see the old
 * figures until it commits. The number of events applied and *last_seq, or
 * -1 (logged; nothing changed). */
long long quota_events_rebuild (PGconn *db, unsigned long long *last_seq);

#endif
