/* feedback-svc's feedback workflow through its real method table
 * (feedback_methods), in-process against a schema made by its own
 * migrations, units mirrored from content-svc's unit events by the real
 * loa_unit_mirror_apply: a citizen's submission and its tracking code, the
 * deadlines it gets from the working-day calendar, receive -> accept ->
 * answer -> approve (published) -> rate -> close, forward and reject, who
 * may do each step, the steps a status refuses, and an overdue item. Every
 * test checks the stored rows, the history and the events, not only the
 * replies. */
#include <check.h>
#include <regex.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.pb-c.h"
#include "calendar_store.h"
#include "common/service_fixture.h"
#include "content.pb-c.h"
#include "deadlines.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "feedback_rpc.h"
#include "feedback_store.h"
#include "loa_calendar.h"
#include "loa_db.h"
#include "loa_unit_mirror.h"
#include "suites.h"

extern const loa_migration feedback_svc_migrations[];
extern const size_t feedback_svc_migrations_count;

/* A worker's statements, as feedback-svc's main.c prepares them. */
static int feedback_prepare (PGconn *db)
{
    return feedback_store_prepare (db) == 0 && calendar_store_prepare (db) == 0 ? 0 : -1;
}

enum { UNIT_A = 101, UNIT_B = 102, UNIT_CLOSED = 103 };

typedef struct {
    test_service svc;
    test_caller inspector, leader, handler_a, handler_b, handler_no_unit, editor, open311;
} fixture;

/* Unit `id` as content-svc's unit.created event makes it. */
static void mirror_unit (fixture *fx, int64_t id, const char *code, int active)
{
    Loa__Content__Unit u = LOA__CONTENT__UNIT__INIT;
    u.id = id;
    u.code = (char *) code;
    u.name = (char *) code;
    u.is_active = active;
    Loa__Content__UnitEvent ue = LOA__CONTENT__UNIT_EVENT__INIT;
    ue.unit = &u;
    uint8_t buf[256];
    ck_assert_uint_le (loa__content__unit_event__get_packed_size (&ue), sizeof buf);
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = (uint64_t) id;
    ev.topic = (char *) "unit.created";
    ev.payload.len = loa__content__unit_event__pack (&ue, buf);
    ev.payload.data = buf;
    ck_assert_int_eq (loa_unit_mirror_apply (fx->svc.pg.db, &ev, NULL), 0);
}

static void fixture_init (fixture *fx)
{
    memset (fx, 0, sizeof *fx);
    ck_assert_int_ge (sodium_init (), 0); /* tracking codes draw from its CSPRNG */
    /* 0001_init.sql names the service's real schema. */
    test_service_start (&fx->svc, "t_feedback_rpc", feedback_svc_migrations,
                        feedback_svc_migrations_count, "0001_init", feedback_methods,
                        feedback_prepare);
    mirror_unit (fx, UNIT_A, "UNIT-A", 1);
    mirror_unit (fx, UNIT_B, "UNIT-B", 1);
    mirror_unit (fx, UNIT_CLOSED, "UNIT-CLOSED", 0);
    fx->inspector = (test_caller){.user_id = 1, .roles = "inspector"};
    fx->leader = (test_caller){.user_id = 2, .roles = "leader"};
    fx->handler_a = (test_caller){.user_id = 3, .unit_id = UNIT_A, .roles = "handler"};
    fx->handler_b = (test_caller){.user_id = 4, .unit_id = UNIT_B, .roles = "handler"};
    fx->handler_no_unit = (test_caller){.user_id = 5, .roles = "handler"};
    fx->editor = (test_caller){.user_id = 6, .unit_id = UNIT_A, .roles = "editor"};
    fx->open311 = (test_caller){.api_key_id = 7};
}

static void fixture_fini (fixture *fx)
{
    test_service_stop (&fx->svc);
    fb_deadlines_reset (); /* the process's copy of the calendar and the rules */
}

/* ------------------------------------------------------------ helpers */

/* A valid submission (the caller may blank fields out). */
typedef struct {
    Loa__Feedback__CreateFeedbackRequest in;
    Loa__Feedback__SubmitterInput who;
} submission;

static void submission_init (submission *s)
{
    s->in = (Loa__Feedback__CreateFeedbackRequest) LOA__FEEDBACK__CREATE_FEEDBACK_REQUEST__INIT;
    s->who = (Loa__Feedback__SubmitterInput) LOA__FEEDBACK__SUBMITTER_INPUT__INIT;
    s->in.kind = (char *) "report";
    s->in.title = (char *) "Thủ tục cấp phép quá nhiều giấy tờ";
    s->in.content = (char *) "Hồ sơ yêu cầu bản sao có chứng thực dù đã có bản điện tử.";
    s->who.name = (char *) "Nguyễn Văn An";
    s->who.address = (char *) "12 Lê Lợi, Huế";
    s->who.phone = (char *) "0905 123 456";
    s->who.email = (char *) "An.Nguyen@Example.vn";
    s->in.submitter = &s->who;
}

/* feedback.create of `s` by `who`: the status; the id and tracking code
 * (may be NULL) of the new item when created. */
static Loa__Status submit (fixture *fx, const test_caller *who, submission *s, int64_t *id,
                           char code[32], char *fields, size_t cap)
{
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, "feedback.create", &s->in.base,
                                &loa__feedback__feedback_receipt__descriptor, &r);
    if (r.body) {
        const Loa__Feedback__FeedbackReceipt *rc = (const Loa__Feedback__FeedbackReceipt *) r.body;
        *id = rc->id;
        ck_assert_str_eq (rc->status, "received");
        if (code)
            snprintf (code, 32, "%s", rc->tracking_code);
    }
    if (fields)
        snprintf (fields, cap, "%s", r.fields);
    test_reply_clear (&r);
    return st;
}

