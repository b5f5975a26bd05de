#include "notify_events.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_rpc_thread.h"
#include "loa_text.h"
#include "media_pkg.pb-c.h"
#include "notify_mail.h"
#include "notify_send.h"
#include "notify_sms.h"
#include "notify_staff.h"
#include "notify_store.h"
#include "notify_templates.h"

#define DEFAULT_TIMEOUT_MS 5000
/* An event older than this tells nobody anything useful (a first start on
 * a years-old history, a service down for a week): it is passed over. */
#define DEFAULT_MAX_AGE_H (7 * 24)

/* Unix time of an RFC 3339 time ("2026-12-07T18:16:04+07:00"), or -1. */
static int64_t unix_of (const char *t)
{
    struct tm tm = {0};
    const char *rest = t ? strptime (t, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!rest)
        return -1;
    if (*rest == '.')
        while (*++rest >= '0' && *rest <= '9') {
        }
    long off = 0;
    int h, m;
    if ((*rest == '+' || *rest == '-') && sscanf (rest + 1, "%2d:%2d", &h, &m) == 2)
        off = (*rest == '-' ? -1 : 1) * (h * 3600L + m * 60L);
    else if (*rest != 'Z')
        return -1;
    return (int64_t) timegm (&tm) - off;
}

static int too_old (const Loa__Event *event)
{
    int64_t at = unix_of (event->occurred_at);
    long max_h = loa_env_int ("LOA_NOTIFY_MAX_AGE_H", DEFAULT_MAX_AGE_H, 1, 24L * 3650);
    return at > 0 && (int64_t) time (NULL) - at > max_h * 3600;
}

/* "18:16 ngày 07/12/2026" of an RFC 3339 time at +07:00 (the services'
 * times are), the text itself when it is not one. */
static void when_text (const char *t, char *out, size_t n, int with_time)
{
    int y, mo, d, h, mi;
    if (t && sscanf (t, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) == 5) {
        if (with_time)
            snprintf (out, n, "%02d:%02d ngày %02d/%02d/%04d", h, mi, d, mo, y);
        else
            snprintf (out, n, "%02d/%02d/%04d", d, mo, y);
    } else
        snprintf (out, n, "%s", t ? t : "");
}

void notify_track_url (const char *tracking_code, char *out, size_t out_len)
{
    /* Tracking codes are [A-Z0-9.]: nothing to escape in a query. */
    snprintf (out, out_len, "%s/tra-cuu.html?code=%s", loa_public_url (), tracking_code);
}

/* The words of a rejection's code (docs/api/feedback.md). */
static const char *reject_label (const char *code)
{
    static const struct {
        const char *code, *label;
    } labels[] = {
        {"missing_data", "Thiếu thông tin theo quy định"},
        {"not_regulation", "Không phải phản ánh, kiến nghị về quy định hành chính"},
        {"complaint", "Là khiếu nại, tố cáo, được giải quyết theo pháp luật về khiếu nại, tố cáo"},
        {"duplicate", "Trùng với phản ánh, kiến nghị đã tiếp nhận"},
    };
    for (size_t i = 0; code && i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp (code, labels[i].code) == 0)
            return labels[i].label;
    return "";
}

/* What every feedback template may say. */
typedef struct {
    const char *name, *tracking_code, *title, *received_at, *due_date, *track_url, *forwarded_to,
        *reason;
} feedback_words;

#define FEEDBACK_VARS 9

/* The templates' variables of `w` (ended by a NULL name). */
static void feedback_vars (const feedback_words *w, loa_template_var vars[FEEDBACK_VARS])
{
    const loa_template_var v[FEEDBACK_VARS] = {
        {"name", w->name},
        {"tracking_code", w->tracking_code},
        {"title", w->title},
        {"received_at", w->received_at},
        {"due_date", w->due_date},
        {"track_url", w->track_url},
        {"forwarded_to", w->forwarded_to},
        {"reason", w->reason},
        {NULL, NULL},
    };
    memcpy (vars, v, sizeof v);
}

static const char *const FEEDBACK_KINDS[] = {"feedback.received", "feedback.forwarded",
                                             "feedback.rejected", "feedback.published", NULL};

