/* search: one search box across the portal's four kinds (search.h,
 * decision 0041), as an API operation (GET /api/v1/search) and as the page
 * /tim-kiem.html?q=&loai=&trang= rendered on the server (portal_int.h; the
 * page is web/tim-kiem.html, its own template).
 *
 * The fan-out asks each service's existing public search, one call per
 * kind: articles.list, notices.list and procedures.list of content-svc,
 * feedback.answers of feedback-svc. Each service folds diacritics and
 * tolerates a typo itself (decision 0022; notices and answers since 0041),
 * so the gateway only groups what they answer. The calls are made one
 * after the other on the request's thread (four short indexed reads; the
 * event loop holds one call in flight per request): a call that fails does
 * not answer the request but marks its group unavailable, and a service
 * that is down or late is not asked again for its other kinds, so a dead
 * service costs one deadline, not three. Everything is read as an
 * anonymous reader whoever calls (as the sitemap does): the search is the
 * public's, a member's session never brings a draft into it. Nothing is
 * kept in the gateway's cache: every distinct text would be an entry. */
#include "portal/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.pb-c.h"
#include "articles_edit.pb-c.h"
#include "catalog.pb-c.h"
#include "core/call.h"
#include "core/respond.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "loa_log.h"
#include "loa_text.h"
#include "portal/portal_int.h"

#define Q_MIN 2 /* characters */
#define Q_MAX 200
#define LIMIT_MAX 20
#define LIMIT_DEFAULT 5
#define PAGE_MAX 500
#define PAGE_ONE_KIND 10 /* the page's items of one kind (?loai=) */
#define SNIPPET_CHARS 200
#define URL_MAX (3 * PORTAL_MAX_REF + 32)

typedef enum { K_ARTICLE, K_NOTICE, K_PROCEDURE, K_ANSWER, K_N } search_kind;

static const struct {
    const char *api; /* the API's name (kinds=) */
    const char *word; /* the page's (loai=), and the group's id on the page */
    const char *label; /* the group's heading */
    const char *noun; /* "N ... " in the page's links */
    gw_service svc;
} KINDS[K_N] = {
    {"article", "bai-viet", "Bài viết", "bài viết", GW_CONTENT},
    {"notice", "thong-bao", "Thông báo công khai", "thông báo", GW_CONTENT},
    {"procedure", "thu-tuc", "Thủ tục hành chính", "thủ tục", GW_CONTENT},
    {"answer", "tra-loi", "Trả lời phản ánh, kiến nghị", "câu trả lời", GW_FEEDBACK},
};

typedef struct {
    const char *title; /* borrowed from the group's reply */
    const char *date; /* a contract time (RFC 3339), borrowed; "" when none */
    char url[URL_MAX];
    char snippet[SNIPPET_CHARS * 4 + 8];
} search_item;

typedef struct {
    const char *method; /* the kind's RPC, for the log */
    int asked; /* the kind was asked for */
    int available; /* its service answered */
    Loa__Status status; /* when it did not */
    int64_t total;
    size_t n;
    search_item items[LIMIT_MAX];
    gw_reply reply; /* what the items borrow */
} search_group;

typedef struct {
    search_group groups[K_N];
} search_result;

/* ------------------------------------------------------------ the arguments */

/* q without its surrounding white space into `out`; NULL when it is fine,
 * else what is wrong with it, in Vietnamese. */
static const char *q_problem (const char *q, char *out, size_t cap)
{
    out[0] = '\0';
    if (!q || loa_text_blank (q))
        return "Hãy nhập từ khoá cần tìm (từ 2 đến 200 ký tự)";
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
        q++;
    size_t n = strlen (q);
    while (n && (q[n - 1] == ' ' || q[n - 1] == '\t' || q[n - 1] == '\n' || q[n - 1] == '\r'))
        n--;
    if (n >= cap)
        return "Từ khoá dài tối đa 200 ký tự";
    memcpy (out, q, n);
    out[n] = '\0';
    if (!loa_utf8_valid (out)) {
        out[0] = '\0';
        return "Từ khoá không phải văn bản UTF-8 hợp lệ";
    }
    size_t chars = loa_utf8_length (out);
    if (chars < Q_MIN)
        return "Từ khoá cần ít nhất 2 ký tự";
    if (chars > Q_MAX)
        return "Từ khoá dài tối đa 200 ký tự";
    return NULL;
}

