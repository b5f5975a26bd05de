/* page: what the pages rendered on the server share (portal_int.h,
 * decision 0035): which paths they are, their calls to the services,
 * their place in the gateway's cache, their templates, their errors.
 *
 * The data comes as the API's public reads get it: the same RPCs, called as
 * an anonymous reader (the portal's requests carry no identity, so a
 * member's session never shows a draft at a public address, and every
 * reader gets the same page), and a page is kept in the gateway's cache
 * (core/cache.h) under content-svc's generation, read before its first
 * call: any event of content-svc (a publication, a correction, a
 * retraction, a renamed unit or topic), or a write through this gateway,
 * makes it stale exactly as it makes the API's reads stale. A page's ETag
 * is its bytes' (gw_etag): If-None-Match answers 304. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/loop.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_log.h"
#include "portal/portal_int.h"

int portal_ref_ok (const char *s)
{
    size_t n = strlen (s);
    if (n == 0 || n > PORTAL_MAX_REF)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

int64_t portal_id (const char *s)
{
    int64_t v = 0;
    if (!*s || strlen (s) > 15)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

void portal_time (const char *t, int with_time, char *out, size_t cap)
{
    if (strlen (t) >= 16 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':') {
        if (with_time)
            snprintf (out, cap, "%.2s:%.2s %.2s/%.2s/%.4s", t + 11, t + 14, t + 8, t + 5, t);
        else
            snprintf (out, cap, "%.2s/%.2s/%.4s", t + 8, t + 5, t);
    } else {
        snprintf (out, cap, "%s", t);
    }
}

void portal_url_encode (char *out, size_t cap, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s && o + 4 < cap; s++) {
        unsigned char c = (unsigned char) *s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char) c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

enum MHD_Result portal_moved (gw_request *req, const char *location)
{
    const char *const headers[] = {MHD_HTTP_HEADER_LOCATION, location, NULL};
    return gw_respond_bytes (req, 301, NULL, NULL, 0, headers);
}

char *portal_render (gw_request *req, const char *name, const loa_template_scope *scope)
{
    const char *tpl = name[0] == '/' ? portal_page_template (name) : portal_template (name);
    char err[160];
    char *html = tpl ? loa_template_render_scope (tpl, LOA_ESC_HTML, scope, err, sizeof err) : NULL;
    if (!html)
        loa_error (req->request_id, "portal: template %s: %s", name,
                   tpl ? err : "no such template");
    return html;
}

enum MHD_Result portal_problem_page (gw_request *req, unsigned status, const char *heading,
                                     const char *detail)
{
    const loa_template_var vars[] = {{"heading", heading}, {"detail", detail}, {NULL, NULL}};
    const loa_template_scope scope = {.vars = vars};
    char *html = portal_render (req, "khong-tim-thay", &scope);
    if (!html) {
        static const char text[] = "Không hiển thị được trang này.\n";
        return gw_respond_bytes (req, status, "text/plain; charset=utf-8", text, sizeof text - 1,
                                 NULL);
    }
    return gw_respond_body (req, status, PORTAL_HTML, html, strlen (html), NULL, NULL);
}

/* A call of a page that did not say yes: a page in Vietnamese instead of
 * the API's problem+json; `arg` the 404's heading. */
static enum MHD_Result page_failed (gw_request *req, const gw_failure *f, void *arg)
{
    if (f->status == LOA__STATUS__NOT_FOUND || f->status == LOA__STATUS__INVALID)
        return portal_problem_page (req, 404, arg,
                                    "Không có nội dung ở địa chỉ này: có thể địa chỉ sai, hoặc "
                                    "nội dung đã được gỡ.");
    return portal_problem_page (req, f->http >= 500 ? f->http : 503, "Không tải được trang",
                                "Hệ thống đang bận hoặc tạm thời gián đoạn; vui lòng thử lại "
                                "sau ít phút.");
}

int portal_call (gw_request *req, const char *method, const ProtobufCMessage *in,
                 const ProtobufCMessageDescriptor *out, const char *not_found, gw_reply *reply)
{
    return portal_call_in (req, GW_CONTENT, method, in, out, not_found, reply);
}

int portal_call_in (gw_request *req, gw_service svc, const char *method, const ProtobufCMessage *in,
                    const ProtobufCMessageDescriptor *out, const char *not_found, gw_reply *reply)
{
    gw_call_spec spec = {
        .service = svc,
        .method = method,
        .in = in,
        .out = out,
        .read = 1,
        .fail = page_failed,
        .fail_arg = (void *) not_found,
    };
    return gw_call (req, &spec, reply);
}

int portal_cached (gw_request *req, const char *key, uint64_t *gen, enum MHD_Result *rc)
{
    return portal_cached_in (req, GW_CONTENT, key, gen, rc);
}

