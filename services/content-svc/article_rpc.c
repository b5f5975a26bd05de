/* article_rpc: the articles.* methods of content-svc: validation, who may
 * see and do what (checked again here, whatever the gateway did), and the
 * editorial workflow:
 *
 *   draft --submit--> in_review --publish--> published --retract--> retracted
 *   rejected --submit--^    \--reject--> rejected
 *
 * A correction of a published article is a revision (articles.revise): an
 * article row of its own, revision_of the published one, through the same
 * steps; published, its text replaces the article's and it becomes
 * `applied` (article_store_transition; docs/decisions/0032).
 *
 * Editors write and submit their own unit's articles (draft or rejected);
 * reviewers publish, reject (with a reason) and retract (with a reason), but
 * never an article they wrote themselves (four eyes). An article's
 * attachments are media-svc's assets: create and update ask media-svc that
 * each exists before anything else (content_media.h). */
#include "article_rpc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article_store.h"
#include "articles_edit.pb-c.h"
#include "content_media.h"
#include "loa_check.h"
#include "loa_markdown.h"
#include "loa_text.h"

#define MAX_TITLE_CHARS 300
#define MAX_SUMMARY_CHARS 1000
#define MAX_BODY_BYTES (200 * 1024)
#define MAX_REASON_CHARS 2000
#define MAX_NOTE_CHARS 2000
#define MAX_QUERY_CHARS 200
#define MAX_TOPICS 10
#define MAX_ATTACHMENTS 20
#define DEFAULT_PER_PAGE 20

/* ------------------------------------------------------------ who */

static int is_staff (const loa_rpc_ctx *ctx) { return ctx->caller->user_id != 0; }

/* Roles that read every unit's articles, whatever their status. */
static int sees_all (const loa_rpc_ctx *ctx)
{
    return loa_rpc_has_role (ctx, "reviewer") || loa_rpc_has_role (ctx, "admin") ||
           loa_rpc_has_role (ctx, "inspector") || loa_rpc_has_role (ctx, "leader");
}

static int can_see (const loa_rpc_ctx *ctx, const Loa__Content__Article *a)
{
    if (strcmp (a->status, "published") == 0 || sees_all (ctx))
        return 1;
    return is_staff (ctx) && ctx->caller->unit_id != 0 && ctx->caller->unit_id == a->unit_id;
}

/* What the article store's statuses say (a guard's refusal, ANSWERED, has
 * been said by the guard). */
static const loa_rpc_store_answer ARTICLE_ANSWERS[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy bài viết"},
    {LOA_STORE_INVALID, "Chủ đề không tồn tại", "topic_ids", "có chủ đề không tồn tại"},
    {LOA_STORE_CONFLICT, "Bài viết vừa bị thay đổi đồng thời, xin thử lại"},
    {LOA_STORE_FORBIDDEN, "Đơn vị của tài khoản không tồn tại"},
    {LOA_STORE_WRONG_STATE, "Bài viết gốc không còn được đăng nên không áp dụng được bản sửa"},
    {LOA_STORE_OK},
};

/* ------------------------------------------------------------ checks */

/* Checks a list of ids and removes repeats, into `out` (cap `max`);
 * returns the count, or -1 after a field error. */
static int clean_ids (loa_rpc_ctx *ctx, const char *field, const int64_t *ids, size_t n, int max,
                      int64_t *out)
{
    char msg[160];
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] <= 0) {
            char name[48];
            snprintf (name, sizeof name, "%s[%zu]", field, i);
            loa_rpc_field_error (ctx, name, "phải là số nguyên dương");
            return -1;
        }
        int seen = 0;
        for (int j = 0; j < k && !seen; j++)
            seen = out[j] == ids[i];
        if (seen)
            continue;
        if (k == max) {
            snprintf (msg, sizeof msg, "tối đa %d phần tử", max);
            loa_rpc_field_error (ctx, field, msg);
            return -1;
        }
        out[k++] = ids[i];
    }
    return k;
}

