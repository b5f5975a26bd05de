#include "loa_store.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"

PGresult *loa_store_run (PGconn *db, const char *who, const char *stmt, int n,
                         const char *const *vals, ExecStatusType expect)
{
    PGresult *res = loa_db_run (db, &(loa_db_query){.stmt = stmt, .n = n, .vals = vals});
    if (PQresultStatus (res) != expect && !loa_db_retryable (res) &&
        !loa_db_is_state (res, "23505"))
        loa_error (NULL, "%s: %s: %s", who, stmt, loa_db_error (res));
    return res;
}

loa_store_status loa_store_one (PGconn *db, const char *who, const char *stmt, int n,
                                const char *const *vals, loa_store_fill_fn fill, void *item)
{
    PGresult *res = loa_store_run (db, who, stmt, n, vals, PGRES_TUPLES_OK);
    loa_store_status st = LOA_STORE_ERROR;
    int oom = 0;
    if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) > 0) {
        fill (res, 0, item, &oom);
        st = oom ? LOA_STORE_ERROR : LOA_STORE_OK;
    } else if (PQresultStatus (res) == PGRES_TUPLES_OK) {
        st = LOA_STORE_NOT_FOUND;
    } else if (loa_db_is_state (res, "23505")) {
        st = LOA_STORE_CONFLICT;
    }
    PQclear (res);
    if (oom)
        loa_store_free_message (item);
    return st;
}

loa_store_status loa_store_tx (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg,
                               loa_store_status *status)
{
    *status = LOA_STORE_ERROR;
    if (loa_db_tx (db, fn, arg) != 0 && *status == LOA_STORE_OK)
        *status = LOA_STORE_ERROR; /* COMMIT failed */
    return *status;
}

