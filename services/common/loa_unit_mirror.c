#include "loa_unit_mirror.h"

#include <stdio.h>
#include <string.h>

#include "content.pb-c.h"
#include "loa_db.h"
#include "loa_log.h"

/* Runs on the subscriber's own connection (not a worker's), so it is
 * parameterised but not prepared: events are rare next to requests. */
static int upsert (PGconn *db, const Loa__Content__Unit *unit, uint64_t seq)
{
    char id[24], seq_s[24];
    snprintf (id, sizeof id, "%lld", (long long) unit->id);
    snprintf (seq_s, sizeof seq_s, "%llu", (unsigned long long) seq);
    const char *vals[] = {id, unit->code, unit->name, unit->is_active ? "true" : "false", seq_s};
    PGresult *res = PQexecParams (
        db,
        "INSERT INTO units (unit_id, code, name, is_active, event_seq) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (unit_id) DO UPDATE SET code = excluded.code, name = excluded.name, "
        "is_active = excluded.is_active, event_seq = excluded.event_seq, updated_at = now() "
        "WHERE units.event_seq < excluded.event_seq",
        5, NULL, vals, NULL, NULL, 0);
    int ok = PQresultStatus (res) == PGRES_COMMAND_OK;
    if (!ok)
        loa_error (NULL, "unit mirror: upsert unit %s: %s", id, loa_db_error (res));
    PQclear (res);
    return ok ? 0 : -1;
}

int loa_unit_mirror_apply (PGconn *db, const Loa__Event *event, void *arg)
{
    (void) arg;
    if (strcmp (event->topic, "unit.created") != 0 && strcmp (event->topic, "unit.updated") != 0)
        return 0;
    Loa__Content__UnitEvent *ev =
        loa__content__unit_event__unpack (NULL, event->payload.len, event->payload.data);
    if (!ev || !ev->unit) {
        loa_error (NULL, "unit mirror: undecodable %s event seq %llu skipped", event->topic,
                   (unsigned long long) event->seq);
        if (ev)
            loa__content__unit_event__free_unpacked (ev, NULL);
        return 0;
    }
    int rc = upsert (db, ev->unit, event->seq);
    loa__content__unit_event__free_unpacked (ev, NULL);
    return rc;
}
