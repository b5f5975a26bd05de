/* packages: the gateway's half of packages (media.h; docs/api/media.md;
 * media-svc keeps the rows, builds the ninjs documents and the bags).
 *
 * Broadcasters (X-Api-Key of kind broadcaster) read ninjs documents as
 * media-svc stored them (immutable: a strong ETag from their bytes), in
 * ninjs 3.2 or, on request (?ninjs=2.3, or Accept's version / profile:
 * gw_ninjs_negotiate), in 2.3, and download bags, renditions and
 * manifests, sent from the media volume like assets (send.c). Each
 * download that sends bytes is logged with media-svc once the response is
 * over (the request's `done` hook), so the log never delays the bytes.
 * Staff reading GET /api/v1/media/packages/{id} get media-svc's view with
 * deliveries. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/call.h"
#include "core/respond.h"
#include "core/rpc_route.h"
#include "loa_log.h"
#include "media/media_int.h"
#include "media_pkg.pb-c.h"

/* A client's text to quote in an answer: printable ASCII only (anything
 * else becomes '?', so the problem stays valid UTF-8), cut to fit. */
static void quote_client (char *out, size_t cap, const char *in)
{
    size_t n = 0;
    for (; in && in[n] && n + 1 < cap; n++)
        out[n] = in[n] >= 0x20 && in[n] < 0x7f ? in[n] : '?';
    out[n] = '\0';
}

gw_ninjs_version media_ninjs_wanted (gw_request *req, enum MHD_Result *rc)
{
    const char *q = gw_query (req, "ninjs");
    const char *accept = gw_header (req, MHD_HTTP_HEADER_ACCEPT);
    gw_ninjs_version v = gw_ninjs_negotiate (q, accept);
    char asked[100], msg[240];
    if (v == GW_NINJS_BAD_QUERY) {
        quote_client (asked, 24, q);
        snprintf (msg, sizeof msg, "phiên bản ninjs \"%s\" không được hỗ trợ; dùng 3.2 hoặc 2.3",
                  asked);
        *rc = gw_respond_invalid (req, 400, msg, "ninjs", msg);
    } else if (v == GW_NINJS_NOT_ACCEPTABLE) {
        quote_client (asked, sizeof asked, accept);
        snprintf (msg, sizeof msg,
                  "Accept \"%s\" chỉ nhận phiên bản ninjs không được hỗ trợ; có 3.2 (mặc định) "
                  "và 2.3",
                  asked);
        *rc = gw_respond_invalid (req, 406, msg, "Accept", msg);
    }
    return v;
}

/* ------------------------------------------------------------ ninjs */

/* The document in the version asked for, with its own ETag (the served
 * bytes' SHA-256: the two renderings differ), its profile and schema. */
static enum MHD_Result respond_ninjs (gw_request *req, gw_ninjs_version want,
                                      const Loa__Media__Ninjs *doc)
{
    const char *json = want == GW_NINJS_2_3 ? doc->json_2_3 : doc->json;
    size_t len = strlen (json);
    char *text = len ? malloc (len + 1) : NULL;
    if (!text)
        return gw_respond_problem (req, 500, NULL, NULL);
    memcpy (text, json, len + 1);
    unsigned char d[32];
    char hex[65], etag[70];
    crypto_hash_sha256 (d, (const unsigned char *) json, len);
    sodium_bin2hex (hex, sizeof hex, d, sizeof d);
    snprintf (etag, sizeof etag, "\"%s\"", hex);
    /* Which version this is: a profile parameter naming the schema, and the
     * schema as the document's describedby link (RFC 6906, 8288). */
    const char *schema = gw_ninjs_schema (want);
    char type[160], link[160];
    snprintf (type, sizeof type, "application/json; charset=utf-8; profile=\"%s\"", schema);
    snprintf (link, sizeof link, "<%.*s>; rel=\"describedby\"; type=\"application/schema+json\"",
              (int) strlen (schema) - 1, schema);
    const char *headers[] = {"Link", link, "Vary", "Accept", NULL};
    return gw_respond_doc (req, type, text, len, etag, headers);
}

