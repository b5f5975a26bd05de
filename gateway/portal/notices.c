/* notices: the public notices (thông báo công khai) rendered on the server
 * (portal_int.h, decisions 0035 and 0040):
 *   /thong-bao.html?trang=N   every public notice, newest first, grouped by
 *                             kind as the portal's script grouped them, a
 *                             hundred a page (web/thong-bao.html is its own
 *                             template)
 *   /thong-bao/{id}           one notice (web/_templates/thong-bao-mot.html)
 * from content-svc's public reads (notices.list, notices.get, as an
 * anonymous reader: a hidden notice is never shown), data, cache and errors
 * as every rendered page's (page.c). A notice's body_html is the one value
 * written as it is: content-svc renders it from Markdown in cmark's safe
 * mode, as an article's body (loa_markdown.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.pb-c.h"
#include "catalog_edit.pb-c.h"
#include "portal/portal_int.h"

#define PER_PAGE 100 /* content-svc's most; the script asked for as many */
#define MAX_PAGE 10000

/* The kinds in the order the page shows them, and their headings; a kind
 * not listed goes under the last ("other"). */
static const struct {
    const char *kind, *heading;
} kinds[] = {
    {"hotline", "Đường dây nóng và thư điện tử"},
    {"organization", "Cơ cấu tổ chức"},
    {"procedure_set", "Bộ thủ tục hành chính"},
    {"staff_evaluation", "Đánh giá cán bộ, công chức"},
    {"other", "Thông báo khác"},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static size_t kind_index (const char *kind)
{
    for (size_t k = 0; k < N_KINDS; k++)
        if (strcmp (kinds[k].kind, kind) == 0)
            return k;
    return N_KINDS - 1;
}

/* One notice's names, as the list and the single page show them. */
typedef struct {
    loa_template_var vars[8], html[2];
    char id[24], href[40], updated[40];
} notice_rec;

static void notice_vars (notice_rec *r, const Loa__Content__Notice *n)
{
    const char *updated_at = *n->updated_at ? n->updated_at : n->created_at;
    snprintf (r->id, sizeof r->id, "%lld", (long long) n->id);
    snprintf (r->href, sizeof r->href, "/thong-bao/%lld", (long long) n->id);
    portal_time (updated_at, 0, r->updated, sizeof r->updated);
    r->vars[0] = (loa_template_var){"id", r->id};
    r->vars[1] = (loa_template_var){"href", r->href};
    r->vars[2] = (loa_template_var){"title", n->title};
    r->vars[3] = (loa_template_var){"updated", r->updated};
    r->vars[4] = (loa_template_var){"updated_at", updated_at};
    r->vars[5] = (loa_template_var){"kind_heading", kinds[kind_index (n->kind)].heading};
    r->vars[6] = (loa_template_var){"kind", kinds[kind_index (n->kind)].kind};
    r->vars[7] = (loa_template_var){NULL, NULL};
    r->html[0] = (loa_template_var){"body", n->body_html};
    r->html[1] = (loa_template_var){NULL, NULL};
}

/* What the list page holds while it is rendered. */
typedef struct {
    notice_rec items[PER_PAGE];
    loa_template_scope scopes[PER_PAGE]; /* grouped: kind by kind */
    loa_template_var kind_vars[N_KINDS][3];
    loa_template_list kind_lists[N_KINDS][2];
    loa_template_scope kind_scopes[N_KINDS];
    char canonical[320], prev[48], next[48], page[24], pages[24], total[24];
} notices_view;

static void list_url (char *out, size_t cap, long page)
{
    if (page > 1)
        snprintf (out, cap, "/thong-bao.html?trang=%ld", page);
    else
        snprintf (out, cap, "/thong-bao.html");
}

enum MHD_Result portal_notices_page (gw_request *req)
{
    static const char missing[] = "Không tìm thấy trang thông báo";
    long page = 1;
    const char *t = gw_query (req, "trang");
    if (t) {
        int64_t n = portal_id (t);
        page = n >= 1 && n <= MAX_PAGE ? (long) n : 0;
    }
    if (page == 0)
        return portal_problem_page (req, 404, missing, "Địa chỉ này không chỉ đến trang nào.");
    char key[64];
    list_url (key, sizeof key, page);
    uint64_t gen;
    enum MHD_Result rc;
    if (portal_cached (req, key, &gen, &rc))
        return rc;
    gw_reply list = {0};
    notices_view *v = NULL;
    Loa__Content__NoticeListRequest in = LOA__CONTENT__NOTICE_LIST_REQUEST__INIT;
    in.page = (int32_t) page;
    in.per_page = PER_PAGE;
    if (portal_call (req, "notices.list", &in.base, &loa__content__notice_list__descriptor, missing,
                     &list) != 0)
        return list.rc;
    const Loa__Content__NoticeList *nl = (const Loa__Content__NoticeList *) list.msg;
    long pages = nl->total > 0 ? (long) ((nl->total + PER_PAGE - 1) / PER_PAGE) : 1;
    if (page > pages) {
        rc = portal_problem_page (req, 404, missing, "Danh sách thông báo không có trang này.");
        goto out;
    }
    v = calloc (1, sizeof *v);
    if (!v) {
        rc = portal_problem_page (req, 500, "Không tải được trang", "Máy chủ thiếu bộ nhớ.");
        goto out;
    }
    /* Kind by kind, each keeping the list's order (newest first). */
    size_t n = 0, n_kinds = 0;
    for (size_t k = 0; k < N_KINDS; k++) {
        size_t first = n;
        for (size_t i = 0; i < nl->n_items && n < PER_PAGE; i++) {
            const Loa__Content__Notice *no = nl->items[i];
            if (!no->is_active || kind_index (no->kind) != k)
                continue;
            notice_vars (&v->items[n], no);
            v->scopes[n] = (loa_template_scope){.vars = v->items[n].vars, .html = v->items[n].html};
            n++;
        }
        if (n == first)
            continue;
        v->kind_vars[n_kinds][0] = (loa_template_var){"kind", kinds[k].kind};
        v->kind_vars[n_kinds][1] = (loa_template_var){"heading", kinds[k].heading};
        v->kind_vars[n_kinds][2] = (loa_template_var){NULL, NULL};
        v->kind_lists[n_kinds][0] = (loa_template_list){"notices", &v->scopes[first], n - first};
        v->kind_lists[n_kinds][1] = (loa_template_list){NULL, NULL, 0};
        v->kind_scopes[n_kinds] =
            (loa_template_scope){.vars = v->kind_vars[n_kinds], .lists = v->kind_lists[n_kinds]};
        n_kinds++;
    }
    char here[48];
    list_url (here, sizeof here, page);
    snprintf (v->canonical, sizeof v->canonical, "%s%s", portal_public_url (), here);
    if (page > 1)
        list_url (v->prev, sizeof v->prev, page - 1);
    if (page < pages)
        list_url (v->next, sizeof v->next, page + 1);
    snprintf (v->page, sizeof v->page, "%ld", page);
    snprintf (v->pages, sizeof v->pages, "%ld", pages);
    snprintf (v->total, sizeof v->total, "%lld", (long long) nl->total);
    const loa_template_var vars[] = {
        {"canonical", v->canonical},
        {"here", here},
        {"site_name", GW_PORTAL_SITE_NAME},
        {"prev", v->prev},
        {"next", v->next},
        {"page", v->page},
        {"pages", v->pages},
        {"total", v->total},
        {"not_first", page > 1 ? "1" : ""},
        {"many", pages > 1 ? "1" : ""},
        {"has_items", n ? "1" : ""},
        {NULL, NULL},
    };
    const loa_template_list lists[] = {{"kinds", v->kind_scopes, n_kinds}, {NULL, NULL, 0}};
    const loa_template_scope scope = {.vars = vars, .lists = lists};
    rc = portal_send (req, key, gen, portal_render (req, "/thong-bao.html", &scope));
out:
    free (v);
    gw_reply_free (&list);
    return rc;
}

enum MHD_Result portal_notice_page (gw_request *req, const char *ref)
{
    static const char missing[] = "Không tìm thấy thông báo";
    int64_t id = portal_id (ref);
    if (id <= 0)
        return portal_problem_page (req, 404, missing, "Địa chỉ này không chỉ đến thông báo nào.");
    uint64_t gen;
    enum MHD_Result rc;
    if (portal_cached (req, req->url, &gen, &rc))
        return rc;
    gw_reply one = {0};
    Loa__Content__NoticeIdRequest in = LOA__CONTENT__NOTICE_ID_REQUEST__INIT;
    in.id = id;
    if (portal_call (req, "notices.get", &in.base, &loa__content__notice__descriptor, missing,
                     &one) != 0)
        return one.rc;
    const Loa__Content__Notice *no = (const Loa__Content__Notice *) one.msg;
    if (!no->is_active) { /* never to an anonymous reader; checked all the same */
        rc = portal_problem_page (req, 404, missing, "Địa chỉ này không chỉ đến thông báo nào.");
        goto out;
    }
    notice_rec r;
    notice_vars (&r, no);
    char canonical[sizeof r.href + 256];
    snprintf (canonical, sizeof canonical, "%s%s", portal_public_url (), r.href);
    const loa_template_var page_vars[] = {
        {"canonical", canonical},
        {"site_name", GW_PORTAL_SITE_NAME},
        {"created_at", no->created_at},
        {NULL, NULL},
    };
    /* The record's names, then the page's, in one scope. */
    loa_template_var vars[sizeof r.vars / sizeof r.vars[0] + 3];
    size_t k = 0;
    for (; r.vars[k].name; k++)
        vars[k] = r.vars[k];
    for (size_t j = 0; page_vars[j].name; j++)
        vars[k++] = page_vars[j];
    vars[k] = (loa_template_var){NULL, NULL};
    const loa_template_scope scope = {.vars = vars, .html = r.html};
    rc = portal_send (req, req->url, gen, portal_render (req, "thong-bao-mot", &scope));
out:
    gw_reply_free (&one);
    return rc;
}