/* If-Match: "3", 3 or W/"3" (the article's version); "*" matches any.
 * Returns the version, 0 for "*", -1 when absent, -2 when malformed. */
static int64_t if_match_version (const char *h)
{
    if (!h)
        return -1;
    while (*h == ' ')
        h++;
    if (strcmp (h, "*") == 0)
        return 0;
    if (strncmp (h, "W/", 2) == 0)
        h += 2;
    int quoted = *h == '"';
    if (quoted)
        h++;
    char *end;
    if (!isdigit ((unsigned char) *h))
        return -2;
    long long v = strtoll (h, &end, 10);
    if (quoted && *end++ != '"')
        return -2;
    while (*end == ' ')
        end++;
    return *end || v <= 0 ? -2 : v;
}

static const char *const STATUSES[] = {"draft",     "in_review", "published", "rejected",
                                       "retracted", "applied",   NULL};

/* ------------------------------------------------------------ reads */

void content_articles_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__ArticleListRequest *in = (const Loa__Content__ArticleListRequest *) msg;
    article_filter f = {.cchc = in->has_cchc ? in->cchc : -1};
    int bad = loa_check_page (ctx, in->has_page, in->page, in->has_per_page, in->per_page,
                              DEFAULT_PER_PAGE, &f.page, &f.per_page);
    if (in->has_unit_id && in->unit_id <= 0) {
        loa_rpc_field_error (ctx, "unit_id", "phải là số nguyên dương");
        bad++;
    }
    if (in->has_topic_id && in->topic_id <= 0) {
        loa_rpc_field_error (ctx, "topic_id", "phải là số nguyên dương");
        bad++;
    }
    f.unit_id = in->has_unit_id ? in->unit_id : 0;
    f.topic_id = in->has_topic_id ? in->topic_id : 0;
    if (in->from && *in->from && !loa_check_date (in->from)) {
        loa_rpc_field_error (ctx, "from", "phải là ngày dạng YYYY-MM-DD");
        bad++;
    }
    if (in->to && *in->to && !loa_check_date (in->to)) {
        loa_rpc_field_error (ctx, "to", "phải là ngày dạng YYYY-MM-DD");
        bad++;
    }
    f.from = in->from && *in->from ? in->from : NULL;
    f.to = in->to && *in->to ? in->to : NULL;
    if (!bad && f.from && f.to && strcmp (f.from, f.to) > 0) {
        loa_rpc_field_error (ctx, "to", "không được trước ngày bắt đầu (from)");
        bad++;
    }
    if (in->q && !loa_text_blank (in->q)) {
        if (loa_check_text (ctx, "q", NULL, in->q, 0, MAX_QUERY_CHARS, 0))
            bad++;
        f.q = in->q;
    }
    if (in->status && *in->status) {
        if (!loa_check_one_of (in->status, STATUSES)) {
            loa_rpc_field_error (
                ctx, "status",
                "phải là một trong: draft, in_review, published, rejected, retracted, applied");
            bad++;
        }
        f.status = in->status;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số lọc không hợp lệ");
        return;
    }
    if (!is_staff (ctx)) {
        if (f.status && strcmp (f.status, "published") != 0) {
            loa_rpc_field_error (ctx, "status",
                                 "chỉ cán bộ đã đăng nhập mới lọc được trạng thái này");
            loa_rpc_fail (ctx, LOA__STATUS__UNAUTHENTICATED, "Cần đăng nhập để xem bài chưa đăng");
            return;
        }
        f.status = "published";
    } else {
        f.see_all = sees_all (ctx);
        f.own_unit = ctx->caller->unit_id;
    }
    Loa__Content__ArticleList out = LOA__CONTENT__ARTICLE_LIST__INIT;
    loa_store_status st = article_store_list (ctx->db, &f, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, ARTICLE_ANSWERS);
    article_store_free_list (&out);
}

/* Reads the article `ref` the caller may see into *out; 0, or -1 after
 * failing the call (an article the caller may not see is not found). */
