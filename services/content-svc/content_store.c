#include "content_store.h"

#include "article_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "outbox.h"

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

int content_store_prepare (PGconn *db)
{
    if (loa_db_prepare (db, statements) != 0)
        return -1;
    return article_store_prepare (db);
}

static PGresult *run (PGconn *db, const char *stmt, int n, const char *const *vals,
                      ExecStatusType expect)
{
    PGresult *res = PQexecPrepared (db, stmt, n, vals, NULL, NULL, 0);
    if (PQresultStatus (res) != expect) {
        if (!loa_db_is_state (res, "23505"))
            loa_error (NULL, "content store: %s: %s", stmt, PQresultErrorMessage (res));
        return res; /* the caller looks at the state, then clears */
    }
    return res;
}

static char *dup_value (const PGresult *res, int row, int col)
{
    return strdup (PQgetvalue (res, row, col));
}

static long long count_rows (PGconn *db, const char *stmt)
{
    PGresult *res = run (db, stmt, 0, NULL, PGRES_TUPLES_OK);
    long long n = PQresultStatus (res) == PGRES_TUPLES_OK ? atoll (PQgetvalue (res, 0, 0)) : -1;
    PQclear (res);
    return n;
}

/* The total of a paged list: the window count in column `col` of any row,
 * or, for a page past the end, a count of its own. */
static long long page_total (PGconn *db, const PGresult *res, int col, const char *count_stmt)
{
    if (PQntuples (res) > 0)
        return atoll (PQgetvalue (res, 0, col));
    return count_rows (db, count_stmt);
}

static void fill_unit (const PGresult *res, int row, Loa__Content__Unit *u)
{
    loa__content__unit__init (u);
    u->id = atoll (PQgetvalue (res, row, 0));
    u->code = dup_value (res, row, 1);
    u->name = dup_value (res, row, 2);
    u->description = dup_value (res, row, 3);
    u->is_active = PQgetvalue (res, row, 4)[0] == 't';
    u->created_at = dup_value (res, row, 5);
    u->updated_at = dup_value (res, row, 6);
}

/* Init'ed messages point string fields at protobuf_c_empty_string. */
static void free_str (char *s)
{
    if (s != protobuf_c_empty_string)
        free (s);
}

void content_store_free_unit (Loa__Content__Unit *u)
{
    free_str (u->code);
    free_str (u->name);
    free_str (u->description);
    free_str (u->created_at);
    free_str (u->updated_at);
    loa__content__unit__init (u);
}

/* LIMIT and OFFSET as text parameters for a page. */
static void page_params (int page, int per_page, char limit[24], char offset[24])
{
    snprintf (limit, 24, "%d", per_page);
    snprintf (offset, 24, "%lld", (long long) (page - 1) * per_page);
}

store_status content_store_list_units (PGconn *db, int page, int per_page,
                                       Loa__Content__UnitList *out)
{
    char limit[24], offset[24];
    page_params (page, per_page, limit, offset);
    const char *vals[] = {limit, offset};
    PGresult *res = run (db, "units_list", 2, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return STORE_ERROR;
    }
    int n = PQntuples (res);
    long long total = page_total (db, res, 7, "units_count");
    if (total < 0) {
        PQclear (res);
        return STORE_ERROR;
    }
    out->total = total;
    out->page = page;
    out->per_page = per_page;
    out->n_items = 0;
    out->items = calloc ((size_t) n + 1, sizeof *out->items);
    Loa__Content__Unit *units = calloc ((size_t) n + 1, sizeof *units);
    if (!out->items || !units) {
        free (out->items);
        free (units);
        out->items = NULL;
        PQclear (res);
        return STORE_ERROR;
    }
    for (int i = 0; i < n; i++) {
        fill_unit (res, i, &units[i]);
        out->items[out->n_items++] = &units[i];
    }
    if (n == 0)
        free (units); /* only items[0] owns it, and there is none */
    PQclear (res);
    return STORE_OK;
}

void content_store_free_units (Loa__Content__UnitList *list)
{
    for (size_t i = 0; i < list->n_items; i++)
        content_store_free_unit (list->items[i]);
    if (list->items)
        free (list->items[0]); /* the array of units itself */
    free (list->items);
    list->items = NULL;
    list->n_items = 0;
}

