/* media_pkg: the gateway's half of packages (API.md "Media distribution";
 * media-svc keeps the rows, builds the ninjs documents and the bags).
 *
 * Broadcasters (X-Api-Key of kind broadcaster) read ninjs documents as
 * media-svc stored them (immutable: a strong ETag from their bytes), in
 * ninjs 3.2 or, on request (?ninjs=2.3, or Accept's version / profile:
 * gw_ninjs_negotiate), in 2.3; pull
 * the feed (JSON with an opaque cursor and Link rel="next", Atom, RSS with
 * Media RSS; media_feed.h), and download bags, renditions and manifests,
 * sent from the media volume like assets (gw_media_send_blob: sendfile,
 * Range, ETag from the SHA-256). Each download that sends bytes is logged
 * with media-svc once the response is over (gw_download_end, from the
 * completion callback), so the log never delays the bytes. Staff reading
 * GET /api/v1/media/packages/{id} get media-svc's view with deliveries. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.pb-c.h"
#include "core/metrics.h"
#include "core/services.h"
#include "gw.h"
#include "loa_config.h"
#include "loa_log.h"
#include "media/media_feed.h"
#include "media_pkg.pb-c.h"

struct gw_download {
    Loa__Media__DownloadLog log;
    char what[12];
    char name[128];
};

static char url[512];
static pthread_once_t url_once = PTHREAD_ONCE_INIT;

static void read_url (void)
{
    snprintf (url, sizeof url, "%s", loa_env ("LOA_PUBLIC_URL", "http://localhost:8080"));
    size_t n = strlen (url);
    while (n && url[n - 1] == '/')
        url[--n] = '\0';
}

/* LOA_PUBLIC_URL without a trailing slash (the feeds' links). */
static const char *public_url (void)
{
    pthread_once (&url_once, read_url);
    return url;
}

/* A positive decimal path parameter, else 0. */
static int64_t param_int (gw_request *req, const char *name, int64_t max)
{
    const char *s = gw_param (req, name);
    if (!s || !*s || strlen (s) > 18 || *s == '0')
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    long long v = atoll (s);
    return v <= max ? v : 0;
}

static json_t *field_error (const char *field, const char *message)
{
    return json_pack ("{s:s, s:s}", "field", field, "message", message);
}

/* A document (text taken) with private caching, an ETag and 304, and
 * more headers: `headers` is NULL or name, value, ..., NULL (a NULL value
 * skips that header); they go on a 304 too (Vary, Link). */
static enum MHD_Result respond_doc (gw_request *req, const char *type, char *text, size_t len,
                                    const char *etag, const char *const *headers)
{
    struct MHD_Response *resp;
    unsigned status = MHD_HTTP_OK;
    const char *inm = etag ? gw_header (req, MHD_HTTP_HEADER_IF_NONE_MATCH) : NULL;
    if (inm && gw_etag_matches (inm, etag)) {
        free (text);
        resp = MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT);
        status = MHD_HTTP_NOT_MODIFIED;
    } else {
        resp = MHD_create_response_from_buffer (len, text, MHD_RESPMEM_MUST_FREE);
        if (!resp) {
            free (text);
            return MHD_NO;
        }
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    }
    if (!resp)
        return MHD_NO;
    if (etag)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                             etag ? "private, no-cache" : "no-store");
    for (size_t i = 0; headers && headers[i]; i += 2)
        if (headers[i + 1])
            MHD_add_response_header (resp, headers[i], headers[i + 1]);
    return gw_queue_response (req, status, resp);
}

/* ------------------------------------------------------------ ninjs */

/* A client's text to quote in an answer: printable ASCII only (anything
 * else becomes '?', so the problem stays valid UTF-8), cut to fit. */
static void quote_client (char *out, size_t cap, const char *in)
{
    size_t n = 0;
    for (; in && in[n] && n + 1 < cap; n++)
        out[n] = in[n] >= 0x20 && in[n] < 0x7f ? in[n] : '?';
    out[n] = '\0';
}

/* Which ninjs version the request asks for (?ninjs=, else Accept), or,
 * when it asks for none served, *rc the 400 (query) or 406 (Accept), whose
 * detail quotes what was asked. */
static gw_ninjs_version ninjs_wanted (gw_request *req, enum MHD_Result *rc)
{
    const char *q = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, "ninjs");
    const char *accept = gw_header (req, MHD_HTTP_HEADER_ACCEPT);
    gw_ninjs_version v = gw_ninjs_negotiate (q, accept);
    char asked[100], msg[240];
    if (v == GW_NINJS_BAD_QUERY) {
        quote_client (asked, 24, q);
        snprintf (msg, sizeof msg, "phiên bản ninjs \"%s\" không được hỗ trợ; dùng 3.2 hoặc 2.3",
                  asked);
        *rc = gw_respond_problem (req, 400, msg, json_pack ("[o]", field_error ("ninjs", msg)));
    } else if (v == GW_NINJS_NOT_ACCEPTABLE) {
        quote_client (asked, sizeof asked, accept);
        snprintf (msg, sizeof msg,
                  "Accept \"%s\" chỉ nhận phiên bản ninjs không được hỗ trợ; có 3.2 (mặc định) "
                  "và 2.3",
                  asked);
        *rc = gw_respond_problem (req, 406, msg, json_pack ("[o]", field_error ("Accept", msg)));
    }
    return v;
}