/* `s` as an integer in 1..max, else 0. */
static int small_int (const char *s, int max)
{
    int64_t v = portal_id (s);
    return v >= 1 && v <= max ? (int) v : 0;
}

/* The kinds of "article,notice" as a bit set (1 << kind); 0 when a name is
 * not a kind. An empty list is every kind. */
static unsigned kinds_of (const char *s)
{
    unsigned set = 0;
    while (*s) {
        size_t n = strcspn (s, ",");
        int found = 0;
        for (int k = 0; k < K_N && n; k++)
            if (strlen (KINDS[k].api) == n && strncmp (s, KINDS[k].api, n) == 0) {
                set |= 1u << k;
                found = 1;
            }
        if (!found)
            return 0;
        s += n;
        if (*s == ',')
            s++;
    }
    return set ? set : (1u << K_N) - 1;
}

/* ------------------------------------------------------------ the fan-out */

/* A kind's call that did not say yes: the group says so, the request is
 * not answered (the other groups still are). */
static enum MHD_Result group_failed (gw_request *req, const gw_failure *f, void *arg)
{
    search_group *g = arg;
    g->status = f->status;
    loa_warn (req->request_id, "search: %s did not answer (%s): its group is unavailable",
              g->method, f->error ? f->error : "no reply");
    return MHD_YES;
}

/* Plain text of at most SNIPPET_CHARS characters of `s` (a summary, a
 * notice's Markdown, an answer): white space folded, Markdown's marks
 * dropped, cut at a word with "…". */
static void snippet (char *out, size_t cap, const char *s)
{
    size_t o = 0, chars = 0, last_space = 0;
    int space = 0, cut = 0;
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    while (*s) {
        if (*s == '*' || *s == '#' || *s == '>' || *s == '`') {
            s++;
            continue;
        }
        if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') {
            space = 1;
            s++;
            continue;
        }
        size_t len = loa_utf8_seq (s);
        if (len == 0)
            break; /* not UTF-8: the services never send it */
        if (chars + 1 + space > SNIPPET_CHARS || o + len + 1 + 8 > cap) {
            cut = 1;
            break;
        }
        if (space && o) {
            last_space = o;
            out[o++] = ' ';
            chars++;
        }
        space = 0;
        memcpy (out + o, s, len);
        o += len;
        s += len;
        chars++;
    }
    if (cut) {
        if (last_space)
            o = last_space;
        memcpy (out + o, "…", sizeof "…");
        return;
    }
    out[o] = '\0';
}

static void fill_articles (search_group *g)
{
    const Loa__Content__ArticleList *l = (const Loa__Content__ArticleList *) g->reply.msg;
    g->total = l->total;
    for (size_t i = 0; i < l->n_items && g->n < LIMIT_MAX; i++) {
        const Loa__Content__Article *a = l->items[i];
        search_item *it = &g->items[g->n++];
        it->title = a->title;
        it->date = a->maybe_published_at_case ? a->published_at : "";
        char slug[3 * PORTAL_MAX_REF + 1];
        portal_url_encode (slug, sizeof slug, a->slug);
        snprintf (it->url, sizeof it->url, PORTAL_ARTICLES "%s", slug);
        snippet (it->snippet, sizeof it->snippet, a->summary);
    }
}

static void fill_notices (search_group *g)
{
    const Loa__Content__NoticeList *l = (const Loa__Content__NoticeList *) g->reply.msg;
    g->total = l->total;
    for (size_t i = 0; i < l->n_items && g->n < LIMIT_MAX; i++) {
        const Loa__Content__Notice *x = l->items[i];
        search_item *it = &g->items[g->n++];
        it->title = x->title;
        it->date = *x->updated_at ? x->updated_at : x->created_at;
        snprintf (it->url, sizeof it->url, "/thong-bao/%lld", (long long) x->id);
        snippet (it->snippet, sizeof it->snippet, x->body);
    }
}

