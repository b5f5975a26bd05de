/* feedback_store, the reads: the staff's view of items (one with its
 * history, a filtered page), the public's (tracking, Open311's list), the
 * ratings' summary and the stats. The statements are feedback_store.c's. */
#include "feedback_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback_store_int.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_store.h"

/* ------------------------------------------------------------ items */

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
    f->id = fb_int_at (res, row, 0);
    f->tracking_code = loa_store_dup (res, row, 1, oom);
    f->kind = loa_store_dup (res, row, 2, oom);
    f->title = loa_store_dup (res, row, 3, oom);
    f->content = loa_store_dup (res, row, 4, oom);
    f->procedure_code = loa_store_dup (res, row, 10, oom);
    f->regulation_ref = loa_store_dup (res, row, 11, oom);
    f->attachment_ids = loa_store_ids (PQgetvalue (res, row, 12), &f->n_attachment_ids, oom);
    f->channel = loa_store_dup (res, row, 13, oom);
    f->status = loa_store_dup (res, row, 14, oom);
    if (!PQgetisnull (res, row, 15)) {
        f->maybe_unit_id_case = LOA__FEEDBACK__FEEDBACK__MAYBE_UNIT_ID_UNIT_ID;
        f->unit_id = fb_int_at (res, row, 15);
    }
    f->unit_name = loa_store_dup (res, row, 16, oom);
    f->received_at = loa_store_dup (res, row, 17, oom);
    f->registered_on = loa_store_dup (res, row, 18, oom);
    f->forward_due_at = loa_store_dup (res, row, 19, oom);
    f->due_at = loa_store_dup (res, row, 20, oom);
    f->overdue = fb_bool_at (res, row, 21);
    f->due_soon = fb_bool_at (res, row, 22);
    f->forwarded_to = loa_store_dup (res, row, 23, oom);
    f->reject_reason_code = loa_store_dup (res, row, 24, oom);
    f->status_reason = loa_store_dup (res, row, 25, oom);
    if (!PQgetisnull (res, row, 26)) {
        f->maybe_answer_case = LOA__FEEDBACK__FEEDBACK__MAYBE_ANSWER_ANSWER;
        f->answer = loa_store_dup (res, row, 26, oom);
    }
    f->answer_publish = fb_bool_at (res, row, 27);
    if (!PQgetisnull (res, row, 28)) {
        f->maybe_answered_at_case = LOA__FEEDBACK__FEEDBACK__MAYBE_ANSWERED_AT_ANSWERED_AT;
        f->answered_at = loa_store_dup (res, row, 28, oom);
    }
    if (!PQgetisnull (res, row, 29)) {
        f->maybe_answered_on_time_case =
            LOA__FEEDBACK__FEEDBACK__MAYBE_ANSWERED_ON_TIME_ANSWERED_ON_TIME;
        f->answered_on_time = fb_bool_at (res, row, 29);
    }
    if (!PQgetisnull (res, row, 30)) {
        f->maybe_published_at_case = LOA__FEEDBACK__FEEDBACK__MAYBE_PUBLISHED_AT_PUBLISHED_AT;
        f->published_at = loa_store_dup (res, row, 30, oom);
    }
    if (!PQgetisnull (res, row, 31)) {
        f->maybe_closed_at_case = LOA__FEEDBACK__FEEDBACK__MAYBE_CLOSED_AT_CLOSED_AT;
        f->closed_at = loa_store_dup (res, row, 31, oom);
    }
    if (!PQgetisnull (res, row, 32)) {
        f->maybe_rating_case = LOA__FEEDBACK__FEEDBACK__MAYBE_RATING_RATING;
        f->rating = (int32_t) fb_int_at (res, row, 32);
    }
    f->updated_at = loa_store_dup (res, row, 33, oom);
    f->version = fb_int_at (res, row, 34);
    f->recorded_by = fb_int_at (res, row, 35);
}

void feedback_store_free (Loa__Feedback__Feedback *f) { loa_store_free_message (&f->base); }

void feedback_store_free_list (Loa__Feedback__FeedbackList *l)
{
    loa_store_free_message (&l->base);
}