/* A new item from a valid submission. */
static int64_t new_item (fixture *fx, char code[32])
{
    submission s;
    submission_init (&s);
    int64_t id = 0;
    ck_assert_int_eq (submit (fx, NULL, &s, &id, code, NULL, 0), LOA__STATUS__CREATED);
    return id;
}

/* A step whose request is {id, reason} ("feedback.approve", "feedback.return",
 * "feedback.close"); reason may be NULL. */
static Loa__Status reason_step (fixture *fx, const test_caller *who, const char *method, int64_t id,
                                const char *reason)
{
    Loa__Feedback__ReasonRequest in = LOA__FEEDBACK__REASON_REQUEST__INIT;
    in.has_id = 1;
    in.id = id;
    in.reason = (char *) reason;
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, method, &in.base, NULL, &r);
    test_reply_clear (&r);
    return st;
}

static Loa__Status accept (fixture *fx, const test_caller *who, int64_t id, int64_t unit,
                           char *fields, size_t cap)
{
    Loa__Feedback__AcceptRequest in = LOA__FEEDBACK__ACCEPT_REQUEST__INIT;
    in.has_id = 1;
    in.id = id;
    in.has_unit_id = 1;
    in.unit_id = unit;
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, "feedback.accept", &in.base, NULL, &r);
    if (fields)
        snprintf (fields, cap, "%s", r.fields);
    test_reply_clear (&r);
    return st;
}

static Loa__Status answer (fixture *fx, const test_caller *who, int64_t id, const char *text,
                           int publish)
{
    Loa__Feedback__AnswerRequest in = LOA__FEEDBACK__ANSWER_REQUEST__INIT;
    in.has_id = 1;
    in.id = id;
    in.answer = (char *) text;
    in.has_publish = 1;
    in.publish = publish;
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, "feedback.answer", &in.base, NULL, &r);
    test_reply_clear (&r);
    return st;
}

/* feedback.get by `who`: the status. */
static Loa__Status get (fixture *fx, const test_caller *who, int64_t id)
{
    Loa__Feedback__FeedbackIdRequest in = LOA__FEEDBACK__FEEDBACK_ID_REQUEST__INIT;
    in.has_id = 1;
    in.id = id;
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, "feedback.get", &in.base, NULL, &r);
    test_reply_clear (&r);
    return st;
}

/* feedback.track of `code` (anonymous): the status; the public view in
 * *out when found (caller frees with test_reply_clear). */
static Loa__Status track (fixture *fx, const char *code, test_reply *r)
{
    Loa__Feedback__TrackRequest in = LOA__FEEDBACK__TRACK_REQUEST__INIT;
    in.tracking_code = (char *) code;
    return test_call (&fx->svc, NULL, "feedback.track", &in.base,
                      &loa__feedback__feedback_public__descriptor, r);
}

/* A column of item `id`, as text ("" for NULL). */
static const char *column (fixture *fx, int64_t id, const char *col, char *buf, size_t cap)
{
    char sql[256];
    snprintf (sql, sizeof sql, "SELECT coalesce((%s)::text, '') FROM feedback WHERE id = %lld", col,
              (long long) id);
    return test_query_text (fx->svc.pg.db, sql, buf, cap);
}

/* "action:from>to,..." of item `id`'s history, oldest first. */
static const char *history (fixture *fx, int64_t id, char *buf, size_t cap)
{
    char sql[256];
    snprintf (sql, sizeof sql,
              "SELECT coalesce(string_agg(action || ':' || from_status || '>' || to_status, ','"
              " ORDER BY id), '') FROM feedback_history WHERE feedback_id = %lld",
              (long long) id);
    return test_query_text (fx->svc.pg.db, sql, buf, cap);
}

/* The topics of the outbox's events, in order, as "a,b,...". */
static const char *events (fixture *fx, char *buf, size_t cap)
{
    return test_query_text (fx->svc.pg.db,
                            "SELECT coalesce(string_agg(topic, ',' ORDER BY id), '') FROM outbox",
                            buf, cap);
}

static long long count (fixture *fx, const char *sql)
{
    return test_query_int (fx->svc.pg.db, sql);
}

/* ------------------------------------------------------------ tests */

/* A citizen's submission: stored with a tracking code of the day, the
 * submitter's phone digits and e-mail folded for the rating's proof, one
 * history entry and the feedback.received event; tracking finds it by its
 * code in any case, shows no personal data, and finds nothing for an
 * unknown or malformed code. An Open311 client's is marked as such. */