static void fill_procedures (search_group *g)
{
    const Loa__Content__ProcedureList *l = (const Loa__Content__ProcedureList *) g->reply.msg;
    g->total = l->total;
    for (size_t i = 0; i < l->n_items && g->n < LIMIT_MAX; i++) {
        const Loa__Content__Procedure *p = l->items[i];
        search_item *it = &g->items[g->n++];
        it->title = p->name;
        it->date = p->updated_at;
        char code[3 * 32 + 1];
        portal_url_encode (code, sizeof code, p->code);
        snprintf (it->url, sizeof it->url, "/thu-tuc/%s", code);
        char text[600];
        snprintf (text, sizeof text, "Mã %.64s · Lĩnh vực: %.400s%s", p->code, p->field,
                  strcmp (p->status, "abolished") == 0 ? " · Đã bãi bỏ" : "");
        snippet (it->snippet, sizeof it->snippet, text);
    }
}

static void fill_answers (search_group *g)
{
    const Loa__Feedback__PublishedAnswerList *l =
        (const Loa__Feedback__PublishedAnswerList *) g->reply.msg;
    g->total = l->total;
    for (size_t i = 0; i < l->n_items && g->n < LIMIT_MAX; i++) {
        const Loa__Feedback__PublishedAnswer *a = l->items[i];
        search_item *it = &g->items[g->n++];
        it->title = a->title;
        it->date = a->published_at;
        snprintf (it->url, sizeof it->url, "/hoi-dap.html?id=%lld", (long long) a->id);
        snippet (it->snippet, sizeof it->snippet, a->answer);
    }
}

/* Asks kind `k` (its request `in`, its reply `out`), unless its service
 * is known to be down already (`down`, by service). */
static void ask (gw_request *req, search_result *r, search_kind k, const char *method,
                 const ProtobufCMessage *in, const ProtobufCMessageDescriptor *out,
                 Loa__Status *down)
{
    search_group *g = &r->groups[k];
    gw_service svc = KINDS[k].svc;
    g->method = method;
    if (down[svc] != LOA__STATUS__OK) {
        g->status = down[svc];
        return;
    }
    gw_call_spec spec = {
        .service = svc,
        .method = method,
        .in = in,
        .out = out,
        .read = 1,
        .fail = group_failed,
        .fail_arg = g,
    };
    if (gw_call (req, &spec, &g->reply) != 0) {
        if (g->status == LOA__STATUS__UNAVAILABLE || g->status == LOA__STATUS__DEADLINE)
            down[svc] = g->status;
        return;
    }
    g->available = 1;
    switch (k) {
    case K_ARTICLE: fill_articles (g); break;
    case K_NOTICE: fill_notices (g); break;
    case K_PROCEDURE: fill_procedures (g); break;
    case K_ANSWER: fill_answers (g); break;
    default: break;
    }
}

/* Each kind of `kinds` searched for `q` (checked by q_problem): `per_page`
 * items of page `page`, into `r` (zeroed by the caller; search_free). */
static void search_run (gw_request *req, const char *q, unsigned kinds, int page, int per_page,
                        search_result *r)
{
    Loa__Status down[GW_N_SERVICES];
    for (int s = 0; s < GW_N_SERVICES; s++)
        down[s] = LOA__STATUS__OK;
    Loa__Caller own = req->caller;
    req->caller.user_id = 0;
    req->caller.unit_id = 0;
    req->caller.api_key_id = 0;
    req->caller.n_roles = 0;
    req->caller.roles = NULL;
    req->caller.writes = 0;
    for (int k = 0; k < K_N; k++)
        r->groups[k].asked = (kinds >> k) & 1;
    if (r->groups[K_ARTICLE].asked) {
        Loa__Content__ArticleListRequest in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
        in.has_page = in.has_per_page = 1;
        in.page = page;
        in.per_page = per_page;
        in.q = (char *) q;
        in.status = (char *) "published";
        ask (req, r, K_ARTICLE, "articles.list", &in.base, &loa__content__article_list__descriptor,
             down);
    }
    if (r->groups[K_NOTICE].asked) {
        Loa__Content__NoticeListRequest in = LOA__CONTENT__NOTICE_LIST_REQUEST__INIT;
        in.q = (char *) q;
        in.page = page;
        in.per_page = per_page;
        ask (req, r, K_NOTICE, "notices.list", &in.base, &loa__content__notice_list__descriptor,
             down);
    }
    if (r->groups[K_PROCEDURE].asked) {
        Loa__Content__ProcedureListRequest in = LOA__CONTENT__PROCEDURE_LIST_REQUEST__INIT;
        in.q = (char *) q;
        in.page = page;
        in.per_page = per_page;
        ask (req, r, K_PROCEDURE, "procedures.list", &in.base,
             &loa__content__procedure_list__descriptor, down);
    }
    if (r->groups[K_ANSWER].asked) {
        Loa__Feedback__AnswersRequest in = LOA__FEEDBACK__ANSWERS_REQUEST__INIT;
        in.q = (char *) q;
        in.has_page = in.has_per_page = 1;
        in.page = page;
        in.per_page = per_page;
        ask (req, r, K_ANSWER, "feedback.answers", &in.base,
             &loa__feedback__published_answer_list__descriptor, down);
    }
    req->caller = own;
}

