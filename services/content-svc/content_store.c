#include "content_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"

#define UNIT_COLS "id, code, name, description, is_active, rfc3339(created_at), rfc3339(updated_at)"

static const loa_stmt statements[] = {
    {"units_count", "SELECT count(*) FROM units"},
    {"units_list",
     "SELECT " UNIT_COLS ", count(*) OVER () FROM units ORDER BY id LIMIT $1 OFFSET $2"},
    {"unit_get", "SELECT " UNIT_COLS " FROM units WHERE id = $1"},
    {"unit_insert",
     "INSERT INTO units (code, name, description, is_active) VALUES ($1, $2, $3, $4) "
     "RETURNING " UNIT_COLS},
    {"unit_update", "UPDATE units SET code = coalesce($2, code), name = coalesce($3, name), "
                    "description = coalesce($4, description), "
                    "is_active = coalesce($5::boolean, is_active), updated_at = now() "
                    "WHERE id = $1 RETURNING " UNIT_COLS},
    {"topics_count", "SELECT count(*) FROM topics"},
    {"topics_list", "SELECT id, code, name, is_cchc, count(*) OVER () FROM topics "
                    "ORDER BY sort_order, id LIMIT $1 OFFSET $2"},
    {NULL, NULL},
};

int content_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

#define WHO "content store"

static void fill_unit (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Content__Unit *u = item;
    loa__content__unit__init (u);
    u->id = atoll (PQgetvalue (res, row, 0));
    u->code = loa_store_dup (res, row, 1, oom);
    u->name = loa_store_dup (res, row, 2, oom);
    u->description = loa_store_dup (res, row, 3, oom);
    u->is_active = PQgetvalue (res, row, 4)[0] == 't';
    u->created_at = loa_store_dup (res, row, 5, oom);
    u->updated_at = loa_store_dup (res, row, 6, oom);
}

void content_store_free_unit (Loa__Content__Unit *u) { loa_store_free_message (&u->base); }

loa_store_status content_store_list_units (PGconn *db, int page, int per_page,
                                           Loa__Content__UnitList *out)
{
    static const loa_store_page_query q = {
        "units_list", "units_count", 7, 0, NULL, sizeof (Loa__Content__Unit), fill_unit};
    out->page = page;
    out->per_page = per_page;
    return loa_store_page (db, WHO, &q, page, per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}

void content_store_free_units (Loa__Content__UnitList *list)
{
    loa_store_free_message (&list->base);
}

static void fill_topic (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Content__Topic *t = item;
    loa__content__topic__init (t);
    t->id = atoll (PQgetvalue (res, row, 0));
    t->code = loa_store_dup (res, row, 1, oom);
    t->name = loa_store_dup (res, row, 2, oom);
    t->is_cchc = PQgetvalue (res, row, 3)[0] == 't';
}

loa_store_status content_store_list_topics (PGconn *db, int page, int per_page,
                                            Loa__Content__TopicList *out)
{
    static const loa_store_page_query q = {
        "topics_list", "topics_count", 4, 0, NULL, sizeof (Loa__Content__Topic), fill_topic};
    out->page = page;
    out->per_page = per_page;
    return loa_store_page (db, WHO, &q, page, per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}

void content_store_free_topics (Loa__Content__TopicList *list)
{
    loa_store_free_message (&list->base);
}

loa_store_status content_store_get_unit (PGconn *db, int64_t id, Loa__Content__Unit *out)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    loa__content__unit__init (out);
    return loa_store_one (db, WHO, "unit_get", 1, vals, fill_unit, out);
}

/* ------------------------------------------------------------ writes */

typedef struct {
    const char *stmt;
    int n;
    const char *const *vals;
    const char *topic;
    Loa__Content__Unit *out;
    loa_store_status status;
} unit_write;

/* One transaction: the change and its event commit together or not at all. */
static int unit_write_tx (PGconn *db, void *arg)
{
    unit_write *w = arg;
    PGresult *res = loa_store_run (db, WHO, w->stmt, w->n, w->vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        w->status = loa_db_is_state (res, "23505") ? LOA_STORE_CONFLICT : LOA_STORE_ERROR;
        int retry = loa_db_retryable (res);
        PQclear (res);
        return retry ? LOA_DB_RETRY : -1;
    }
    if (PQntuples (res) == 0) {
        w->status = LOA_STORE_NOT_FOUND;
        PQclear (res);
        return -1;
    }
    int oom = 0;
    content_store_free_unit (w->out); /* a retried attempt's copy */
    fill_unit (res, 0, w->out, &oom);
    PQclear (res);
    Loa__Content__UnitEvent ev = LOA__CONTENT__UNIT_EVENT__INIT;
    ev.unit = w->out;
    if (oom || loa_outbox_add (db, w->topic, &ev.base) != 0) {
        w->status = LOA_STORE_ERROR;
        return -1;
    }
    w->status = LOA_STORE_OK;
    return 0;
}

static loa_store_status unit_write_run (PGconn *db, unit_write *w)
{
    loa__content__unit__init (w->out);
    if (loa_store_tx (db, unit_write_tx, w, &w->status) != LOA_STORE_OK)
        content_store_free_unit (w->out);
    return w->status;
}

loa_store_status content_store_create_unit (PGconn *db, const Loa__Content__CreateUnitRequest *in,
                                            Loa__Content__Unit *out)
{
    const char *vals[] = {in->code, in->name, in->description ? in->description : "",
                          (!in->has_is_active || in->is_active) ? "true" : "false"};
    unit_write w = {"unit_insert", 4, vals, "unit.created", out, LOA_STORE_ERROR};
    return unit_write_run (db, &w);
}

loa_store_status content_store_update_unit (PGconn *db, const Loa__Content__UpdateUnitRequest *in,
                                            Loa__Content__Unit *out)
{
    char id[24];
    loa_store_int_param (id, in->id);
    const char *vals[] = {id, in->code, in->name, in->description,
                          in->has_is_active ? (in->is_active ? "true" : "false") : NULL};
    unit_write w = {"unit_update", 5, vals, "unit.updated", out, LOA_STORE_ERROR};
    return unit_write_run (db, &w);
}
