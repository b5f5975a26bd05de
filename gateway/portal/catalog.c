/* catalog: the administrative procedures rendered on the server
 * (portal_int.h, decision 0035):
 *   /thu-tuc.html?q=&trang=N   the catalogue, searched (web/thu-tuc.html is
 *                              its own template), twenty a page
 *   /thu-tuc/{code}            one procedure (web/_templates/thu-tuc-mot.html)
 * from content-svc's public reads (procedures.list), data, cache and errors
 * as every rendered page's (page.c). A search (?q=) is not kept in the
 * cache: every distinct text would be an entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.pb-c.h"
#include "catalog_edit.pb-c.h"
#include "core/respond.h"
#include "portal/portal_int.h"

#define PER_PAGE 20
#define MAX_PAGE 10000
#define MAX_CODE 64
#define MAX_QUERY 200 /* bytes; content-svc refuses longer searches anyway */

/* The fields of one procedure as the page shows them. */
typedef struct {
    loa_template_var vars[13];
    char href[3 * MAX_CODE + 16], days[32], level[16], decision[200];
} proc_rec;

static void proc_vars (proc_rec *r, const Loa__Content__Procedure *p)
{
    char code[3 * MAX_CODE + 1];
    portal_url_encode (code, sizeof code, p->code);
    snprintf (r->href, sizeof r->href, "/thu-tuc/%s", code);
    if (p->processing_days)
        snprintf (r->days, sizeof r->days, "%d ngày làm việc", (int) p->processing_days);
    else
        r->days[0] = '\0';
    if (p->online_level)
        snprintf (r->level, sizeof r->level, "Mức %d", (int) p->online_level);
    else
        r->level[0] = '\0';
    const char *date = p->maybe_decision_date_case ? p->decision_date : "";
    char shown[16] = "";
    if (strlen (date) >= 10 && date[4] == '-' && date[7] == '-')
        snprintf (shown, sizeof shown, "%.2s/%.2s/%.4s", date + 8, date + 5, date);
    snprintf (r->decision, sizeof r->decision, "%.120s%s%s%s", p->decision_no, *shown ? " (" : "",
              shown, *shown ? ")" : "");
    r->vars[0] = (loa_template_var){"code", p->code};
    r->vars[1] = (loa_template_var){"href", r->href};
    r->vars[2] = (loa_template_var){"name", p->name};
    r->vars[3] = (loa_template_var){"field", p->field};
    r->vars[4] = (loa_template_var){"days", r->days};
    r->vars[5] = (loa_template_var){"fee", *p->fee ? p->fee : "Không"};
    r->vars[6] = (loa_template_var){"level", r->level};
    r->vars[7] = (loa_template_var){"decision", r->decision};
    r->vars[8] = (loa_template_var){"abolished", strcmp (p->status, "abolished") == 0 ? "1" : ""};
    r->vars[9] = (loa_template_var){"updated_at", p->updated_at};
    r->vars[10] = (loa_template_var){NULL, NULL};
}

typedef struct {
    proc_rec items[PER_PAGE];
    loa_template_scope scopes[PER_PAGE];
    char q_enc[3 * MAX_QUERY + 1], prev[3 * MAX_QUERY + 64], next[3 * MAX_QUERY + 64];
    char page[24], pages[24], total[24], canonical[3 * MAX_QUERY + 64 + 256];
} catalogue_view;

/* ?trang=N: 1 when absent, 0 when not a page number. */
static long page_of (gw_request *req)
{
    const char *t = gw_query (req, "trang");
    if (!t)
        return 1;
    int64_t n = portal_id (t);
    return n >= 1 && n <= MAX_PAGE ? (long) n : 0;
}

static void catalogue_url (char *out, size_t cap, const char *q_enc, long page)
{
    if (*q_enc && page > 1)
        snprintf (out, cap, "/thu-tuc.html?q=%s&trang=%ld", q_enc, page);
    else if (*q_enc)
        snprintf (out, cap, "/thu-tuc.html?q=%s", q_enc);
    else if (page > 1)
        snprintf (out, cap, "/thu-tuc.html?trang=%ld", page);
    else
        snprintf (out, cap, "/thu-tuc.html");
}

