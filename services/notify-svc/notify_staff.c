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

const notify_staff_kind notify_staff_kinds[] = {
    {"feedback.assigned", "Phản ánh, kiến nghị được giao cho đơn vị", {"handler", NULL}},
    {"feedback.answered", "Trả lời phản ánh, kiến nghị chờ phê duyệt", {"inspector", NULL}},
    {"article.submitted", "Bài viết chờ duyệt", {"reviewer", NULL}},
    {"article.published", "Bài viết của tôi được duyệt đăng", {"editor", NULL}},
    {"article.rejected", "Bài viết của tôi bị trả lại", {"editor", NULL}},
    {"feedback.due",
     "Hằng ngày: phản ánh, kiến nghị của đơn vị quá hạn hoặc sắp đến hạn",
     {"handler", NULL}},
    {"feedback.overdue",
     "Hằng ngày: phản ánh, kiến nghị quá hạn của mọi đơn vị",
     {"inspector", NULL}},
    {"quota.at_risk",
     "Đơn vị có nguy cơ không đạt chỉ tiêu tin bài trong tháng",
     {"leader", "editor", NULL}},
};
const size_t notify_staff_n_kinds = sizeof notify_staff_kinds / sizeof notify_staff_kinds[0];

/* The console's address of `link`, for the e-mail. */
static void link_url (const char *link, char *out, size_t n)
{
    const char *base = loa_env ("LOA_PUBLIC_URL", "http://localhost:8080");
    size_t len = strlen (base);
    while (len && base[len - 1] == '/')
        len--;
    snprintf (out, n, "%.*s%s", (int) len, base, link);
}

int notify_staff_check_templates (void)
{
    const loa_template_var vars[] = {
        {"title", "Tiêu đề"}, {"body", "Nội dung"}, {"link_url", "http://x/admin/"}, {NULL, NULL}};
    return notify_templates_check ("staff", vars);
}

int notify_staff_tell (PGconn *db, const char *key_base, const char *kind,
                       const char *roles_literal, int64_t unit_id, int64_t user_id,
                       const char *title, const char *body, const char *link)
{
    char url[600];
    link_url (link, url, sizeof url);
    const loa_template_var vars[] = {
        {"title", title}, {"body", body}, {"link_url", url}, {NULL, NULL}};
    notify_rendered mail;
    /* A template that does not render holds the event back (-1): mended,
     * everyone is told. */
    if (notify_templates_render ("staff", "email", vars, &mail) != 1)
        return -1;
    const notify_note n = {key_base, kind, roles_literal, unit_id,   user_id,  title,
                           body,     link, mail.subject,  mail.text, mail.html};
    int rc = notify_store_fan_out (db, &n);
    notify_rendered_free (&mail);
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
    char key[64], title[700], link[96];
    snprintf (key, sizeof key, "content.%llu", (unsigned long long) event->seq);
    int rc = 0;
    if (submitted) {
        snprintf (title, sizeof title, "Bài viết chờ duyệt: %s", ev->title);
        snprintf (link, sizeof link, "/admin/duyet-bai.html");
        rc = notify_staff_tell (db, key, "article.submitted", "{reviewer}", 0, 0, title, "", link);
    } else if (ev->author_id > 0) {
        snprintf (title, sizeof title, "%s: %s",
                  published ? "Bài viết đã được duyệt đăng" : "Bài viết bị trả lại", ev->title);
        snprintf (link, sizeof link, "/admin/bai-viet.html");
        char body[1200] = "";
        if (rejected && ev->reason && *ev->reason)
            snprintf (body, sizeof body, "Lý do: %s", ev->reason);
        rc = notify_staff_tell (db, key, published ? "article.published" : "article.rejected", NULL,
                                0, ev->author_id, title, body, link);
    }
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
    char key[64], title[700], body[300];
    snprintf (key, sizeof key, "quota.%llu", (unsigned long long) event->seq);
    snprintf (title, sizeof title, "%s có nguy cơ không đạt chỉ tiêu tin bài tháng %s",
              ev->unit_name, ev->month);
    snprintf (body, sizeof body,
              "Đã đăng %lld/%d bài, trong đó %lld/%d bài về cải cách hành chính.",
              (long long) ev->articles, ev->min_articles, (long long) ev->cchc_articles,
              ev->min_cchc_articles);
    int rc = notify_staff_tell (db, key, "quota.at_risk", "{leader,editor}", ev->unit_id, 0, title,
                                body, "/admin/chi-tieu.html");
    loa__quota__quota_at_risk_event__free_unpacked (ev, NULL);
    return rc;
}
