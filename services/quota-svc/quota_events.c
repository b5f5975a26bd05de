#include "quota_events.h"

#include <string.h>

#include "articles.pb-c.h"
#include "config.h"
#include "log.h"
#include "plan_store.h"
#include "quota_month.h"
#include "quota_store.h"
#include "subscriber.h"
#include "unit_mirror.h"

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
    return loa_subscriber_rebuild (db, "content",
                                   loa_env (QUOTA_CONTENT_RPC_ENV, QUOTA_CONTENT_RPC_DEFAULT),
                                   quota_events_reset, quota_events_apply, NULL, last_seq);
}
