#include "notify_staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.pb-c.h"
#include "loa_config.h"
#include "loa_log.h"
#include "notify_store.h"
#include "notify_templates.h"
#include "quota_ops.pb-c.h"

#define FEEDBACK_WORDS                                                                             \
    {                                                                                              \
        "tracking_code", "title", "due_date", NULL                                                 \
    }
#define DIGEST_WORDS                                                                               \
    {                                                                                              \
        "overdue", "due_soon", "codes", NULL                                                       \
    }

const notify_staff_kind notify_staff_kinds[] = {
    {"feedback.assigned",
     "Phản ánh, kiến nghị được giao cho đơn vị",
     {"handler", NULL},
     FEEDBACK_WORDS},
    {"feedback.answered",
     "Trả lời phản ánh, kiến nghị chờ phê duyệt",
     {"inspector", NULL},
     FEEDBACK_WORDS},
    {"article.submitted", "Bài viết chờ duyệt", {"reviewer", NULL}, {"title", "reason", NULL}},
    {"article.published",
     "Bài viết của tôi được duyệt đăng",
     {"editor", NULL},
     {"title", "reason", NULL}},
    {"article.rejected",
     "Bài viết của tôi bị trả lại",
     {"editor", NULL},
     {"title", "reason", NULL}},
    {"feedback.due",
     "Hằng ngày: phản ánh, kiến nghị của đơn vị quá hạn hoặc sắp đến hạn",
     {"handler", NULL},
     DIGEST_WORDS},
    {"feedback.overdue",
     "Hằng ngày: phản ánh, kiến nghị quá hạn của mọi đơn vị",
     {"inspector", NULL},
     DIGEST_WORDS},
    {"quota.at_risk",
     "Đơn vị có nguy cơ không đạt chỉ tiêu tin bài trong tháng",
     {"leader", "editor", NULL},
     {"unit_name", "month", "articles", "min_articles", "cchc_articles", "min_cchc_articles",
      NULL}},
};
const size_t notify_staff_n_kinds = sizeof notify_staff_kinds / sizeof notify_staff_kinds[0];

/* The console's address of `link`, for the e-mail. */
static void link_url (const char *link, char *out, size_t n)
{
    snprintf (out, n, "%s%s", loa_public_url (), link);
}

/* The kind's row, or NULL. */
static const notify_staff_kind *kind_of (const char *kind)
{
    for (size_t i = 0; i < notify_staff_n_kinds; i++)
        if (strcmp (notify_staff_kinds[i].kind, kind) == 0)
            return &notify_staff_kinds[i];
    return NULL;
}

int notify_staff_check_templates (void)
{
    const loa_template_var mail[] = {
        {"title", "Tiêu đề"}, {"body", "Nội dung"}, {"link_url", "http://x/admin/"}, {NULL, NULL}};
    int rc = notify_templates_check ("staff", mail);
    for (size_t i = 0; i < notify_staff_n_kinds; i++) {
        const notify_staff_kind *k = &notify_staff_kinds[i];
        loa_template_var vars[8];
        size_t n = 0;
        for (; k->vars[n]; n++)
            vars[n] = (loa_template_var){k->vars[n], "1"};
        vars[n] = (loa_template_var){NULL, NULL};
        char *title = notify_templates_render_one_file (k->kind, ".title.txt", 0, vars);
        char *body = notify_templates_render_one_file (k->kind, ".body.txt", 1, vars);
        if (!title || !body)
            rc = -1;
        free (title);
        free (body);
    }
    return rc;
}