loa_store_status loa_store_tx_pipelined (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg,
                                         loa_store_status *status)
{
    *status = LOA_STORE_ERROR;
    if (loa_db_tx_pipelined (db, fn, arg) != 0 && *status == LOA_STORE_OK)
        *status = LOA_STORE_ERROR; /* COMMIT failed, or a deferred statement */
    return *status;
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

/* Reads `n` digits at s into *v. */
static int digits (const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

static int month_days (int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

/* Writes v as `n` digits at s. */
static void put_digits (char *s, int n, int v)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        s[i] = (char) ('0' + v % 10);
}

int loa_store_time_text (const char *utc, char *out)
{
    /* YYYY-MM-DD HH:MM:SS[.ffffff]+00. By hand rather than timegm, gmtime_r
     * and snprintf: sixty of these make a page of twenty articles, and
     * Vietnam is UTC+7 all year (since 1975, no summer time), so the only
     * calendar work is the day that the seven hours may carry into. */
    int y, mo, d, h, mi, sec;
    if (strlen (utc) < 22 || digits (utc, 4, &y) || utc[4] != '-' || digits (utc + 5, 2, &mo) ||
        utc[7] != '-' || digits (utc + 8, 2, &d) || utc[10] != ' ' || digits (utc + 11, 2, &h) ||
        utc[13] != ':' || digits (utc + 14, 2, &mi) || utc[16] != ':' || digits (utc + 17, 2, &sec))
        return -1;
    const char *z = utc + 19;
    if (*z == '.') {
        z++;
        while (*z >= '0' && *z <= '9')
            z++;
    }
    if (strcmp (z, "+00") != 0 || y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days (y, mo) ||
        h > 23 || mi > 59 || sec > 60)
        return -1;
    int t = h * 3600 + mi * 60 + sec + 7 * 3600;
    if (t >= 86400) {
        t -= 86400;
        if (++d > month_days (y, mo)) {
            d = 1;
            if (++mo > 12) {
                mo = 1;
                y++;
            }
        }
    }
    if (y > 9999)
        return -1;
    memcpy (out, "0000-00-00T00:00:00+07:00", 26);
    put_digits (out, 4, y);
    put_digits (out + 5, 2, mo);
    put_digits (out + 8, 2, d);
    put_digits (out + 11, 2, t / 3600);
    put_digits (out + 14, 2, t / 60 % 60);
    put_digits (out + 17, 2, t % 60);
    return 0;
}

char *loa_store_time (const PGresult *res, int row, int col, int *oom)
{
    char text[26];
    const char *v = PQgetvalue (res, row, col);
    char *s = strdup (loa_store_time_text (v, text) == 0 ? text : v);
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

const char *loa_store_opt_int (char buf[24], long long v)
{
    if (v <= 0)
        return NULL;
    loa_store_int_param (buf, v);
    return buf;
}

/* ------------------------------------------------------------ lists of ids */

/* The integers of `text` (any other character separates them) into a new
 * array of n elements of `size` bytes (8 or 4). */
static void *parse_ints (const char *text, size_t size, size_t *n, int *oom)
{
    *n = 0;
    size_t cap = 0;
    for (const char *p = text; *p; p++)
        cap += (*p >= '0' && *p <= '9') && !(p[1] >= '0' && p[1] <= '9');
    if (!cap)
        return NULL;
    char *a = malloc (cap * size);
    if (!a) {
        if (oom)
            *oom = 1;
        return NULL;
    }
    for (const char *p = text; *p;) {
        if (!(*p >= '0' && *p <= '9') && !(*p == '-' && p[1] >= '0' && p[1] <= '9')) {
            p++;
            continue;
        }
        char *end;
        long long v = strtoll (p, &end, 10);
        if (size == sizeof (int64_t))
            ((int64_t *) a)[*n] = v;
        else
            ((int32_t *) a)[*n] = (int32_t) v;
        (*n)++;
        p = end;
    }
    return a;
}

int64_t *loa_store_ids (const char *text, size_t *n, int *oom)
{
    return parse_ints (text, sizeof (int64_t), n, oom);
}

int32_t *loa_store_int32s (const char *text, size_t *n, int *oom)
{
    return parse_ints (text, sizeof (int32_t), n, oom);
}

char *loa_store_ids_literal (const int64_t *ids, size_t n)
{
    size_t cap = n * 21 + 3; /* "-9223372036854775808," each */
    char *s = malloc (cap);
    if (!s)
        return NULL;
    size_t o = 0;
    s[o++] = '{';
    for (size_t i = 0; i < n; i++)
        o += (size_t) snprintf (s + o, cap - o, "%s%lld", i ? "," : "", (long long) ids[i]);
    s[o++] = '}';
    s[o] = '\0';
    return s;
}

char *loa_store_strings_literal (const char *const *strs, size_t n)
{
    size_t cap = 3;
    for (size_t i = 0; i < n; i++)
        cap += 2 * strlen (strs[i]) + 3;
    char *s = malloc (cap);
    if (!s)
        return NULL;
    size_t o = 0;
    s[o++] = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            s[o++] = ',';
        s[o++] = '"';
        for (const char *p = strs[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                s[o++] = '\\';
            s[o++] = *p;
        }
        s[o++] = '"';
    }
    s[o++] = '}';
    s[o] = '\0';
    return s;
}

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

/* Frees n items of a list block filled by a loa_store_fill_fn, and the
 * block. */
static void free_items (void ***items, size_t *n_items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        loa_store_free_message ((*items)[i]);
    free (*items);
    *items = NULL;
    *n_items = 0;
}

int loa_store_fill_rows (const PGresult *res, size_t item_size, loa_store_fill_fn fill,
                         void ***items, size_t *n_items)
{
    int n = PQntuples (res), oom = 0;
    if (!loa_store_list_block ((size_t) n, item_size, items))
        return -1;
    for (int i = 0; i < n; i++)
        fill (res, i, (*items)[i], &oom);
    *n_items = (size_t) n;
    if (oom) {
        free_items (items, n_items, (size_t) n);
        return -1;
    }
    return 0;
}

loa_store_status loa_store_rows (PGconn *db, const char *who, const char *stmt, int n,
                                 const char *const *vals, size_t item_size, loa_store_fill_fn fill,
                                 void ***items, size_t *n_items)
{
    PGresult *res = loa_store_run (db, who, stmt, n, vals, PGRES_TUPLES_OK);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK
                 ? loa_store_fill_rows (res, item_size, fill, items, n_items)
                 : -1;
    PQclear (res);
    return rc == 0 ? LOA_STORE_OK : LOA_STORE_ERROR;
}

#define PAGE_MAX_FILTERS 14

loa_store_status loa_store_page (PGconn *db, const char *who, const loa_store_page_query *q,
                                 int page, int per_page, void ***items, size_t *n_items,
                                 int64_t *total)
{
    assert (q->n >= 0 && q->n <= PAGE_MAX_FILTERS);
    const char *vals[PAGE_MAX_FILTERS + 2];
    char limit[24], offset[24];
    for (int i = 0; i < q->n; i++)
        vals[i] = q->vals[i];
    loa_store_int_param (limit, per_page);
    loa_store_int_param (offset, (long long) (page - 1) * per_page);
    vals[q->n] = limit;
    vals[q->n + 1] = offset;
    *items = NULL;
    *n_items = 0;
    PGresult *res = loa_store_run (db, who, q->stmt, q->n + 2, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        /* A filter PostgreSQL cannot read (a date, say): class 22. */
        const char *state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
        loa_store_status st =
            state && strncmp (state, "22", 2) == 0 ? LOA_STORE_INVALID : LOA_STORE_ERROR;
        PQclear (res);
        return st;
    }
    long long n = loa_store_page_total (db, who, res, q->count_col, q->count_stmt, q->n, vals);
    int rc = n < 0 ? -1 : loa_store_fill_rows (res, q->item_size, q->fill, items, n_items);
    PQclear (res);
    if (rc != 0)
        return LOA_STORE_ERROR;
    *total = n;
    return LOA_STORE_OK;
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

int loa_store_change (PGconn *db, const char *who, const char *stmt, int n, const char *const *vals)
{
    PGresult *res = loa_db_run (db, &(loa_db_query){.stmt = stmt, .n = n, .vals = vals});
    ExecStatusType s = PQresultStatus (res);
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    int retry = !ok && loa_db_retryable (res);
    if (!ok && !retry)
        loa_error (NULL, "%s: %s: %s", who, stmt, loa_db_error (res));
    PQclear (res);
    return ok ? 0 : retry ? LOA_DB_RETRY : -1;
}

int loa_store_defer (PGconn *db, const char *who, const char *stmt, int n, const char *const *vals)
{
    char what[96];
    snprintf (what, sizeof what, "%s: %s", who, stmt);
    return loa_db_defer (db, what, &(loa_db_query){.stmt = stmt, .n = n, .vals = vals}, NULL);
}

int loa_store_exec (PGconn *db, const char *who, const char *sql, int n, const char *const *vals)
{
    PGresult *res = loa_db_run (db, &(loa_db_query){.sql = sql, .n = n, .vals = vals});
    int ok = PQresultStatus (res) == PGRES_COMMAND_OK || PQresultStatus (res) == PGRES_TUPLES_OK;
    int retry = !ok && loa_db_retryable (res);
    if (!ok && !retry)
        loa_error (NULL, "%s: %s", who, loa_db_error (res));
    PQclear (res);
    return ok ? 0 : retry ? LOA_DB_RETRY : -1;
}
