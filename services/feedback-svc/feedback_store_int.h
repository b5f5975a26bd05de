/* What feedback_store.c, feedback_flow_store.c and feedback_view.c (one
 * store, in three files) share; the prepared statements are all in
 * feedback_store.c's table. Not for other modules. */
#ifndef FEEDBACK_STORE_INT_H
#define FEEDBACK_STORE_INT_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "feedback.pb-c.h"
#include "loa_store.h"

#define WHO "feedback store"

/* Today, as a day number in Asia/Ho_Chi_Minh (loa_calendar). */
int32_t fb_today (void);

/* The last day that counts as "due soon", two working days from today, as
 * the text parameter the staff's statements take. 0 or -1. */
int fb_soon_param (PGconn *db, char buf[24]);

static inline int64_t fb_int_at (const PGresult *res, int row, int col)
{
    return atoll (PQgetvalue (res, row, col));
}

static inline int fb_bool_at (const PGresult *res, int row, int col)
{
    return PQgetvalue (res, row, col)[0] == 't';
}

/* The digits of a phone number (at most cap - 1): what a rating must
 * repeat of the submission's. */
void fb_phone_digits (const char *phone, char *out, size_t cap);

/* Adds item `id`'s history entry (unit 0: none; reason and answer may be
 * NULL). 0, LOA_DB_RETRY or -1; in a pipelined transaction deferred
 * (loa_store_defer): 0 when queued, its failure fails the COMMIT. */
int fb_history_add (PGconn *db, int64_t id, const char *action, const char *from, const char *to,
                    int64_t actor, int64_t unit, const char *reason, const char *answer);

/* Item `id` without its history into *out (initialised; loa_store_one).
 * OK, NOT_FOUND or ERROR. */
loa_store_status fb_read_item (PGconn *db, int64_t id, Loa__Feedback__Feedback *out);

/* Item f's history into f->history. OK or ERROR. */
loa_store_status fb_load_history (PGconn *db, Loa__Feedback__Feedback *f);

#endif
