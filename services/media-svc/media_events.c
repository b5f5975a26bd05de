#include "media_events.h"

#include <string.h>

#include "articles.pb-c.h"
#include "loa_log.h"
#include "media_pkg_store.h"
#include "media_store.h"

int media_events_apply (PGconn *db, const Loa__Event *event, void *arg)
{
    (void) arg;
    int published = strcmp (event->topic, "article.published") == 0;
    if (!published && strcmp (event->topic, "article.retracted") != 0)
        return 0;
    Loa__Content__ArticleEvent *ev =
        loa__content__article_event__unpack (NULL, event->payload.len, event->payload.data);
    if (!ev || ev->article_id <= 0) {
        /* Retrying would not make a bad payload readable: skip it, loudly. */
        loa_error (NULL, "media: undecodable %s event seq %llu skipped", event->topic,
                   (unsigned long long) event->seq);
        if (ev)
            loa__content__article_event__free_unpacked (ev, NULL);
        return 0;
    }
    int rc = media_store_apply_article (db, ev->article_id, published, ev->attachment_ids,
                                        ev->n_attachment_ids, event->seq);
    /* The text, for packages (an event from before content sent it has an
     * empty body: packages then carry the title alone). */
    if (rc == 0)
        rc = media_pkg_store_article (
            db, ev->article_id, published, ev->unit_id, ev->slug, ev->title, ev->summary, ev->body,
            ev->body_html, ev->published_at, published && ev->media_correction ? ev->note : NULL,
            event->seq);
    loa__content__article_event__free_unpacked (ev, NULL);
    return rc;
}

int media_events_reset (PGconn *db, void *arg)
{
    (void) arg;
    int rc = media_store_reset (db);
    return rc == 0 ? media_pkg_store_reset (db) : rc;
}
