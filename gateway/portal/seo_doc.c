/* seo_doc: the cache path and the reads of the portal's documents for
 * crawlers and feed readers (seo_int.h). Whole documents are cached rather
 * than the replies they are made of: a sitemap is up to 50,000 addresses
 * from as many as 500 pages of articles.list, made once per change of
 * content-svc's data instead of once per crawler. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles_edit.pb-c.h"
#include "core/cache.h"
#include "core/loop.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_config.h"
#include "portal/seo_int.h"

typedef struct {
    char *body;
    size_t len;
    char etag[24];
    int oom;
} cached_doc;

/* Under the cache's read lock: a copy of the entry (the documents are
 * read rarely enough that sharing the cache's buffer is not worth it). */
static void copy_doc (const char *body, size_t len, const char *etag, void *arg)
{
    cached_doc *d = arg;
    d->body = malloc (len ? len : 1);
    if (!d->body) {
        d->oom = 1;
        return;
    }
    memcpy (d->body, body, len);
    d->len = len;
    snprintf (d->etag, sizeof d->etag, "%s", etag);
}

/* Sends a fresh cache entry for `key`: 1 with *rc set, else 0. */
static int from_cache (gw_request *req, const char *key, const char *type, enum MHD_Result *rc)
{
    cached_doc d = {0};
    if (!gw_cache_with (key, GW_CONTENT, copy_doc, &d))
        return 0;
    if (d.oom) {
        *rc = gw_respond_problem (req, 500, NULL, NULL);
        return 1;
    }
    *rc = gw_respond_body (req, 200, type, d.body, d.len, d.etag, NULL);
    return 1;
}

static void end_fill (gw_request *req)
{
    if (req->rpc.ticket > 0)
        gw_cache_fill_end (req->rpc.ticket);
    req->rpc.ticket = 0;
}

enum MHD_Result seo_serve (gw_request *req, const char *type, seo_build_fn build, int answers)
{
    char key[256];
    /* A document that lists the published answers also names feedback-svc's
     * generation: an answer published makes it a new key. */
    int n = answers ? snprintf (key, sizeof key, "seo:%s#f%llu", req->url,
                                (unsigned long long) gw_cache_generation (GW_FEEDBACK))
                    : snprintf (key, sizeof key, "seo:%s", req->url);
    if (n < 0 || (size_t) n >= sizeof key)
        return gw_respond_problem (req, 404, "Không có tài nguyên nào ở địa chỉ này", NULL);
    enum MHD_Result rc;
    if (from_cache (req, key, type, &rc))
        return rc;
    /* req->rpc.key marks a request that has waited for another's fill
     * already: woken (the route's handler runs again), it makes the
     * document itself when the fill stored nothing, never waits twice. */
    int waited = strcmp (req->rpc.key, key) == 0;
    if (!waited && gw_cache_generation (GW_CONTENT)) {
        snprintf (req->rpc.key, sizeof req->rpc.key, "%s", key);
        int ticket;
        if (gw_loop_here ()) {
            ticket = gw_cache_fill_begin_async (key, GW_CONTENT, gw_rpc_timeout_ms (), req,
                                                req->route->handler);
            if (ticket == GW_FILL_WAITING)
                return MHD_YES;
        } else {
            ticket = gw_cache_fill_begin (key, GW_CONTENT, gw_rpc_timeout_ms ());
            if (ticket == 0 && from_cache (req, key, type, &rc))
                return rc;
        }
        if (ticket > 0) {
            req->rpc.ticket = ticket;
            /* Another request's fill may have ended between the lookup
             * and the ticket: its document is there now. */
            if (from_cache (req, key, type, &rc)) {
                end_fill (req);
                return rc;
            }
        }
    }
    /* The generation before the reads: a change during them wins. */
    uint64_t gen = gw_cache_generation (GW_CONTENT);
    size_t len = 0;
    char *doc = build (req, &len, &rc);
    if (!doc) {
        end_fill (req);
        return rc;
    }
    char etag[24];
    gw_etag (doc, len, etag);
    gw_cache_put (key, GW_CONTENT, gen, doc, len, etag);
    end_fill (req);
    return gw_respond_body (req, 200, type, doc, len, etag, NULL);
}

int seo_call (gw_request *req, const char *method, const ProtobufCMessage *in,
              const ProtobufCMessageDescriptor *out, gw_reply *reply)
{
    return seo_call_in (req, GW_CONTENT, method, in, out, reply);
}

int seo_call_in (gw_request *req, gw_service svc, const char *method, const ProtobufCMessage *in,
                 const ProtobufCMessageDescriptor *out, gw_reply *reply)
{
    /* A read: sent again to another replica when late (the client takes
     * only its own call's answer: each call has its call_id). */
    gw_call_spec spec = {
        .service = svc,
        .method = method,
        .read = 1,
        .in = in,
        .out = out,
    };
    /* The documents are the public's and cached for everyone: read as
     * nobody, so that an editor's call never lists a draft. */
    Loa__Caller own = req->caller;
    req->caller.user_id = 0;
    req->caller.unit_id = 0;
    req->caller.api_key_id = 0;
    req->caller.n_roles = 0;
    req->caller.roles = NULL;
    req->caller.writes = 0;
    int rc = gw_call (req, &spec, reply);
    req->caller = own;
    return rc;
}

int seo_articles (gw_request *req, int64_t topic_id, int page, int per_page, gw_reply *reply)
{
    Loa__Content__ArticleListRequest in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    in.has_page = 1;
    in.page = page;
    in.has_per_page = 1;
    in.per_page = per_page;
    if (topic_id > 0) {
        in.has_topic_id = 1;
        in.topic_id = topic_id;
    }
    return seo_call (req, "articles.list", &in.base, &loa__content__article_list__descriptor,
                     reply);
}

int seo_url (const char *path, char *out, size_t cap)
{
    size_t n = (size_t) snprintf (out, cap, "%s%s", loa_public_url (), path);
    return n < cap && n <= SEO_URL_MAX ? 0 : -1;
}

int seo_article_url (const char *slug, char *out, size_t cap)
{
    return seo_segment_url ("/tin-tuc/", slug, out, cap);
}

int seo_segment_url (const char *prefix, const char *slug, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    char path[SEO_URL_MAX + 1];
    size_t n = (size_t) snprintf (path, sizeof path, "%s", prefix);
    if (n >= sizeof path)
        return -1;
    for (const unsigned char *s = (const unsigned char *) slug; *s; s++) {
        if (n + 4 > sizeof path)
            return -1;
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            *s == '-' || *s == '.' || *s == '_' || *s == '~') {
            path[n++] = (char) *s;
        } else {
            path[n++] = '%';
            path[n++] = hex[*s >> 4];
            path[n++] = hex[*s & 15];
        }
    }
    path[n] = '\0';
    return seo_url (path, out, cap);
}