static void search_free (search_result *r)
{
    for (int k = 0; k < K_N; k++)
        gw_reply_free (&r->groups[k].reply);
}

/* What an unavailable group says. */
static const char *unavailable_text (const search_group *g)
{
    return g->status == LOA__STATUS__DEADLINE
               ? "Dịch vụ không trả lời kịp: chưa tìm được trong mục này, vui lòng thử lại sau."
               : "Dịch vụ tạm thời gián đoạn: chưa tìm được trong mục này, vui lòng thử lại sau.";
}

/* The page listing every result of one kind: /tim-kiem.html?q=Q&loai=K. */
static void kind_url (char *out, size_t cap, const char *q_enc, search_kind k, int page)
{
    if (page > 1)
        snprintf (out, cap, "/tim-kiem.html?q=%s&loai=%s&trang=%d", q_enc, KINDS[k].word, page);
    else
        snprintf (out, cap, "/tim-kiem.html?q=%s&loai=%s", q_enc, KINDS[k].word);
}

/* ------------------------------------------------------------ GET /api/v1/search */

enum MHD_Result gw_search (gw_request *req)
{
    char q[Q_MAX * 4 + 1];
    json_t *errors = json_array ();
    const char *bad = q_problem (gw_query (req, "q"), q, sizeof q);
    if (bad)
        json_array_append_new (errors, gw_field_error ("q", bad));
    const char *ks = gw_query (req, "kinds");
    unsigned kinds = kinds_of (ks ? ks : "");
    if (!kinds)
        json_array_append_new (errors, gw_field_error ("kinds",
                                                       "chỉ gồm article, notice, procedure, answer "
                                                       "(cách nhau bởi dấu phẩy)"));
    const char *ls = gw_query (req, "limit"), *ps = gw_query (req, "page");
    int limit = ls ? small_int (ls, LIMIT_MAX) : LIMIT_DEFAULT;
    int page = ps ? small_int (ps, PAGE_MAX) : 1;
    if (!limit)
        json_array_append_new (errors, gw_field_error ("limit", "phải là số nguyên từ 1 đến 20"));
    if (!page)
        json_array_append_new (errors, gw_field_error ("page", "phải là số nguyên từ 1 đến 500"));
    if (json_array_size (errors))
        return gw_respond_problem (req, 400, "Tham số tìm kiếm không hợp lệ", errors);
    json_decref (errors);
    search_result *r = calloc (1, sizeof *r);
    if (!r)
        return gw_respond_problem (req, 500, NULL, NULL);
    search_run (req, q, kinds, page, limit, r);
    char q_enc[sizeof q * 3];
    portal_url_encode (q_enc, sizeof q_enc, q);
    json_t *groups = json_array ();
    for (int k = 0; k < K_N; k++) {
        const search_group *g = &r->groups[k];
        if (!g->asked)
            continue;
        char more[sizeof q_enc + 64];
        kind_url (more, sizeof more, q_enc, (search_kind) k, 1);
        json_t *items = json_array ();
        for (size_t i = 0; i < g->n; i++)
            json_array_append_new (items,
                                   json_pack ("{s:s, s:s, s:s, s:s}", "title", g->items[i].title,
                                              "url", g->items[i].url, "snippet",
                                              g->items[i].snippet, "date", g->items[i].date));
        json_t *group = json_pack ("{s:s, s:s, s:b, s:o, s:s, s:o}", "kind", KINDS[k].api, "label",
                                   KINDS[k].label, "available", g->available, "total",
                                   g->available ? json_integer (g->total) : json_null (), "more",
                                   more, "items", items);
        if (group && !g->available)
            json_object_set_new (group, "detail", json_string (unavailable_text (g)));
        json_array_append_new (groups, group);
    }
    search_free (r);
    free (r);
    return gw_respond_json (
        req, 200,
        json_pack ("{s:s, s:i, s:i, s:o}", "q", q, "page", page, "limit", limit, "groups", groups));
}