static int visible_article (loa_rpc_ctx *ctx, const char *ref, Loa__Content__Article *out)
{
    loa__content__article__init (out);
    if (!ref || !*ref) {
        loa_rpc_field_error (ctx, "ref", "là bắt buộc");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thiếu mã số hoặc slug của bài viết");
        return -1;
    }
    loa_store_status st = article_store_get (ctx->db, ref, out);
    if (st == LOA_STORE_OK && !can_see (ctx, out))
        st = LOA_STORE_NOT_FOUND;
    if (st != LOA_STORE_OK) {
        article_store_free (out);
        loa_rpc_fail_store (ctx, st, ARTICLE_ANSWERS);
        return -1;
    }
    return 0;
}

void content_articles_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__ArticleRef *in = (const Loa__Content__ArticleRef *) msg;
    Loa__Content__Article out;
    if (visible_article (ctx, in->ref, &out) != 0)
        return;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    article_store_free (&out);
}

void content_articles_history (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__ArticleRef *in = (const Loa__Content__ArticleRef *) msg;
    if (!is_staff (ctx)) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAUTHENTICATED, "Cần đăng nhập");
        return;
    }
    Loa__Content__Article a;
    if (visible_article (ctx, in->ref, &a) != 0)
        return;
    Loa__Content__ArticleHistory out = LOA__CONTENT__ARTICLE_HISTORY__INIT;
    loa_store_status st = article_store_history (ctx->db, a.id, &out);
    article_store_free (&a);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, ARTICLE_ANSWERS);
    article_store_free_history (&out);
}

/* ------------------------------------------------------------ writes */

/* The assets a request names must exist (media-svc's): asked first, right
 * after who may write, so that the answers are those clients had when the
 * gateway asked before calling here. A list longer than MAX_ATTACHMENTS,
 * and ids that are not positive, are left to clean_ids. 0, or -1 after
 * failing the call. */
static int check_attachments (loa_rpc_ctx *ctx, const int64_t *ids, size_t n)
{
    return n > MAX_ATTACHMENTS ? 0 : content_media_check_assets (ctx, ids, n);
}

static int require_editor_unit (loa_rpc_ctx *ctx)
{
    if (loa_check_role (ctx, "editor", "Chỉ biên tập viên được soạn và gửi bài") != 0)
        return -1;
    if (ctx->caller->unit_id == 0) {
        loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, "Tài khoản biên tập viên chưa thuộc đơn vị nào");
        return -1;
    }
    return 0;
}

void content_articles_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__CreateArticleRequest *in = (const Loa__Content__CreateArticleRequest *) msg;
    if (require_editor_unit (ctx) != 0 ||
        check_attachments (ctx, in->attachment_ids, in->n_attachment_ids) != 0)
        return;
    int64_t topics[MAX_TOPICS], atts[MAX_ATTACHMENTS];
    int bad = loa_check_text (ctx, "title", NULL, in->title, 1, MAX_TITLE_CHARS, 0);
    bad += loa_check_text (ctx, "summary", NULL, in->summary, 0, MAX_SUMMARY_CHARS, 0);
    bad += loa_check_text (ctx, "body", NULL, in->body, 1, 0, MAX_BODY_BYTES);
    int n_topics = clean_ids (ctx, "topic_ids", in->topic_ids, in->n_topic_ids, MAX_TOPICS, topics);
    int n_atts = clean_ids (ctx, "attachment_ids", in->attachment_ids, in->n_attachment_ids,
                            MAX_ATTACHMENTS, atts);
    if (bad || n_topics < 0 || n_atts < 0) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu bài viết không hợp lệ");
        return;
    }
    char *html = loa_markdown_html (in->body, strlen (in->body));
    if (!html) {
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Không đủ bộ nhớ");
        return;
    }
    article_fields a = {.unit_id = ctx->caller->unit_id,
                        .actor_id = ctx->caller->user_id,
                        .title = in->title,
                        .summary = in->summary,
                        .body = in->body,
                        .body_html = html,
                        .topic_ids = topics,
                        .n_topics = n_topics,
                        .attachment_ids = atts,
                        .n_attachments = n_atts};
    Loa__Content__Article out;
    loa_store_status st = article_store_create (ctx->db, &a, &out);
    free (html);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, ARTICLE_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    article_store_free (&out);
}

