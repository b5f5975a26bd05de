/* calendar_store: the SQL of the working-day calendar (calendar_days) and
 * the deadline rules (deadline_rules), feedback-svc. PGresult never leaves
 * this file; rows are copied into protobuf messages that the caller frees
 * with the matching *_free function (which re-initialises them, so freeing
 * twice is harmless). Every write, the version bump its triggers make and
 * its event (outbox) commit in one transaction. */
#ifndef CALENDAR_STORE_H
#define CALENDAR_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.pb-c.h"
#include "loa_calendar.h"

/* Prepares the statements on a worker's connection (deadlines.c needs them
 * too). 0 or -1. */
int calendar_store_prepare (PGconn *db);

/* ------------------------------------------------------------ calendar */

/* The special days of `year`, by date, into *out (free with
 * calendar_store_free_year). 0 or -1 (logged). */
int calendar_store_get_year (PGconn *db, int year, Loa__Feedback__CalendarYear *out);

/* Replaces the special days of `year` by the n `days` (already validated:
 * real dates of that year, known types, no date twice) in one transaction,
 * written by user `user_id`, with the event "calendar.updated"; *out gets
 * the year as stored. 0 or -1 (logged). */
int calendar_store_put_year (PGconn *db, int year, Loa__Feedback__CalendarDay *const *days,
                             size_t n, int64_t user_id, Loa__Feedback__CalendarYear *out);
void calendar_store_free_year (Loa__Feedback__CalendarYear *year);

/* ------------------------------------------------------------ rules */

/* One row of deadline_rules as the arithmetic needs it. */
typedef struct {
    int32_t effective_from; /* a day (see calendar.h) */
    int forward_working_days;
    int answer_working_days;
    int cutoff_minutes; /* after local midnight */
} calendar_rule;

/* The rules in force today (Asia/Ho_Chi_Minh, the database's clock) and
 * every row, the latest effective_from first, into *out (free with
 * calendar_store_free_rules). When every row starts in the future, the
 * earliest is the one "in force". 0 or -1 (logged). */
int calendar_store_get_rules (PGconn *db, Loa__Feedback__DeadlineRulesReply *out);

/* Writes a rules row (cutoff "HH:MM", effective_from "YYYY-MM-DD", both
 * valid), replacing the row of the same effective_from, by user `user_id`,
 * with the event "deadlines.updated"; then *out as calendar_store_get_rules
 * gives it. 0 or -1 (logged). */
int calendar_store_put_rules (PGconn *db, int forward_working_days, int answer_working_days,
                              const char *cutoff, const char *effective_from, int64_t user_id,
                              Loa__Feedback__DeadlineRulesReply *out);
void calendar_store_free_rules (Loa__Feedback__DeadlineRulesReply *rules);

/* ------------------------------------------------------------ copies */

/* The counter every write of calendar_days or deadline_rules bumps. 0 or -1
 * (logged). */
int calendar_store_version (PGconn *db, int64_t *version);

/* Everything the arithmetic needs, with the counter read first (so that
 * the copy is never older than the counter it carries): every special day
 * (sorted) and every rules row (by effective_from, earliest first). The
 * caller frees *days and *rules (malloc'ed; NULL when there are none).
 * 0 or -1 (logged; nothing to free then). */
int calendar_store_load (PGconn *db, int64_t *version, loa_calendar_day **days, size_t *n_days,
                         calendar_rule **rules, size_t *n_rules);

#endif