int notify_staff_tell (PGconn *db, const char *key_base, const char *kind,
                       const char *roles_literal, int64_t unit_id, int64_t user_id,
                       const loa_template_var *vars, const char *link)
{
    if (!kind_of (kind)) {
        loa_error (NULL, "notify: %s is not a kind of staff notification", kind);
        return -1;
    }
    char url[600];
    link_url (link, url, sizeof url);
    /* A template that does not render holds the moment back (-1): mended,
     * everyone is told. */
    char *title = notify_templates_render_one_file (kind, ".title.txt", 0, vars);
    char *body = title ? notify_templates_render_one_file (kind, ".body.txt", 1, vars) : NULL;
    int rc = -1;
    if (title && body) {
        notify_templates_one_line (title);
        notify_templates_one_line (body);
        const loa_template_var mail_vars[] = {
            {"title", title}, {"body", body}, {"link_url", url}, {NULL, NULL}};
        notify_rendered mail;
        if (notify_templates_render ("staff", "email", mail_vars, &mail) == 1) {
            const notify_note n = {key_base, kind, roles_literal, unit_id,   user_id,  title,
                                   body,     link, mail.subject,  mail.text, mail.html};
            rc = notify_store_fan_out (db, &n);
            notify_rendered_free (&mail);
        }
    }
    free (title);
    free (body);
    return rc;
}

int notify_content_apply (PGconn *db, const Loa__Event *event, void *arg)
{
    (void) arg;
    int submitted = strcmp (event->topic, "article.submitted") == 0;
    int published = strcmp (event->topic, "article.published") == 0;
    int rejected = strcmp (event->topic, "article.rejected") == 0;
    if (!submitted && !published && !rejected)
        return 0;
    Loa__Content__ArticleEvent *ev =
        loa__content__article_event__unpack (NULL, event->payload.len, event->payload.data);
    if (!ev || ev->article_id <= 0) {
        loa_error (NULL, "notify: undecodable %s event seq %llu skipped", event->topic,
                   (unsigned long long) event->seq);
        if (ev)
            loa__content__article_event__free_unpacked (ev, NULL);
        return 0;
    }
    char key[64];
    snprintf (key, sizeof key, "content.%llu", (unsigned long long) event->seq);
    const loa_template_var vars[] = {
        {"title", ev->title}, {"reason", rejected ? ev->reason : ""}, {NULL, NULL}};
    int rc = 0;
    if (submitted) /* every reviewer: the Ban biên tập reviews every unit's articles */
        rc = notify_staff_tell (db, key, "article.submitted", "{reviewer}", 0, 0, vars,
                                "/admin/duyet-bai.html");
    else if (ev->author_id > 0)
        rc = notify_staff_tell (db, key, published ? "article.published" : "article.rejected", NULL,
                                0, ev->author_id, vars, "/admin/bai-viet.html");
    loa__content__article_event__free_unpacked (ev, NULL);
    return rc;
}

int notify_quota_apply (PGconn *db, const Loa__Event *event, void *arg)
{
    (void) arg;
    if (strcmp (event->topic, "quota.at_risk") != 0)
        return 0;
    Loa__Quota__QuotaAtRiskEvent *ev =
        loa__quota__quota_at_risk_event__unpack (NULL, event->payload.len, event->payload.data);
    if (!ev || ev->unit_id <= 0) {
        loa_error (NULL, "notify: undecodable quota.at_risk seq %llu skipped",
                   (unsigned long long) event->seq);
        if (ev)
            loa__quota__quota_at_risk_event__free_unpacked (ev, NULL);
        return 0;
    }
    char key[64], articles[24], min_articles[24], cchc[24], min_cchc[24];
    snprintf (key, sizeof key, "quota.%llu", (unsigned long long) event->seq);
    snprintf (articles, sizeof articles, "%lld", (long long) ev->articles);
    snprintf (min_articles, sizeof min_articles, "%d", ev->min_articles);
    snprintf (cchc, sizeof cchc, "%lld", (long long) ev->cchc_articles);
    snprintf (min_cchc, sizeof min_cchc, "%d", ev->min_cchc_articles);
    const loa_template_var vars[] = {{"unit_name", ev->unit_name},
                                     {"month", ev->month},
                                     {"articles", articles},
                                     {"min_articles", min_articles},
                                     {"cchc_articles", cchc},
                                     {"min_cchc_articles", min_cchc},
                                     {NULL, NULL}};
    int rc = notify_staff_tell (db, key, "quota.at_risk", "{leader,editor}", ev->unit_id, 0, vars,
                                "/admin/chi-tieu.html");
    loa__quota__quota_at_risk_event__free_unpacked (ev, NULL);
    return rc;
}