static void fill_history_entry (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__FeedbackHistoryEntry *e = item;
    loa__feedback__feedback_history_entry__init (e);
    e->id = fb_int_at (res, row, 0);
    e->action = loa_store_dup (res, row, 1, oom);
    e->from_status = loa_store_dup (res, row, 2, oom);
    e->to_status = loa_store_dup (res, row, 3, oom);
    e->actor_id = fb_int_at (res, row, 4);
    e->unit_id = fb_int_at (res, row, 5);
    e->reason = loa_store_dup (res, row, 6, oom);
    e->at = loa_store_dup (res, row, 7, oom);
    e->answer = loa_store_dup (res, row, 8, oom);
}

loa_store_status fb_load_history (PGconn *db, Loa__Feedback__Feedback *f)
{
    char id[24];
    loa_store_int_param (id, f->id);
    const char *vals[] = {id};
    return loa_store_rows (db, WHO, "fb_history", 1, vals,
                           sizeof (Loa__Feedback__FeedbackHistoryEntry), fill_history_entry,
                           (void ***) &f->history, &f->n_history);
}

static void fill_attachment (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__Attachment *a = item;
    loa__feedback__attachment__init (a);
    a->id = fb_int_at (res, row, 0);
    a->mime = loa_store_dup (res, row, 1, oom);
    a->size = fb_int_at (res, row, 2);
}

/* Item f's attachments (id, type, size) into f->attachments. */
static loa_store_status load_attachments (PGconn *db, Loa__Feedback__Feedback *f)
{
    char id[24];
    loa_store_int_param (id, f->id);
    const char *vals[] = {id};
    return loa_store_rows (db, WHO, "fb_attachments", 1, vals, sizeof (Loa__Feedback__Attachment),
                           fill_attachment, (void ***) &f->attachments, &f->n_attachments);
}

loa_store_status fb_read_item (PGconn *db, int64_t id, Loa__Feedback__Feedback *out)
{
    char id_s[24], soon[24];
    loa_store_int_param (id_s, id);
    if (fb_soon_param (db, soon) != 0)
        return LOA_STORE_ERROR;
    const char *vals[] = {id_s, soon};
    return loa_store_one (db, WHO, "fb_by_id", 2, vals, fill_feedback, out);
}

loa_store_status feedback_store_get (PGconn *db, int64_t id, int64_t own_unit,
                                     Loa__Feedback__Feedback *out)
{
    loa__feedback__feedback__init (out);
    loa_store_status st = fb_read_item (db, id, out);
    if (st == LOA_STORE_OK && own_unit > 0 &&
        !(out->maybe_unit_id_case && out->unit_id == own_unit))
        st = LOA_STORE_FORBIDDEN;
    if (st == LOA_STORE_OK)
        st = fb_load_history (db, out);
    if (st == LOA_STORE_OK)
        st = load_attachments (db, out);
    if (st != LOA_STORE_OK)
        feedback_store_free (out);
    return st;
}

loa_store_status feedback_store_list (PGconn *db, const fb_filter *f,
                                      Loa__Feedback__FeedbackList *out)
{
    char unit[24], soon[24];
    if (fb_soon_param (db, soon) != 0)
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
                                          : "false",
                          f->channel};
    const loa_store_page_query q = {
        "fb_list", "fb_count", 36, 10, vals, sizeof (Loa__Feedback__Feedback), fill_feedback};
    out->page = f->page;
    out->per_page = f->per_page;
    return loa_store_page (db, WHO, &q, f->page, f->per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}

/* ------------------------------------------------------------ public */