json_t *gw_search_openapi (const gw_route *r)
{
    (void) r;
    json_t *item = json_pack ("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}", "type", "object",
                              "properties", "title", "type", "string", "url", "type", "string",
                              "snippet", "type", "string", "date", "type", "string");
    json_t *group =
        json_pack ("{s:s, s:[s, s, s, s, s, s], s:{s:{s:s, s:[s, s, s, s]}, s:{s:s}, s:{s:s}, "
                   "s:{s:[s, s]}, s:{s:s}, s:{s:s}, s:{s:s, s:o}}}",
                   "type", "object", "required", "kind", "label", "available", "total", "more",
                   "items", "properties", "kind", "type", "string", "enum", "article", "notice",
                   "procedure", "answer", "label", "type", "string", "available", "type", "boolean",
                   "total", "type", "integer", "null", "more", "type", "string", "detail", "type",
                   "string", "items", "type", "array", "items", item);
    json_t *ok = json_pack ("{s:s, s:[s, s, s, s], s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:o}}}",
                            "type", "object", "required", "q", "page", "limit", "groups",
                            "properties", "q", "type", "string", "page", "type", "integer", "limit",
                            "type", "integer", "groups", "type", "array", "items", group);
    json_t *params = json_pack (
        "[{s:s, s:s, s:b, s:s, s:{s:s, s:i, s:i}}, {s:s, s:s, s:s, s:{s:s}}, "
        "{s:s, s:s, s:s, s:{s:s, s:i, s:i, s:i}}, {s:s, s:s, s:s, s:{s:s, s:i, s:i, s:i}}]",
        "name", "q", "in", "query", "required", 1, "description",
        "Từ khoá, có dấu hoặc không dấu, chấp nhận lỗi gõ nhẹ", "schema", "type", "string",
        "minLength", Q_MIN, "maxLength", Q_MAX, "name", "kinds", "in", "query", "description",
        "Các loại cần tìm, cách nhau bởi dấu phẩy: article, notice, procedure, answer (mặc định: "
        "tất cả)",
        "schema", "type", "string", "name", "limit", "in", "query", "description",
        "Số kết quả mỗi nhóm", "schema", "type", "integer", "minimum", 1, "maximum", LIMIT_MAX,
        "default", LIMIT_DEFAULT, "name", "page", "in", "query", "description",
        "Trang kết quả của mỗi nhóm", "schema", "type", "integer", "minimum", 1, "maximum",
        PAGE_MAX, "default", 1);
    return json_pack (
        "{s:s, s:s, s:s, s:o, s:{s:{s:s, s:{s:{s:o}}}, s:{s:s, s:{s:{s:{s:s}}}}}}", "operationId",
        "search", "summary",
        "Tìm chung trong bài viết, thông báo công khai, thủ tục hành chính và câu trả lời phản ánh",
        "description",
        "Kết quả theo nhóm; dịch vụ nào không trả lời thì nhóm của nó có available: false (các "
        "nhóm khác vẫn trả lời). Chỉ nội dung công khai, bất kể ai gọi.",
        "parameters", params, "responses", "200", "description", "OK", "content",
        "application/json", "schema", ok, "default", "description", "Lỗi (RFC 9457)", "content",
        "application/problem+json", "schema", "$ref", "#/components/schemas/Problem");
}

/* ------------------------------------------------------------ /tim-kiem.html */

/* One result as the page shows it. */
typedef struct {
    loa_template_var vars[6];
    char date[40];
} item_rec;

