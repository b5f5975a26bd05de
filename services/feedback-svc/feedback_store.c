#include "feedback_store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deadlines.h"
#include "loa_calendar.h"
#include "loa_check.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"

#define WHO "feedback store"

/* Day n (days since 1970-01-01, local) as SQL: the date, and the end of
 * that day as an instant (a deadline "on day n" lasts until 23:59:59). */
#define DAY(p) "(date '1970-01-01' + " p "::integer)"
#define END_OF_DAY(p)                                                                              \
    "((" DAY (p) " + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' - interval '1 second')"

/* Not yet answered: what `overdue` and `due_soon` are about. */
#define OPEN_ITEM "f.status IN ('received', 'assigned')"

/* The staff view (0..34); $soon is the parameter giving the last day that
 * counts as "due soon". */
#define FB_COLS(soon)                                                                              \
    "f.id, f.tracking_code, f.kind, f.title, f.content, f.submitter_name, f.submitter_address, "   \
    "f.submitter_phone, f.submitter_email, f.submitter_org, f.procedure_code, f.regulation_ref, "  \
    "f.attachment_ids, f.channel, f.status, f.unit_id, coalesce(u.name, ''), "                     \
    "rfc3339(f.received_at), f.registered_on::text, rfc3339(f.forward_due_at), "                   \
    "rfc3339(f.due_at), (" OPEN_ITEM " AND f.due_at < now()), "                                    \
    "(" OPEN_ITEM " AND f.due_at >= now() AND f.due_at <= " END_OF_DAY (                           \
        soon) "), "                                                                                \
              "f.forwarded_to, f.reject_reason_code, f.status_reason, f.answer, "                  \
              "f.answer_publish, "                                                                 \
              "rfc3339(f.answered_at), f.answered_on_time, rfc3339(f.published_at), "              \
              "rfc3339(f.closed_at), f.rating, rfc3339(f.updated_at), f.version"
#define FB_FROM " FROM feedback f LEFT JOIN units u ON u.unit_id = f.unit_id "

/* Staff list filters: $1 status, $2 unit, $3 overdue, $4 due_before,
 * $5 from, $6 to, $7 q, $8 soon day, $9 due_soon. */
#define LIST_WHERE                                                                                 \
    "WHERE ($1::text IS NULL OR f.status = $1) "                                                   \
    "AND ($2::bigint IS NULL OR f.unit_id = $2) "                                                  \
    "AND ($3::boolean IS NULL OR (" OPEN_ITEM " AND f.due_at < now()) = $3) "                      \
    "AND ($4::date IS NULL OR f.due_at < ($4::date + 1)::timestamp AT TIME ZONE "                  \
    "'Asia/Ho_Chi_Minh') "                                                                         \
    "AND ($5::date IS NULL OR f.received_at >= $5::date::timestamp AT TIME ZONE "                  \
    "'Asia/Ho_Chi_Minh') "                                                                         \
    "AND ($6::date IS NULL OR f.received_at < ($6::date + 1)::timestamp AT TIME ZONE "             \
    "'Asia/Ho_Chi_Minh') "                                                                         \
    "AND ($7::text IS NULL OR f.tracking_code = upper(btrim($7)) OR "                              \
    "f.search @@ plainto_tsquery('simple', fold($7))) "                                            \
    "AND ($9::boolean IS NULL OR (" OPEN_ITEM                                                      \
    " AND f.due_at >= now() AND f.due_at <= " END_OF_DAY ("$8") ") = $9) "

/* The public view (0..18): the answer only once published with `publish`. */
#define PUB_COLS                                                                                   \
    "f.id, f.tracking_code, f.kind, f.title, f.status, rfc3339(f.received_at), "                   \
    "rfc3339(f.due_at), f.unit_id, coalesce(u.name, ''), f.forwarded_to, "                         \
    "CASE WHEN f.published_at IS NOT NULL AND f.answer_publish THEN f.answer END, "                \
    "rfc3339(f.published_at), rfc3339(f.closed_at), f.rating, "                                    \
    "(f.published_at IS NOT NULL AND f.rating IS NULL), rfc3339(f.updated_at), "                   \
    "f.procedure_code, f.registered_on::text, count(*) OVER ()"

#define PUB_WHERE                                                                                  \
    "WHERE ($1::text[] IS NULL OR f.tracking_code = ANY ($1)) "                                    \
    "AND ($2::text IS NULL OR f.kind = $2) "                                                       \
    "AND ($3::text[] IS NULL OR f.status = ANY ($3)) "                                             \
    "AND ($4::timestamptz IS NULL OR f.received_at >= $4) "                                        \
    "AND ($5::timestamptz IS NULL OR f.received_at <= $5) "

/* Step updates: $1 id, then each its own. */
#define STEP_SET "UPDATE feedback SET updated_at = now(), version = version + 1, status = "