START_TEST (test_submit_and_track)
{
    fixture fx;
    fixture_init (&fx);
    char buf[512], code[32];
    int64_t id = new_item (&fx, code);
    regex_t re;
    ck_assert_int_eq (regcomp (&re, "^PAKN\\.[0-9]{8}\\.[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$",
                               REG_EXTENDED | REG_NOSUB),
                      0);
    ck_assert_msg (regexec (&re, code, 0, NULL, 0) == 0, "tracking code %s", code);
    regfree (&re);
    ck_assert_str_eq (column (&fx, id, "tracking_code", buf, sizeof buf), code);
    char day[16];
    snprintf (day, sizeof day, "%.13s", code); /* PAKN.YYYYMMDD */
    ck_assert_str_eq (column (&fx, id,
                              "'PAKN.' || to_char(received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', "
                              "'YYYYMMDD')",
                              buf, sizeof buf),
                      day);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "received");
    ck_assert_str_eq (column (&fx, id, "channel", buf, sizeof buf), "web");
    ck_assert_str_eq (column (&fx, id, "phone_digits", buf, sizeof buf), "0905123456");
    ck_assert_str_eq (column (&fx, id, "email_lower", buf, sizeof buf), "an.nguyen@example.vn");
    ck_assert_str_eq (column (&fx, id, "submitter_name", buf, sizeof buf), "Nguyễn Văn An");
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf), "received:>received");
    ck_assert_str_eq (events (&fx, buf, sizeof buf), "feedback.received");

    test_reply r;
    char lower[32];
    for (size_t i = 0; i <= strlen (code); i++)
        lower[i] = (char) (code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    ck_assert_int_eq (track (&fx, lower, &r), LOA__STATUS__OK);
    const Loa__Feedback__FeedbackPublic *p = (const Loa__Feedback__FeedbackPublic *) r.body;
    ck_assert_int_eq (p->id, id);
    ck_assert_str_eq (p->status, "received");
    ck_assert_str_eq (p->title, "Thủ tục cấp phép quá nhiều giấy tờ");
    ck_assert (!p->can_rate);
    ck_assert_int_eq (p->maybe_answer_case, LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_ANSWER__NOT_SET);
    test_reply_clear (&r);
    /* What crosses the wire to anybody holding the code: no personal data. */
    Loa__Feedback__TrackRequest tin = LOA__FEEDBACK__TRACK_REQUEST__INIT;
    tin.tracking_code = code;
    loa_rpc_result raw;
    ck_assert_int_eq (
        loa_rpc_call (fx.svc.client, "feedback.track", NULL, NULL, NULL, &tin.base, 15000, &raw),
        LOA__STATUS__OK);
    ck_assert_ptr_null (memmem (raw.reply->body.data, raw.reply->body.len, "0905", 4));
    ck_assert_ptr_null (memmem (raw.reply->body.data, raw.reply->body.len, "Example", 7));
    ck_assert_ptr_null (memmem (raw.reply->body.data, raw.reply->body.len, "Lê Lợi", 7));
    loa_rpc_result_clear (&raw);

    char unknown[32];
    snprintf (unknown, sizeof unknown, "%.14s%s", code,
              strcmp (code + 14, "000000") ? "000000" : "111111");
    ck_assert_int_eq (track (&fx, unknown, &r), LOA__STATUS__NOT_FOUND);
    ck_assert_int_eq (track (&fx, "PAKN.2022", &r), LOA__STATUS__NOT_FOUND);
    ck_assert_int_eq (track (&fx, "PAKN.20220101.IIIIII", &r), LOA__STATUS__NOT_FOUND);

    /* Through the Open311 gateway (an API key's call). */
    submission s;
    submission_init (&s);
    int64_t id2 = 0;
    ck_assert_int_eq (submit (&fx, &fx.open311, &s, &id2, NULL, NULL, 0), LOA__STATUS__CREATED);
    ck_assert_str_eq (column (&fx, id2, "channel", buf, sizeof buf), "open311");
    ck_assert_str_eq (column (&fx, id2, "api_key_id", buf, sizeof buf), "7");
    fixture_fini (&fx);
}
END_TEST

/* No anonymous intake and no half-valid one: every bad field is named and
 * nothing is written. */