/* One group as the page shows it. */
typedef struct {
    loa_template_var vars[16];
    item_rec items[LIMIT_MAX];
    loa_template_scope scopes[LIMIT_MAX];
    loa_template_list lists[2];
    char total[24], more[Q_MAX * 12 + 64], more_text[120], prev[Q_MAX * 12 + 80],
        next[Q_MAX * 12 + 80], page[24], pages[24];
} group_rec;

typedef struct {
    search_result r;
    group_rec groups[K_N];
    loa_template_scope scopes[K_N];
    char q[Q_MAX * 4 + 1], q_enc[Q_MAX * 12 + 1], summary[Q_MAX * 4 + 200];
} page_view;

static void group_vars (page_view *v, search_kind k, int one_kind, int page, int per_page)
{
    const search_group *g = &v->r.groups[k];
    group_rec *gr = &v->groups[k];
    for (size_t i = 0; i < g->n; i++) {
        item_rec *ir = &gr->items[i];
        portal_time (g->items[i].date, 0, ir->date, sizeof ir->date);
        ir->vars[0] = (loa_template_var){"title", g->items[i].title};
        ir->vars[1] = (loa_template_var){"url", g->items[i].url};
        ir->vars[2] = (loa_template_var){"snippet", g->items[i].snippet};
        ir->vars[3] = (loa_template_var){"datetime", g->items[i].date};
        ir->vars[4] = (loa_template_var){"date", ir->date};
        ir->vars[5] = (loa_template_var){NULL, NULL};
        gr->scopes[i] = (loa_template_scope){.vars = ir->vars};
    }
    gr->lists[0] = (loa_template_list){"items", gr->scopes, g->n};
    gr->lists[1] = (loa_template_list){NULL, NULL, 0};
    snprintf (gr->total, sizeof gr->total, "%lld", (long long) g->total);
    long pages = g->total > 0 ? (long) ((g->total + per_page - 1) / per_page) : 1;
    if (!one_kind && g->available && g->total > (int64_t) g->n) {
        kind_url (gr->more, sizeof gr->more, v->q_enc, k, 1);
        snprintf (gr->more_text, sizeof gr->more_text, "Xem tất cả %lld %s →", (long long) g->total,
                  KINDS[k].noun);
    }
    if (one_kind && page > 1)
        kind_url (gr->prev, sizeof gr->prev, v->q_enc, k, page - 1);
    if (one_kind && page < pages)
        kind_url (gr->next, sizeof gr->next, v->q_enc, k, page + 1);
    snprintf (gr->page, sizeof gr->page, "%d", page);
    snprintf (gr->pages, sizeof gr->pages, "%ld", pages);
    size_t i = 0;
    gr->vars[i++] = (loa_template_var){"kind", KINDS[k].word};
    gr->vars[i++] = (loa_template_var){"label", KINDS[k].label};
    gr->vars[i++] = (loa_template_var){"total", g->available ? gr->total : ""};
    gr->vars[i++] = (loa_template_var){"unavailable", g->available ? "" : unavailable_text (g)};
    gr->vars[i++] = (loa_template_var){"has_items", g->n ? "1" : ""};
    gr->vars[i++] = (loa_template_var){"none", g->available && !g->n ? "1" : ""};
    gr->vars[i++] = (loa_template_var){"more", gr->more};
    gr->vars[i++] = (loa_template_var){"more_text", gr->more_text};
    gr->vars[i++] = (loa_template_var){"many", one_kind && pages > 1 ? "1" : ""};
    gr->vars[i++] = (loa_template_var){"prev", gr->prev};
    gr->vars[i++] = (loa_template_var){"next", gr->next};
    gr->vars[i++] = (loa_template_var){"page", gr->page};
    gr->vars[i++] = (loa_template_var){"pages", gr->pages};
    gr->vars[i++] = (loa_template_var){NULL, NULL};
}

/* The kind named by ?loai= (-1: every kind; K_N: not a kind). */
static int page_kind (const char *w)
{
    if (!w || !*w)
        return -1;
    for (int k = 0; k < K_N; k++)
        if (strcmp (w, KINDS[k].word) == 0)
            return k;
    return K_N;
}