static const loa_stmt statements[] = {
    {"fb_insert",
     "INSERT INTO feedback (tracking_code, kind, title, content, submitter_name, "
     "submitter_address, submitter_phone, submitter_email, submitter_org, phone_digits, "
     "email_lower, procedure_code, regulation_ref, attachment_ids, channel, api_key_id, "
     "received_at, registered_on, forward_due_at, due_at) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, lower($11), $12, $13, $14::bigint[], $15, "
     "$16::bigint, to_timestamp($17::double precision), " DAY ("$18") ", " END_OF_DAY (
         "$19") ", " END_OF_DAY ("$20") ") ON CONFLICT (tracking_code) DO NOTHING "
                                        "RETURNING id, rfc3339(received_at), rfc3339(due_at)"},
    {"fb_history_add",
     "INSERT INTO feedback_history (feedback_id, action, from_status, to_status, actor_id, "
     "unit_id, reason, answer) VALUES ($1, $2, $3, $4, $5, $6::bigint, $7, $8)"},
    {"fb_by_id", "SELECT " FB_COLS ("$2") FB_FROM "WHERE f.id = $1"},
    {"fb_history",
     "SELECT id, action, from_status, to_status, actor_id, coalesce(unit_id, 0), reason, "
     "rfc3339(at), answer FROM feedback_history WHERE feedback_id = $1 ORDER BY id"},
    {"fb_list",
     "SELECT " FB_COLS ("$8") ", count(*) OVER ()" FB_FROM LIST_WHERE
                              "ORDER BY f.received_at DESC, f.id DESC LIMIT $10 OFFSET $11"},
    {"fb_count", "SELECT count(*)" FB_FROM LIST_WHERE},
    {"fb_lock",
     "SELECT status, coalesce(unit_id, 0), registered_on - date '1970-01-01' FROM feedback "
     "WHERE id = $1 FOR UPDATE"},
    {"fb_unit_active", "SELECT is_active FROM units WHERE unit_id = $1"},
    {"fb_accept", STEP_SET "'assigned', unit_id = $2, status_reason = '' WHERE id = $1"},
    {"fb_forward", STEP_SET "'forwarded', forwarded_to = $2, status_reason = $3 WHERE id = $1"},
    {"fb_reject", STEP_SET "'rejected', reject_reason_code = $2, status_reason = $3 WHERE id = $1"},
    {"fb_answer",
     STEP_SET "'answered', answer = $2, answer_publish = $3, answered_at = now(), "
              "answered_by = $4, answer_working_days = $5, answered_on_time = now() <= due_at "
              "WHERE id = $1"},
    {"fb_approve", STEP_SET "'published', published_at = now() WHERE id = $1"},
    {"fb_return", STEP_SET "'assigned', status_reason = $2, answer = NULL, answer_publish = false, "
                           "answered_at = NULL, answered_by = NULL, answer_working_days = NULL, "
                           "answered_on_time = NULL WHERE id = $1"},
    {"fb_close", STEP_SET "'closed', closed_at = now(), status_reason = $2 WHERE id = $1"},
    {"fb_track", "SELECT " PUB_COLS FB_FROM "WHERE f.tracking_code = $1"},
    {"fb_steps", "SELECT to_status, rfc3339(at) FROM feedback_history WHERE feedback_id = $1 "
                 "AND from_status <> to_status ORDER BY id"},
    {"fb_public_list", "SELECT " PUB_COLS FB_FROM PUB_WHERE
                       "ORDER BY f.received_at DESC, f.id DESC LIMIT $6 OFFSET $7"},
    {"fb_public_count", "SELECT count(*) FROM feedback f " PUB_WHERE},
    {"fb_rate_lock", "SELECT id, status, published_at IS NOT NULL, rating IS NOT NULL, "
                     "phone_digits = $2 AND $2 <> '', email_lower = lower($3) AND $3 <> '' "
                     "FROM feedback WHERE tracking_code = $1 FOR UPDATE"},
    {"fb_rate", "UPDATE feedback SET rating = $2, rating_comment = $3, rated_at = now(), "
                "updated_at = now(), version = version + 1 WHERE id = $1"},
    {"fb_desk_rate", "INSERT INTO desk_ratings (desk, staff_code, score, comment, client_addr) "
                     "VALUES ($1, $2, $3, $4, $5) "
                     "RETURNING id, desk, staff_code, score, comment, rfc3339(rated_at)"},
    {"fb_rating_summary",
     "SELECT count(*), coalesce(avg(score), 0), count(*) FILTER (WHERE score = 1), "
     "count(*) FILTER (WHERE score = 2), count(*) FILTER (WHERE score = 3), "
     "count(*) FILTER (WHERE score = 4), count(*) FILTER (WHERE score = 5), "
     "(SELECT count(*) FROM feedback WHERE rated_at >= $1::date::timestamp AT TIME ZONE "
     "'Asia/Ho_Chi_Minh' AND rated_at < ($2::date + 1)::timestamp AT TIME ZONE "
     "'Asia/Ho_Chi_Minh'), "
     "(SELECT coalesce(avg(rating), 0) FROM feedback WHERE rated_at >= $1::date::timestamp AT "
     "TIME ZONE 'Asia/Ho_Chi_Minh' AND rated_at < ($2::date + 1)::timestamp AT TIME ZONE "
     "'Asia/Ho_Chi_Minh') "
     "FROM desk_ratings WHERE rated_at >= $1::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
     "AND rated_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'"},
    {"fb_rating_desks", "SELECT desk, count(*), avg(score) FROM desk_ratings WHERE desk <> '' "
                        "AND rated_at >= $1::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
                        "AND rated_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
                        "GROUP BY desk ORDER BY desk"},
    /* Stats: one row per unit, then the total (unit -1). */
    {"fb_stats",
     "SELECT CASE WHEN grouping(f.unit_id) = 1 THEN -1 ELSE coalesce(f.unit_id, 0) END, "
     "coalesce(min(u.name), ''), count(*), "
     "count(*) FILTER (WHERE f.status = 'received'), "
     "count(*) FILTER (WHERE f.status = 'assigned'), "
     "count(*) FILTER (WHERE f.status = 'forwarded'), "
     "count(*) FILTER (WHERE f.status = 'rejected'), "
     "count(*) FILTER (WHERE f.status = 'answered'), "
     "count(*) FILTER (WHERE f.status = 'published'), "
     "count(*) FILTER (WHERE f.status = 'closed'), "
     "count(*) FILTER (WHERE f.answered_at IS NOT NULL), "
     "count(*) FILTER (WHERE f.answered_on_time), "
     "count(*) FILTER (WHERE NOT f.answered_on_time), "
     "count(*) FILTER (WHERE " OPEN_ITEM " AND f.due_at < now()), "
     "coalesce(avg(f.answer_working_days), 0), count(f.rating), coalesce(avg(f.rating), 0) " FB_FROM
     "WHERE f.received_at >= $1::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
     "AND f.received_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
     "AND ($3::bigint IS NULL OR f.unit_id = $3) "
     "GROUP BY GROUPING SETS ((f.unit_id), ()) ORDER BY 1"},
    {NULL, NULL},
};

