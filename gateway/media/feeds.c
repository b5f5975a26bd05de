/* feeds: the broadcasters' feed of packages (media.h; docs/api/media.md):
 * JSON with an opaque cursor and Link rel="next", Atom, RSS with Media RSS
 * (the documents are media/media_feed.h's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/call.h"
#include "core/respond.h"
#include "loa_config.h"
#include "media/media_int.h"
#include "media_pkg.pb-c.h"

/* LOA_PUBLIC_URL without a trailing slash (the feeds' links). */
static const char *public_url (void) { return loa_public_url (); }

typedef enum { FEED_JSON, FEED_ATOM, FEED_RSS } feed_kind;

static enum MHD_Result feed (gw_request *req, feed_kind kind)
{
    const char *cursor = gw_query (req, "cursor");
    const char *limit_s = gw_query (req, "limit");
    int64_t after;
    enum MHD_Result rc;
    /* Atom and RSS are made from the 3.2 documents; the JSON feed's items
     * are in the version asked for. */
    gw_ninjs_version want = kind == FEED_JSON ? media_ninjs_wanted (req, &rc) : GW_NINJS_3_2;
    if (want != GW_NINJS_3_2 && want != GW_NINJS_2_3)
        return rc;
    const char *ninjs_q = kind == FEED_JSON ? gw_query (req, "ninjs") : NULL;
    if (gw_feed_cursor_decode (cursor, &after) != 0)
        return gw_respond_invalid (req, 400, "Con trỏ không hợp lệ", "cursor",
                                   "không phải con trỏ do máy chủ cấp");
    long limit = 20;
    if (limit_s) {
        char *end = NULL;
        limit = strtol (limit_s, &end, 10);
        if (!*limit_s || *end || limit < 1 || limit > 100)
            return gw_respond_invalid (req, 400, "Tham số limit không hợp lệ", "limit",
                                       "phải là số nguyên từ 1 đến 100");
    }
    Loa__Media__FeedRequest in = LOA__MEDIA__FEED_REQUEST__INIT;
    in.after = after;
    in.limit = (int32_t) limit;
    gw_call_spec spec = {
        .service = GW_MEDIA,
        .method = "feed.list",
        .read = 1,
        .in = &in.base,
        .out = &loa__media__feed_page__descriptor,
    };
    gw_reply reply;
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    const Loa__Media__FeedPage *page = (const Loa__Media__FeedPage *) reply.msg;
    json_t *items = json_array ();
    for (size_t i = 0; i < page->n_items; i++) {
        json_t *doc = json_loads (
            want == GW_NINJS_2_3 ? page->items[i]->json_2_3 : page->items[i]->json, 0, NULL);
        json_array_append_new (items, doc ? doc : json_null ());
    }
    char next[GW_FEED_CURSOR_MAX], self_cursor[GW_FEED_CURSOR_MAX];
    gw_feed_cursor_encode (page->last, next);
    gw_feed_cursor_encode (after, self_cursor);
    gw_reply_free (&reply);
    const char *path = kind == FEED_ATOM  ? "/api/v1/media/feed.atom"
                       : kind == FEED_RSS ? "/api/v1/media/feed.rss"
                                          : "/api/v1/media/feed";
    char next_path[160], self_path[160], link[300];
    /* The next page is asked for as this one was (a ?ninjs= kept). */
    const char *ninjs_arg = ninjs_q ? (want == GW_NINJS_2_3 ? "&ninjs=2.3" : "&ninjs=3.2") : "";
    snprintf (next_path, sizeof next_path, "%s?cursor=%s&limit=%ld%s", path, next, limit,
              ninjs_arg);
    snprintf (self_path, sizeof self_path, "%s?cursor=%s&limit=%ld%s", path, self_cursor, limit,
              ninjs_arg);
    snprintf (link, sizeof link, "<%s>; rel=\"next\"", next_path);
    char *text = NULL;
    size_t len = 0;
    const char *type = "application/json; charset=utf-8";
    if (kind == FEED_JSON) {
        json_t *body = json_pack ("{s:o, s:s, s:s}", "items", items, "next_cursor", next,
                                  "ninjs_version", gw_ninjs_name (want));
        text = body ? json_dumps (body, JSON_COMPACT) : NULL;
        json_decref (body);
        len = text ? strlen (text) : 0;
    } else {
        char feed_id[600], updated[40];
        snprintf (feed_id, sizeof feed_id, "%s/api/v1/media/feed#key-%lld", public_url (),
                  (long long) req->caller.api_key_id);
        time_t now = time (NULL);
        struct tm tm;
        gmtime_r (&now, &tm);
        strftime (updated, sizeof updated, "%Y-%m-%dT%H:%M:%SZ", &tm);
        gw_feed_links links = {public_url (), self_path, next_path, feed_id, updated};
        text = kind == FEED_ATOM ? gw_feed_atom (items, &links, &len)
                                 : gw_feed_rss (items, &links, &len);
        type = kind == FEED_ATOM ? "application/atom+xml; charset=utf-8"
                                 : "application/rss+xml; charset=utf-8";
        json_decref (items);
    }
    if (!text)
        return gw_respond_problem (req, 500, "Không tạo được câu trả lời", NULL);
    const char *headers[] = {"Link", link, "Vary", kind == FEED_JSON ? "Accept" : NULL, NULL};
    return gw_respond_doc (req, type, text, len, NULL, headers);
}

enum MHD_Result gw_media_feed (gw_request *req) { return feed (req, FEED_JSON); }
enum MHD_Result gw_media_feed_atom (gw_request *req) { return feed (req, FEED_ATOM); }
enum MHD_Result gw_media_feed_rss (gw_request *req) { return feed (req, FEED_RSS); }
