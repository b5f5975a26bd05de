/* answers: the published answers to citizens' feedback rendered on the
 * server (portal_int.h, decisions 0035 and 0040):
 *   /hoi-dap.html?q=&unit_id=&page=N   the answers, newest first, twenty a
 *                                      page, searched and filtered by a
 *                                      plain GET form (web/hoi-dap.html is
 *                                      its own template)
 *   /hoi-dap.html?id=N                 one answer
 *                                      (web/_templates/hoi-dap-mot.html)
 * the addresses the portal's script had. The data is feedback-svc's public
 * reads (feedback.answers, feedback.answers.get, which never hold a
 * personal detail of the submitter), the units of the form's filter
 * content-svc's (units.list), both as an anonymous reader. A page is kept
 * under feedback-svc's generation, its key carrying content-svc's
 * generation too, so that an event of either service makes it stale; a
 * search (?q=) is rendered but not kept, as the catalogue's (catalog.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.pb-c.h"
#include "core/cache.h"
#include "core/respond.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "portal/portal_int.h"

#define PER_PAGE 20
#define MAX_PAGE 10000
#define MAX_UNITS 100
#define MAX_QUERY 200 /* bytes; feedback-svc refuses longer searches anyway */
#define EXCERPT_CHARS 300 /* of an answer in the list, as the script cut it */

static const char *kind_word (const char *kind)
{
    if (strcmp (kind, "report") == 0)
        return "Phản ánh";
    if (strcmp (kind, "recommendation") == 0)
        return "Kiến nghị";
    return kind;
}

/* One answer's names, as the list and the single page show them. */
typedef struct {
    loa_template_var vars[16];
    char id[24], received[40], answered[40], published[40];
    char excerpt[EXCERPT_CHARS * 4 + 8];
} answer_rec;

static void answer_vars (answer_rec *r, const Loa__Feedback__PublishedAnswer *a)
{
    snprintf (r->id, sizeof r->id, "%lld", (long long) a->id);
    portal_time (a->received_at, 0, r->received, sizeof r->received);
    portal_time (a->answered_at, 0, r->answered, sizeof r->answered);
    portal_time (a->published_at, 0, r->published, sizeof r->published);
    /* The first EXCERPT_CHARS characters (UTF-8), then "…". */
    size_t i = 0, chars = 0;
    const char *s = a->answer;
    while (s[i] && chars < EXCERPT_CHARS) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    snprintf (r->excerpt, sizeof r->excerpt, "%.*s%s", (int) i, s, s[i] ? "…" : "");
    r->vars[0] = (loa_template_var){"id", r->id};
    r->vars[1] = (loa_template_var){"title", a->title};
    r->vars[2] = (loa_template_var){"kind", kind_word (a->kind)};
    r->vars[3] = (loa_template_var){"unit", a->unit_name};
    r->vars[4] = (loa_template_var){"received", r->received};
    r->vars[5] = (loa_template_var){"received_at", a->received_at};
    r->vars[6] = (loa_template_var){"answered", r->answered};
    r->vars[7] = (loa_template_var){"answered_at", a->answered_at};
    r->vars[8] = (loa_template_var){"published", r->published};
    r->vars[9] = (loa_template_var){"published_at", a->published_at};
    r->vars[10] = (loa_template_var){"excerpt", r->excerpt};
    r->vars[11] = (loa_template_var){"answer", a->answer};
    r->vars[12] = (loa_template_var){"content", a->content};
    r->vars[13] = (loa_template_var){"procedure_code", a->procedure_code};
    r->vars[14] = (loa_template_var){NULL, NULL};
}

/* The cache's key for `base` (the page's address), made stale by an event
 * of content-svc too: its generation is in the key. 0 when the page cannot
 * be kept now. */
static int answers_key (char *out, size_t cap, const char *base)
{
    uint64_t content = gw_cache_generation (GW_CONTENT);
    if (!content)
        return 0;
    snprintf (out, cap, "%s#content=%llu", base, (unsigned long long) content);
    return 1;
}

/* The list's address: its query in a fixed order, empty parts left out. */
static void list_url (char *out, size_t cap, const char *q_enc, int64_t unit, long page)
{
    int n = snprintf (out, cap, "/hoi-dap.html");
    char sep = '?';
    if (*q_enc && n >= 0 && (size_t) n < cap) {
        n += snprintf (out + n, cap - (size_t) n, "%cq=%s", sep, q_enc);
        sep = '&';
    }
    if (unit && n >= 0 && (size_t) n < cap) {
        n += snprintf (out + n, cap - (size_t) n, "%cunit_id=%lld", sep, (long long) unit);
        sep = '&';
    }
    if (page > 1 && n >= 0 && (size_t) n < cap)
        snprintf (out + n, cap - (size_t) n, "%cpage=%ld", sep, page);
}