int feedback_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

/* ------------------------------------------------------------ helpers */

/* Today, as a day number in Asia/Ho_Chi_Minh. */
static int32_t today (void) { return loa_calendar_local_day (time (NULL)); }

/* The last day that counts as "due soon": two working days from today. */
static int soon_param (PGconn *db, char buf[24])
{
    int32_t soon;
    if (fb_calendar_add (db, today (), 2, &soon) != 0)
        return -1;
    loa_store_int_param (buf, soon);
    return 0;
}

static int is_null (const PGresult *res, int row, int col) { return PQgetisnull (res, row, col); }

static int64_t int_at (const PGresult *res, int row, int col)
{
    return atoll (PQgetvalue (res, row, col));
}

static int bool_at (const PGresult *res, int row, int col)
{
    return PQgetvalue (res, row, col)[0] == 't';
}

/* ------------------------------------------------------------ rows */

static void fill_feedback (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__Feedback *f = item;
    loa__feedback__feedback__init (f);
    Loa__Feedback__Submitter *s = malloc (sizeof *s);
    if (!s)
        *oom = 1;
    if (s) {
        loa__feedback__submitter__init (s);
        s->name = loa_store_dup (res, row, 5, oom);
        s->address = loa_store_dup (res, row, 6, oom);
        s->phone = loa_store_dup (res, row, 7, oom);
        s->email = loa_store_dup (res, row, 8, oom);
        s->organization = loa_store_dup (res, row, 9, oom);
        f->submitter = s;
    }
    f->id = int_at (res, row, 0);
    f->tracking_code = loa_store_dup (res, row, 1, oom);
    f->kind = loa_store_dup (res, row, 2, oom);
    f->title = loa_store_dup (res, row, 3, oom);
    f->content = loa_store_dup (res, row, 4, oom);
    f->procedure_code = loa_store_dup (res, row, 10, oom);
    f->regulation_ref = loa_store_dup (res, row, 11, oom);
    f->attachment_ids = loa_store_ids (PQgetvalue (res, row, 12), &f->n_attachment_ids, oom);
    f->channel = loa_store_dup (res, row, 13, oom);
    f->status = loa_store_dup (res, row, 14, oom);
    if (!is_null (res, row, 15)) {
        f->maybe_unit_id_case = LOA__FEEDBACK__FEEDBACK__MAYBE_UNIT_ID_UNIT_ID;
        f->unit_id = int_at (res, row, 15);
    }
    f->unit_name = loa_store_dup (res, row, 16, oom);
    f->received_at = loa_store_dup (res, row, 17, oom);
    f->registered_on = loa_store_dup (res, row, 18, oom);
    f->forward_due_at = loa_store_dup (res, row, 19, oom);
    f->due_at = loa_store_dup (res, row, 20, oom);
    f->overdue = bool_at (res, row, 21);
    f->due_soon = bool_at (res, row, 22);
    f->forwarded_to = loa_store_dup (res, row, 23, oom);
    f->reject_reason_code = loa_store_dup (res, row, 24, oom);
    f->status_reason = loa_store_dup (res, row, 25, oom);
    if (!is_null (res, row, 26)) {
        f->maybe_answer_case = LOA__FEEDBACK__FEEDBACK__MAYBE_ANSWER_ANSWER;
        f->answer = loa_store_dup (res, row, 26, oom);
    }
    f->answer_publish = bool_at (res, row, 27);
    if (!is_null (res, row, 28)) {
        f->maybe_answered_at_case = LOA__FEEDBACK__FEEDBACK__MAYBE_ANSWERED_AT_ANSWERED_AT;
        f->answered_at = loa_store_dup (res, row, 28, oom);
    }
    if (!is_null (res, row, 29)) {
        f->maybe_answered_on_time_case =
            LOA__FEEDBACK__FEEDBACK__MAYBE_ANSWERED_ON_TIME_ANSWERED_ON_TIME;
        f->answered_on_time = bool_at (res, row, 29);
    }
    if (!is_null (res, row, 30)) {
        f->maybe_published_at_case = LOA__FEEDBACK__FEEDBACK__MAYBE_PUBLISHED_AT_PUBLISHED_AT;
        f->published_at = loa_store_dup (res, row, 30, oom);
    }
    if (!is_null (res, row, 31)) {
        f->maybe_closed_at_case = LOA__FEEDBACK__FEEDBACK__MAYBE_CLOSED_AT_CLOSED_AT;
        f->closed_at = loa_store_dup (res, row, 31, oom);
    }
    if (!is_null (res, row, 32)) {
        f->maybe_rating_case = LOA__FEEDBACK__FEEDBACK__MAYBE_RATING_RATING;
        f->rating = (int32_t) int_at (res, row, 32);
    }
    f->updated_at = loa_store_dup (res, row, 33, oom);
    f->version = int_at (res, row, 34);
}

void feedback_store_free (Loa__Feedback__Feedback *f) { loa_store_free_message (&f->base); }

