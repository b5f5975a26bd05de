/* feedback_store, the statements and the intake: every prepared statement
 * of the store (its three files share them), a new item with its tracking
 * code, deadlines, first history entry and event, and desk ratings. */
#include "feedback_store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deadlines.h"
#include "feedback_store_int.h"
#include "loa_calendar.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"

/* Day n (days since 1970-01-01, local) as SQL: the date, and the end of
 * that day as an instant (a deadline "on day n" lasts until 23:59:59). */
#define DAY(p) "(date '1970-01-01' + " p "::integer)"
#define END_OF_DAY(p)                                                                              \
    "((" DAY (p) " + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' - interval '1 second')"

/* Not yet answered: what `overdue` and `due_soon` are about. */
#define OPEN_ITEM "f.status IN ('received', 'assigned')"

/* The staff view (0..35); $soon is the parameter giving the last day that
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
              "rfc3339(f.closed_at), f.rating, rfc3339(f.updated_at), f.version, "                 \
              "coalesce(f.recorded_by, 0)"
#define FB_FROM " FROM feedback f LEFT JOIN units u ON u.unit_id = f.unit_id "

/* Staff list filters: $1 status, $2 unit, $3 overdue, $4 due_before,
 * $5 from, $6 to, $7 q, $8 soon day, $9 due_soon, $10 channel. */
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
    " AND f.due_at >= now() AND f.due_at <= " END_OF_DAY (                                         \
        "$8") ") = $9) "                                                                           \
              "AND ($10::text IS NULL OR f.channel = $10) "

/* The public view (0..18): the answer only once published with `publish`;
 * CODE is the tracking code's column (the public list shows only the codes
 * its caller gave). */
#define PUB_COLS(CODE)                                                                             \
    "f.id, " CODE ", f.kind, f.title, f.status, rfc3339(f.received_at), "                          \
    "rfc3339(f.due_at), f.unit_id, coalesce(u.name, ''), f.forwarded_to, "                         \
    "CASE WHEN f.published_at IS NOT NULL AND f.answer_publish THEN f.answer END, "                \
    "rfc3339(f.published_at), rfc3339(f.closed_at), f.rating, "                                    \
    "(f.published_at IS NOT NULL AND f.rating IS NULL), rfc3339(f.updated_at), "                   \
    "f.procedure_code, f.registered_on::text, count(*) OVER ()"

/* The public may see an item whose answer is published, or one whose
 * tracking code it gives ($1); $6 are public numbers (ids). */
#define PUB_PUBLISHED "(f.published_at IS NOT NULL AND f.answer_publish)"
#define PUB_WHERE                                                                                  \
    "WHERE (($1::text[] IS NULL AND $6::bigint[] IS NULL AND " PUB_PUBLISHED ") "                  \
    "OR f.tracking_code = ANY ($1) OR (f.id = ANY ($6) AND " PUB_PUBLISHED ")) "                   \
    "AND ($2::text IS NULL OR f.kind = $2) "                                                       \
    "AND ($3::text[] IS NULL OR f.status = ANY ($3)) "                                             \
    "AND ($4::timestamptz IS NULL OR f.received_at >= $4) "                                        \
    "AND ($5::timestamptz IS NULL OR f.received_at <= $5) "

/* The portal's published answers (0..10): what the public may read of an
 * item whose answer is published. $1 unit, $2 q (folded full text of the
 * title, content and answer, or a close match of the folded title: a typo,
 * trigram word similarity at pg_trgm's threshold as articles' titles;
 * decision 0041). The near match has no index of its own: it is tested on
 * the published answers only (feedback_answers' rows), a small set. */
#define ANS_COLS                                                                                   \
    "f.id, f.kind, f.title, f.content, f.answer, rfc3339(f.received_at), "                         \
    "rfc3339(f.answered_at), rfc3339(f.published_at), coalesce(f.unit_id, 0), "                    \
    "coalesce(u.name, ''), f.procedure_code"
#define ANS_FROM FB_FROM
#define ANS_PUBLISHED "f.published_at IS NOT NULL AND f.answer_publish"
#define ANS_WHERE                                                                                  \
    "WHERE " ANS_PUBLISHED " AND ($1::bigint IS NULL OR f.unit_id = $1) "                          \
    "AND ($2::text IS NULL OR f.answer_search @@ plainto_tsquery('simple', fold($2)) "             \
    "OR fold(f.title) OPERATOR(public.%>) fold($2)) "

/* Step updates: $1 id, then each its own. */
#define STEP_SET "UPDATE feedback SET updated_at = now(), version = version + 1, status = "

