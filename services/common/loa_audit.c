#include "loa_audit.h"

#include <jansson.h>
#include <stdlib.h>

#include "loa_db.h"
#include "loa_log.h"

const char *loa_audit_kind (const Loa__Caller *caller)
{
    if (caller && caller->api_key_id > 0)
        return "api_key";
    return caller && caller->user_id > 0 ? "staff" : "anonymous";
}

static int run (PGconn *db, const char *sql, int n, const char *const *vals, const char *what)
{
    PGresult *res = PQexecParams (db, sql, n, NULL, vals, NULL, NULL, 0);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK ? 0 : -1;
    if (rc)
        loa_warn (NULL, "audit: %s: %s", what, loa_db_error (res));
    PQclear (res);
    return rc;
}

int loa_audit_set (PGconn *db, const char *kind, int64_t id, const char *client_addr,
                   const char *request_id, const char *action)
{
    /* JSON by jansson: whatever the strings hold, they stay strings. */
    json_t *o = json_pack ("{s:s, s:I, s:s, s:s, s:s}", "kind", kind, "id", (json_int_t) id, "addr",
                           client_addr ? client_addr : "", "rid", request_id ? request_id : "",
                           "method", action ? action : "");
    char *text = o ? json_dumps (o, JSON_COMPACT) : NULL;
    json_decref (o);
    if (!text) {
        loa_warn (request_id, "audit: out of memory naming the caller");
        return -1;
    }
    const char *vals[] = {text};
    int rc = run (db, "SELECT set_config('loa.audit', $1, false)", 1, vals, "naming the caller");
    free (text);
    return rc;
}

int loa_audit_set_caller (PGconn *db, const Loa__Caller *caller, const char *request_id,
                          const char *action)
{
    int64_t id = caller->api_key_id > 0 ? caller->api_key_id : caller->user_id;
    return loa_audit_set (db, loa_audit_kind (caller), id, caller->client_addr, request_id, action);
}

void loa_audit_clear (PGconn *db)
{
    run (db, "SELECT set_config('loa.audit', '', false)", 0, NULL, "forgetting the caller");
}

int loa_audit_note (PGconn *db, const char *entity, const char *entity_id, const char *action,
                    const char *changes_json)
{
    const char *vals[] = {entity, entity_id ? entity_id : "", action, changes_json};
    return run (db, "SELECT audit.note($1, $2, $3, $4::jsonb)", 4, vals, "a note");
}