/* Ends the request's fill of the cache, if it holds one (the request's end
 * would too: core/http.c). */
static void end_fill (gw_request *req)
{
    if (req->rpc.ticket > 0)
        gw_cache_fill_end (req->rpc.ticket);
    req->rpc.ticket = 0;
}

int portal_cached_in (gw_request *req, gw_service svc, const char *key, uint64_t *gen,
                      enum MHD_Result *rc)
{
    /* A client's "Cache-Control: no-cache" asks for the origin, as on the
     * API (core/rpc_route.c). */
    const char *cc = gw_header (req, MHD_HTTP_HEADER_CACHE_CONTROL);
    int origin = cc && strcasestr (cc, "no-cache");
    if (!origin && gw_cache_answer (req, key, svc, PORTAL_HTML, rc))
        return 1;
    /* Single flight, as the API's reads and the portal's documents
     * (seo_doc.c): of many readers missing the same page at once, one asks
     * the services and the others wait for its page. req->rpc.key marks a
     * request that has waited already: woken (the portal's handler runs
     * again), it makes the page itself when the fill stored nothing. */
    int waited = strcmp (req->rpc.key, key) == 0;
    if (!origin && !waited && strlen (key) < sizeof req->rpc.key && gw_cache_generation (svc)) {
        snprintf (req->rpc.key, sizeof req->rpc.key, "%s", key);
        int ticket;
        if (gw_loop_here ()) {
            ticket =
                gw_cache_fill_begin_async (key, svc, gw_rpc_timeout_ms (), req, gw_portal_serve);
            if (ticket == GW_FILL_WAITING) {
                *rc = MHD_YES;
                return 1;
            }
        } else {
            ticket = gw_cache_fill_begin (key, svc, gw_rpc_timeout_ms ());
            if (ticket == 0 && gw_cache_answer (req, key, svc, PORTAL_HTML, rc))
                return 1; /* another request filled it while this one waited */
        }
        if (ticket > 0) {
            req->rpc.ticket = ticket;
            /* Another request's fill may have ended between the lookup and
             * the ticket: its page is there now. */
            if (gw_cache_answer (req, key, svc, PORTAL_HTML, rc)) {
                end_fill (req);
                return 1;
            }
        }
    }
    /* The generation before the calls: a change during them wins. */
    *gen = gw_cache_generation (svc);
    return 0;
}

enum MHD_Result portal_send (gw_request *req, const char *key, uint64_t gen, char *html)
{
    return portal_send_in (req, GW_CONTENT, key, gen, html);
}

enum MHD_Result portal_send_in (gw_request *req, gw_service svc, const char *key, uint64_t gen,
                                char *html)
{
    if (!html)
        return portal_problem_page (req, 500, "Không tải được trang",
                                    "Máy chủ không dựng được trang này; lỗi đã được ghi lại.");
    size_t len = strlen (html);
    char etag[24];
    gw_etag (html, len, etag);
    return gw_cache_respond (req, key, svc, gen, PORTAL_HTML, html, len, etag);
}

/* /bai-viet.html?slug=REF or ?id=N (the portal's addresses before
 * decision 0035): 301 to /tin-tuc/REF (which moves an id on to its slug).
 * Without either, the old page answers as it did. */
static int old_address (gw_request *req, enum MHD_Result *rc)
{
    const char *slug = gw_query (req, "slug");
    const char *id = gw_query (req, "id");
    const char *ref = slug && *slug ? slug : id && *id ? id : NULL;
    if (!ref)
        return 0;
    char location[sizeof PORTAL_ARTICLES + PORTAL_MAX_REF];
    snprintf (location, sizeof location, PORTAL_ARTICLES "%s", ref);
    *rc = portal_ref_ok (ref) ? portal_moved (req, location)
                              : portal_problem_page (req, 404, "Không tìm thấy bài viết",
                                                     "Địa chỉ này không chỉ đến bài viết nào.");
    return 1;
}

/* A list's path: 1 with *kind and *id when `url` is one. */
static int list_path (const char *url, portal_list *kind, int64_t *id)
{
    static const struct {
        const char *prefix;
        portal_list kind;
    } by[] = {{"/tin-tuc/chu-de/", PORTAL_LIST_TOPIC}, {"/tin-tuc/don-vi/", PORTAL_LIST_UNIT}};
    *id = 0;
    if (strcmp (url, "/tin-tuc") == 0 || strcmp (url, "/tin-tuc/") == 0) {
        *kind = PORTAL_LIST_ALL;
        return 1;
    }
    if (strcmp (url, "/cai-cach-hanh-chinh") == 0) {
        *kind = PORTAL_LIST_CCHC;
        return 1;
    }
    for (size_t i = 0; i < sizeof by / sizeof by[0]; i++) {
        size_t n = strlen (by[i].prefix);
        if (strncmp (url, by[i].prefix, n) == 0 && !strchr (url + n, '/')) {
            *kind = by[i].kind;
            *id = portal_id (url + n);
            return 1;
        }
    }
    return 0;
}