/* What an action needs of the article it changes, checked by the guard on
 * the locked row. */
typedef struct {
    loa_rpc_ctx *ctx;
    const char *verb; /* "sửa", "gửi duyệt", ... for messages */
    const char *const *from; /* statuses allowed, NULL-terminated */
    int own_unit; /* the caller's unit must be the article's */
    int not_author; /* the author may not do it (four eyes) */
    int64_t version; /* > 0: must match; 0: any */
    /* fields a revision alone may have: the request names them */
    int note, media_correction;
} action_rule;

static int guard (const article_row *row, void *arg)
{
    const action_rule *r = arg;
    loa_rpc_ctx *ctx = r->ctx;
    char msg[200];
    if (r->own_unit && row->unit_id != ctx->caller->unit_id) {
        snprintf (msg, sizeof msg, "Chỉ biên tập viên của đơn vị viết bài được %s bài này",
                  r->verb);
        loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, msg);
        return -1;
    }
    if (r->not_author && row->author_id == ctx->caller->user_id) {
        snprintf (msg, sizeof msg, "Người viết bài không được tự %s bài của mình", r->verb);
        loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, msg);
        return -1;
    }
    int allowed = 0;
    for (const char *const *s = r->from; *s && !allowed; s++)
        allowed = strcmp (*s, row->status) == 0;
    if (!allowed) {
        snprintf (msg, sizeof msg, "Không thể %s bài viết đang ở trạng thái %s", r->verb,
                  row->status);
        loa_rpc_fail (ctx, LOA__STATUS__CONFLICT, msg);
        return -1;
    }
    if ((r->note || r->media_correction) && row->revision_of == 0) {
        loa_rpc_field_error (ctx, r->note ? "note" : "media_correction",
                             "chỉ dùng cho bản sửa của bài đã đăng");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID,
                      r->note ? "Chỉ bản sửa của bài đã đăng mới có ghi chú cập nhật"
                              : "Chỉ khi duyệt đăng bản sửa mới phát hành bản đính chính gói tin");
        return -1;
    }
    if (r->version > 0 && row->version != r->version) {
        snprintf (msg, sizeof msg,
                  "Bài viết đã được thay đổi (phiên bản hiện tại %lld, bạn gửi %lld); hãy tải lại",
                  (long long) row->version, (long long) r->version);
        loa_rpc_field_error (ctx, "If-Match", "không khớp phiên bản hiện tại");
        loa_rpc_fail (ctx, LOA__STATUS__PRECONDITION_FAILED, msg);
        return -1;
    }
    return 0;
}

/* The If-Match version (> 0, or 0 for "*"); -1 when absent and not
 * required; -2 after failing the call. */
static int64_t read_if_match (loa_rpc_ctx *ctx, const char *if_match, int required)
{
    int64_t v = if_match_version (if_match && *if_match ? if_match : NULL);
    if (v == -2) {
        loa_rpc_field_error (ctx, "If-Match", "phải là phiên bản của bài viết, ví dụ \"3\"");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "If-Match không hợp lệ");
        return -2;
    }
    if (v == -1 && required) {
        loa_rpc_field_error (ctx, "If-Match", "là bắt buộc: phiên bản (version) của bài viết");
        loa_rpc_fail (ctx, LOA__STATUS__PRECONDITION_REQUIRED,
                      "Cần gửi phiên bản bài viết trong tiêu đề If-Match để tránh ghi đè");
        return -2;
    }
    return v;
}

static const char *const EDITABLE[] = {"draft", "rejected", NULL};