int notify_events_check_templates (void)
{
    const feedback_words w = {
        "Nguyễn Văn A", "PAKN.20260101.ABC123",  "Tiêu đề",   "08:00 ngày 01/01/2026",
        "15/01/2026",   "http://x/tra-cuu.html", "UBND tỉnh", "Lý do"};
    loa_template_var vars[FEEDBACK_VARS];
    feedback_vars (&w, vars);
    int rc = 0;
    for (size_t i = 0; FEEDBACK_KINDS[i]; i++)
        if (notify_templates_check (FEEDBACK_KINDS[i], vars) != 0)
            rc = -1;
    return rc;
}

/* The kind of message a feedback event makes, or NULL for none. */
static const char *feedback_kind (const char *topic, const Loa__Feedback__FeedbackEvent *ev)
{
    if (strcmp (topic, "feedback.received") == 0)
        return "feedback.received";
    if (strcmp (topic, "feedback.published") == 0)
        return "feedback.published";
    if (strcmp (topic, "feedback.status_changed") == 0 && ev->status) {
        if (strcmp (ev->status, "forwarded") == 0)
            return "feedback.forwarded";
        if (strcmp (ev->status, "rejected") == 0)
            return "feedback.rejected";
    }
    return NULL;
}

/* The item as feedback-svc has it now, with its submitter: 1 into *out
 * (the caller frees it), 0 when there is no such item (nothing to tell),
 * -1 when feedback-svc cannot answer now. */