typedef struct {
    answer_rec items[PER_PAGE];
    loa_template_scope scopes[PER_PAGE];
    loa_template_var unit_vars[MAX_UNITS][4];
    loa_template_scope unit_scopes[MAX_UNITS];
    char unit_ids[MAX_UNITS][24];
    char q_enc[3 * MAX_QUERY + 1], here[3 * MAX_QUERY + 80], prev[3 * MAX_QUERY + 80],
        next[3 * MAX_QUERY + 80], canonical[3 * MAX_QUERY + 80 + 256], key[3 * MAX_QUERY + 120];
    char page[24], pages[24], total[24];
} answers_view;

static enum MHD_Result one_answer (gw_request *req, int64_t id);

enum MHD_Result portal_answers_page (gw_request *req)
{
    static const char missing[] = "Không tìm thấy trang câu trả lời";
    const char *id_s = gw_query (req, "id");
    if (id_s && *id_s)
        return one_answer (req, portal_id (id_s));
    const char *q = gw_query (req, "q");
    q = q ? q : "";
    while (*q == ' ')
        q++;
    const char *u = gw_query (req, "unit_id");
    int64_t unit = u && *u ? portal_id (u) : 0;
    const char *p = gw_query (req, "page");
    int64_t page = p && *p ? portal_id (p) : 1;
    if ((u && *u && unit <= 0) || page < 1 || page > MAX_PAGE || strlen (q) > MAX_QUERY)
        return portal_problem_page (req, 404, missing, "Địa chỉ này không chỉ đến trang nào.");
    answers_view *v = calloc (1, sizeof *v);
    if (!v)
        return portal_problem_page (req, 500, "Không tải được trang", "Máy chủ thiếu bộ nhớ.");
    portal_url_encode (v->q_enc, sizeof v->q_enc, q);
    list_url (v->here, sizeof v->here, "", unit, page);
    uint64_t gen = 0;
    enum MHD_Result rc;
    int keep = !*q && answers_key (v->key, sizeof v->key, v->here);
    if (keep && portal_cached_in (req, GW_FEEDBACK, v->key, &gen, &rc)) {
        free (v);
        return rc;
    }
    gw_reply list = {0}, units = {0};
    Loa__Content__ListRequest units_in = LOA__CONTENT__LIST_REQUEST__INIT;
    units_in.page = 1;
    units_in.per_page = MAX_UNITS;
    if (portal_call (req, "units.list", &units_in.base, &loa__content__unit_list__descriptor,
                     missing, &units) != 0) {
        rc = units.rc;
        goto out;
    }
    Loa__Feedback__AnswersRequest in = LOA__FEEDBACK__ANSWERS_REQUEST__INIT;
    in.q = *q ? (char *) q : NULL;
    in.has_unit_id = unit != 0;
    in.unit_id = unit;
    in.has_page = in.has_per_page = 1;
    in.page = (int32_t) page;
    in.per_page = PER_PAGE;
    if (portal_call_in (req, GW_FEEDBACK, "feedback.answers", &in.base,
                        &loa__feedback__published_answer_list__descriptor, missing, &list) != 0) {
        rc = list.rc;
        goto out;
    }
    const Loa__Feedback__PublishedAnswerList *al =
        (const Loa__Feedback__PublishedAnswerList *) list.msg;
    long pages = al->total > 0 ? (long) ((al->total + PER_PAGE - 1) / PER_PAGE) : 1;
    if (page > pages) {
        rc = portal_problem_page (req, 404, missing, "Danh sách câu trả lời không có trang này.");
        goto out;
    }
    size_t n = 0;
    for (size_t i = 0; i < al->n_items && n < PER_PAGE; i++) {
        answer_vars (&v->items[n], al->items[i]);
        v->scopes[n] = (loa_template_scope){.vars = v->items[n].vars};
        n++;
    }
    const Loa__Content__UnitList *ul = (const Loa__Content__UnitList *) units.msg;
    size_t n_units = 0;
    for (size_t i = 0; i < ul->n_items && n_units < MAX_UNITS; i++) {
        const Loa__Content__Unit *un = ul->items[i];
        snprintf (v->unit_ids[n_units], sizeof v->unit_ids[n_units], "%lld", (long long) un->id);
        v->unit_vars[n_units][0] = (loa_template_var){"id", v->unit_ids[n_units]};
        v->unit_vars[n_units][1] = (loa_template_var){"name", un->name};
        v->unit_vars[n_units][2] = (loa_template_var){"selected", un->id == unit ? "1" : ""};
        v->unit_vars[n_units][3] = (loa_template_var){NULL, NULL};
        v->unit_scopes[n_units] = (loa_template_scope){.vars = v->unit_vars[n_units]};
        n_units++;
    }
    /* The canonical address: the list's page, without the search. */
    char plain[80];
    list_url (plain, sizeof plain, "", unit, page);
    snprintf (v->canonical, sizeof v->canonical, "%s%s", portal_public_url (), plain);
    if (page > 1)
        list_url (v->prev, sizeof v->prev, v->q_enc, unit, page - 1);
    if (page < pages)
        list_url (v->next, sizeof v->next, v->q_enc, unit, page + 1);
    snprintf (v->page, sizeof v->page, "%ld", (long) page);
    snprintf (v->pages, sizeof v->pages, "%ld", pages);
    snprintf (v->total, sizeof v->total, "%lld", (long long) al->total);
    const loa_template_var vars[] = {
        {"q", q},
        {"total", v->total},
        {"page", v->page},
        {"pages", v->pages},
        {"prev", v->prev},
        {"next", v->next},
        {"many", pages > 1 ? "1" : ""},
        {"has_items", n ? "1" : ""},
        {"no_unit", unit ? "" : "1"},
        {"canonical", v->canonical},
        {"here", plain},
        {"site_name", GW_PORTAL_SITE_NAME},
        {"searched", *q || unit ? "1" : ""},
        {NULL, NULL},
    };
    const loa_template_list lists[] = {
        {"answers", v->scopes, n},
        {"units", v->unit_scopes, n_units},
        {NULL, NULL, 0},
    };
    const loa_template_scope scope = {.vars = vars, .lists = lists};
    char *html = portal_render (req, "/hoi-dap.html", &scope);
    if (!keep)
        rc = html ? gw_respond_body (req, 200, PORTAL_HTML, html, strlen (html), NULL, NULL)
                  : portal_send_in (req, GW_FEEDBACK, "", 0, NULL);
    else
        rc = portal_send_in (req, GW_FEEDBACK, v->key, gen, html);
out:
    free (v);
    gw_reply_free (&units);
    gw_reply_free (&list);
    return rc;
}

