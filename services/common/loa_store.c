#include "loa_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"

PGresult *loa_store_run (PGconn *db, const char *who, const char *stmt, int n,
                         const char *const *vals, ExecStatusType expect)
{
    PGresult *res = PQexecPrepared (db, stmt, n, vals, NULL, NULL, 0);
    if (PQresultStatus (res) != expect && !loa_db_retryable (res) &&
        !loa_db_is_state (res, "23505"))
        loa_error (NULL, "%s: %s: %s", who, stmt, PQresultErrorMessage (res));
    return res;
}

char *loa_store_dup (const PGresult *res, int row, int col, int *oom)
{
    char *s = strdup (PQgetvalue (res, row, col));
    if (s)
        return s;
    if (oom)
        *oom = 1;
    return (char *) protobuf_c_empty_string;
}

void loa_store_free_str (char *s)
{
    if (s != protobuf_c_empty_string)
        free (s);
}

long long loa_store_page_total (PGconn *db, const char *who, const PGresult *res, int col,
                                const char *count_stmt, int n, const char *const *vals)
{
    if (PQntuples (res) > 0)
        return atoll (PQgetvalue (res, 0, col));
    PGresult *c = loa_store_run (db, who, count_stmt, n, vals, PGRES_TUPLES_OK);
    long long total = PQresultStatus (c) == PGRES_TUPLES_OK ? atoll (PQgetvalue (c, 0, 0)) : -1;
    PQclear (c);
    return total;
}

void loa_store_int_param (char buf[24], long long v) { snprintf (buf, 24, "%lld", v); }

void *loa_store_list_block (size_t n, size_t item_size, void ***items)
{
    size_t head = (n + 1) * sizeof (void *);
    char *block = calloc (1, head + n * item_size);
    if (!block)
        return NULL;
    *items = (void **) block;
    for (size_t i = 0; i < n; i++)
        (*items)[i] = block + head + i * item_size;
    return block;
}

int loa_store_fill_rows (const PGresult *res, size_t item_size, loa_store_fill_fn fill,
                         void ***items, size_t *n_items)
{
    int n = PQntuples (res);
    if (!loa_store_list_block ((size_t) n, item_size, items))
        return -1;
    for (int i = 0; i < n; i++)
        fill (res, i, (*items)[i]);
    *n_items = (size_t) n;
    return 0;
}

void loa_store_free_message (ProtobufCMessage *msg)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        char *member = (char *) msg + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t set = *(uint32_t *) ((char *) msg + f->quantifier_offset);
            if (set != f->id)
                continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(size_t *) ((char *) msg + f->quantifier_offset);
            void **items = *(void ***) member;
            if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
                for (size_t k = 0; k < n; k++)
                    loa_store_free_message (items[k]);
            } else if (f->type == PROTOBUF_C_TYPE_STRING) {
                for (size_t k = 0; k < n; k++)
                    loa_store_free_str (items[k]);
            }
            free (items); /* a loa_store_list_block block, or a scalar array */
        } else if (f->type == PROTOBUF_C_TYPE_STRING) {
            loa_store_free_str (*(char **) member);
        } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            ProtobufCMessage *sub = *(ProtobufCMessage **) member;
            if (sub) {
                loa_store_free_message (sub);
                free (sub);
            }
        } else if (f->type == PROTOBUF_C_TYPE_BYTES) {
            free (((ProtobufCBinaryData *) member)->data);
        }
    }
    protobuf_c_message_init (d, msg);
}

int loa_store_exec (PGconn *db, const char *who, const char *sql, int n, const char *const *vals)
{
    PGresult *res = PQexecParams (db, sql, n, NULL, vals, NULL, NULL, 0);
    int ok = PQresultStatus (res) == PGRES_COMMAND_OK || PQresultStatus (res) == PGRES_TUPLES_OK;
    int retry = !ok && loa_db_retryable (res);
    if (!ok && !retry)
        loa_error (NULL, "%s: %s", who, PQresultErrorMessage (res));
    PQclear (res);
    return ok ? 0 : retry ? LOA_DB_RETRY : -1;
}
