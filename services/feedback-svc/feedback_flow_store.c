/* feedback_store, the workflow: a step (accept, forward, reject, answer,
 * approve, return, close) on the locked item with its history entry and
 * events, and the submitter's rating of a published answer, each in one
 * transaction. The statements are feedback_store.c's. */
#include "feedback_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadlines.h"
#include "feedback_store_int.h"
#include "loa_check.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"

/* ------------------------------------------------------------ steps */

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
        int active = PQntuples (res) == 1 && fb_bool_at (res, 0, 0);
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
        if (fb_calendar_between (db, registered_on, fb_today (), &wd) != 0)
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
    if (loa_outbox_add (db, "feedback.status_changed", &ev.base) != 0)
        return -1;
    if (strcmp (f->status, "answered") == 0 &&
        loa_outbox_add (db, "feedback.answered", &ev.base) != 0)
        return -1;
    if (strcmp (f->status, "published") == 0 &&
        loa_outbox_add (db, "feedback.published", &ev.base) != 0)
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
    int64_t unit = fb_int_at (res, 0, 1);
    int32_t registered_on = (int32_t) fb_int_at (res, 0, 2);
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
    rc = fb_history_add (db, c->id, s->action, from, s->to, s->actor_id,
                         strcmp (s->action, "accepted") == 0 ? s->unit_id : 0, s->reason,
                         strcmp (s->action, "answered") == 0 ? s->answer : NULL);
    if (rc != 0)
        return rc;
    feedback_store_free (c->out); /* a retried transaction's copy */
    loa_store_status st = fb_read_item (db, c->id, c->out);
    if (st != LOA_STORE_OK)
        return -1;
    if ((st = fb_load_history (db, c->out)) != LOA_STORE_OK)
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

/* ------------------------------------------------------------ the submitter's rating */

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
    fb_phone_digits (c->phone ? c->phone : "", phone, sizeof phone);
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
    int64_t id = fb_int_at (res, 0, 0);
    char status[16];
    snprintf (status, sizeof status, "%s", PQgetvalue (res, 0, 1));
    int published = fb_bool_at (res, 0, 2), rated = fb_bool_at (res, 0, 3);
    int proven = fb_bool_at (res, 0, 4) || fb_bool_at (res, 0, 5);
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
        rc = fb_history_add (db, id, "rated", status, status, 0, 0, NULL, NULL);
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