enum MHD_Result portal_search_page (gw_request *req)
{
    static const char missing[] = "Không tìm thấy trang kết quả";
    const char *raw = gw_query (req, "q");
    const char *ts = gw_query (req, "trang");
    int kind = page_kind (gw_query (req, "loai"));
    int page = ts ? small_int (ts, PAGE_MAX) : 1;
    if (kind == K_N || page == 0)
        return portal_problem_page (req, 404, missing, "Địa chỉ này không chỉ đến trang nào.");
    page_view *v = calloc (1, sizeof *v);
    if (!v)
        return portal_problem_page (req, 500, "Không tải được trang", "Máy chủ thiếu bộ nhớ.");
    int asked = raw && !loa_text_blank (raw);
    const char *bad = asked ? q_problem (raw, v->q, sizeof v->q) : NULL;
    if (bad && !v->q[0] && raw && strlen (raw) < sizeof v->q && loa_utf8_valid (raw))
        snprintf (v->q, sizeof v->q, "%s", raw); /* shown back in the box as typed */
    int searched = asked && !bad;
    int one_kind = kind >= 0;
    int per_page = one_kind ? PAGE_ONE_KIND : LIMIT_DEFAULT;
    size_t n_groups = 0;
    int64_t found = 0;
    int any_down = 0;
    if (searched) {
        portal_url_encode (v->q_enc, sizeof v->q_enc, v->q);
        search_run (req, v->q, one_kind ? 1u << kind : (1u << K_N) - 1, one_kind ? page : 1,
                    per_page, &v->r);
        const search_group *only = one_kind ? &v->r.groups[kind] : NULL;
        if (only && only->available && page > 1 && (int64_t) (page - 1) * per_page >= only->total) {
            search_free (&v->r);
            free (v);
            return portal_problem_page (req, 404, missing, "Kết quả tìm kiếm không có trang này.");
        }
        for (int k = 0; k < K_N; k++) {
            if (!v->r.groups[k].asked)
                continue;
            group_vars (v, (search_kind) k, one_kind, one_kind ? page : 1, per_page);
            v->scopes[n_groups++] =
                (loa_template_scope){.vars = v->groups[k].vars, .lists = v->groups[k].lists};
            if (v->r.groups[k].available)
                found += v->r.groups[k].total;
            else
                any_down = 1;
        }
        if (found)
            snprintf (v->summary, sizeof v->summary, "Tìm thấy %lld kết quả cho “%s”%s%s.",
                      (long long) found, v->q, one_kind ? " trong mục " : "",
                      one_kind ? KINDS[kind].label : "");
        else
            snprintf (v->summary, sizeof v->summary, "Không tìm thấy kết quả nào cho “%s”%s%s.",
                      v->q, one_kind ? " trong mục " : "", one_kind ? KINDS[kind].label : "");
        if (any_down)
            snprintf (v->summary + strlen (v->summary), sizeof v->summary - strlen (v->summary),
                      " Một số mục tạm thời chưa tìm được.");
    }
    char all_url[sizeof v->q_enc + 32] = "";
    if (one_kind && searched)
        snprintf (all_url, sizeof all_url, "/tim-kiem.html?q=%s", v->q_enc);
    const loa_template_var vars[] = {
        {"q", v->q},
        {"searched", searched ? "1" : ""},
        {"noindex", asked ? "1" : ""},
        {"problem", bad ? bad : ""},
        {"summary", v->summary},
        {"kind_label", one_kind ? KINDS[kind].label : ""},
        {"all_url", all_url},
        {NULL, NULL},
    };
    const loa_template_list lists[] = {{"groups", v->scopes, n_groups}, {NULL, NULL, 0}};
    const loa_template_scope scope = {.vars = vars, .lists = lists};
    char *html = portal_render (req, "/tim-kiem.html", &scope);
    search_free (&v->r);
    free (v);
    if (!html)
        return portal_problem_page (req, 500, "Không tải được trang",
                                    "Máy chủ không dựng được trang này; lỗi đã được ghi lại.");
    /* Results are for one reader's query: not kept, by the gateway or by
     * anyone on the way. */
    return gw_respond_body (req, 200, PORTAL_HTML, html, strlen (html), NULL, NULL);
}
