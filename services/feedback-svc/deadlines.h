/* deadlines: the working-day calendar (services/common/loa_calendar.h) and the
 * deadline rules as feedback-svc applies them to an item.
 *
 * The calendar (table calendar_days) and the rules (deadline_rules, with
 * history) live in the database, editable by an admin; each process keeps
 * a copy, reloaded when the database says it changed (a version number, read
 * at most once a second, and at once after this process's own writes), so
 * replicas agree within a second.
 *
 * Counting (docs/api/feedback.md): deadlines count working days from the day after
 * receipt; an item received after the cut-off time, or on a day off, is
 * registered on the next working day; weekends, holidays and compensatory
 * days are skipped, working Saturdays count. Days are numbered from
 * 1970-01-01 in Asia/Ho_Chi_Minh (see loa_calendar_*). */
#ifndef FB_DEADLINES_H
#define FB_DEADLINES_H

#include <libpq-fe.h>
#include <stdint.h>

typedef struct {
    int32_t registered_on; /* day 0 of the counting */
    int32_t forward_due_on; /* the last day to forward (forward_working_days) */
    int32_t answer_due_on; /* the last day to answer (answer_working_days) */
    int forward_working_days;
    int answer_working_days;
    int cutoff_minutes; /* minutes after local midnight, e.g. 900 for 15:00 */
} fb_due;

/* The deadlines of an item received at `received_unix` (seconds since the
 * epoch), under the rules effective on its day of receipt and the calendar
 * as it stands. 0, or -1 (logged). May run inside the caller's
 * transaction. */
int fb_deadlines_for (PGconn *db, int64_t received_unix, fb_due *out);

/* The day `n` (>= 0) working days after day `from`. 0 or -1. */
int fb_calendar_add (PGconn *db, int32_t from, int n, int32_t *out);

/* The number of working days in (from, to]; 0 when to <= from. 0 or -1. */
int fb_calendar_between (PGconn *db, int32_t from, int32_t to, int *out);

/* The calendar and rules above come from a copy shared by the process's
 * threads; `db` must have calendar_store_prepare's statements. This frees
 * the copy (the next call loads it again): at exit, so that nothing is left
 * allocated, or when the database behind it changes. */
void fb_deadlines_reset (void);

/* This process changed the calendar or the rules (committed): the next
 * call reads the version again instead of trusting a copy checked less
 * than a second ago. */
void fb_deadlines_changed (void);

#endif