static enum MHD_Result send_ninjs (gw_request *req, int64_t id, int version)
{
    enum MHD_Result rc;
    gw_ninjs_version want = media_ninjs_wanted (req, &rc);
    if (want != GW_NINJS_3_2 && want != GW_NINJS_2_3)
        return rc;
    Loa__Media__NinjsRequest in = LOA__MEDIA__NINJS_REQUEST__INIT;
    in.id = id;
    in.version = version;
    gw_call_spec spec = {
        .service = GW_MEDIA,
        .method = "packages.ninjs",
        .read = 1,
        .in = &in.base,
        .out = &loa__media__ninjs__descriptor,
    };
    gw_reply reply;
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    rc = respond_ninjs (req, want, (const Loa__Media__Ninjs *) reply.msg);
    gw_reply_free (&reply);
    return rc;
}

enum MHD_Result gw_media_package_get (gw_request *req)
{
    /* A broadcaster reads the latest version's ninjs; staff the package
     * with its versions and deliveries (the route's own method). */
    if (req->auth_kind == GW_AUTH_KEY) {
        int64_t id = gw_param_id (req, "id", INT64_MAX);
        if (!id)
            return gw_respond_problem (req, 404, "Không tìm thấy gói tin", NULL);
        return send_ninjs (req, id, 0);
    }
    return gw_rpc_route (req);
}

static enum MHD_Result no_version (gw_request *req)
{
    return gw_respond_problem (req, 404, "Không tìm thấy phiên bản gói tin", NULL);
}

enum MHD_Result gw_media_version_get (gw_request *req)
{
    int64_t id = gw_param_id (req, "id", INT64_MAX), v = gw_param_id (req, "v", INT32_MAX);
    if (!id || !v)
        return no_version (req);
    return send_ninjs (req, id, (int) v);
}

/* ------------------------------------------------------------ files */

/* A download to log with media-svc once its response is over. */
typedef struct {
    Loa__Media__DownloadLog log;
    char what[12];
    char name[128];
} download;

/* Logs the download (fire and forget: a short deadline, the answer only
 * logged), then frees it. */
static void download_done (gw_request *req, int complete)
{
    download *d = req->state;
    req->state = NULL;
    d->log.complete = complete;
    Loa__Status st = gw_call_status (req, GW_MEDIA, "packages.downloaded", &d->log.base, 2000);
    if (st != LOA__STATUS__OK)
        loa_warn (req->request_id, "media: download of package %lld v%d not logged (%d)",
                  (long long) d->log.id, d->log.version, (int) st);
    free (d);
}

/* Sets the log of a download that sent bytes, for `done`. */
static void log_download (gw_request *req, int64_t id, int version, const char *what,
                          const char *name, const media_sent *sent)
{
    download *d = calloc (1, sizeof *d);
    if (!d)
        return;
    loa__media__download_log__init (&d->log);
    d->log.id = id;
    d->log.version = version;
    snprintf (d->what, sizeof d->what, "%s", what);
    snprintf (d->name, sizeof d->name, "%s", name ? name : "");
    d->log.what = d->what;
    d->log.name = d->name;
    d->log.bytes = (int64_t) sent->bytes;
    d->log.status = sent->status;
    req->state = d;
    req->done = download_done;
}

static enum MHD_Result send_file (gw_request *req, const char *what, const char *name)
{
    int64_t id = gw_param_id (req, "id", INT64_MAX), v = gw_param_id (req, "v", INT32_MAX);
    if (!id || !v)
        return no_version (req);
    Loa__Media__PackageFileRequest in = LOA__MEDIA__PACKAGE_FILE_REQUEST__INIT;
    in.id = id;
    in.version = (int32_t) v;
    in.what = (char *) what;
    if (name)
        in.name = (char *) name;
    gw_call_spec spec = {
        .service = GW_MEDIA,
        .method = "packages.file",
        .read = 1,
        .in = &in.base,
        .out = &loa__media__package_file__descriptor,
    };
    gw_reply reply;
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    const Loa__Media__PackageFile *f = (const Loa__Media__PackageFile *) reply.msg;
    media_sent sent;
    enum MHD_Result rc =
        media_send_blob (req, f->sha256, f->mime, f->filename, "private, no-cache", &sent);
    gw_reply_free (&reply);
    if (sent.status && !req->head)
        log_download (req, id, (int) v, what, name, &sent);
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