static int contact (int64_t id, const char *request_id, Loa__Feedback__Feedback **out)
{
    *out = NULL;
    loa_rpc_client *c = loa_rpc_thread_client (LOA_SVC_FEEDBACK);
    if (!c)
        return -1;
    Loa__Feedback__FeedbackIdRequest in = LOA__FEEDBACK__FEEDBACK_ID_REQUEST__INIT;
    in.has_id = 1;
    in.id = id;
    loa_rpc_result res = {0};
    int timeout = (int) loa_env_int ("LOA_RPC_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 10, 600000);
    Loa__Status st =
        loa_rpc_read (c, "feedback.contact", NULL, request_id, &in.base, timeout, &res);
    int rc = -1;
    if (st == LOA__STATUS__OK && res.reply) {
        *out = loa__feedback__feedback__unpack (NULL, res.reply->body.len, res.reply->body.data);
        rc = *out ? 1 : -1;
    } else if (st == LOA__STATUS__NOT_FOUND)
        rc = 0;
    if (rc < 0)
        loa_warn (request_id,
                  "notify: feedback-svc did not give item %lld's contact (status %d%s%s)",
                  (long long) id, (int) st, res.reply && res.reply->error ? ": " : "",
                  res.reply && res.reply->error ? res.reply->error : "");
    loa_rpc_result_clear (&res);
    return rc;
}

/* Renders `kind` for `channel` and queues it to `recipient`. 0, -1 or
 * LOA_DB_RETRY. */
static int queue (PGconn *db, const Loa__Event *event, const char *source, const char *kind,
                  const char *channel, const char *who, const char *recipient,
                  const loa_template_var *vars)
{
    notify_rendered r;
    int got = notify_templates_render (kind, channel, vars, &r);
    if (got <= 0)
        return got; /* 0: the kind sends nothing on this channel */
    char key[200];
    snprintf (key, sizeof key, "%s.%llu.%s.%s", source, (unsigned long long) event->seq, channel,
              who);
    if (strcmp (channel, "sms") == 0) { /* one segment, without diacritics by default */
        int unicode = 0, cut = 0;
        notify_send_sms_configured (&unicode);
        char *text = notify_sms_text (r.text, unicode, &cut);
        if (!text) {
            notify_rendered_free (&r);
            return -1;
        }
        if (cut)
            loa_warn (NULL, "notify: %s's SMS was longer than one segment and was cut: \"%s\"", key,
                      text);
        free (r.text);
        r.text = text;
    }
    const notify_new d = {
        key, kind, channel, recipient, r.subject ? r.subject : "", r.text, r.html ? r.html : ""};
    int rc = notify_store_enqueue (db, &d);
    notify_rendered_free (&r);
    return rc < 0 ? rc : 0;
}

/* The staff's kind of a feedback event, or NULL: an item assigned to a
 * unit (its handlers), an answer waiting for approval (the Inspectorate). */
static const char *staff_kind (const char *topic, const Loa__Feedback__FeedbackEvent *ev)
{
    if (strcmp (topic, "feedback.status_changed") == 0 && ev->status &&
        strcmp (ev->status, "assigned") == 0 && ev->unit_id > 0)
        return "feedback.assigned";
    if (strcmp (topic, "feedback.answered") == 0)
        return "feedback.answered";
    return NULL;
}

/* Tells the staff of `kind` about item `f`. */
static int tell_staff (PGconn *db, const Loa__Event *event, const char *kind,
                       const Loa__Feedback__FeedbackEvent *ev, const Loa__Feedback__Feedback *f,
                       const char *due)
{
    char key[64], link[96];
    snprintf (key, sizeof key, "feedback.%llu", (unsigned long long) event->seq);
    snprintf (link, sizeof link, "/admin/phan-anh.html?id=%lld", (long long) f->id);
    int assigned = strcmp (kind, "feedback.assigned") == 0;
    const loa_template_var vars[] = {
        {"tracking_code", f->tracking_code}, {"title", f->title}, {"due_date", due}, {NULL, NULL}};
    return notify_staff_tell (db, key, kind, assigned ? "{handler}" : "{inspector}",
                              assigned ? ev->unit_id : 0, 0, vars, link);
}

int notify_feedback_apply (PGconn *db, const Loa__Event *event, void *arg)
{
    (void) arg;
    if (strncmp (event->topic, "feedback.", 9) != 0)
        return 0;
    Loa__Feedback__FeedbackEvent *ev =
        loa__feedback__feedback_event__unpack (NULL, event->payload.len, event->payload.data);
    if (!ev || ev->feedback_id <= 0) {
        loa_error (NULL, "notify: undecodable %s event seq %llu skipped", event->topic,
                   (unsigned long long) event->seq);
        if (ev)
            loa__feedback__feedback_event__free_unpacked (ev, NULL);
        return 0;
    }
    const char *kind = feedback_kind (event->topic, ev), *staff = staff_kind (event->topic, ev);
    int rc = 0;
    if (!kind && !staff)
        goto out;
    if (too_old (event)) {
        loa_info (NULL, "notify: %s of %s (seq %llu, %s) is too old to tell; passed over",
                  kind ? kind : staff, ev->tracking_code, (unsigned long long) event->seq,
                  event->occurred_at);
        goto out;
    }
    char request_id[64];
    snprintf (request_id, sizeof request_id, "notify-feedback-%llu",
              (unsigned long long) event->seq);
    Loa__Feedback__Feedback *f = NULL;
    int got = contact (ev->feedback_id, request_id, &f);
    if (got <= 0) {
        rc = got; /* 0: an item gone, nobody to tell */
        goto out;
    }
    char received[40], due[16], url[512], reason[1200];
    when_text (f->received_at, received, sizeof received, 1);
    when_text (f->due_at, due, sizeof due, 0);
    if (staff)
        rc = tell_staff (db, event, staff, ev, f, due);
    if (!kind || rc != 0)
        goto done;
    notify_track_url (f->tracking_code, url, sizeof url);
    const char *label =
        strcmp (kind, "feedback.rejected") == 0 ? reject_label (f->reject_reason_code) : "";
    snprintf (reason, sizeof reason, "%s%s%s", label,
              *label && f->status_reason && *f->status_reason ? ": " : "",
              f->status_reason ? f->status_reason : "");
    const Loa__Feedback__Submitter *s = f->submitter;
    const feedback_words w = {s && s->name ? s->name : "",
                              f->tracking_code,
                              f->title,
                              received,
                              due,
                              url,
                              f->forwarded_to,
                              reason};
    loa_template_var vars[FEEDBACK_VARS];
    feedback_vars (&w, vars);
    const char *email = s && s->email ? s->email : "";
    if (*email && loa_email_ok (email))
        rc = queue (db, event, "feedback", kind, "email", "citizen", email, vars);
    else if (*email)
        loa_warn (request_id, "notify: %s's e-mail address is not one SMTP takes; no mail",
                  f->tracking_code);
    char phone[24];
    if (rc == 0 && s && s->phone && notify_send_sms_configured (NULL) &&
        notify_sms_phone (s->phone, phone, sizeof phone) == 1)
        rc = queue (db, event, "feedback", kind, "sms", "citizen", phone, vars);
done:
    loa__feedback__feedback__free_unpacked (f, NULL);
out:
    loa__feedback__feedback_event__free_unpacked (ev, NULL);
    return rc;
}

/* ------------------------------------------------------------ media: webhooks */

/* An RFC 3339 time of now, +07:00 (the services' own form). */
static void now_text (char out[32])
{
    time_t t = time (NULL) + 7 * 3600;
    struct tm tm;
    gmtime_r (&t, &tm);
    strftime (out, 32, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

char *notify_events_webhook_test_body (int64_t id)
{
    char now[32];
    now_text (now);
    json_t *j = json_pack ("{s:s, s:s, s:{s:I, s:s}}", "type", "webhook.test", "timestamp", now,
                           "data", "broadcaster_id", (json_int_t) id, "message",
                           "Kiểm tra webhook: Loa gửi được tới địa chỉ này.");
    char *s = j ? json_dumps (j, JSON_COMPACT) : NULL;
    json_decref (j);
    return s;
}

/* The webhook's type of a package version: new (its first), corrected, withheld, canceled. */
static const char *package_type (const Loa__Media__PackageEvent *ev)
{
    if (ev->pub_status && strcmp (ev->pub_status, "canceled") == 0)
        return "package.canceled";
    if (ev->pub_status && strcmp (ev->pub_status, "withheld") == 0)
        return "package.withheld";
    return ev->version <= 1 ? "package.new" : "package.corrected";
}

/* The payload: Standard Webhooks' {type, timestamp, data}, data pointing
 * at the version's ninjs document (the broadcaster fetches it with its
 * key, as from the feed). */
static char *package_body (const Loa__Event *event, const Loa__Media__PackageEvent *ev,
                           const char *type)
{
    char ninjs[600];
    snprintf (ninjs, sizeof ninjs, "%s/api/v1/media/packages/%lld/versions/%d", loa_public_url (),
              (long long) ev->package_id, (int) ev->version);
    json_t *j = json_pack (
        "{s:s, s:s, s:{s:I, s:i, s:s, s:s, s:I, s:o, s:s, s:s}}", "type", type, "timestamp",
        event->occurred_at, "data", "package_id", (json_int_t) ev->package_id, "version",
        (int) ev->version, "uri", ev->uri ? ev->uri : "", "pub_status",
        ev->pub_status ? ev->pub_status : "", "article_id", (json_int_t) ev->article_id,
        "embargo_until",
        ev->embargo_until && *ev->embargo_until ? json_string (ev->embargo_until) : json_null (),
        "ninjs", ninjs, "bag_sha256", ev->bag_sha256 ? ev->bag_sha256 : "");
    char *s = j ? json_dumps (j, JSON_COMPACT) : NULL;
    json_decref (j);
    return s;
}

int notify_media_apply (PGconn *db, const Loa__Event *event, void *arg)
{
    (void) arg;
    if (strcmp (event->topic, "package.published") != 0)
        return 0;
    Loa__Media__PackageEvent *ev =
        loa__media__package_event__unpack (NULL, event->payload.len, event->payload.data);
    if (!ev || ev->package_id <= 0) {
        loa_error (NULL, "notify: undecodable package.published seq %llu skipped",
                   (unsigned long long) event->seq);
        if (ev)
            loa__media__package_event__free_unpacked (ev, NULL);
        return 0;
    }
    int rc = 0;
    if (too_old (event)) {
        loa_info (NULL, "notify: package %lld version %d (seq %llu) is too old to tell",
                  (long long) ev->package_id, (int) ev->version, (unsigned long long) event->seq);
        goto out;
    }
    const char *type = package_type (ev);
    char *body = package_body (event, ev, type);
    if (!body) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < ev->n_broadcaster_ids && rc >= 0; i++) {
        char key[96];
        snprintf (key, sizeof key, "media.%llu.webhook.b%lld", (unsigned long long) event->seq,
                  (long long) ev->broadcaster_ids[i]);
        int q = notify_store_enqueue_webhook (db, key, type, ev->broadcaster_ids[i], body);
        rc = q < 0 ? q : 0;
    }
    free (body);
out:
    loa__media__package_event__free_unpacked (ev, NULL);
    return rc;
}