enum MHD_Result portal_catalogue_page (gw_request *req)
{
    static const char missing[] = "Không tìm thấy trang danh mục thủ tục";
    const char *q = gw_query (req, "q");
    q = q ? q : "";
    while (*q == ' ')
        q++;
    long page = page_of (req);
    if (page == 0 || strlen (q) > MAX_QUERY)
        return portal_problem_page (req, 404, missing, "Địa chỉ này không chỉ đến trang nào.");
    char key[64];
    snprintf (key, sizeof key, "/thu-tuc.html?trang=%ld", page);
    uint64_t gen = 0;
    enum MHD_Result rc;
    if (!*q && portal_cached (req, key, &gen, &rc))
        return rc;
    gw_reply list = {0};
    catalogue_view *v = NULL;
    Loa__Content__ProcedureListRequest in = LOA__CONTENT__PROCEDURE_LIST_REQUEST__INIT;
    in.q = (char *) q;
    in.page = (int32_t) page;
    in.per_page = PER_PAGE;
    if (portal_call (req, "procedures.list", &in.base, &loa__content__procedure_list__descriptor,
                     missing, &list) != 0)
        return list.rc;
    const Loa__Content__ProcedureList *pl = (const Loa__Content__ProcedureList *) list.msg;
    long pages = pl->total > 0 ? (long) ((pl->total + PER_PAGE - 1) / PER_PAGE) : 1;
    if (page > pages) {
        rc = portal_problem_page (req, 404, missing, "Danh mục không có trang này.");
        goto out;
    }
    v = calloc (1, sizeof *v);
    if (!v) {
        rc = portal_problem_page (req, 500, "Không tải được trang", "Máy chủ thiếu bộ nhớ.");
        goto out;
    }
    size_t n = 0;
    for (size_t i = 0; i < pl->n_items && n < PER_PAGE; i++) {
        proc_vars (&v->items[n], pl->items[i]);
        v->scopes[n] = (loa_template_scope){.vars = v->items[n].vars};
        n++;
    }
    portal_url_encode (v->q_enc, sizeof v->q_enc, q);
    char here[sizeof v->prev];
    catalogue_url (here, sizeof here, "", page);
    snprintf (v->canonical, sizeof v->canonical, "%s%s", portal_public_url (), here);
    if (page > 1)
        catalogue_url (v->prev, sizeof v->prev, v->q_enc, page - 1);
    if (page < pages)
        catalogue_url (v->next, sizeof v->next, v->q_enc, page + 1);
    snprintf (v->page, sizeof v->page, "%ld", page);
    snprintf (v->pages, sizeof v->pages, "%ld", pages);
    snprintf (v->total, sizeof v->total, "%lld", (long long) pl->total);
    const loa_template_var vars[] = {
        {"q", q},
        {"total", v->total},
        {"page", v->page},
        {"pages", v->pages},
        {"prev", v->prev},
        {"next", v->next},
        {"many", pages > 1 ? "1" : ""},
        {"has_items", n ? "1" : ""},
        {"canonical", v->canonical},
        {"site_name", GW_PORTAL_SITE_NAME},
        {NULL, NULL},
    };
    const loa_template_list lists[] = {{"procedures", v->scopes, n}, {NULL, NULL, 0}};
    const loa_template_scope scope = {.vars = vars, .lists = lists};
    char *html = portal_render (req, "/thu-tuc.html", &scope);
    if (*q) {
        rc = html ? gw_respond_body (req, 200, PORTAL_HTML, html, strlen (html), NULL, NULL)
                  : portal_send (req, key, 0, NULL);
    } else {
        rc = portal_send (req, key, gen, html);
    }
out:
    free (v);
    gw_reply_free (&list);
    return rc;
}

/* 1 when `s` can be a procedure's code in an address: 1..MAX_CODE of
 * [A-Za-z0-9._-], not starting with '.'. */