static enum MHD_Result send_ninjs (gw_request *req, int64_t id, int version)
{
    enum MHD_Result rc;
    gw_ninjs_version want = ninjs_wanted (req, &rc);
    if (want != GW_NINJS_3_2 && want != GW_NINJS_2_3)
        return rc;
    Loa__Media__NinjsRequest in = LOA__MEDIA__NINJS_REQUEST__INIT;
    in.id = id;
    in.version = version;
    ProtobufCMessage *out = gw_media_call (req, "packages.ninjs", &in.base,
                                           &loa__media__ninjs__descriptor, NULL, NULL, &rc);
    if (!out)
        return rc;
    const Loa__Media__Ninjs *doc = (const Loa__Media__Ninjs *) out;
    const char *json = want == GW_NINJS_2_3 ? doc->json_2_3 : doc->json;
    size_t len = strlen (json);
    char *text = len ? malloc (len + 1) : NULL;
    unsigned char d[32];
    char hex[65], etag[70];
    /* The ETag is the served bytes' SHA-256: the two renderings differ. */
    crypto_hash_sha256 (d, (const unsigned char *) json, len);
    sodium_bin2hex (hex, sizeof hex, d, sizeof d);
    snprintf (etag, sizeof etag, "\"%s\"", hex);
    if (text)
        memcpy (text, json, len + 1);
    protobuf_c_message_free_unpacked (out, NULL);
    if (!text)
        return gw_respond_problem (req, 500, NULL, NULL);
    /* Which version this is: a profile parameter naming the schema, and the
     * schema as the document's describedby link (RFC 6906, 8288). */
    const char *schema = gw_ninjs_schema (want);
    char type[160], link[160];
    snprintf (type, sizeof type, "application/json; charset=utf-8; profile=\"%s\"", schema);
    snprintf (link, sizeof link, "<%.*s>; rel=\"describedby\"; type=\"application/schema+json\"",
              (int) strlen (schema) - 1, schema);
    const char *headers[] = {"Link", link, "Vary", "Accept", NULL};
    return respond_doc (req, type, text, len, etag, headers);
}

enum MHD_Result gw_media_package_get (gw_request *req)
{
    /* A broadcaster reads the latest version's ninjs; staff the package
     * with its versions and deliveries (the route's own method). */
    if (req->auth_kind == GW_AUTH_KEY) {
        int64_t id = param_int (req, "id", INT64_MAX);
        if (!id)
            return gw_respond_problem (req, 404, "Không tìm thấy gói tin", NULL);
        return send_ninjs (req, id, 0);
    }
    return gw_rpc_route (req);
}

enum MHD_Result gw_media_version_get (gw_request *req)
{
    int64_t id = param_int (req, "id", INT64_MAX), v = param_int (req, "v", INT32_MAX);
    if (!id || !v)
        return gw_respond_problem (req, 404, "Không tìm thấy phiên bản gói tin", NULL);
    return send_ninjs (req, id, (int) v);
}

/* ------------------------------------------------------------ files */

static enum MHD_Result send_file (gw_request *req, const char *what, const char *name)
{
    int64_t id = param_int (req, "id", INT64_MAX), v = param_int (req, "v", INT32_MAX);
    if (!id || !v)
        return gw_respond_problem (req, 404, "Không tìm thấy phiên bản gói tin", NULL);
    Loa__Media__PackageFileRequest in = LOA__MEDIA__PACKAGE_FILE_REQUEST__INIT;
    in.id = id;
    in.version = (int32_t) v;
    in.what = (char *) what;
    if (name)
        in.name = (char *) name;
    enum MHD_Result rc;
    ProtobufCMessage *out = gw_media_call (req, "packages.file", &in.base,
                                           &loa__media__package_file__descriptor, NULL, NULL, &rc);
    if (!out)
        return rc;
    const Loa__Media__PackageFile *f = (const Loa__Media__PackageFile *) out;
    gw_blob_sent sent;
    rc = gw_media_send_blob (req, f->sha256, f->mime, f->filename, "private, no-cache", &sent);
    protobuf_c_message_free_unpacked (out, NULL);
    if (sent.status && !req->head) {
        gw_download *d = calloc (1, sizeof *d);
        if (d) {
            loa__media__download_log__init (&d->log);
            d->log.id = id;
            d->log.version = (int32_t) v;
            snprintf (d->what, sizeof d->what, "%s", what);
            snprintf (d->name, sizeof d->name, "%s", name ? name : "");
            d->log.what = d->what;
            d->log.name = d->name;
            d->log.bytes = (int64_t) sent.bytes;
            d->log.status = sent.status;
            req->download = d;
        }
    }
    return rc;
}