void feedback_store_free_list (Loa__Feedback__FeedbackList *l)
{
    loa_store_free_message (&l->base);
}

static void fill_public (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__FeedbackPublic *p = item;
    loa__feedback__feedback_public__init (p);
    p->id = int_at (res, row, 0);
    p->tracking_code = loa_store_dup (res, row, 1, oom);
    p->kind = loa_store_dup (res, row, 2, oom);
    p->title = loa_store_dup (res, row, 3, oom);
    p->status = loa_store_dup (res, row, 4, oom);
    p->received_at = loa_store_dup (res, row, 5, oom);
    p->due_at = loa_store_dup (res, row, 6, oom);
    if (!is_null (res, row, 7)) {
        p->maybe_unit_id_case = LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_UNIT_ID_UNIT_ID;
        p->unit_id = int_at (res, row, 7);
    }
    p->unit_name = loa_store_dup (res, row, 8, oom);
    p->forwarded_to = loa_store_dup (res, row, 9, oom);
    if (!is_null (res, row, 10)) {
        p->maybe_answer_case = LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_ANSWER_ANSWER;
        p->answer = loa_store_dup (res, row, 10, oom);
    }
    if (!is_null (res, row, 11)) {
        p->maybe_published_at_case =
            LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_PUBLISHED_AT_PUBLISHED_AT;
        p->published_at = loa_store_dup (res, row, 11, oom);
    }
    if (!is_null (res, row, 12)) {
        p->maybe_closed_at_case = LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_CLOSED_AT_CLOSED_AT;
        p->closed_at = loa_store_dup (res, row, 12, oom);
    }
    if (!is_null (res, row, 13)) {
        p->maybe_rating_case = LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_RATING_RATING;
        p->rating = (int32_t) int_at (res, row, 13);
    }
    p->can_rate = bool_at (res, row, 14);
    p->updated_at = loa_store_dup (res, row, 15, oom);
    p->procedure_code = loa_store_dup (res, row, 16, oom);
    p->registered_on = loa_store_dup (res, row, 17, oom);
}

void feedback_store_free_public (Loa__Feedback__FeedbackPublic *p)
{
    loa_store_free_message (&p->base);
}

void feedback_store_free_public_list (Loa__Feedback__FeedbackPublicList *l)
{
    loa_store_free_message (&l->base);
}

void feedback_store_free_receipt (Loa__Feedback__FeedbackReceipt *r)
{
    loa_store_free_message (&r->base);
}

/* ------------------------------------------------------------ create */

/* Crockford's base32: no I, L, O, U. */
static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* PAKN.YYYYMMDD.XXXXXX: the local date of receipt and six random
 * characters (30 bits from libsodium's CSPRNG). */
static void tracking_code (time_t received, char out[24])
{
    char date[LOA_CALENDAR_DATE_SIZE]; /* YYYY-MM-DD */
    loa_calendar_format_date (loa_calendar_local_day (received), date);
    char rnd[7];
    for (int i = 0; i < 6; i++)
        rnd[i] = CROCKFORD[randombytes_uniform (32)];
    rnd[6] = '\0';
    snprintf (out, 24, "PAKN.%.4s%.2s%.2s.%s", date, date + 5, date + 8, rnd);
}
/* The digits of a phone number: what a rating must repeat. */
static void phone_digits (const char *phone, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = phone; *p && o + 1 < cap; p++)
        if (*p >= '0' && *p <= '9')
            out[o++] = *p;
    out[o] = '\0';
}

typedef struct {
    const fb_new *in;
    Loa__Feedback__FeedbackReceipt *out;
    loa_store_status status;
} create_ctx;

static int event_add (PGconn *db, const char *topic, const Loa__Feedback__FeedbackEvent *ev)
{
    return loa_outbox_add (db, topic, &ev->base);
}

static int history_add (PGconn *db, int64_t id, const char *action, const char *from,
                        const char *to, int64_t actor, int64_t unit, const char *reason,
                        const char *answer)
{
    char id_s[24], actor_s[24], unit_s[24];
    loa_store_int_param (id_s, id);
    loa_store_int_param (actor_s, actor);
    const char *vals[] = {id_s,
                          action,
                          from,
                          to,
                          actor_s,
                          loa_store_opt_int (unit_s, unit),
                          reason ? reason : "",
                          answer ? answer : ""};
    return loa_store_change (db, WHO, "fb_history_add", 8, vals);
}

