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

static void fill_unit (const PGresult *res, int row, Loa__Content__Unit *u)
{
    loa__content__unit__init (u);
    u->id = atoll (PQgetvalue (res, row, 0));
    u->code = loa_store_dup (res, row, 1, NULL);
    u->name = loa_store_dup (res, row, 2, NULL);
    u->description = loa_store_dup (res, row, 3, NULL);
    u->is_active = PQgetvalue (res, row, 4)[0] == 't';
    u->created_at = loa_store_dup (res, row, 5, NULL);
    u->updated_at = loa_store_dup (res, row, 6, NULL);
}

void content_store_free_unit (Loa__Content__Unit *u) { loa_store_free_message (&u->base); }

/* A page of `stmt` (LIMIT $1 OFFSET $2, the window count in column
 * `count_col`) into one loa_store_list_block of items filled by `fill`. */
static loa_store_status list_page (PGconn *db, const char *stmt, const char *count_stmt,
                                   int count_col, int page, int per_page, size_t item_size,
                                   loa_store_fill_fn fill, void ***items, size_t *n_items,
                                   int64_t *total)
{
    char limit[24], offset[24];
    loa_store_int_param (limit, per_page);
    loa_store_int_param (offset, (long long) (page - 1) * per_page);
    const char *vals[] = {limit, offset};
    PGresult *res = loa_store_run (db, "content store", stmt, 2, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return LOA_STORE_ERROR;
    }
    *total = loa_store_page_total (db, "content store", res, count_col, count_stmt, 0, NULL);
    int rc = *total < 0 ? -1 : loa_store_fill_rows (res, item_size, fill, items, n_items);
    PQclear (res);
    return rc == 0 ? LOA_STORE_OK : LOA_STORE_ERROR;
}

static void fill_unit_item (const PGresult *res, int row, void *item)
{
    fill_unit (res, row, item);
}

loa_store_status content_store_list_units (PGconn *db, int page, int per_page,
                                           Loa__Content__UnitList *out)
{
    out->page = page;
    out->per_page = per_page;
    return list_page (db, "units_list", "units_count", 7, page, per_page,
                      sizeof (Loa__Content__Unit), fill_unit_item, (void ***) &out->items,
                      &out->n_items, &out->total);
}

void content_store_free_units (Loa__Content__UnitList *list)
{
    loa_store_free_message (&list->base);
}

static void fill_topic (const PGresult *res, int row, void *item)
{
    Loa__Content__Topic *t = item;
    loa__content__topic__init (t);
    t->id = atoll (PQgetvalue (res, row, 0));
    t->code = loa_store_dup (res, row, 1, NULL);
    t->name = loa_store_dup (res, row, 2, NULL);
    t->is_cchc = PQgetvalue (res, row, 3)[0] == 't';
}

loa_store_status content_store_list_topics (PGconn *db, int page, int per_page,
                                            Loa__Content__TopicList *out)
{
    out->page = page;
    out->per_page = per_page;
    return list_page (db, "topics_list", "topics_count", 4, page, per_page,
                      sizeof (Loa__Content__Topic), fill_topic, (void ***) &out->items,
                      &out->n_items, &out->total);
}

void content_store_free_topics (Loa__Content__TopicList *list)
{
    loa_store_free_message (&list->base);
}

loa_store_status content_store_get_unit (PGconn *db, int64_t id, Loa__Content__Unit *out)
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    const char *vals[] = {id_s};
    loa__content__unit__init (out);
    PGresult *res = loa_store_run (db, "content store", "unit_get", 1, vals, PGRES_TUPLES_OK);
    loa_store_status st = PQresultStatus (res) != PGRES_TUPLES_OK ? LOA_STORE_ERROR
                          : PQntuples (res) == 0                  ? LOA_STORE_NOT_FOUND
                                                                  : LOA_STORE_OK;
    if (st == LOA_STORE_OK)
        fill_unit (res, 0, out);
    PQclear (res);
    return st;
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
    PGresult *res = loa_store_run (db, "content store", w->stmt, w->n, w->vals, PGRES_TUPLES_OK);
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
    content_store_free_unit (w->out); /* a retried attempt's copy */
    fill_unit (res, 0, w->out);
    PQclear (res);
    Loa__Content__UnitEvent ev = LOA__CONTENT__UNIT_EVENT__INIT;
    ev.unit = w->out;
    if (loa_outbox_add (db, w->topic, &ev.base) != 0) {
        w->status = LOA_STORE_ERROR;
        return -1;
    }
    w->status = LOA_STORE_OK;
    return 0;
}

static loa_store_status unit_write_run (PGconn *db, unit_write *w)
{
    loa__content__unit__init (w->out);
    w->status = LOA_STORE_ERROR;
    int rc = loa_db_tx (db, unit_write_tx, w);
    if (rc != 0 && w->status == LOA_STORE_OK)
        w->status = LOA_STORE_ERROR; /* COMMIT failed */
    if (w->status != LOA_STORE_OK)
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
    snprintf (id, sizeof id, "%lld", (long long) in->id);
    const char *vals[] = {id, in->code, in->name, in->description,
                          in->has_is_active ? (in->is_active ? "true" : "false") : NULL};
    unit_write w = {"unit_update", 5, vals, "unit.updated", out, LOA_STORE_ERROR};
    return unit_write_run (db, &w);
}