static int code_ok (const char *s)
{
    size_t n = strlen (s);
    if (n == 0 || n > MAX_CODE || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* The procedure's structured data for search engines (schema.org,
 * JSON-LD): a GovernmentService given by the department, and its
 * BreadcrumbList. Written by jansson with JSON_ESCAPE_SLASH, as an
 * article's (article.c): no "</" can end the <script> it sits in. NULL when
 * memory ran out (the page goes without). */
static char *procedure_jsonld (const Loa__Content__Procedure *p, const proc_rec *r,
                               const char *canonical)
{
    char description[1024], home[512], list[512];
    int n =
        snprintf (description, sizeof description, "Thủ tục hành chính %s: %s", p->code, p->name);
    if (n > 0 && (size_t) n < sizeof description && *p->field)
        n +=
            snprintf (description + n, sizeof description - (size_t) n, ". Lĩnh vực: %s", p->field);
    if (n > 0 && (size_t) n < sizeof description && r->days[0])
        n += snprintf (description + n, sizeof description - (size_t) n,
                       ". Thời hạn giải quyết: %s", r->days);
    if (n > 0 && (size_t) n < sizeof description)
        snprintf (description + n, sizeof description - (size_t) n, ". Phí, lệ phí: %s.",
                  *p->fee ? p->fee : "Không");
    snprintf (home, sizeof home, "%s/", portal_public_url ());
    snprintf (list, sizeof list, "%s/thu-tuc.html", portal_public_url ());
    json_t *service = json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "@type", "GovernmentService",
        "name", p->name, "description", description, "identifier", p->code, "serviceType",
        *p->field ? p->field : "Thủ tục hành chính", "url", canonical, "inLanguage", "vi",
        "provider", "@type", "GovernmentOrganization", "name", GW_PORTAL_SITE_NAME, "url", home);
    json_t *crumbs = json_pack (
        "{s:s, s:[{s:s, s:i, s:s, s:s}, {s:s, s:i, s:s, s:s}, {s:s, s:i, s:s, s:s}]}", "@type",
        "BreadcrumbList", "itemListElement", "@type", "ListItem", "position", 1, "name",
        "Trang chủ", "item", home, "@type", "ListItem", "position", 2, "name", "Thủ tục hành chính",
        "item", list, "@type", "ListItem", "position", 3, "name", p->name, "item", canonical);
    json_t *doc = service && crumbs ? json_pack ("{s:s, s:[o, o]}", "@context",
                                                 "https://schema.org", "@graph", service, crumbs)
                                    : NULL;
    if (!doc) {
        json_decref (service);
        json_decref (crumbs);
        return NULL;
    }
    char *text = json_dumps (doc, JSON_COMPACT | JSON_ESCAPE_SLASH);
    json_decref (doc);
    return text;
}

enum MHD_Result portal_procedure_page (gw_request *req, const char *code)
{
    static const char missing[] = "Không tìm thấy thủ tục";
    if (!code_ok (code))
        return portal_problem_page (req, 404, missing, "Không có thủ tục nào có mã này.");
    uint64_t gen;
    enum MHD_Result rc;
    if (portal_cached (req, req->url, &gen, &rc))
        return rc;
    /* procedures.get takes an id: the code is found by the catalogue's
     * search, which matches codes, and kept only when it is exactly it. */
    gw_reply list = {0};
    Loa__Content__ProcedureListRequest in = LOA__CONTENT__PROCEDURE_LIST_REQUEST__INIT;
    in.q = (char *) code;
    in.page = 1;
    in.per_page = 50;
    if (portal_call (req, "procedures.list", &in.base, &loa__content__procedure_list__descriptor,
                     missing, &list) != 0)
        return list.rc;
    const Loa__Content__ProcedureList *pl = (const Loa__Content__ProcedureList *) list.msg;
    const Loa__Content__Procedure *p = NULL;
    for (size_t i = 0; i < pl->n_items && !p; i++)
        if (strcmp (pl->items[i]->code, code) == 0)
            p = pl->items[i];
    if (!p) {
        rc = portal_problem_page (req, 404, missing, "Không có thủ tục nào có mã này.");
        goto out;
    }
    proc_rec r;
    proc_vars (&r, p);
    char canonical[sizeof r.href + 256];
    snprintf (canonical, sizeof canonical, "%s%s", portal_public_url (), r.href);
    /* The record's names and the page's, in one scope. */
    r.vars[10] = (loa_template_var){"canonical", canonical};
    r.vars[11] = (loa_template_var){"site_name", GW_PORTAL_SITE_NAME};
    r.vars[12] = (loa_template_var){NULL, NULL};
    char *jsonld = procedure_jsonld (p, &r, canonical);
    const loa_template_var html[] = {{"jsonld", jsonld ? jsonld : ""}, {NULL, NULL}};
    const loa_template_scope scope = {.vars = r.vars, .html = html};
    char *page = portal_render (req, "thu-tuc-mot", &scope);
    free (jsonld);
    rc = portal_send (req, req->url, gen, page);
out:
    gw_reply_free (&list);
    return rc;
}
