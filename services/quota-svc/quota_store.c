#include "quota_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

static const loa_stmt statements[] = {
    {"units_list", "SELECT unit_id, code, name, is_active FROM units ORDER BY unit_id"},
    {NULL, NULL},
};

int quota_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

int quota_store_list_units (PGconn *db, Loa__Quota__QuotaUnitList *out)
{
    PGresult *res = PQexecPrepared (db, "units_list", 0, NULL, NULL, NULL, 0);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_error (NULL, "quota store: units_list: %s", PQresultErrorMessage (res));
        PQclear (res);
        return -1;
    }
    int n = PQntuples (res);
    out->items = calloc ((size_t) n + 1, sizeof *out->items);
    Loa__Quota__QuotaUnit *units = calloc ((size_t) n + 1, sizeof *units);
    if (!out->items || !units) {
        free (out->items);
        free (units);
        out->items = NULL;
        PQclear (res);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        Loa__Quota__QuotaUnit *u = &units[i];
        loa__quota__quota_unit__init (u);
        u->unit_id = atoll (PQgetvalue (res, i, 0));
        u->code = strdup (PQgetvalue (res, i, 1));
        u->name = strdup (PQgetvalue (res, i, 2));
        u->is_active = PQgetvalue (res, i, 3)[0] == 't';
        out->items[out->n_items++] = u;
    }
    out->page = 1;
    out->per_page = n;
    out->total = n;
    PQclear (res);
    return 0;
}

void quota_store_free_units (Loa__Quota__QuotaUnitList *list)
{
    for (size_t i = 0; i < list->n_items; i++) {
        free (list->items[i]->code);
        free (list->items[i]->name);
    }
    if (list->items)
        free (list->items[0]); /* the array of units itself */
    free (list->items);
    list->items = NULL;
    list->n_items = 0;
}
