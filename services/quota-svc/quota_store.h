/* quota_store: all of quota-svc's SQL. */
#ifndef QUOTA_STORE_H
#define QUOTA_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "content.pb-c.h"
#include "quota.pb-c.h"

int quota_store_prepare (PGconn *db);

/* Upserts quota's copy of a unit from the content event with `seq`; an
 * older event never overwrites a newer one. 0 or -1. */
int quota_store_upsert_unit (PGconn *db, const Loa__Content__Unit *unit, uint64_t seq);

/* Every unit quota knows, ordered by id; free with quota_store_free_units. */
int quota_store_list_units (PGconn *db, Loa__Quota__QuotaUnitList *out);
void quota_store_free_units (Loa__Quota__QuotaUnitList *list);

#endif
