#include "quota_events.h"

#include <string.h>

#include "articles.pb-c.h"
#include "loa_endpoints.h"
#include "loa_log.h"
#include "loa_subscriber.h"
#include "loa_unit_mirror.h"
#include "media_pkg.pb-c.h"
#include "plan_store.h"
#include "quota_month.h"
#include "quota_store.h"

static int apply_article (PGconn *db, const Loa__Event *event, int retracted)
{
    Loa__Content__ArticleEvent *ev =
        loa__content__article_event__unpack (NULL, event->payload.len, event->payload.data);
    char month[QUOTA_MONTH_SIZE];
    /* Retrying would not make a bad payload readable: skip it, loudly. */
    if (!ev || ev->article_id <= 0 || quota_month_of (ev->published_at, month) != 0) {
        loa_error (NULL, "quota: undecodable %s event seq %llu skipped (published_at %s)",
                   event->topic, (unsigned long long) event->seq, ev ? ev->published_at : "?");
        if (ev)
            loa__content__article_event__free_unpacked (ev, NULL);
        return 0;
    }
    int rc = quota_store_apply_article (db, ev->article_id, ev->unit_id, month, ev->is_cchc,
                                        retracted, event->seq);
    loa__content__article_event__free_unpacked (ev, NULL);
    return rc;
}

int quota_events_apply (PGconn *db, const Loa__Event *event, void *arg)
{
    if (strcmp (event->topic, "article.published") == 0)
        return apply_article (db, event, 0);
    if (strcmp (event->topic, "article.retracted") == 0)
        return apply_article (db, event, 1);
    if (loa_unit_mirror_apply (db, event, arg) != 0)
        return -1;
    /* A unit now known by its code may be an activity's lead (the seeded
     * plan names its leads by code). */
    if (strncmp (event->topic, "unit.", 5) == 0 && plan_store_resolve_leads (db) < 0)
        return -1;
    return 0;
}

int quota_events_reset (PGconn *db, void *arg)
{
    (void) arg;
    return quota_store_reset (db);
}

long long quota_events_rebuild (PGconn *db, unsigned long long *last_seq)
{
    return loa_subscriber_rebuild (db, loa_endpoints_get (LOA_SVC_CONTENT)->source,
                                   loa_endpoints_rpc (LOA_SVC_CONTENT), quota_events_reset,
                                   quota_events_apply, NULL, last_seq);
}

/* The month of an event's occurred_at, or -1 (logged: the event is skipped). */
static int event_month (const Loa__Event *event, char month[QUOTA_MONTH_SIZE])
{
    if (quota_month_of (event->occurred_at, month) == 0)
        return 0;
    loa_error (NULL, "quota: %s event seq %llu skipped (occurred_at %s)", event->topic,
               (unsigned long long) event->seq, event->occurred_at);
    return -1;
}

int quota_media_apply (PGconn *db, const Loa__Event *event, void *arg)
{
    (void) arg;
    char month[QUOTA_MONTH_SIZE];
    int rc = 0;
    if (strcmp (event->topic, "package.published") == 0) {
        Loa__Media__PackageEvent *ev =
            loa__media__package_event__unpack (NULL, event->payload.len, event->payload.data);
        if (!ev || ev->package_id <= 0 || event_month (event, month) != 0)
            loa_error (NULL, "quota: undecodable package.published seq %llu skipped",
                       (unsigned long long) event->seq);
        else
            rc = quota_store_apply_package (db, ev->package_id, ev->article_id, ev->version, month,
                                            ev->pub_status &&
                                                strcmp (ev->pub_status, "canceled") == 0);
        if (ev)
            loa__media__package_event__free_unpacked (ev, NULL);
    } else if (strcmp (event->topic, "package.delivered") == 0) {
        Loa__Media__DeliveryEvent *ev =
            loa__media__delivery_event__unpack (NULL, event->payload.len, event->payload.data);
        if (!ev || ev->package_id <= 0 || !ev->status || event_month (event, month) != 0)
            loa_error (NULL, "quota: undecodable package.delivered seq %llu skipped",
                       (unsigned long long) event->seq);
        else
            rc = quota_store_apply_delivery (db, ev->package_id, ev->version, ev->broadcaster_id,
                                             ev->status, month);
        if (ev)
            loa__media__delivery_event__free_unpacked (ev, NULL);
    }
    return rc;
}

int quota_media_reset (PGconn *db, void *arg)
{
    (void) arg;
    return quota_store_reset_media (db);
}
