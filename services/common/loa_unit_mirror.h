/* loa_unit_mirror: a service's own copy of content-svc's units, kept from the
 * unit.created / unit.updated events (docs/architecture.md: no service reads another's
 * schema). The table is the service's own, created by its migrations:
 *   units (unit_id bigint PRIMARY KEY, code text, name text,
 *          is_active boolean, event_seq bigint, updated_at timestamptz)
 * An event older than the row (by seq) changes nothing, so replays are
 * harmless. */
#ifndef LOA_UNIT_MIRROR_H
#define LOA_UNIT_MIRROR_H

#include <libpq-fe.h>

#include "common.pb-c.h"

/* A loa_event_apply (subscriber.h) for content-svc's events: applies the
 * unit events and ignores every other topic. 0, or -1 when the database
 * failed (the subscriber retries). An undecodable payload is logged and
 * skipped: retrying would not make it readable. */
int loa_unit_mirror_apply (PGconn *db, const Loa__Event *event, void *arg);

#endif