static int route_page (gw_request *req, enum MHD_Result *rc)
{
    const char *url = req->url;
    int get = strcmp (req->method, "GET") == 0 || req->head;
    const size_t prefix = sizeof PORTAL_ARTICLES - 1;
    if (!portal_template ("khong-tim-thay"))
        return 0; /* no web portal (LOA_WEB_DIR): the fallback's 404 as before */
    portal_list kind;
    int64_t id;
    int list = list_path (url, &kind, &id);
    if (list || (strncmp (url, PORTAL_ARTICLES, prefix) == 0 && !strchr (url + prefix, '/'))) {
        if (!get)
            *rc = gw_respond_problem_with (req, 405, "Trang web chỉ đọc được bằng GET hoặc HEAD",
                                           NULL, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        else if (list)
            *rc = portal_list_page (req, kind, id);
        else if (!portal_ref_ok (url + prefix))
            *rc = portal_problem_page (req, 404, "Không tìm thấy bài viết",
                                       "Địa chỉ này không chỉ đến bài viết nào.");
        else
            *rc = portal_article_page (req, url + prefix);
        return 1;
    }
    if ((strcmp (url, "/") == 0 || strcmp (url, "/index.html") == 0) &&
        portal_page_template ("/index.html")) {
        *rc = get ? portal_home_page (req)
                  : gw_respond_problem_with (req, 405, "Trang web chỉ đọc được bằng GET hoặc HEAD",
                                             NULL, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        return 1;
    }
    static const char procedures[] = "/thu-tuc/";
    const size_t pn = sizeof procedures - 1;
    int catalogue = (strcmp (url, "/thu-tuc.html") == 0 || strcmp (url, "/thu-tuc") == 0) &&
                    portal_page_template ("/thu-tuc.html");
    int procedure = strncmp (url, procedures, pn) == 0 && !strchr (url + pn, '/');
    if (catalogue || procedure) {
        *rc = !get ? gw_respond_problem_with (req, 405, "Trang web chỉ đọc được bằng GET hoặc HEAD",
                                              NULL, MHD_HTTP_HEADER_ALLOW, "GET, HEAD")
              : catalogue ? portal_catalogue_page (req)
                          : portal_procedure_page (req, url + pn);
        return 1;
    }
    static const char notice[] = "/thong-bao/";
    const size_t nn = sizeof notice - 1;
    int notices = (strcmp (url, "/thong-bao.html") == 0 || strcmp (url, "/thong-bao") == 0) &&
                  portal_page_template ("/thong-bao.html");
    int one_notice = strncmp (url, notice, nn) == 0 && !strchr (url + nn, '/');
    if (notices || one_notice) {
        *rc = !get ? gw_respond_problem_with (req, 405, "Trang web chỉ đọc được bằng GET hoặc HEAD",
                                              NULL, MHD_HTTP_HEADER_ALLOW, "GET, HEAD")
              : notices ? portal_notices_page (req)
                        : portal_notice_page (req, url + nn);
        return 1;
    }
    if ((strcmp (url, "/hoi-dap.html") == 0 || strcmp (url, "/hoi-dap") == 0) &&
        portal_page_template ("/hoi-dap.html")) {
        *rc = get ? portal_answers_page (req)
                  : gw_respond_problem_with (req, 405, "Trang web chỉ đọc được bằng GET hoặc HEAD",
                                             NULL, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        return 1;
    }
    if ((strcmp (url, "/tra-cuu.html") == 0 || strcmp (url, "/tra-cuu") == 0) &&
        portal_page_template ("/tra-cuu.html")) {
        *rc = get ? portal_track_page (req)
                  : gw_respond_problem_with (req, 405, "Trang web chỉ đọc được bằng GET hoặc HEAD",
                                             NULL, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        return 1;
    }
    if ((strcmp (url, "/tim-kiem.html") == 0 || strcmp (url, "/tim-kiem") == 0) &&
        portal_page_template ("/tim-kiem.html")) {
        *rc = get ? portal_search_page (req)
                  : gw_respond_problem_with (req, 405, "Trang web chỉ đọc được bằng GET hoặc HEAD",
                                             NULL, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
        return 1;
    }
    if (get && (strcmp (url, "/bai-viet.html") == 0 || strcmp (url, "/bai-viet") == 0))
        return old_address (req, rc);
    return 0;
}

int portal_page (gw_request *req, enum MHD_Result *rc)
{
    int answered = route_page (req, rc);
    end_fill (req); /* the page is kept, or will not be: the waiting readers look again */
    return answered;
}