void content_articles_update (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__UpdateArticleRequest *in = (const Loa__Content__UpdateArticleRequest *) msg;
    if (require_editor_unit (ctx) != 0)
        return;
    if (in->attachment_ids &&
        check_attachments (ctx, in->attachment_ids->values, in->attachment_ids->n_values) != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Mã số bài viết không hợp lệ") != 0)
        return;
    int64_t version = read_if_match (ctx, in->if_match, 1);
    if (version < -1)
        return;
    if (!in->title && !in->summary && !in->body && !in->topic_ids && !in->attachment_ids &&
        !in->note) {
        loa_rpc_field_error (
            ctx, "body", "cần ít nhất một trường: title, summary, body, topic_ids, attachment_ids");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Không có gì để sửa");
        return;
    }
    int64_t topics[MAX_TOPICS], atts[MAX_ATTACHMENTS];
    int bad = loa_check_text (ctx, "title", NULL, in->title, in->title != NULL, MAX_TITLE_CHARS, 0);
    bad += loa_check_text (ctx, "summary", NULL, in->summary, 0, MAX_SUMMARY_CHARS, 0);
    bad += loa_check_text (ctx, "body", NULL, in->body, in->body != NULL, 0, MAX_BODY_BYTES);
    bad += loa_check_text (ctx, "note", NULL, in->note, in->note != NULL, MAX_NOTE_CHARS, 0);
    int n_topics = -1, n_atts = -1;
    if (in->topic_ids && (n_topics = clean_ids (ctx, "topic_ids", in->topic_ids->values,
                                                in->topic_ids->n_values, MAX_TOPICS, topics)) < 0)
        bad++;
    if (in->attachment_ids &&
        (n_atts = clean_ids (ctx, "attachment_ids", in->attachment_ids->values,
                             in->attachment_ids->n_values, MAX_ATTACHMENTS, atts)) < 0)
        bad++;
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu bài viết không hợp lệ");
        return;
    }
    char *html = NULL;
    if (in->body && !(html = loa_markdown_html (in->body, strlen (in->body)))) {
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Không đủ bộ nhớ");
        return;
    }
    article_fields a = {.id = in->id,
                        .actor_id = ctx->caller->user_id,
                        .title = in->title,
                        .summary = in->summary,
                        .body = in->body,
                        .body_html = html,
                        .topic_ids = topics,
                        .n_topics = n_topics,
                        .attachment_ids = atts,
                        .n_attachments = n_atts,
                        .note = in->note};
    action_rule rule = {ctx, "sửa", EDITABLE, 1, 0, version, in->note != NULL, 0};
    Loa__Content__Article out;
    loa_store_status st = article_store_update (ctx->db, &a, guard, &rule, &out);
    free (html);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, ARTICLE_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    article_store_free (&out);
}

/* One step of the workflow. */
typedef struct {
    const char *role, *denied; /* who may, and the message for others */
    const char *verb, *action, *to;
    const char *const *from;
    int own_unit, not_author, needs_reason;
} step;

static const char *const FROM_REVIEW[] = {"in_review", NULL};
static const char *const FROM_PUBLISHED[] = {"published", NULL};

static const step SUBMIT = {"editor",
                            "Chỉ biên tập viên được gửi duyệt bài",
                            "gửi duyệt",
                            "submitted",
                            "in_review",
                            EDITABLE,
                            1,
                            0,
                            0};
static const step PUBLISH = {"reviewer",
                             "Chỉ thành viên Ban biên tập được duyệt đăng bài",
                             "duyệt đăng",
                             "published",
                             "published",
                             FROM_REVIEW,
                             0,
                             1,
                             0};
static const step REJECT = {"reviewer", "Chỉ thành viên Ban biên tập được trả lại bài",
                            "trả lại",  "rejected",
                            "rejected", FROM_REVIEW,
                            0,          1,
                            1};
static const step RETRACT = {"reviewer",
                             "Chỉ thành viên Ban biên tập được gỡ bài",
                             "gỡ",
                             "retracted",
                             "retracted",
                             FROM_PUBLISHED,
                             0,
                             0,
                             1};