static const loa_stmt statements[] = {
    {"fb_insert",
     "INSERT INTO feedback (tracking_code, kind, title, content, submitter_name, "
     "submitter_address, submitter_phone, submitter_email, submitter_org, phone_digits, "
     "email_lower, procedure_code, regulation_ref, attachment_ids, channel, api_key_id, "
     "received_at, registered_on, forward_due_at, due_at, recorded_by, id) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, lower($11), $12, $13, $14::bigint[], $15, "
     "$16::bigint, to_timestamp($17::double precision), " DAY ("$18") ", " END_OF_DAY (
         "$19") ", " END_OF_DAY ("$20") ", $21::bigint, "
                                        "coalesce($22::bigint, "
                                        "nextval(pg_get_serial_sequence('feedback', 'id')))) ON "
                                        "CONFLICT (tracking_code) DO NOTHING "
                                        "RETURNING id, rfc3339(received_at), rfc3339(due_at)"},
    {"fb_next_id", "SELECT nextval(pg_get_serial_sequence('feedback', 'id'))"},
    {"fb_attachment_add", "INSERT INTO feedback_attachments (id, feedback_id, sha256, mime, size) "
                          "VALUES ($1::bigint, $2::bigint, $3, $4, $5::bigint)"},
    {"fb_attachments", "SELECT id, mime, size FROM feedback_attachments WHERE feedback_id = $1 "
                       "ORDER BY id"},
    {"fb_attachment",
     "SELECT a.id, a.mime, a.size, a.sha256, a.feedback_id, coalesce(f.unit_id, 0) "
     "FROM feedback_attachments a JOIN feedback f ON f.id = a.feedback_id WHERE a.id = $1"},
    {"fb_history_add",
     "INSERT INTO feedback_history (feedback_id, action, from_status, to_status, actor_id, "
     "unit_id, reason, answer) VALUES ($1, $2, $3, $4, $5, $6::bigint, $7, $8)"},
    {"fb_by_id", "SELECT " FB_COLS ("$2") FB_FROM "WHERE f.id = $1"},
    {"fb_history",
     "SELECT id, action, from_status, to_status, actor_id, coalesce(unit_id, 0), reason, "
     "rfc3339(at), answer FROM feedback_history WHERE feedback_id = $1 ORDER BY id"},
    {"fb_list",
     "SELECT " FB_COLS ("$8") ", count(*) OVER ()" FB_FROM LIST_WHERE
                              "ORDER BY f.received_at DESC, f.id DESC LIMIT $11 OFFSET $12"},
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
    {"fb_track", "SELECT " PUB_COLS ("f.tracking_code") FB_FROM "WHERE f.tracking_code = $1"},
    {"fb_steps", "SELECT to_status, rfc3339(at) FROM feedback_history WHERE feedback_id = $1 "
                 "AND from_status <> to_status ORDER BY id"},
    {"fb_public_list",
     "SELECT " PUB_COLS (
         "CASE WHEN f.tracking_code = ANY ($1::text[]) THEN f.tracking_code ELSE '' END")
         FB_FROM PUB_WHERE "ORDER BY f.received_at DESC, f.id DESC LIMIT $7 OFFSET $8"},
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
     "AND ($4::text IS NULL OR f.channel = $4) "
     "GROUP BY GROUPING SETS ((f.unit_id), ()) ORDER BY 1"},
    /* The same period's items (of the unit) by channel, whatever the
     * channel asked: the breakdown. */
    {"fb_stats_channels",
     "SELECT f.channel, count(*) FROM feedback f "
     "WHERE f.received_at >= $1::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
     "AND f.received_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' "
     "AND ($3::bigint IS NULL OR f.unit_id = $3) GROUP BY f.channel"},
    /* Published answers (the portal): never a submitter's field nor the
     * tracking code. */
    {"fb_answers", "SELECT " ANS_COLS ", count(*) OVER ()" ANS_FROM ANS_WHERE
                   "ORDER BY CASE WHEN $2::text IS NULL THEN 0 "
                   "ELSE ts_rank(f.answer_search, plainto_tsquery('simple', fold($2))) END DESC, "
                   "CASE WHEN $2::text IS NULL THEN 0 "
                   "ELSE public.word_similarity(fold($2), fold(f.title)) END DESC, "
                   "f.published_at DESC, f.id DESC LIMIT $3 OFFSET $4"},
    {"fb_answers_count", "SELECT count(*) FROM feedback f " ANS_WHERE},
    {"fb_answer_by_id", "SELECT " ANS_COLS ANS_FROM "WHERE " ANS_PUBLISHED " AND f.id = $1"},
    {NULL, NULL},
};

int feedback_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

/* ------------------------------------------------------------ helpers */

int32_t fb_today (void) { return loa_calendar_local_day (time (NULL)); }

int fb_soon_param (PGconn *db, char buf[24])
{
    int32_t soon;
    if (fb_calendar_add (db, fb_today (), 2, &soon) != 0)
        return -1;
    loa_store_int_param (buf, soon);
    return 0;
}

/* ------------------------------------------------------------ intake */

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

void fb_phone_digits (const char *phone, char *out, size_t cap)
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

int fb_history_add (PGconn *db, int64_t id, const char *action, const char *from, const char *to,
                    int64_t actor, int64_t unit, const char *reason, const char *answer)
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
    return loa_store_defer (db, WHO, "fb_history_add", 8, vals);
}