START_TEST (test_submission_checked)
{
    fixture fx;
    fixture_init (&fx);
    char fields[512];
    int64_t id = 0;
    submission s;
    submission_init (&s);
    s.in.kind = (char *) "complaint";
    s.who.phone = (char *) "12";
    s.who.email = (char *) "an@";
    s.who.name = NULL;
    ck_assert_int_eq (submit (&fx, NULL, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "kind,submitter.name,submitter.phone,submitter.email");
    submission_init (&s);
    s.in.submitter = NULL;
    s.in.title = (char *) "   ";
    ck_assert_int_eq (submit (&fx, NULL, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields,
                      "title,submitter.name,submitter.address,submitter.phone,submitter.email");
    /* The channel is the system's to say. */
    submission_init (&s);
    s.in.channel = (char *) "open311";
    ck_assert_int_eq (submit (&fx, NULL, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "channel");
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM feedback"), 0);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM feedback_history"), 0);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM outbox"), 0);
    fixture_fini (&fx);
}
END_TEST

/* deadlines.for of a receipt at `unix`: "registered forward answer". */
static const char *deadlines_for (fixture *fx, long long unix_s, char *buf, size_t cap)
{
    Loa__Feedback__DeadlinesForRequest in = LOA__FEEDBACK__DEADLINES_FOR_REQUEST__INIT;
    in.maybe_received_unix_case =
        LOA__FEEDBACK__DEADLINES_FOR_REQUEST__MAYBE_RECEIVED_UNIX_RECEIVED_UNIX;
    in.received_unix = unix_s;
    test_reply r;
    ck_assert_int_eq (test_call (&fx->svc, NULL, "deadlines.for", &in.base,
                                 &loa__feedback__deadlines_for__descriptor, &r),
                      LOA__STATUS__OK);
    const Loa__Feedback__DeadlinesFor *d = (const Loa__Feedback__DeadlinesFor *) r.body;
    snprintf (buf, cap, "%s %s %s", d->registered_on, d->forward_due_on, d->answer_due_on);
    test_reply_clear (&r);
    return buf;
}

/* Deadlines: 5 working days to forward and 15 to answer (the 2022 rule),
 * counted from the day of receipt, or from the next working day after the
 * 15:00 cut-off, skipping weekends, holidays and compensatory days. A new
 * item gets the deadlines deadlines.for gives for its own moment. */
START_TEST (test_deadlines)
{
    fixture fx;
    fixture_init (&fx);
    char buf[512], want[512];
    /* Wed 1 June 2022, 10:00 +07: no day off within three weeks. */
    ck_assert_str_eq (deadlines_for (&fx, 1654052400, buf, sizeof buf),
                      "2022-06-01 2022-06-08 2022-06-22");
    /* Thu 28 April 2022, 16:00 +07, after the cut-off: registered Friday;
     * 30/4 and 1/5 fall on the weekend, so 2 and 3 May are off too. */
    ck_assert_str_eq (deadlines_for (&fx, 1651136400, buf, sizeof buf),
                      "2022-04-29 2022-05-10 2022-05-24");

    int64_t id = new_item (&fx, NULL);
    long long received =
        count (&fx, "SELECT extract(epoch FROM received_at)::bigint FROM feedback");
    ck_assert_int_gt (received, 0);
    deadlines_for (&fx, received, want, sizeof want);
    ck_assert_str_eq (column (&fx, id,
                              "registered_on::text || ' ' || "
                              "(forward_due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text || ' ' "
                              "|| (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text",
                              buf, sizeof buf),
                      want);
    /* Due at the end of that day, local time. */
    ck_assert_str_eq (
        column (&fx, id, "(due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::time::text", buf, sizeof buf),
        "23:59:59");
    fixture_fini (&fx);
}
END_TEST

/* The whole way: received -> assigned (to a unit) -> answered (by that
 * unit's handler, on time) -> published (approved) -> rated by the
 * submitter -> closed; the public answer appears only once published. */
START_TEST (test_accept_answer_approve_close)
{
    fixture fx;
    fixture_init (&fx);
    char buf[512], code[32];
    int64_t id = new_item (&fx, code);
    ck_assert_int_eq (accept (&fx, &fx.inspector, id, UNIT_A, NULL, 0), LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id, "status || ' ' || unit_id", buf, sizeof buf),
                      "assigned 101");
    ck_assert_int_eq (answer (&fx, &fx.handler_a, id, "Đã bỏ yêu cầu bản sao có chứng thực.", 1),
                      LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "answered");
    ck_assert_str_eq (column (&fx, id,
                              "answered_by || ' ' || answered_on_time || ' ' || "
                              "answer_publish || ' ' || answer_working_days",
                              buf, sizeof buf),
                      "3 true true 0");
    test_reply r;
    ck_assert_int_eq (track (&fx, code, &r), LOA__STATUS__OK);
    ck_assert_int_eq (((Loa__Feedback__FeedbackPublic *) r.body)->maybe_answer_case,
                      LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_ANSWER__NOT_SET);
    test_reply_clear (&r);

    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.approve", id, NULL),
                      LOA__STATUS__OK);
    ck_assert_str_eq (
        column (&fx, id, "status || ' ' || (published_at IS NOT NULL)", buf, sizeof buf),
        "published true");
    ck_assert_int_eq (track (&fx, code, &r), LOA__STATUS__OK);
    const Loa__Feedback__FeedbackPublic *p = (const Loa__Feedback__FeedbackPublic *) r.body;
    ck_assert_str_eq (p->status, "published");
    ck_assert_str_eq (p->answer, "Đã bỏ yêu cầu bản sao có chứng thực.");
    ck_assert (p->can_rate);
    ck_assert_int_eq (p->unit_id, UNIT_A);
    test_reply_clear (&r);

    /* The rating: proven by the submitter's e-mail (any case), once. */
    Loa__Feedback__RateRequest rate = LOA__FEEDBACK__RATE_REQUEST__INIT;
    rate.tracking_code = code;
    rate.email = (char *) "someone@else.vn";
    rate.has_score = 1;
    rate.score = 4;
    ck_assert_int_eq (test_call (&fx.svc, NULL, "feedback.rate", &rate.base, NULL, &r),
                      LOA__STATUS__FORBIDDEN);
    test_reply_clear (&r);
    rate.email = (char *) "AN.NGUYEN@example.vn";
    ck_assert_int_eq (test_call (&fx.svc, NULL, "feedback.rate", &rate.base, NULL, &r),
                      LOA__STATUS__CREATED);
    test_reply_clear (&r);
    ck_assert_int_eq (test_call (&fx.svc, NULL, "feedback.rate", &rate.base, NULL, &r),
                      LOA__STATUS__CONFLICT);
    test_reply_clear (&r);
    ck_assert_str_eq (column (&fx, id, "rating", buf, sizeof buf), "4");

    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.close", id, "Hoàn tất"),
                      LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id, "status || ' ' || (closed_at IS NOT NULL)", buf, sizeof buf),
                      "closed true");
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf),
                      "received:>received,accepted:received>assigned,answered:assigned>answered,"
                      "approved:answered>published,rated:published>published,"
                      "closed:published>closed");
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM feedback_history WHERE action = 'accepted' "
                                  "AND unit_id = 101 AND actor_id = 1"),
                      1);
    ck_assert_str_eq (events (&fx, buf, sizeof buf),
                      "feedback.received,feedback.status_changed,feedback.status_changed,"
                      "feedback.answered,feedback.status_changed,feedback.published,"
                      "feedback.status_changed");
    fixture_fini (&fx);
}
END_TEST

/* Forwarding (not the department's) and rejection (with a coded reason)
 * end an item at once; both need their fields, and neither applies twice. */
/* feedback.public_list as `service_request_id` gives it (NULL: none): the
 * items' "tracking_code|id" joined by spaces into buf. */
static const char *public_list (fixture *fx, const char *ids, char *buf, size_t cap)
{
    Loa__Feedback__PublicListRequest in = LOA__FEEDBACK__PUBLIC_LIST_REQUEST__INIT;
    in.service_request_id = (char *) ids;
    test_reply r;
    ck_assert_int_eq (test_call (&fx->svc, NULL, "feedback.public_list", &in.base,
                                 &loa__feedback__feedback_public_list__descriptor, &r),
                      LOA__STATUS__OK);
    const Loa__Feedback__FeedbackPublicList *l = (const Loa__Feedback__FeedbackPublicList *) r.body;
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->n_items && o < cap; i++)
        o += (size_t) snprintf (buf + o, cap - o, "%s%s|%lld", i ? " " : "",
                                l->items[i]->tracking_code, (long long) l->items[i]->id);
    ck_assert_int_eq (l->total, (int64_t) l->n_items);
    test_reply_clear (&r);
    return buf;
}