static int create_tx (PGconn *db, void *arg)
{
    create_ctx *c = arg;
    const fb_new *in = c->in;
    c->status = LOA_STORE_ERROR;
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    fb_due due;
    if (fb_deadlines_for (db, now.tv_sec, &due) != 0)
        return -1;
    char *atts = loa_store_ids_literal (in->attachment_ids, in->n_attachments);
    if (!atts)
        return -1;
    char phone[64], api_key[24], received[40], reg[24], fwd[24], ans[24];
    phone_digits (in->phone, phone, sizeof phone);
    snprintf (received, sizeof received, "%lld.%06ld", (long long) now.tv_sec, now.tv_nsec / 1000);
    loa_store_int_param (reg, due.registered_on);
    loa_store_int_param (fwd, due.forward_due_on);
    loa_store_int_param (ans, due.answer_due_on);
    int rc = -1;
    /* A taken code (about one chance in a billion a day) draws again. */
    for (int attempt = 0; attempt < 5; attempt++) {
        char code[24];
        tracking_code (now.tv_sec, code);
        const char *vals[] = {code,
                              in->kind,
                              in->title,
                              in->content,
                              in->name,
                              in->address,
                              in->phone,
                              in->email,
                              in->organization ? in->organization : "",
                              phone,
                              in->email,
                              in->procedure_code ? in->procedure_code : "",
                              in->regulation_ref ? in->regulation_ref : "",
                              atts,
                              in->channel,
                              loa_store_opt_int (api_key, in->api_key_id),
                              received,
                              reg,
                              fwd,
                              ans};
        PGresult *res = loa_store_run (db, WHO, "fb_insert", 20, vals, PGRES_TUPLES_OK);
        if (PQresultStatus (res) != PGRES_TUPLES_OK) {
            rc = loa_db_retryable (res) ? LOA_DB_RETRY : -1;
            PQclear (res);
            goto done;
        }
        if (PQntuples (res) == 0) {
            PQclear (res);
            continue;
        }
        feedback_store_free_receipt (c->out); /* a retried transaction's copy */
        c->out->id = int_at (res, 0, 0);
        c->out->tracking_code = strdup (code);
        c->out->status = strdup ("received");
        c->out->received_at = loa_store_dup (res, 0, 1, NULL);
        c->out->due_at = loa_store_dup (res, 0, 2, NULL);
        PQclear (res);
        if (!c->out->tracking_code || !c->out->status) {
            rc = -1;
            goto done;
        }
        rc = history_add (db, c->out->id, "received", "", "received", 0, 0, NULL, NULL);
        if (rc != 0)
            goto done;
        Loa__Feedback__FeedbackEvent ev = LOA__FEEDBACK__FEEDBACK_EVENT__INIT;
        ev.feedback_id = c->out->id;
        ev.tracking_code = c->out->tracking_code;
        ev.kind = (char *) in->kind;
        ev.status = (char *) "received";
        ev.received_at = c->out->received_at;
        ev.due_at = c->out->due_at;
        ev.at = c->out->received_at;
        ev.channel = (char *) in->channel;
        rc = event_add (db, "feedback.received", &ev);
        if (rc == 0)
            c->status = LOA_STORE_OK;
        goto done;
    }
    loa_error (NULL, "feedback store: five tracking codes taken in a row");
done:
    free (atts);
    return rc;
}

loa_store_status feedback_store_create (PGconn *db, const fb_new *in,
                                        Loa__Feedback__FeedbackReceipt *out)
{
    loa__feedback__feedback_receipt__init (out);
    create_ctx c = {in, out, LOA_STORE_ERROR};
    if (loa_store_tx (db, create_tx, &c, &c.status) != LOA_STORE_OK)
        feedback_store_free_receipt (out);
    return c.status;
}

/* ------------------------------------------------------------ reads */

static void fill_history_entry (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__FeedbackHistoryEntry *e = item;
    loa__feedback__feedback_history_entry__init (e);
    e->id = int_at (res, row, 0);
    e->action = loa_store_dup (res, row, 1, oom);
    e->from_status = loa_store_dup (res, row, 2, oom);
    e->to_status = loa_store_dup (res, row, 3, oom);
    e->actor_id = int_at (res, row, 4);
    e->unit_id = int_at (res, row, 5);
    e->reason = loa_store_dup (res, row, 6, oom);
    e->at = loa_store_dup (res, row, 7, oom);
    e->answer = loa_store_dup (res, row, 8, oom);
}

static loa_store_status load_history (PGconn *db, Loa__Feedback__Feedback *f)
{
    char id[24];
    loa_store_int_param (id, f->id);
    const char *vals[] = {id};
    return loa_store_rows (db, WHO, "fb_history", 1, vals,
                           sizeof (Loa__Feedback__FeedbackHistoryEntry), fill_history_entry,
                           (void ***) &f->history, &f->n_history);
}

/* The item by id (no history) into *out. */
static loa_store_status read_item (PGconn *db, int64_t id, Loa__Feedback__Feedback *out)
{
    char id_s[24], soon[24];
    loa_store_int_param (id_s, id);
    if (soon_param (db, soon) != 0)
        return LOA_STORE_ERROR;
    const char *vals[] = {id_s, soon};
    return loa_store_one (db, WHO, "fb_by_id", 2, vals, fill_feedback, out);
}

loa_store_status feedback_store_get (PGconn *db, int64_t id, int64_t own_unit,
                                     Loa__Feedback__Feedback *out)
{
    loa__feedback__feedback__init (out);
    loa_store_status st = read_item (db, id, out);
    if (st == LOA_STORE_OK && own_unit > 0 &&
        !(out->maybe_unit_id_case && out->unit_id == own_unit))
        st = LOA_STORE_FORBIDDEN;
    if (st == LOA_STORE_OK)
        st = load_history (db, out);
    if (st != LOA_STORE_OK)
        feedback_store_free (out);
    return st;
}