static void run_step (loa_rpc_ctx *ctx, const ProtobufCMessage *msg, const step *s)
{
    const Loa__Content__ArticleActionRequest *in = (const Loa__Content__ArticleActionRequest *) msg;
    if (s->own_unit ? require_editor_unit (ctx) != 0
                    : loa_check_role (ctx, s->role, s->denied) != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Mã số bài viết không hợp lệ") != 0)
        return;
    if (s->needs_reason) {
        if (loa_check_text (ctx, "reason", NULL, in->reason, 1, MAX_REASON_CHARS, 0)) {
            loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Cần nêu lý do");
            return;
        }
    } else if (in->reason &&
               loa_check_text (ctx, "reason", NULL, in->reason, 0, MAX_REASON_CHARS, 0)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Lý do không hợp lệ");
        return;
    }
    int64_t version = read_if_match (ctx, in->if_match, 0);
    if (version < -1)
        return;
    int media = in->has_media_correction && in->media_correction;
    if (media && s != &PUBLISH) {
        loa_rpc_field_error (ctx, "media_correction", "chỉ dùng khi duyệt đăng bản sửa");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tùy chọn media_correction không dùng ở đây");
        return;
    }
    action_rule rule = {ctx, s->verb, s->from, s->own_unit, s->not_author, version, 0, media};
    Loa__Content__Article out;
    loa_store_status st = article_store_transition (
        ctx->db, in->id, s->action, s->to, s->needs_reason ? in->reason : "", ctx->caller->user_id,
        media, guard, &rule, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, ARTICLE_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    article_store_free (&out);
}

void content_articles_submit (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    run_step (ctx, in, &SUBMIT);
}
void content_articles_publish (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    run_step (ctx, in, &PUBLISH);
}
void content_articles_reject (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    run_step (ctx, in, &REJECT);
}
void content_articles_retract (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    run_step (ctx, in, &RETRACT);
}

/* ------------------------------------------------------------ revisions */

void content_articles_revise (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Content__CreateRevisionRequest *in =
        (const Loa__Content__CreateRevisionRequest *) msg;
    if (require_editor_unit (ctx) != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Mã số bài viết không hợp lệ") != 0)
        return;
    int64_t topics[MAX_TOPICS];
    int bad = loa_check_text (ctx, "title", NULL, in->title, in->title != NULL, MAX_TITLE_CHARS, 0);
    bad += loa_check_text (ctx, "summary", NULL, in->summary, 0, MAX_SUMMARY_CHARS, 0);
    bad += loa_check_text (ctx, "body", NULL, in->body, in->body != NULL, 0, MAX_BODY_BYTES);
    bad += loa_check_text (ctx, "note", NULL, in->note, 1, MAX_NOTE_CHARS, 0);
    int n_topics = -1;
    if (in->topic_ids && (n_topics = clean_ids (ctx, "topic_ids", in->topic_ids->values,
                                                in->topic_ids->n_values, MAX_TOPICS, topics)) < 0)
        bad++;
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Dữ liệu bản sửa không hợp lệ");
        return;
    }
    char *html = NULL;
    if (in->body && !(html = loa_markdown_html (in->body, strlen (in->body)))) {
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Không đủ bộ nhớ");
        return;
    }
    article_fields a = {.id = in->id,
                        .actor_id = ctx->caller->user_id,
                        .title = in->title,
                        .summary = in->summary,
                        .body = in->body,
                        .body_html = html,
                        .topic_ids = topics,
                        .n_topics = n_topics,
                        .n_attachments = -1,
                        .note = in->note};
    action_rule rule = {ctx, "tạo bản sửa", FROM_PUBLISHED, 1, 0, 0, 0, 0};
    int64_t open = 0;
    Loa__Content__Article out;
    loa_store_status st = article_store_revise (ctx->db, &a, guard, &rule, &open, &out);
    free (html);
    if (st == LOA_STORE_CONFLICT && open > 0) {
        char m[200];
        snprintf (m, sizeof m,
                  "Bài viết đang có bản sửa số %lld chưa hoàn tất (nháp, chờ duyệt hoặc bị trả "
                  "lại); hãy sửa tiếp bản đó",
                  (long long) open);
        loa_rpc_fail (ctx, LOA__STATUS__CONFLICT, m);
        return;
    }
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, ARTICLE_ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    article_store_free (&out);
}