/* The public list (Open311's, issue 16): without codes, only items whose
 * answer is published, and never a tracking code; a code given finds its
 * item whatever its status, under its code; a number (id) finds only a
 * published item. */
START_TEST (test_public_list_shows_only_published)
{
    fixture fx;
    fixture_init (&fx);
    char buf[512], want[512], a_code[32], b_code[32], ids[128];
    int64_t a = new_item (&fx, a_code), b = new_item (&fx, b_code);
    ck_assert_str_eq (public_list (&fx, NULL, buf, sizeof buf), "");
    snprintf (ids, sizeof ids, "%lld,%lld", (long long) a, (long long) b);
    ck_assert_str_eq (public_list (&fx, ids, buf, sizeof buf), "");
    snprintf (ids, sizeof ids, "%s", a_code);
    snprintf (want, sizeof want, "%s|%lld", a_code, (long long) a);
    ck_assert_str_eq (public_list (&fx, ids, buf, sizeof buf), want);

    ck_assert_int_eq (accept (&fx, &fx.inspector, a, UNIT_A, NULL, 0), LOA__STATUS__OK);
    ck_assert_int_eq (answer (&fx, &fx.handler_a, a, "Đã trả lời.", 1), LOA__STATUS__OK);
    ck_assert_str_eq (public_list (&fx, NULL, buf, sizeof buf), ""); /* not approved yet */
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.approve", a, NULL),
                      LOA__STATUS__OK);
    snprintf (want, sizeof want, "|%lld", (long long) a);
    ck_assert_str_eq (public_list (&fx, NULL, buf, sizeof buf), want);
    snprintf (ids, sizeof ids, "%lld, %lld", (long long) a, (long long) b);
    ck_assert_str_eq (public_list (&fx, ids, buf, sizeof buf), want);
    /* A number and a code mixed: each as it was given. */
    snprintf (ids, sizeof ids, "%lld,%s", (long long) a, b_code);
    snprintf (want, sizeof want, "%s|%lld |%lld", b_code, (long long) b, (long long) a);
    ck_assert_str_eq (public_list (&fx, ids, buf, sizeof buf), want);

    /* Answered without `publish`: approved, but its answer stays private,
     * and so does the item. */
    ck_assert_int_eq (accept (&fx, &fx.inspector, b, UNIT_A, NULL, 0), LOA__STATUS__OK);
    ck_assert_int_eq (answer (&fx, &fx.handler_a, b, "Trả lời riêng.", 0), LOA__STATUS__OK);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.approve", b, NULL),
                      LOA__STATUS__OK);
    snprintf (want, sizeof want, "|%lld", (long long) a);
    ck_assert_str_eq (public_list (&fx, NULL, buf, sizeof buf), want);
    fixture_fini (&fx);
}
END_TEST

/* Staff record items from the reception office, the phone, the post and
 * e-mail: who may, which channels and days, and what the item keeps. */