static void fill_public (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__FeedbackPublic *p = item;
    loa__feedback__feedback_public__init (p);
    p->id = fb_int_at (res, row, 0);
    p->tracking_code = loa_store_dup (res, row, 1, oom);
    p->kind = loa_store_dup (res, row, 2, oom);
    p->title = loa_store_dup (res, row, 3, oom);
    p->status = loa_store_dup (res, row, 4, oom);
    p->received_at = loa_store_dup (res, row, 5, oom);
    p->due_at = loa_store_dup (res, row, 6, oom);
    if (!PQgetisnull (res, row, 7)) {
        p->maybe_unit_id_case = LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_UNIT_ID_UNIT_ID;
        p->unit_id = fb_int_at (res, row, 7);
    }
    p->unit_name = loa_store_dup (res, row, 8, oom);
    p->forwarded_to = loa_store_dup (res, row, 9, oom);
    if (!PQgetisnull (res, row, 10)) {
        p->maybe_answer_case = LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_ANSWER_ANSWER;
        p->answer = loa_store_dup (res, row, 10, oom);
    }
    if (!PQgetisnull (res, row, 11)) {
        p->maybe_published_at_case =
            LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_PUBLISHED_AT_PUBLISHED_AT;
        p->published_at = loa_store_dup (res, row, 11, oom);
    }
    if (!PQgetisnull (res, row, 12)) {
        p->maybe_closed_at_case = LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_CLOSED_AT_CLOSED_AT;
        p->closed_at = loa_store_dup (res, row, 12, oom);
    }
    if (!PQgetisnull (res, row, 13)) {
        p->maybe_rating_case = LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_RATING_RATING;
        p->rating = (int32_t) fb_int_at (res, row, 13);
    }
    p->can_rate = fb_bool_at (res, row, 14);
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
    char *numbers = f->n_numbers ? loa_store_ids_literal (f->numbers, f->n_numbers) : NULL;
    loa_store_status st = LOA_STORE_ERROR;
    if ((f->n_codes && !codes) || (f->n_statuses && !statuses) || (f->n_numbers && !numbers))
        goto out;
    const char *vals[] = {codes, f->kind, statuses, f->start, f->end, numbers};
    const loa_store_page_query q = {
        "fb_public_list", "fb_public_count", 18, 6, vals, sizeof (Loa__Feedback__FeedbackPublic),
        fill_public};
    out->page = f->page;
    out->per_page = f->page_size;
    st = loa_store_page (db, WHO, &q, f->page, f->page_size, (void ***) &out->items, &out->n_items,
                         &out->total);
out:
    free (codes);
    free (statuses);
    free (numbers);
    return st;
}

/* ------------------------------------------------------------ ratings */

static void fill_desk (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__DeskSummary *d = item;
    loa__feedback__desk_summary__init (d);
    d->desk = loa_store_dup (res, row, 0, oom);
    d->count = fb_int_at (res, row, 1);
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
    out->count = fb_int_at (res, 0, 0);
    out->mean = atof (PQgetvalue (res, 0, 1));
    for (int i = 0; i < 5; i++)
        out->by_score[i] = fb_int_at (res, 0, 2 + i);
    out->satisfied_share =
        out->count ? (double) (out->by_score[3] + out->by_score[4]) / (double) out->count : 0;
    out->feedback_ratings = fb_int_at (res, 0, 7);
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
    r->unit_id = fb_int_at (res, row, 0);
    r->unit_name = loa_store_dup (res, row, 1, NULL);
    r->received = fb_int_at (res, row, 2);
    r->status_received = fb_int_at (res, row, 3);
    r->status_assigned = fb_int_at (res, row, 4);
    r->status_forwarded = fb_int_at (res, row, 5);
    r->status_rejected = fb_int_at (res, row, 6);
    r->status_answered = fb_int_at (res, row, 7);
    r->status_published = fb_int_at (res, row, 8);
    r->status_closed = fb_int_at (res, row, 9);
    r->answered = fb_int_at (res, row, 10);
    r->on_time = fb_int_at (res, row, 11);
    r->late = fb_int_at (res, row, 12);
    r->overdue = fb_int_at (res, row, 13);
    r->mean_working_days = atof (PQgetvalue (res, row, 14));
    r->ratings = fb_int_at (res, row, 15);
    r->mean_rating = atof (PQgetvalue (res, row, 16));
    score_row (r);
}

/* Every channel, in the order the stats give them. */
static const char *const CHANNELS[] = {"web", "open311", "walk_in", "phone", "letter", "email"};
#define N_CHANNELS (sizeof CHANNELS / sizeof CHANNELS[0])

