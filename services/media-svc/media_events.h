/* media_events: what media-svc does with content-svc's events. */
#ifndef MEDIA_EVENTS_H
#define MEDIA_EVENTS_H

#include <libpq-fe.h>

#include "common.pb-c.h"

/* A loa_event_apply (subscriber.h): article.published records the
 * article's attachments as public assets, article.retracted forgets them;
 * other topics are ignored. 0, or -1 when the database failed (the
 * subscriber retries). An undecodable payload is logged and skipped. */
int media_events_apply (PGconn *db, const Loa__Event *event, void *arg);

/* A loa_event_reset: empties what media_events_apply built. */
int media_events_reset (PGconn *db, void *arg);

#endif