loa_store_status feedback_store_list (PGconn *db, const fb_filter *f,
                                      Loa__Feedback__FeedbackList *out)
{
    char unit[24], soon[24];
    if (soon_param (db, soon) != 0)
        return LOA_STORE_ERROR;
    const char *vals[] = {f->status,
                          loa_store_opt_int (unit, f->unit_id),
                          f->overdue < 0 ? NULL
                          : f->overdue   ? "true"
                                         : "false",
                          f->due_before,
                          f->from,
                          f->to,
                          f->q,
                          soon,
                          f->due_soon < 0 ? NULL
                          : f->due_soon   ? "true"
                                          : "false"};
    const loa_store_page_query q = {
        "fb_list", "fb_count", 35, 9, vals, sizeof (Loa__Feedback__Feedback), fill_feedback};
    out->page = f->page;
    out->per_page = f->per_page;
    return loa_store_page (db, WHO, &q, f->page, f->per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}

/* ------------------------------------------------------------ workflow */

typedef struct {
    int64_t id;
    const fb_step *step;
    Loa__Feedback__Feedback *out;
    loa_store_status status;
} step_ctx;

/* The action's own UPDATE. */
static int apply_step (PGconn *db, step_ctx *c, int32_t registered_on)
{
    const fb_step *s = c->step;
    char id[24], unit[24], actor[24], days[24];
    loa_store_int_param (id, c->id);
    const char *reason = s->reason ? s->reason : "";
    if (strcmp (s->action, "accepted") == 0) {
        loa_store_int_param (unit, s->unit_id);
        const char *uv[] = {unit};
        PGresult *res = loa_store_run (db, WHO, "fb_unit_active", 1, uv, PGRES_TUPLES_OK);
        if (PQresultStatus (res) != PGRES_TUPLES_OK) {
            int retry = loa_db_retryable (res);
            PQclear (res);
            return retry ? LOA_DB_RETRY : -1;
        }
        int active = PQntuples (res) == 1 && bool_at (res, 0, 0);
        PQclear (res);
        if (!active) {
            c->status = LOA_STORE_INVALID;
            return -1;
        }
        const char *vals[] = {id, unit};
        return loa_store_change (db, WHO, "fb_accept", 2, vals);
    }
    if (strcmp (s->action, "forwarded") == 0) {
        const char *vals[] = {id, s->to_agency, reason};
        return loa_store_change (db, WHO, "fb_forward", 3, vals);
    }
    if (strcmp (s->action, "rejected") == 0) {
        const char *vals[] = {id, s->reason_code, reason};
        return loa_store_change (db, WHO, "fb_reject", 3, vals);
    }
    if (strcmp (s->action, "answered") == 0) {
        int wd;
        if (fb_calendar_between (db, registered_on, today (), &wd) != 0)
            return -1;
        loa_store_int_param (actor, s->actor_id);
        loa_store_int_param (days, wd);
        const char *vals[] = {id, s->answer, s->publish ? "true" : "false", actor, days};
        return loa_store_change (db, WHO, "fb_answer", 5, vals);
    }
    if (strcmp (s->action, "approved") == 0) {
        const char *vals[] = {id};
        return loa_store_change (db, WHO, "fb_approve", 1, vals);
    }
    if (strcmp (s->action, "returned") == 0) {
        const char *vals[] = {id, reason};
        return loa_store_change (db, WHO, "fb_return", 2, vals);
    }
    if (strcmp (s->action, "closed") == 0) {
        const char *vals[] = {id, reason};
        return loa_store_change (db, WHO, "fb_close", 2, vals);
    }
    loa_error (NULL, "feedback store: unknown step %s", s->action);
    return -1;
}

static int step_events (PGconn *db, step_ctx *c, const char *from)
{
    const Loa__Feedback__Feedback *f = c->out;
    Loa__Feedback__FeedbackEvent ev = LOA__FEEDBACK__FEEDBACK_EVENT__INIT;
    ev.feedback_id = f->id;
    ev.tracking_code = f->tracking_code;
    ev.kind = f->kind;
    ev.from_status = (char *) from;
    ev.status = f->status;
    ev.unit_id = f->maybe_unit_id_case ? f->unit_id : 0;
    ev.received_at = f->received_at;
    ev.due_at = f->due_at;
    ev.at = f->updated_at;
    ev.actor_id = c->step->actor_id;
    ev.channel = f->channel;
    ev.answer_public = f->answer_publish;
    ev.answered_on_time = f->maybe_answered_on_time_case && f->answered_on_time;
    if (event_add (db, "feedback.status_changed", &ev) != 0)
        return -1;
    if (strcmp (f->status, "answered") == 0 && event_add (db, "feedback.answered", &ev) != 0)
        return -1;
    if (strcmp (f->status, "published") == 0 && event_add (db, "feedback.published", &ev) != 0)
        return -1;
    return 0;
}

static int step_tx (PGconn *db, void *arg)
{
    step_ctx *c = arg;
    const fb_step *s = c->step;
    c->status = LOA_STORE_ERROR;
    char id[24];
    loa_store_int_param (id, c->id);
    const char *vals[] = {id};
    PGresult *res = loa_store_run (db, WHO, "fb_lock", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        int retry = loa_db_retryable (res);
        PQclear (res);
        return retry ? LOA_DB_RETRY : -1;
    }
    if (PQntuples (res) == 0) {
        PQclear (res);
        c->status = LOA_STORE_NOT_FOUND;
        return -1;
    }
    char from[16];
    snprintf (from, sizeof from, "%s", PQgetvalue (res, 0, 0));
    int64_t unit = int_at (res, 0, 1);
    int32_t registered_on = (int32_t) int_at (res, 0, 2);
    PQclear (res);
    if (s->own_unit > 0 && unit != s->own_unit) {
        c->status = LOA_STORE_FORBIDDEN;
        return -1;
    }
    if (!loa_check_one_of (from, s->from)) {
        c->status = LOA_STORE_WRONG_STATE;
        return -1;
    }
    int rc = apply_step (db, c, registered_on);
    if (rc != 0)
        return rc;
    rc = history_add (db, c->id, s->action, from, s->to, s->actor_id,
                      strcmp (s->action, "accepted") == 0 ? s->unit_id : 0, s->reason,
                      strcmp (s->action, "answered") == 0 ? s->answer : NULL);
    if (rc != 0)
        return rc;
    feedback_store_free (c->out); /* a retried transaction's copy */
    loa_store_status st = read_item (db, c->id, c->out);
    if (st != LOA_STORE_OK)
        return -1;
    if ((st = load_history (db, c->out)) != LOA_STORE_OK)
        return -1;
    if (step_events (db, c, from) != 0)
        return -1;
    c->status = LOA_STORE_OK;
    return 0;
}

loa_store_status feedback_store_step (PGconn *db, int64_t id, const fb_step *step,
                                      Loa__Feedback__Feedback *out)
{
    loa__feedback__feedback__init (out);
    step_ctx c = {id, step, out, LOA_STORE_ERROR};
    if (loa_store_tx (db, step_tx, &c, &c.status) != LOA_STORE_OK)
        feedback_store_free (out);
    return c.status;
}

/* ------------------------------------------------------------ public */

static void fill_step (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__PublicStep *st = item;
    loa__feedback__public_step__init (st);
    st->status = loa_store_dup (res, row, 0, oom);
    st->at = loa_store_dup (res, row, 1, oom);
}

static loa_store_status load_steps (PGconn *db, Loa__Feedback__FeedbackPublic *p)
{
    char id[24];
    loa_store_int_param (id, p->id);
    const char *vals[] = {id};
    return loa_store_rows (db, WHO, "fb_steps", 1, vals, sizeof (Loa__Feedback__PublicStep),
                           fill_step, (void ***) &p->steps, &p->n_steps);
}

loa_store_status feedback_store_track (PGconn *db, const char *code,
                                       Loa__Feedback__FeedbackPublic *out)
{
    loa__feedback__feedback_public__init (out);
    const char *vals[] = {code};
    loa_store_status st = loa_store_one (db, WHO, "fb_track", 1, vals, fill_public, out);
    if (st == LOA_STORE_OK)
        st = load_steps (db, out);
    if (st != LOA_STORE_OK)
        feedback_store_free_public (out);
    return st;
}

loa_store_status feedback_store_public_list (PGconn *db, const fb_public_filter *f,
                                             Loa__Feedback__FeedbackPublicList *out)
{
    char *codes = f->n_codes ? loa_store_strings_literal (f->codes, f->n_codes) : NULL;
    char *statuses = f->n_statuses ? loa_store_strings_literal (f->statuses, f->n_statuses) : NULL;
    loa_store_status st = LOA_STORE_ERROR;
    if ((f->n_codes && !codes) || (f->n_statuses && !statuses))
        goto out;
    const char *vals[] = {codes, f->kind, statuses, f->start, f->end};
    const loa_store_page_query q = {
        "fb_public_list", "fb_public_count", 18, 5, vals, sizeof (Loa__Feedback__FeedbackPublic),
        fill_public};
    out->page = f->page;
    out->per_page = f->page_size;
    st = loa_store_page (db, WHO, &q, f->page, f->page_size, (void ***) &out->items, &out->n_items,
                         &out->total);
out:
    free (codes);
    free (statuses);
    return st;
}

/* ------------------------------------------------------------ ratings */

typedef struct {
    const char *code, *phone, *email, *comment;
    int score;
    loa_store_status status;
} rate_ctx;

static int rate_tx (PGconn *db, void *arg)
{
    rate_ctx *c = arg;
    c->status = LOA_STORE_ERROR;
    char phone[64];
    phone_digits (c->phone ? c->phone : "", phone, sizeof phone);
    const char *vals[] = {c->code, phone, c->email ? c->email : ""};
    PGresult *res = loa_store_run (db, WHO, "fb_rate_lock", 3, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        int retry = loa_db_retryable (res);
        PQclear (res);
        return retry ? LOA_DB_RETRY : -1;
    }
    if (PQntuples (res) == 0) {
        PQclear (res);
        c->status = LOA_STORE_NOT_FOUND;
        return -1;
    }
    int64_t id = int_at (res, 0, 0);
    char status[16];
    snprintf (status, sizeof status, "%s", PQgetvalue (res, 0, 1));
    int published = bool_at (res, 0, 2), rated = bool_at (res, 0, 3);
    int proven = bool_at (res, 0, 4) || bool_at (res, 0, 5);
    PQclear (res);
    /* The proof first: a stranger learns nothing of the item's state. */
    c->status = !proven      ? LOA_STORE_FORBIDDEN
                : !published ? LOA_STORE_WRONG_STATE
                : rated      ? LOA_STORE_CONFLICT
                             : LOA_STORE_OK;
    if (c->status != LOA_STORE_OK)
        return -1;
    char id_s[24], score[24];
    loa_store_int_param (id_s, id);
    loa_store_int_param (score, c->score);
    const char *uv[] = {id_s, score, c->comment ? c->comment : ""};
    int rc = loa_store_change (db, WHO, "fb_rate", 3, uv);
    if (rc == 0)
        rc = history_add (db, id, "rated", status, status, 0, 0, NULL, NULL);
    if (rc != 0)
        c->status = LOA_STORE_ERROR;
    return rc;
}

loa_store_status feedback_store_rate (PGconn *db, const char *code, const char *phone,
                                      const char *email, int score, const char *comment,
                                      Loa__Feedback__FeedbackPublic *out)
{
    rate_ctx c = {code, phone, email, comment, score, LOA_STORE_ERROR};
    if (loa_store_tx (db, rate_tx, &c, &c.status) != LOA_STORE_OK)
        return c.status;
    return feedback_store_track (db, code, out);
}

loa_store_status feedback_store_desk_rate (PGconn *db, const char *desk, const char *staff_code,
                                           int score, const char *comment, const char *client_addr,
                                           Loa__Feedback__DeskRating *out)
{
    loa__feedback__desk_rating__init (out);
    char score_s[24];
    loa_store_int_param (score_s, score);
    const char *vals[] = {desk ? desk : "", staff_code ? staff_code : "", score_s,
                          comment ? comment : "", client_addr ? client_addr : ""};
    PGresult *res = loa_store_run (db, WHO, "fb_desk_rate", 5, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    out->id = int_at (res, 0, 0);
    out->desk = loa_store_dup (res, 0, 1, NULL);
    out->staff_code = loa_store_dup (res, 0, 2, NULL);
    out->score = (int32_t) int_at (res, 0, 3);
    out->comment = loa_store_dup (res, 0, 4, NULL);
    out->rated_at = loa_store_dup (res, 0, 5, NULL);
    PQclear (res);
    return LOA_STORE_OK;
}

void feedback_store_free_desk_rating (Loa__Feedback__DeskRating *r)
{
    loa_store_free_message (&r->base);
}

static void fill_desk (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__DeskSummary *d = item;
    loa__feedback__desk_summary__init (d);
    d->desk = loa_store_dup (res, row, 0, oom);
    d->count = int_at (res, row, 1);
    d->mean = atof (PQgetvalue (res, row, 2));
}

loa_store_status feedback_store_rating_summary (PGconn *db, const char *from, const char *to,
                                                Loa__Feedback__RatingSummary *out)
{
    loa__feedback__rating_summary__init (out);
    const char *vals[] = {from, to};
    PGresult *res = loa_store_run (db, WHO, "fb_rating_summary", 2, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    out->by_score = calloc (5, sizeof *out->by_score);
    if (!out->by_score) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    out->n_by_score = 5;
    out->count = int_at (res, 0, 0);
    out->mean = atof (PQgetvalue (res, 0, 1));
    for (int i = 0; i < 5; i++)
        out->by_score[i] = int_at (res, 0, 2 + i);
    out->satisfied_share =
        out->count ? (double) (out->by_score[3] + out->by_score[4]) / (double) out->count : 0;
    out->feedback_ratings = int_at (res, 0, 7);
    out->feedback_mean = atof (PQgetvalue (res, 0, 8));
    PQclear (res);
    res = loa_store_run (db, WHO, "fb_rating_desks", 2, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        feedback_store_free_rating_summary (out);
        return LOA_STORE_ERROR;
    }
    int rc = loa_store_fill_rows (res, sizeof (Loa__Feedback__DeskSummary), fill_desk,
                                  (void ***) &out->desks, &out->n_desks);
    PQclear (res);
    if (rc != 0) {
        feedback_store_free_rating_summary (out);
        return LOA_STORE_ERROR;
    }
    return LOA_STORE_OK;
}

void feedback_store_free_rating_summary (Loa__Feedback__RatingSummary *s)
{
    loa_store_free_message (&s->base);
}

/* ------------------------------------------------------------ stats */

/* The share answered on time and the one-stop score (index 8): all on time
 * or none due -> 2, at least 90 % -> 1, else 0. */
static void score_row (Loa__Feedback__StatsRow *r)
{
    int64_t due = r->answered + r->overdue;
    r->on_time_share = due ? (double) r->on_time / (double) due : 1.0;
    r->score = r->on_time == due ? 2 : r->on_time * 10 >= due * 9 ? 1 : 0;
}

static void fill_stats_row (const PGresult *res, int row, Loa__Feedback__StatsRow *r)
{
    loa__feedback__stats_row__init (r);
    r->unit_id = int_at (res, row, 0);
    r->unit_name = loa_store_dup (res, row, 1, NULL);
    r->received = int_at (res, row, 2);
    r->status_received = int_at (res, row, 3);
    r->status_assigned = int_at (res, row, 4);
    r->status_forwarded = int_at (res, row, 5);
    r->status_rejected = int_at (res, row, 6);
    r->status_answered = int_at (res, row, 7);
    r->status_published = int_at (res, row, 8);
    r->status_closed = int_at (res, row, 9);
    r->answered = int_at (res, row, 10);
    r->on_time = int_at (res, row, 11);
    r->late = int_at (res, row, 12);
    r->overdue = int_at (res, row, 13);
    r->mean_working_days = atof (PQgetvalue (res, row, 14));
    r->ratings = int_at (res, row, 15);
    r->mean_rating = atof (PQgetvalue (res, row, 16));
    score_row (r);
}

loa_store_status feedback_store_stats (PGconn *db, const char *from, const char *to,
                                       int64_t unit_id, Loa__Feedback__Stats *out)
{
    loa__feedback__stats__init (out);
    char unit[24];
    const char *vals[] = {from, to, loa_store_opt_int (unit, unit_id)};
    PGresult *res = loa_store_run (db, WHO, "fb_stats", 3, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    int n = PQntuples (res);
    /* The total row (unit -1) sorts first; none at all when nothing was
     * received: then the total is zeros. */
    int has_total = n > 0 && int_at (res, 0, 0) == -1;
    size_t n_units = (size_t) (n - has_total);
    out->total = malloc (sizeof *out->total);
    if (!out->total ||
        !loa_store_list_block (n_units, sizeof (Loa__Feedback__StatsRow), (void ***) &out->units)) {
        PQclear (res);
        feedback_store_free_stats (out);
        return LOA_STORE_ERROR;
    }
    if (has_total) {
        fill_stats_row (res, 0, out->total);
        out->total->unit_id = 0;
        loa_store_free_str (out->total->unit_name);
        out->total->unit_name = strdup ("Tổng cộng");
        if (!out->total->unit_name)
            out->total->unit_name = (char *) protobuf_c_empty_string;
    } else {
        loa__feedback__stats_row__init (out->total);
        score_row (out->total);
    }
    for (int i = has_total; i < n; i++) {
        fill_stats_row (res, i, out->units[out->n_units]);
        out->n_units++;
    }
    PQclear (res);
    return LOA_STORE_OK;
}

void feedback_store_free_stats (Loa__Feedback__Stats *s) { loa_store_free_message (&s->base); }
