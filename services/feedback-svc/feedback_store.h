/* feedback_store: the SQL of feedback items, their history and ratings.
 * Rows are copied into protobuf messages the caller frees with the matching
 * _free function. Every write is one transaction with its history row and
 * its events (outbox), so a 201 means all of it is committed and a crash
 * leaves nothing half written. One store in three files: feedback_store.c
 * (statements, intake: items and desk ratings), feedback_flow_store.c (the
 * workflow's steps, the submitter's rating), feedback_view.c (reads: the
 * staff's and the public's, the ratings' summary, the stats). */
#ifndef FEEDBACK_STORE_H
#define FEEDBACK_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "feedback.pb-c.h"
#include "loa_store.h"

/* A citizen's attachment as media-svc gave it to the item (claimed). */
typedef struct {
    int64_t id, size;
    const char *sha256, *mime;
} fb_attachment;

/* A new item, checked by the caller. */
typedef struct {
    const char *kind, *title, *content;
    const char *name, *address, *phone, *email, *organization;
    const char *procedure_code, *regulation_ref;
    const int64_t *attachment_ids;
    size_t n_attachments;
    const char *channel; /* web | open311 | walk_in | phone | letter | email */
    int64_t api_key_id; /* 0: none */
    int64_t recorded_by; /* the staff member recording it (not web, open311); else 0 */
    int32_t received_on; /* staff's channels: the day of receipt (loa_calendar day, not after
                            today); today or 0: now */
    int64_t id; /* reserved by feedback_store_next_id (attachments claimed for it), or 0 */
    const fb_attachment *attachments; /* n_attachments of them when id > 0 */
} fb_new;

/* A staff list's filters (NULL / 0 / -1: any). */
typedef struct {
    int page, per_page;
    const char *status;
    int64_t unit_id;
    int overdue, due_soon; /* -1 any, 0 false, 1 true */
    const char *due_before, *from, *to, *q;
    const char *channel;
} fb_filter;

/* The portal's published answers: a page, q (NULL: all), a unit (0: any). */
typedef struct {
    int page, per_page;
    const char *q;
    int64_t unit_id;
} fb_answers_filter;

/* One workflow step. `from` lists the statuses it applies to (NULL-ended);
 * `own_unit` > 0 restricts it to that unit's items (a handler). */
typedef struct {
    const char *action; /* accepted, forwarded, rejected, answered, approved, returned, closed */
    const char *to;
    const char *const *from;
    int64_t actor_id, own_unit;
    int64_t unit_id; /* accepted */
    const char *to_agency, *reason_code, *reason, *answer;
    int publish;
} fb_step;

/* Open311's public list. Dates are RFC 3339 or YYYY-MM-DD, NULL for none.
 * Without codes or numbers it lists only items whose answer is published;
 * `codes` (tracking codes: the caller knows them) match whatever the
 * status, `numbers` (ids) only items whose answer is published. An item's
 * tracking code is in the output only when the caller gave it. */
typedef struct {
    const char *const *codes;
    size_t n_codes;
    const int64_t *numbers;
    size_t n_numbers;
    const char *kind;
    const char *const *statuses;
    size_t n_statuses;
    const char *start, *end;
    int page, page_size;
} fb_public_filter;

int feedback_store_prepare (PGconn *db);

/* An id for an item about to be filed (its attachments are claimed for it
 * first): 0, or -1 (logged). */
int feedback_store_next_id (PGconn *db, int64_t *id);

/* The attachment `id` with its item's id and unit (*unit_id 0: none), for
 * the staff's reading rule. OK, NOT_FOUND, ERROR. */
loa_store_status feedback_store_attachment (PGconn *db, int64_t id, Loa__Feedback__Attachment *out,
                                            int64_t *unit_id);

/* Files a new item with its tracking code, deadlines, first history entry
 * and feedback.received event. */
loa_store_status feedback_store_create (PGconn *db, const fb_new *in,
                                        Loa__Feedback__FeedbackReceipt *out);
void feedback_store_free_receipt (Loa__Feedback__FeedbackReceipt *r);

/* One item with its history. `own_unit` > 0: LOA_STORE_FORBIDDEN for other units'. */
loa_store_status feedback_store_get (PGconn *db, int64_t id, int64_t own_unit,
                                     Loa__Feedback__Feedback *out);
loa_store_status feedback_store_list (PGconn *db, const fb_filter *f,
                                      Loa__Feedback__FeedbackList *out);
void feedback_store_free (Loa__Feedback__Feedback *f);
void feedback_store_free_list (Loa__Feedback__FeedbackList *l);

/* Applies a workflow step to item `id`: the status change, its history
 * entry and its events in one transaction; *out gets the item after.
 * NOT_FOUND, FORBIDDEN (another unit's item), WRONG_STATE (the step does
 * not apply in the item's status), INVALID (accept: no such active unit). */
loa_store_status feedback_store_step (PGconn *db, int64_t id, const fb_step *step,
                                      Loa__Feedback__Feedback *out);

/* Public tracking: never personal data. The public list is INVALID when
 * PostgreSQL cannot read one of its dates. */
loa_store_status feedback_store_track (PGconn *db, const char *code,
                                       Loa__Feedback__FeedbackPublic *out);
loa_store_status feedback_store_public_list (PGconn *db, const fb_public_filter *f,
                                             Loa__Feedback__FeedbackPublicList *out);
void feedback_store_free_public (Loa__Feedback__FeedbackPublic *p);
void feedback_store_free_public_list (Loa__Feedback__FeedbackPublicList *l);

/* The submitter's rating of a published answer: `phone` (digits only) or
 * `email` (lower case) must match the submission; once only. NOT_FOUND,
 * FORBIDDEN (neither matches), WRONG_STATE (not published), CONFLICT
 * (already rated). */
loa_store_status feedback_store_rate (PGconn *db, const char *code, const char *phone,
                                      const char *email, int score, const char *comment,
                                      Loa__Feedback__FeedbackPublic *out);

/* One-stop desk ratings. */
loa_store_status feedback_store_desk_rate (PGconn *db, const char *desk, const char *staff_code,
                                           int score, const char *comment, const char *client_addr,
                                           Loa__Feedback__DeskRating *out);
void feedback_store_free_desk_rating (Loa__Feedback__DeskRating *r);
/* from/to: YYYY-MM-DD, inclusive. */
loa_store_status feedback_store_rating_summary (PGconn *db, const char *from, const char *to,
                                                Loa__Feedback__RatingSummary *out);
void feedback_store_free_rating_summary (Loa__Feedback__RatingSummary *s);

/* Per unit and in total, for items received from..to (inclusive), one unit
 * or all (unit_id 0), one channel or all (NULL); with the count of each
 * channel (of the unit, every channel). */
loa_store_status feedback_store_stats (PGconn *db, const char *from, const char *to,
                                       int64_t unit_id, const char *channel,
                                       Loa__Feedback__Stats *out);

/* The portal's published answers, newest publication first (q: the best
 * matches first); one by id (NOT_FOUND unless its answer is published). */
loa_store_status feedback_store_answers (PGconn *db, const fb_answers_filter *f,
                                         Loa__Feedback__PublishedAnswerList *out);
loa_store_status feedback_store_answer_get (PGconn *db, int64_t id,
                                            Loa__Feedback__PublishedAnswer *out);
void feedback_store_free_answers (Loa__Feedback__PublishedAnswerList *l);
void feedback_store_free_answer (Loa__Feedback__PublishedAnswer *a);
void feedback_store_free_stats (Loa__Feedback__Stats *s);

#endif