enum MHD_Result gw_media_bag (gw_request *req) { return send_file (req, "bag", NULL); }
enum MHD_Result gw_media_manifest (gw_request *req) { return send_file (req, "manifest", NULL); }

enum MHD_Result gw_media_file (gw_request *req)
{
    const char *name = gw_param (req, "name");
    size_t n = name ? strlen (name) : 0;
    /* Names are media-svc's own ([a-z0-9.-]); anything else is no file. */
    if (n == 0 || n > 100 || strspn (name, "abcdefghijklmnopqrstuvwxyz0123456789.-") != n)
        return gw_respond_problem (req, 404, "Không tìm thấy tệp trong gói tin", NULL);
    return send_file (req, "file", name);
}

void gw_download_end (gw_request *req, int complete)
{
    gw_download *d = req->download;
    req->download = NULL;
    d->log.complete = complete;
    loa_rpc_client *client = gw_service_client (GW_MEDIA);
    if (client) {
        loa_rpc_result res;
        /* After the response: a short deadline, and the answer only logged. */
        Loa__Status st = loa_rpc_call (client, "packages.downloaded", &req->caller, req->request_id,
                                       NULL, &d->log.base, 2000, &res);
        gw_metrics_rpc (GW_MEDIA, st, 0);
        if (st != LOA__STATUS__OK)
            loa_warn (req->request_id, "media: download of package %lld v%d not logged (%d)",
                      (long long) d->log.id, d->log.version, (int) st);
        loa_rpc_result_clear (&res);
    }
    free (d);
}

/* ------------------------------------------------------------ feed */

typedef enum { FEED_JSON, FEED_ATOM, FEED_RSS } feed_kind;

static enum MHD_Result feed (gw_request *req, feed_kind kind)
{
    const char *cursor = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, "cursor");
    const char *limit_s = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, "limit");
    int64_t after;
    enum MHD_Result rc;
    /* Atom and RSS are made from the 3.2 documents; the JSON feed's items
     * are in the version asked for. */
    gw_ninjs_version want = kind == FEED_JSON ? ninjs_wanted (req, &rc) : GW_NINJS_3_2;
    if (want != GW_NINJS_3_2 && want != GW_NINJS_2_3)
        return rc;
    const char *ninjs_q =
        kind == FEED_JSON ? MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, "ninjs")
                          : NULL;
    if (gw_feed_cursor_decode (cursor, &after) != 0)
        return gw_respond_problem (
            req, 400, "Con trỏ không hợp lệ",
            json_pack ("[o]", field_error ("cursor", "không phải con trỏ do máy chủ cấp")));
    long limit = 20;
    if (limit_s) {
        char *end = NULL;
        limit = strtol (limit_s, &end, 10);
        if (!*limit_s || *end || limit < 1 || limit > 100)
            return gw_respond_problem (
                req, 400, "Tham số limit không hợp lệ",
                json_pack ("[o]", field_error ("limit", "phải là số nguyên từ 1 đến 100")));
    }
    Loa__Media__FeedRequest in = LOA__MEDIA__FEED_REQUEST__INIT;
    in.after = after;
    in.limit = (int32_t) limit;
    ProtobufCMessage *out = gw_media_call (req, "feed.list", &in.base,
                                           &loa__media__feed_page__descriptor, NULL, NULL, &rc);
    if (!out)
        return rc;
    const Loa__Media__FeedPage *page = (const Loa__Media__FeedPage *) out;
    json_t *items = json_array ();
    for (size_t i = 0; i < page->n_items; i++) {
        json_t *doc = json_loads (
            want == GW_NINJS_2_3 ? page->items[i]->json_2_3 : page->items[i]->json, 0, NULL);
        json_array_append_new (items, doc ? doc : json_null ());
    }
    char next[GW_FEED_CURSOR_MAX], self_cursor[GW_FEED_CURSOR_MAX];
    gw_feed_cursor_encode (page->last, next);
    gw_feed_cursor_encode (after, self_cursor);
    protobuf_c_message_free_unpacked (out, NULL);
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
    return respond_doc (req, type, text, len, NULL, headers);
}

enum MHD_Result gw_media_feed (gw_request *req) { return feed (req, FEED_JSON); }
enum MHD_Result gw_media_feed_atom (gw_request *req) { return feed (req, FEED_ATOM); }
enum MHD_Result gw_media_feed_rss (gw_request *req) { return feed (req, FEED_RSS); }