static enum MHD_Result one_answer (gw_request *req, int64_t id)
{
    static const char missing[] = "Không tìm thấy câu trả lời đã công khai";
    if (id <= 0)
        return portal_problem_page (req, 404, missing,
                                    "Địa chỉ này không chỉ đến câu trả lời nào.");
    char here[48], key[96];
    snprintf (here, sizeof here, "/hoi-dap.html?id=%lld", (long long) id);
    uint64_t gen = 0;
    enum MHD_Result rc;
    /* One answer holds no content-svc data: feedback-svc's generation. */
    snprintf (key, sizeof key, "%s", here);
    if (portal_cached_in (req, GW_FEEDBACK, key, &gen, &rc))
        return rc;
    gw_reply one = {0};
    Loa__Feedback__FeedbackIdRequest in = LOA__FEEDBACK__FEEDBACK_ID_REQUEST__INIT;
    in.has_id = 1;
    in.id = id;
    if (portal_call_in (req, GW_FEEDBACK, "feedback.answers.get", &in.base,
                        &loa__feedback__published_answer__descriptor, missing, &one) != 0)
        return one.rc;
    answer_rec r;
    answer_vars (&r, (const Loa__Feedback__PublishedAnswer *) one.msg);
    char canonical[sizeof here + 256];
    snprintf (canonical, sizeof canonical, "%s%s", portal_public_url (), here);
    size_t k = 0;
    while (r.vars[k].name)
        k++;
    r.vars[k++] = (loa_template_var){"canonical", canonical};
    r.vars[k] = (loa_template_var){NULL, NULL};
    const loa_template_scope scope = {.vars = r.vars};
    rc = portal_send_in (req, GW_FEEDBACK, key, gen, portal_render (req, "hoi-dap-mot", &scope));
    gw_reply_free (&one);
    return rc;
}
