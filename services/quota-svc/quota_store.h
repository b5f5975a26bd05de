/* quota_store: all of quota-svc's SQL. */
#ifndef QUOTA_STORE_H
#define QUOTA_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "quota.pb-c.h"

int quota_store_prepare (PGconn *db);

/* Every unit quota knows, ordered by id; free with quota_store_free_units. */
int quota_store_list_units (PGconn *db, Loa__Quota__QuotaUnitList *out);
void quota_store_free_units (Loa__Quota__QuotaUnitList *list);

#endif
