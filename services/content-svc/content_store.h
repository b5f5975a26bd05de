/* content_store: all of content-svc's SQL. PGresult never leaves this file;
 * rows are copied into protobuf messages the caller frees with the
 * matching *_free function. */
#ifndef CONTENT_STORE_H
#define CONTENT_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "content.pb-c.h"
#include "content_edit.pb-c.h"
#include "loa_store.h"

/* Prepares every statement on a worker's connection. 0 or -1. */
int content_store_prepare (PGconn *db);

/* A page of units (ordered by id) into *out; free with content_store_free_units. */
loa_store_status content_store_list_units (PGconn *db, int page, int per_page,
                                           Loa__Content__UnitList *out);
void content_store_free_units (Loa__Content__UnitList *list);

loa_store_status content_store_list_topics (PGconn *db, int page, int per_page,
                                            Loa__Content__TopicList *out);
void content_store_free_topics (Loa__Content__TopicList *list);

/* One unit by id into *out (free with content_store_free_unit). */
loa_store_status content_store_get_unit (PGconn *db, int64_t id, Loa__Content__Unit *out);

/* Creates a unit and its unit.created event in one transaction; *out gets
 * the stored unit (free with content_store_free_unit). */
loa_store_status content_store_create_unit (PGconn *db, const Loa__Content__CreateUnitRequest *in,
                                            Loa__Content__Unit *out);
/* Changes the fields present and emits unit.updated, in one transaction. */
loa_store_status content_store_update_unit (PGconn *db, const Loa__Content__UpdateUnitRequest *in,
                                            Loa__Content__Unit *out);
void content_store_free_unit (Loa__Content__Unit *unit);

#endif
