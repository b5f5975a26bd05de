/* notify_events: what notify-svc makes of the other services' events: for
 * each moment someone must hear of, the deliveries to queue, each rendered
 * from its templates (notify_templates.h) and keyed by the event, so that
 * an event applied again queues nothing twice (docs/notifications.md). */
#ifndef NOTIFY_EVENTS_H
#define NOTIFY_EVENTS_H

#include <libpq-fe.h>
#include <stdint.h>

#include "common.pb-c.h"

/* feedback-svc's events (loa_event_apply): the citizen's receipt, and word
 * when the item is forwarded, rejected or its answer published. Asks
 * feedback-svc (feedback.contact) whom to write to; -1 while it cannot
 * answer (the event is applied again later, nothing skipped). */
int notify_feedback_apply (PGconn *db, const Loa__Event *event, void *arg);

/* media-svc's events (loa_event_apply): every package version that enters
 * a broadcaster's feed (new, corrected, withheld, canceled) queued for
 * that broadcaster's webhook, when it has one. */
int notify_media_apply (PGconn *db, const Loa__Event *event, void *arg);

/* A webhook's test payload for broadcaster `id` (Standard Webhooks' {type,
 * timestamp, data}): a new string (the caller's), NULL when memory runs
 * out. */
char *notify_events_webhook_test_body (int64_t id);

/* Every template of the kinds above renders (start-up). 0 or -1 (logged). */
int notify_events_check_templates (void);

/* The public link of an item's tracking page (LOA_PUBLIC_URL), into out. */
void notify_track_url (const char *tracking_code, char *out, size_t out_len);

#endif