store_status content_store_list_topics (PGconn *db, int page, int per_page,
                                        Loa__Content__TopicList *out)
{
    char limit[24], offset[24];
    page_params (page, per_page, limit, offset);
    const char *vals[] = {limit, offset};
    PGresult *res = run (db, "topics_list", 2, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return STORE_ERROR;
    }
    int n = PQntuples (res);
    long long total = page_total (db, res, 4, "topics_count");
    if (total < 0) {
        PQclear (res);
        return STORE_ERROR;
    }
    out->total = total;
    out->page = page;
    out->per_page = per_page;
    out->n_items = 0;
    out->items = calloc ((size_t) n + 1, sizeof *out->items);
    Loa__Content__Topic *topics = calloc ((size_t) n + 1, sizeof *topics);
    if (!out->items || !topics) {
        free (out->items);
        free (topics);
        out->items = NULL;
        PQclear (res);
        return STORE_ERROR;
    }
    for (int i = 0; i < n; i++) {
        Loa__Content__Topic *t = &topics[i];
        loa__content__topic__init (t);
        t->id = atoll (PQgetvalue (res, i, 0));
        t->code = dup_value (res, i, 1);
        t->name = dup_value (res, i, 2);
        t->is_cchc = PQgetvalue (res, i, 3)[0] == 't';
        out->items[out->n_items++] = t;
    }
    if (n == 0)
        free (topics); /* only items[0] owns it, and there is none */
    PQclear (res);
    return STORE_OK;
}

void content_store_free_topics (Loa__Content__TopicList *list)
{
    for (size_t i = 0; i < list->n_items; i++) {
        free_str (list->items[i]->code);
        free_str (list->items[i]->name);
    }
    if (list->items)
        free (list->items[0]); /* the array of topics itself */
    free (list->items);
    list->items = NULL;
    list->n_items = 0;
}

store_status content_store_get_unit (PGconn *db, int64_t id, Loa__Content__Unit *out)
{
    char id_s[24];
    snprintf (id_s, sizeof id_s, "%lld", (long long) id);
    const char *vals[] = {id_s};
    loa__content__unit__init (out);
    PGresult *res = run (db, "unit_get", 1, vals, PGRES_TUPLES_OK);
    store_status st = PQresultStatus (res) != PGRES_TUPLES_OK ? STORE_ERROR
                      : PQntuples (res) == 0                  ? STORE_NOT_FOUND
                                                              : STORE_OK;
    if (st == STORE_OK)
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
    store_status status;
} unit_write;

/* One transaction: the change and its event commit together or not at all. */
static int unit_write_tx (PGconn *db, void *arg)
{
    unit_write *w = arg;
    PGresult *res = run (db, w->stmt, w->n, w->vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        w->status = loa_db_is_state (res, "23505") ? STORE_CONFLICT : STORE_ERROR;
        int retry = loa_db_retryable (res);
        PQclear (res);
        return retry ? LOA_DB_RETRY : -1;
    }
    if (PQntuples (res) == 0) {
        w->status = STORE_NOT_FOUND;
        PQclear (res);
        return -1;
    }
    content_store_free_unit (w->out); /* a retried attempt's copy */
    fill_unit (res, 0, w->out);
    PQclear (res);
    Loa__Content__UnitEvent ev = LOA__CONTENT__UNIT_EVENT__INIT;
    ev.unit = w->out;
    if (loa_outbox_add (db, w->topic, &ev.base) != 0) {
        w->status = STORE_ERROR;
        return -1;
    }
    w->status = STORE_OK;
    return 0;
}

static store_status unit_write_run (PGconn *db, unit_write *w)
{
    loa__content__unit__init (w->out);
    w->status = STORE_ERROR;
    int rc = loa_db_tx (db, unit_write_tx, w);
    if (rc != 0 && w->status == STORE_OK)
        w->status = STORE_ERROR; /* COMMIT failed */
    if (w->status != STORE_OK)
        content_store_free_unit (w->out);
    return w->status;
}

store_status content_store_create_unit (PGconn *db, const Loa__Content__CreateUnitRequest *in,
                                        Loa__Content__Unit *out)
{
    const char *vals[] = {in->code, in->name, in->description ? in->description : "",
                          (!in->has_is_active || in->is_active) ? "true" : "false"};
    unit_write w = {"unit_insert", 4, vals, "unit.created", out, STORE_ERROR};
    return unit_write_run (db, &w);
}

store_status content_store_update_unit (PGconn *db, const Loa__Content__UpdateUnitRequest *in,
                                        Loa__Content__Unit *out)
{
    char id[24];
    snprintf (id, sizeof id, "%lld", (long long) in->id);
    const char *vals[] = {id, in->code, in->name, in->description,
                          in->has_is_active ? (in->is_active ? "true" : "false") : NULL};
    unit_write w = {"unit_update", 5, vals, "unit.updated", out, STORE_ERROR};
    return unit_write_run (db, &w);
}