/* Run pipelined (loa_db.h): BEGIN travels with the calendar's version
 * (when deadlines.c reads it) or with fb_insert, and the history row and
 * the event, deferred, with the COMMIT. */
static int create_tx (PGconn *db, void *arg)
{
    create_ctx *c = arg;
    const fb_new *in = c->in;
    c->status = LOA_STORE_ERROR;
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    /* Received on an earlier day (the reception office, a letter): at the
     * start of that local day, so that the day counts as the citizen's
     * (registered on it when it was a working day). */
    if (in->received_on > 0 && in->received_on < loa_calendar_local_day (now.tv_sec)) {
        now.tv_sec = (time_t) in->received_on * 86400 - LOA_CALENDAR_UTC_OFFSET_S;
        now.tv_nsec = 0;
    }
    fb_due due;
    if (fb_deadlines_for (db, now.tv_sec, &due) != 0)
        return -1;
    char *atts = loa_store_ids_literal (in->attachment_ids, in->n_attachments);
    if (!atts)
        return -1;
    char phone[64], api_key[24], received[40], reg[24], fwd[24], ans[24], recorder[24], item_id[24];
    fb_phone_digits (in->phone, phone, sizeof phone);
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
                              ans,
                              loa_store_opt_int (recorder, in->recorded_by),
                              loa_store_opt_int (item_id, in->id)};
        PGresult *res = loa_store_run (db, WHO, "fb_insert", 22, vals, PGRES_TUPLES_OK);
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
        c->out->id = fb_int_at (res, 0, 0);
        c->out->tracking_code = strdup (code);
        c->out->status = strdup ("received");
        c->out->received_at = loa_store_dup (res, 0, 1, NULL);
        c->out->due_at = loa_store_dup (res, 0, 2, NULL);
        PQclear (res);
        if (!c->out->tracking_code || !c->out->status) {
            rc = -1;
            goto done;
        }
        rc = fb_history_add (db, c->out->id, "received", "", "received", in->recorded_by, 0, NULL,
                             NULL);
        if (rc != 0)
            goto done;
        for (size_t i = 0; in->id > 0 && i < in->n_attachments && rc == 0; i++) {
            const fb_attachment *a = &in->attachments[i];
            char att[24], item[24], size[24];
            loa_store_int_param (att, a->id);
            loa_store_int_param (item, c->out->id);
            loa_store_int_param (size, a->size);
            const char *avals[] = {att, item, a->sha256, a->mime, size};
            rc = loa_store_defer (db, WHO, "fb_attachment_add", 5, avals);
        }
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
        ev.actor_id = in->recorded_by;
        rc = loa_outbox_add (db, "feedback.received", &ev.base);
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
    if (loa_store_tx_pipelined (db, create_tx, &c, &c.status) != LOA_STORE_OK)
        feedback_store_free_receipt (out);
    return c.status;
}

void feedback_store_free_receipt (Loa__Feedback__FeedbackReceipt *r)
{
    loa_store_free_message (&r->base);
}

int feedback_store_next_id (PGconn *db, int64_t *id)
{
    PGresult *res = loa_store_run (db, WHO, "fb_next_id", 0, NULL, PGRES_TUPLES_OK);
    int ok = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1;
    if (ok)
        *id = fb_int_at (res, 0, 0);
    PQclear (res);
    return ok ? 0 : -1;
}

static void fill_attachment_file (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__Attachment *a = item;
    loa__feedback__attachment__init (a);
    a->id = fb_int_at (res, row, 0);
    a->mime = loa_store_dup (res, row, 1, oom);
    a->size = fb_int_at (res, row, 2);
    a->sha256 = loa_store_dup (res, row, 3, oom);
    a->feedback_id = fb_int_at (res, row, 4);
}

loa_store_status feedback_store_attachment (PGconn *db, int64_t id, Loa__Feedback__Attachment *out,
                                            int64_t *unit_id)
{
    loa__feedback__attachment__init (out);
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    PGresult *res = loa_store_run (db, WHO, "fb_attachment", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    if (PQntuples (res) == 0) {
        PQclear (res);
        return LOA_STORE_NOT_FOUND;
    }
    int oom = 0;
    fill_attachment_file (res, 0, out, &oom);
    *unit_id = fb_int_at (res, 0, 5);
    PQclear (res);
    if (oom) {
        loa_store_free_message (&out->base);
        return LOA_STORE_ERROR;
    }
    return LOA_STORE_OK;
}

/* ------------------------------------------------------------ desk ratings */

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
    out->id = fb_int_at (res, 0, 0);
    out->desk = loa_store_dup (res, 0, 1, NULL);
    out->staff_code = loa_store_dup (res, 0, 2, NULL);
    out->score = (int32_t) fb_int_at (res, 0, 3);
    out->comment = loa_store_dup (res, 0, 4, NULL);
    out->rated_at = loa_store_dup (res, 0, 5, NULL);
    PQclear (res);
    return LOA_STORE_OK;
}

void feedback_store_free_desk_rating (Loa__Feedback__DeskRating *r)
{
    loa_store_free_message (&r->base);
}