/* The period's items of the unit (or all) by channel, every channel. */
static int stats_channels (PGconn *db, const char *const vals[3], Loa__Feedback__Stats *out)
{
    PGresult *res = loa_store_run (db, WHO, "fb_stats_channels", 3, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK ||
        !loa_store_list_block (N_CHANNELS, sizeof (Loa__Feedback__ChannelCount),
                               (void ***) &out->channels)) {
        PQclear (res);
        return -1;
    }
    int oom = 0;
    for (size_t i = 0; i < N_CHANNELS; i++) {
        Loa__Feedback__ChannelCount *c = out->channels[i];
        loa__feedback__channel_count__init (c);
        out->n_channels++;
        c->channel = strdup (CHANNELS[i]);
        if (!c->channel) {
            c->channel = (char *) protobuf_c_empty_string;
            oom = 1;
        }
        for (int r = 0; r < PQntuples (res); r++)
            if (strcmp (PQgetvalue (res, r, 0), CHANNELS[i]) == 0)
                c->received = fb_int_at (res, r, 1);
    }
    PQclear (res);
    return oom ? -1 : 0;
}

loa_store_status feedback_store_stats (PGconn *db, const char *from, const char *to,
                                       int64_t unit_id, const char *channel,
                                       Loa__Feedback__Stats *out)
{
    loa__feedback__stats__init (out);
    char unit[24];
    const char *vals[] = {from, to, loa_store_opt_int (unit, unit_id), channel};
    PGresult *res = loa_store_run (db, WHO, "fb_stats", 4, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    int n = PQntuples (res);
    /* The total row (unit -1) sorts first; none at all when nothing was
     * received: then the total is zeros. */
    int has_total = n > 0 && fb_int_at (res, 0, 0) == -1;
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
    if (stats_channels (db, vals, out) != 0) {
        feedback_store_free_stats (out);
        return LOA_STORE_ERROR;
    }
    return LOA_STORE_OK;
}

void feedback_store_free_stats (Loa__Feedback__Stats *s) { loa_store_free_message (&s->base); }

/* ------------------------------------------------------------ answers */

static void fill_answer (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__PublishedAnswer *a = item;
    loa__feedback__published_answer__init (a);
    a->id = fb_int_at (res, row, 0);
    a->kind = loa_store_dup (res, row, 1, oom);
    a->title = loa_store_dup (res, row, 2, oom);
    a->content = loa_store_dup (res, row, 3, oom);
    a->answer = loa_store_dup (res, row, 4, oom);
    a->received_at = loa_store_dup (res, row, 5, oom);
    a->answered_at = loa_store_dup (res, row, 6, oom);
    a->published_at = loa_store_dup (res, row, 7, oom);
    a->unit_id = fb_int_at (res, row, 8);
    a->unit_name = loa_store_dup (res, row, 9, oom);
    a->procedure_code = loa_store_dup (res, row, 10, oom);
}

loa_store_status feedback_store_answers (PGconn *db, const fb_answers_filter *f,
                                         Loa__Feedback__PublishedAnswerList *out)
{
    char unit[24];
    const char *vals[] = {loa_store_opt_int (unit, f->unit_id), f->q};
    const loa_store_page_query q = {
        "fb_answers", "fb_answers_count", 11, 2, vals, sizeof (Loa__Feedback__PublishedAnswer),
        fill_answer};
    out->page = f->page;
    out->per_page = f->per_page;
    return loa_store_page (db, WHO, &q, f->page, f->per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}

loa_store_status feedback_store_answer_get (PGconn *db, int64_t id,
                                            Loa__Feedback__PublishedAnswer *out)
{
    loa__feedback__published_answer__init (out);
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    return loa_store_one (db, WHO, "fb_answer_by_id", 1, vals, fill_answer, out);
}

void feedback_store_free_answers (Loa__Feedback__PublishedAnswerList *l)
{
    loa_store_free_message (&l->base);
}

void feedback_store_free_answer (Loa__Feedback__PublishedAnswer *a)
{
    loa_store_free_message (&a->base);
}
