/* notify_digest: the daily digests of feedback deadlines (docs/
 * notifications.md, "Staff"), from a periodic sweep rather than from
 * events (a deadline passes without one): once a day, from
 * LOA_NOTIFY_DIGEST_AT (07:30, Vietnam's time), each unit's handlers are
 * told of their items overdue or due within two working days, and the
 * Inspectorate of every unit's overdue items; one notification each, not
 * one per item. */
#ifndef NOTIFY_DIGEST_H
#define NOTIFY_DIGEST_H

#include <libpq-fe.h>

#include "feedback.pb-c.h"

/* The sweep (loa_tick_fn): past the hour and not yet done today, asks
 * feedback-svc (feedback.digest) and tells. 0 or -1 (logged). */
int notify_digest_tick (PGconn *db, void *arg);

/* Tells the staff of `items` for day `day` ("2026-12-07"), in one
 * transaction on `db`: per unit with items, its handlers (kind
 * feedback.due); when any is overdue, the inspectors (feedback.overdue).
 * A unit already told that day, or the Inspectorate, is not told again.
 * Returns how many digests went (>= 0), or -1. */
int notify_digest_send (PGconn *db, const char *day, Loa__Feedback__Feedback *const *items,
                        size_t n_items);

#endif