START_TEST (test_staff_intake)
{
    fixture fx;
    fixture_init (&fx);
    char fields[512], sql[256], buf[128], yesterday[16], tomorrow[16];
    time_t now = time (NULL);
    loa_calendar_format_date (loa_calendar_local_day (now) - 1, yesterday);
    loa_calendar_format_date (loa_calendar_local_day (now) + 1, tomorrow);
    int64_t id = 0;
    submission s;
    submission_init (&s);
    s.in.channel = (char *) "letter";
    s.in.received_at = yesterday;
    ck_assert_int_eq (submit (&fx, &fx.handler_a, &s, &id, NULL, NULL, 0), LOA__STATUS__CREATED);
    snprintf (sql, sizeof sql,
              "SELECT f.channel || ' ' || f.recorded_by || ' ' || h.actor_id || ' ' || "
              "(f.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date FROM feedback f JOIN "
              "feedback_history h ON h.feedback_id = f.id WHERE f.id = %lld",
              (long long) id);
    char want[64];
    snprintf (want, sizeof want, "letter 3 3 %s", yesterday);
    ck_assert_str_eq (test_query_text (fx.svc.pg.db, sql, buf, sizeof buf), want);

    /* Refused: a day to come, a channel that is not staff's, none at all. */
    s.in.received_at = tomorrow;
    ck_assert_int_eq (submit (&fx, &fx.inspector, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "received_at");
    s.in.received_at = yesterday;
    s.in.channel = (char *) "web";
    ck_assert_int_eq (submit (&fx, &fx.inspector, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "channel");
    s.in.channel = NULL;
    ck_assert_int_eq (submit (&fx, &fx.inspector, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "channel");
    /* Others: an editor 403, the public and Open311 422, each naming it. */
    s.in.channel = (char *) "phone";
    ck_assert_int_eq (submit (&fx, &fx.editor, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_str_eq (fields, "channel");
    ck_assert_int_eq (submit (&fx, NULL, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "channel");
    s.in.channel = NULL;
    ck_assert_int_eq (submit (&fx, &fx.open311, &s, &id, NULL, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "received_at");
    ck_assert_int_eq (test_query_int (fx.svc.pg.db, "SELECT count(*) FROM feedback"), 1);
    /* Staff without a channel file a web item, recorded by nobody. */
    s.in.received_at = NULL;
    ck_assert_int_eq (submit (&fx, &fx.inspector, &s, &id, NULL, NULL, 0), LOA__STATUS__CREATED);
    snprintf (sql, sizeof sql,
              "SELECT channel || ' ' || coalesce(recorded_by, 0) FROM feedback WHERE id = %lld",
              (long long) id);
    ck_assert_str_eq (test_query_text (fx.svc.pg.db, sql, buf, sizeof buf), "web 0");
    fixture_fini (&fx);
}
END_TEST

/* The portal's published answers: only those published with `publish`,
 * and never the submitter's data nor the tracking code. */
START_TEST (test_published_answers)
{
    fixture fx;
    fixture_init (&fx);
    int64_t a = new_item (&fx, NULL), b = new_item (&fx, NULL);
    ck_assert_int_eq (accept (&fx, &fx.inspector, a, UNIT_A, NULL, 0), LOA__STATUS__OK);
    ck_assert_int_eq (answer (&fx, &fx.handler_a, a, "Sở đã bỏ yêu cầu bản sao.", 1),
                      LOA__STATUS__OK);
    ck_assert_int_eq (accept (&fx, &fx.inspector, b, UNIT_A, NULL, 0), LOA__STATUS__OK);
    ck_assert_int_eq (answer (&fx, &fx.handler_a, b, "Trả lời riêng.", 0), LOA__STATUS__OK);
    Loa__Feedback__AnswersRequest in = LOA__FEEDBACK__ANSWERS_REQUEST__INIT;
    test_reply r;
    ck_assert_int_eq (test_call (&fx.svc, NULL, "feedback.answers", &in.base,
                                 &loa__feedback__published_answer_list__descriptor, &r),
                      LOA__STATUS__OK);
    ck_assert_int_eq (((const Loa__Feedback__PublishedAnswerList *) r.body)->total, 0);
    test_reply_clear (&r);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.approve", a, NULL),
                      LOA__STATUS__OK);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.approve", b, NULL),
                      LOA__STATUS__OK);
    in.q = (char *) "BAN SAO"; /* folded: "bản sao" */
    ck_assert_int_eq (test_call (&fx.svc, NULL, "feedback.answers", &in.base,
                                 &loa__feedback__published_answer_list__descriptor, &r),
                      LOA__STATUS__OK);
    const Loa__Feedback__PublishedAnswerList *l =
        (const Loa__Feedback__PublishedAnswerList *) r.body;
    ck_assert_int_eq (l->total, 1);
    ck_assert_int_eq (l->items[0]->id, a);
    ck_assert_str_eq (l->items[0]->answer, "Sở đã bỏ yêu cầu bản sao.");
    ck_assert_int_eq (l->items[0]->unit_id, UNIT_A);
    test_reply_clear (&r);
    /* The message has no field for personal data: its descriptor says so. */
    const ProtobufCMessageDescriptor *d = &loa__feedback__published_answer__descriptor;
    for (unsigned i = 0; i < d->n_fields; i++)
        ck_assert_msg (
            !strstr (d->fields[i].name, "submitter") && !strstr (d->fields[i].name, "tracking") &&
                !strstr (d->fields[i].name, "phone") && !strstr (d->fields[i].name, "email"),
            "%s", d->fields[i].name);
    Loa__Feedback__FeedbackIdRequest one = LOA__FEEDBACK__FEEDBACK_ID_REQUEST__INIT;
    one.has_id = 1;
    one.id = b;
    ck_assert_int_eq (test_call (&fx.svc, NULL, "feedback.answers.get", &one.base,
                                 &loa__feedback__published_answer__descriptor, &r),
                      LOA__STATUS__NOT_FOUND);
    test_reply_clear (&r);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_forward_and_reject)
{
    fixture fx;
    fixture_init (&fx);
    char buf[512];
    test_reply r;
    int64_t fwd = new_item (&fx, NULL), rej = new_item (&fx, NULL);
    Loa__Feedback__ForwardRequest f = LOA__FEEDBACK__FORWARD_REQUEST__INIT;
    f.has_id = 1;
    f.id = fwd;
    ck_assert_int_eq (test_call (&fx.svc, &fx.inspector, "feedback.forward", &f.base, NULL, &r),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (r.fields, "to_agency,reason");
    test_reply_clear (&r);
    f.to_agency = (char *) "Sở Tài nguyên và Môi trường";
    f.reason = (char *) "Thuộc thẩm quyền của Sở TN&MT";
    ck_assert_int_eq (test_call (&fx.svc, &fx.handler_a, "feedback.forward", &f.base, NULL, &r),
                      LOA__STATUS__FORBIDDEN);
    test_reply_clear (&r);
    ck_assert_str_eq (column (&fx, fwd, "status", buf, sizeof buf), "received");
    ck_assert_int_eq (test_call (&fx.svc, &fx.inspector, "feedback.forward", &f.base, NULL, &r),
                      LOA__STATUS__OK);
    test_reply_clear (&r);
    ck_assert_str_eq (
        column (&fx, fwd, "status || '|' || forwarded_to || '|' || status_reason", buf, sizeof buf),
        "forwarded|Sở Tài nguyên và Môi trường|Thuộc thẩm quyền của Sở TN&MT");
    ck_assert_int_eq (test_call (&fx.svc, &fx.inspector, "feedback.forward", &f.base, NULL, &r),
                      LOA__STATUS__CONFLICT);
    test_reply_clear (&r);
    ck_assert_int_eq (accept (&fx, &fx.inspector, fwd, UNIT_A, NULL, 0), LOA__STATUS__CONFLICT);

    Loa__Feedback__RejectRequest j = LOA__FEEDBACK__REJECT_REQUEST__INIT;
    j.has_id = 1;
    j.id = rej;
    j.reason_code = (char *) "spam";
    j.reason = (char *) "Trùng";
    ck_assert_int_eq (test_call (&fx.svc, &fx.inspector, "feedback.reject", &j.base, NULL, &r),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (r.fields, "reason_code");
    test_reply_clear (&r);
    j.reason_code = (char *) "duplicate";
    ck_assert_int_eq (test_call (&fx.svc, &fx.inspector, "feedback.reject", &j.base, NULL, &r),
                      LOA__STATUS__OK);
    test_reply_clear (&r);
    ck_assert_str_eq (column (&fx, rej,
                              "status || '|' || reject_reason_code || '|' || status_reason", buf,
                              sizeof buf),
                      "rejected|duplicate|Trùng");
    ck_assert_int_eq (answer (&fx, &fx.inspector, rej, "Trả lời", 1), LOA__STATUS__CONFLICT);
    ck_assert_str_eq (history (&fx, fwd, buf, sizeof buf),
                      "received:>received,forwarded:received>forwarded");
    ck_assert_str_eq (history (&fx, rej, buf, sizeof buf),
                      "received:>received,rejected:received>rejected");
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM outbox WHERE topic = "
                                  "'feedback.status_changed'"),
                      2);
    fixture_fini (&fx);
}
END_TEST

/* Who may do what: the Inspectorate steers (accept, forward, reject,
 * approve, return, close) and may answer; a handler answers and reads only
 * their own unit's items; leaders read; nobody else, and nobody anonymous.
 * Accepting needs an active unit. Each refusal leaves the item as it was. */
START_TEST (test_roles_and_units)
{
    fixture fx;
    fixture_init (&fx);
    char buf[512], fields[512];
    int64_t id = new_item (&fx, NULL);
    ck_assert_int_eq (get (&fx, NULL, id), LOA__STATUS__UNAUTHENTICATED);
    ck_assert_int_eq (get (&fx, &fx.editor, id), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (get (&fx, &fx.leader, id), LOA__STATUS__OK);
    ck_assert_int_eq (get (&fx, &fx.handler_no_unit, id), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (accept (&fx, &fx.handler_a, id, UNIT_A, NULL, 0), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (accept (&fx, &fx.leader, id, UNIT_A, NULL, 0), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (accept (&fx, NULL, id, UNIT_A, NULL, 0), LOA__STATUS__UNAUTHENTICATED);
    /* Only an active unit the service knows (from content-svc's events). */
    ck_assert_int_eq (accept (&fx, &fx.inspector, id, UNIT_CLOSED, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "unit_id");
    ck_assert_int_eq (accept (&fx, &fx.inspector, id, 999, fields, sizeof fields),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "unit_id");
    ck_assert_str_eq (column (&fx, id, "status || ' ' || coalesce(unit_id, 0) || ' ' || version",
                              buf, sizeof buf),
                      "received 0 1");
    ck_assert_int_eq (accept (&fx, &fx.inspector, id, UNIT_A, NULL, 0), LOA__STATUS__OK);

    /* Unit B's handler neither sees nor answers unit A's item. */
    ck_assert_int_eq (get (&fx, &fx.handler_b, id), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (get (&fx, &fx.handler_a, id), LOA__STATUS__OK);
    ck_assert_int_eq (answer (&fx, &fx.handler_b, id, "Trả lời", 1), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (answer (&fx, &fx.handler_no_unit, id, "Trả lời", 1), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (answer (&fx, &fx.leader, id, "Trả lời", 1), LOA__STATUS__FORBIDDEN);
    ck_assert_str_eq (column (&fx, id, "status || ' ' || coalesce(answer, '-')", buf, sizeof buf),
                      "assigned -");
    /* A handler's list is their unit's, whatever unit they ask for. */
    Loa__Feedback__FeedbackListRequest l = LOA__FEEDBACK__FEEDBACK_LIST_REQUEST__INIT;
    test_reply r;
    ck_assert_int_eq (test_call (&fx.svc, &fx.handler_b, "feedback.list", &l.base,
                                 &loa__feedback__feedback_list__descriptor, &r),
                      LOA__STATUS__OK);
    ck_assert_uint_eq (((Loa__Feedback__FeedbackList *) r.body)->n_items, 0);
    test_reply_clear (&r);
    l.has_unit_id = 1;
    l.unit_id = UNIT_A;
    ck_assert_int_eq (test_call (&fx.svc, &fx.handler_b, "feedback.list", &l.base, NULL, &r),
                      LOA__STATUS__FORBIDDEN);
    test_reply_clear (&r);
    ck_assert_int_eq (test_call (&fx.svc, &fx.handler_a, "feedback.list", &l.base,
                                 &loa__feedback__feedback_list__descriptor, &r),
                      LOA__STATUS__OK);
    ck_assert_uint_eq (((Loa__Feedback__FeedbackList *) r.body)->n_items, 1);
    test_reply_clear (&r);

    /* The inspector may answer any unit's item; only the inspector approves. */
    ck_assert_int_eq (answer (&fx, &fx.inspector, id, "Thanh tra trả lời", 0), LOA__STATUS__OK);
    ck_assert_int_eq (reason_step (&fx, &fx.handler_a, "feedback.approve", id, NULL),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (reason_step (&fx, &fx.leader, "feedback.approve", id, NULL),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_str_eq (column (&fx, id, "status || ' ' || answered_by", buf, sizeof buf),
                      "answered 1");
    fixture_fini (&fx);
}
END_TEST

/* Steps the status does not allow are refused (409) and change nothing; a
 * return (reason required) takes the answer back for another. */
START_TEST (test_invalid_transitions_and_return)
{
    fixture fx;
    fixture_init (&fx);
    char buf[512], code[32];
    test_reply r;
    int64_t id = new_item (&fx, code);
    ck_assert_int_eq (answer (&fx, &fx.inspector, id, "Quá sớm", 1), LOA__STATUS__CONFLICT);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.approve", id, NULL),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.close", id, NULL),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.return", id, "Chưa có"),
                      LOA__STATUS__CONFLICT);
    ck_assert_str_eq (column (&fx, id, "status || ' ' || version", buf, sizeof buf), "received 1");

    ck_assert_int_eq (accept (&fx, &fx.inspector, id, UNIT_A, NULL, 0), LOA__STATUS__OK);
    ck_assert_int_eq (accept (&fx, &fx.inspector, id, UNIT_B, NULL, 0), LOA__STATUS__CONFLICT);
    ck_assert_int_eq (answer (&fx, &fx.handler_a, id, "Bản trả lời thứ nhất", 1), LOA__STATUS__OK);
    ck_assert_int_eq (answer (&fx, &fx.handler_a, id, "Lần hai", 1), LOA__STATUS__CONFLICT);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.close", id, NULL),
                      LOA__STATUS__CONFLICT);
    /* Rating before publication. */
    Loa__Feedback__RateRequest rate = LOA__FEEDBACK__RATE_REQUEST__INIT;
    rate.tracking_code = code;
    rate.phone = (char *) "0905123456";
    rate.has_score = 1;
    rate.score = 5;
    ck_assert_int_eq (test_call (&fx.svc, NULL, "feedback.rate", &rate.base, NULL, &r),
                      LOA__STATUS__CONFLICT);
    test_reply_clear (&r);

    /* Returned: a reason is required; the answer goes, the unit stays. */
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.return", id, NULL),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "answered");
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.return", id, "Chưa đủ căn cứ"),
                      LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id,
                              "status || '|' || unit_id || '|' || coalesce(answer, '-') || '|' || "
                              "status_reason",
                              buf, sizeof buf),
                      "assigned|101|-|Chưa đủ căn cứ");
    /* The returned answer stays in the history. */
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM feedback_history WHERE action = 'answered' "
                                  "AND answer = 'Bản trả lời thứ nhất'"),
                      1);
    ck_assert_int_eq (answer (&fx, &fx.handler_a, id, "Bản trả lời thứ hai", 0), LOA__STATUS__OK);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.approve", id, NULL),
                      LOA__STATUS__OK);
    ck_assert_int_eq (reason_step (&fx, &fx.inspector, "feedback.approve", id, NULL),
                      LOA__STATUS__CONFLICT);
    /* Published without publishing the answer: the public sees no answer. */
    ck_assert_int_eq (track (&fx, code, &r), LOA__STATUS__OK);
    ck_assert_str_eq (((Loa__Feedback__FeedbackPublic *) r.body)->status, "published");
    ck_assert_int_eq (((Loa__Feedback__FeedbackPublic *) r.body)->maybe_answer_case,
                      LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_ANSWER__NOT_SET);
    test_reply_clear (&r);
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf),
                      "received:>received,accepted:received>assigned,answered:assigned>answered,"
                      "returned:answered>assigned,answered:assigned>answered,"
                      "approved:answered>published");
    /* No such item. */
    ck_assert_int_eq (accept (&fx, &fx.inspector, id + 1000, UNIT_A, NULL, 0),
                      LOA__STATUS__NOT_FOUND);
    fixture_fini (&fx);
}
END_TEST

/* An item past its deadline: listed as overdue, and an answer then is not
 * on time (the day passes in SQL: the deadline moved a day back). */
START_TEST (test_overdue)
{
    fixture fx;
    fixture_init (&fx);
    char buf[512];
    test_reply r;
    int64_t late = new_item (&fx, NULL), fresh = new_item (&fx, NULL);
    ck_assert_int_eq (accept (&fx, &fx.inspector, late, UNIT_A, NULL, 0), LOA__STATUS__OK);
    ck_assert_int_eq (accept (&fx, &fx.inspector, fresh, UNIT_A, NULL, 0), LOA__STATUS__OK);
    char sql[160];
    snprintf (sql, sizeof sql,
              "UPDATE feedback SET due_at = now() - interval '1 day' WHERE id = %lld",
              (long long) late);
    ck_assert_int_eq (loa_db_exec (fx.svc.pg.db, sql), 0);

    Loa__Feedback__FeedbackListRequest l = LOA__FEEDBACK__FEEDBACK_LIST_REQUEST__INIT;
    l.has_overdue = 1;
    l.overdue = 1;
    ck_assert_int_eq (test_call (&fx.svc, &fx.inspector, "feedback.list", &l.base,
                                 &loa__feedback__feedback_list__descriptor, &r),
                      LOA__STATUS__OK);
    const Loa__Feedback__FeedbackList *list = (const Loa__Feedback__FeedbackList *) r.body;
    ck_assert_uint_eq (list->n_items, 1);
    ck_assert_int_eq (list->items[0]->id, late);
    ck_assert (list->items[0]->overdue);
    test_reply_clear (&r);

    ck_assert_int_eq (answer (&fx, &fx.handler_a, late, "Trả lời muộn", 1), LOA__STATUS__OK);
    ck_assert_int_eq (answer (&fx, &fx.handler_a, fresh, "Trả lời đúng hạn", 1), LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, late, "answered_on_time", buf, sizeof buf), "false");
    ck_assert_str_eq (column (&fx, fresh, "answered_on_time", buf, sizeof buf), "true");
    /* Answered: no longer overdue. */
    ck_assert_int_eq (test_call (&fx.svc, &fx.inspector, "feedback.list", &l.base,
                                 &loa__feedback__feedback_list__descriptor, &r),
                      LOA__STATUS__OK);
    ck_assert_uint_eq (((Loa__Feedback__FeedbackList *) r.body)->n_items, 0);
    test_reply_clear (&r);
    fixture_fini (&fx);
}
END_TEST

Suite *feedback_rpc_suite (void)
{
    Suite *s = suite_create ("feedback-svc/feedback_rpc");
    TCase *tc = tcase_create ("workflow");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_submit_and_track);
    tcase_add_test (tc, test_submission_checked);
    tcase_add_test (tc, test_deadlines);
    tcase_add_test (tc, test_accept_answer_approve_close);
    tcase_add_test (tc, test_public_list_shows_only_published);
    tcase_add_test (tc, test_forward_and_reject);
    tcase_add_test (tc, test_staff_intake);
    tcase_add_test (tc, test_published_answers);
    tcase_add_test (tc, test_roles_and_units);
    tcase_add_test (tc, test_invalid_transitions_and_return);
    tcase_add_test (tc, test_overdue);
    suite_add_tcase (s, tc);
    return s;
}
