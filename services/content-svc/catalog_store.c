#include "catalog_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"

#define WHO "catalog store"

#define NOTICE_COLS                                                                                \
    "id, kind, title, body, body_html, is_active, rfc3339(created_at), rfc3339(updated_at)"

/* Shared by procedures and their versions (columns 0-11, the Procedure
 * fields in .proto order except the date's place). */
#define PROC_COLS                                                                                  \
    "id, code, name, field, decision_no, to_char(decision_date, 'YYYY-MM-DD'), "                   \
    "processing_days, fee, online_level, status, version, rfc3339(updated_at)"
#define VERSION_COLS                                                                               \
    "procedure_id, code, name, field, decision_no, to_char(decision_date, 'YYYY-MM-DD'), "         \
    "processing_days, fee, online_level, status, version, rfc3339(updated_at), "                   \
    "rfc3339(amended_at), reason"

/* Filters of notices.list: $1 kind, $2 include inactive, $3 q. A notice
 * matches q when every word of it is in its title or body (the stored
 * tsvector of fold(...)), or when its title holds a close match of q
 * (trigram word similarity at pg_trgm's threshold, as articles' titles:
 * a typo; 0009_notice_title_trgm.sql). */
#define NOTICE_WHERE                                                                               \
    "WHERE ($1::text = '' OR kind = $1::text) AND (is_active OR $2::boolean) "                     \
    "AND ($3::text = '' OR search @@ plainto_tsquery('simple', fold($3::text)) "                   \
    "OR fold(title) OPERATOR(public.%>) fold($3::text)) "

/* The search of procedures.list: $1 q (not empty), $2 field, $3 status.
 * A procedure matches when every word of q is in its code, name or field
 * (the stored tsvector of fold(...)), or, for a query with a typo ("dang ki
 * thanh lap cong ti"), when the name holds a close match of the whole query
 * (trigram word similarity; the index finds candidates at pg_trgm's 0.6,
 * 0.75 keeps out names that merely share a word or two). `pairs` are the
 * query's adjacent word pairs as phrase queries: the more of them a name
 * holds in the query's order, the better it ranks. */
#define PROC_SEARCH_FROM                                                                           \
    "FROM procedures p, "                                                                          \
    "(SELECT plainto_tsquery('simple', fold($1::text)) AS tsq, fold($1::text) AS fq, "             \
    "ARRAY(SELECT tsquery_phrase(plainto_tsquery('simple', w), plainto_tsquery('simple', nw)) "    \
    "FROM (SELECT w, lead(w) OVER (ORDER BY i) AS nw "                                             \
    "FROM regexp_split_to_table(fold($1::text), '[^a-z0-9]+') WITH ORDINALITY AS t(w, i) "         \
    "WHERE w <> '') x WHERE nw IS NOT NULL) AS pairs) s "
#define PROC_SEARCH_WHERE                                                                          \
    "WHERE ($2::text = '' OR fold(p.field) = fold($2::text)) "                                     \
    "AND ($3::text = '' OR p.status = $3::text) "                                                  \
    "AND (p.search @@ s.tsq OR (s.fq OPERATOR(public.<%) fold(p.name) "                            \
    "AND public.word_similarity(s.fq, fold(p.name)) >= 0.75)) "
#define PROC_FILTER_WHERE                                                                          \
    "WHERE ($2::text = '' OR fold(field) = fold($2::text)) "                                       \
    "AND ($3::text = '' OR status = $3::text) "

static const loa_stmt statements[] = {
    {"notices_list", "SELECT " NOTICE_COLS ", count(*) OVER () FROM notices " NOTICE_WHERE
                     /* Full-text matches before near ones, each newest first. */
                     "ORDER BY ($3::text = '' OR search @@ plainto_tsquery('simple', "
                     "fold($3::text))) DESC, created_at DESC, id DESC LIMIT $4 OFFSET $5"},
    {"notices_count", "SELECT count(*) FROM notices " NOTICE_WHERE},
    {"notice_get", "SELECT " NOTICE_COLS " FROM notices WHERE id = $1 AND (is_active OR $2)"},
    {"notice_insert", "INSERT INTO notices (kind, title, body, body_html, is_active) "
                      "VALUES ($1, $2, $3, $4, $5) RETURNING " NOTICE_COLS},
    {"notice_update", "UPDATE notices SET kind = coalesce($2, kind), title = coalesce($3, title), "
                      "body = coalesce($4, body), body_html = coalesce($5, body_html), "
                      "is_active = coalesce($6::boolean, is_active), updated_at = now() "
                      "WHERE id = $1 RETURNING " NOTICE_COLS},

    /* Without q: $1 is ignored (it is "") so that both lists take the
     * same parameters. */
    {"procedures_list", "SELECT " PROC_COLS ", count(*) OVER () FROM procedures " PROC_FILTER_WHERE
                        "AND $1::text = '' ORDER BY code, id LIMIT $4 OFFSET $5"},
    {"procedures_count", "SELECT count(*) FROM procedures " PROC_FILTER_WHERE "AND $1::text = ''"},
    /* Ranked: full-text matches before near ones, then the number of the
     * query's word pairs found in the name, current before abolished, the
     * shorter name (the query is more of it), code. */
    {"procedures_search",
     "SELECT p.id, p.code, p.name, p.field, p.decision_no, "
     "to_char(p.decision_date, 'YYYY-MM-DD'), p.processing_days, p.fee, p.online_level, "
     "p.status, p.version, rfc3339(p.updated_at), count(*) OVER () " PROC_SEARCH_FROM
         PROC_SEARCH_WHERE "ORDER BY (p.search @@ s.tsq) DESC, "
     "(SELECT count(*) FROM unnest(s.pairs) AS pq "
     "WHERE to_tsvector('simple', fold(p.name)) @@ pq) DESC, "
     "(p.status = 'active') DESC, length(p.name), p.code, p.id LIMIT $4 OFFSET $5"},
    {"procedures_search_count", "SELECT count(*) " PROC_SEARCH_FROM PROC_SEARCH_WHERE},
    {"procedure_get", "SELECT " PROC_COLS " FROM procedures WHERE id = $1"},
    {"procedure_exists", "SELECT 1 FROM procedures WHERE id = $1"},
    {"procedure_versions", "SELECT " VERSION_COLS " FROM procedure_versions "
                           "WHERE procedure_id = $1 ORDER BY version DESC"},
    {"procedure_insert",
     "INSERT INTO procedures (code, name, field, decision_no, decision_date, processing_days, "
     "fee, online_level, status) VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9) "
     "RETURNING " PROC_COLS},
    /* An amendment: lock, copy as it is, change. Under READ COMMITTED each
     * statement sees what committed before it, so after the lock the copy
     * is the latest version, never one a concurrent amendment replaced. */
    {"procedure_lock", "SELECT version FROM procedures WHERE id = $1 FOR UPDATE"},
    {"procedure_archive",
     "INSERT INTO procedure_versions (procedure_id, version, code, name, field, decision_no, "
     "decision_date, processing_days, fee, online_level, status, updated_at, reason) "
     "SELECT id, version, code, name, field, decision_no, decision_date, processing_days, fee, "
     "online_level, status, updated_at, $2 FROM procedures WHERE id = $1"},
    {"procedure_amend",
     "UPDATE procedures SET code = coalesce($2, code), name = coalesce($3, name), "
     "field = coalesce($4, field), decision_no = coalesce($5, decision_no), "
     "decision_date = coalesce($6::date, decision_date), "
     "processing_days = coalesce($7::integer, processing_days), fee = coalesce($8, fee), "
     "online_level = coalesce($9::smallint, online_level), status = coalesce($10, status), "
     "version = version + 1, updated_at = now() WHERE id = $1 RETURNING " PROC_COLS},
    {NULL, NULL},
};

int catalog_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

static const char *bool_param (protobuf_c_boolean has, protobuf_c_boolean v)
{
    return has ? (v ? "true" : "false") : NULL;
}

/* ------------------------------------------------------------ notices */

static void fill_notice (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Content__Notice *n = item;
    loa__content__notice__init (n);
    n->id = atoll (PQgetvalue (res, row, 0));
    n->kind = loa_store_dup (res, row, 1, oom);
    n->title = loa_store_dup (res, row, 2, oom);
    n->body = loa_store_dup (res, row, 3, oom);
    n->body_html = loa_store_dup (res, row, 4, oom);
    n->is_active = PQgetvalue (res, row, 5)[0] == 't';
    n->created_at = loa_store_dup (res, row, 6, oom);
    n->updated_at = loa_store_dup (res, row, 7, oom);
}

void catalog_store_free_notice (Loa__Content__Notice *n) { loa_store_free_message (&n->base); }

loa_store_status catalog_store_list_notices (PGconn *db, const catalog_notice_filter *f,
                                             Loa__Content__NoticeList *out)
{
    const char *vals[] = {f->kind, f->include_inactive ? "true" : "false", f->q};
    const loa_store_page_query q = {
        "notices_list", "notices_count", 8, 3, vals, sizeof (Loa__Content__Notice), fill_notice};
    loa__content__notice_list__init (out);
    out->page = f->page;
    out->per_page = f->per_page;
    return loa_store_page (db, WHO, &q, f->page, f->per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}

void catalog_store_free_notices (Loa__Content__NoticeList *list)
{
    loa_store_free_message (&list->base);
}

loa_store_status catalog_store_get_notice (PGconn *db, int64_t id, int include_inactive,
                                           Loa__Content__Notice *out)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s, include_inactive ? "true" : "false"};
    loa__content__notice__init (out);
    return loa_store_one (db, WHO, "notice_get", 2, vals, fill_notice, out);
}

/* ------------------------------------------------------------ procedures */

/* Procedure and ProcedureVersion share columns 0-11; the macro fills
 * either (the structs differ, the field names do not). */
#define FILL_PROCEDURE(res, row, p, oom, date_case)                                                \
    do {                                                                                           \
        (p)->id = atoll (PQgetvalue (res, row, 0));                                                \
        (p)->code = loa_store_dup (res, row, 1, oom);                                              \
        (p)->name = loa_store_dup (res, row, 2, oom);                                              \
        (p)->field = loa_store_dup (res, row, 3, oom);                                             \
        (p)->decision_no = loa_store_dup (res, row, 4, oom);                                       \
        if (!PQgetisnull (res, row, 5)) {                                                          \
            (p)->maybe_decision_date_case = date_case;                                             \
            (p)->decision_date = loa_store_dup (res, row, 5, oom);                                 \
        }                                                                                          \
        (p)->processing_days = atoi (PQgetvalue (res, row, 6));                                    \
        (p)->fee = loa_store_dup (res, row, 7, oom);                                               \
        (p)->online_level = atoi (PQgetvalue (res, row, 8));                                       \
        (p)->status = loa_store_dup (res, row, 9, oom);                                            \
        (p)->version = atoi (PQgetvalue (res, row, 10));                                           \
        (p)->updated_at = loa_store_dup (res, row, 11, oom);                                       \
    } while (0)

static void fill_procedure (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Content__Procedure *p = item;
    loa__content__procedure__init (p);
    FILL_PROCEDURE (res, row, p, oom, LOA__CONTENT__PROCEDURE__MAYBE_DECISION_DATE_DECISION_DATE);
}

void catalog_store_free_procedure (Loa__Content__Procedure *p)
{
    loa_store_free_message (&p->base);
}

static void fill_version (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Content__ProcedureVersion *v = item;
    loa__content__procedure_version__init (v);
    FILL_PROCEDURE (res, row, v, oom,
                    LOA__CONTENT__PROCEDURE_VERSION__MAYBE_DECISION_DATE_DECISION_DATE);
    v->amended_at = loa_store_dup (res, row, 12, oom);
    v->reason = loa_store_dup (res, row, 13, oom);
}

loa_store_status catalog_store_list_procedures (PGconn *db, const catalog_procedure_filter *f,
                                                Loa__Content__ProcedureList *out)
{
    const char *vals[] = {f->q, f->field, f->status};
    int search = f->q[0] != '\0';
    const loa_store_page_query q = {search ? "procedures_search" : "procedures_list",
                                    search ? "procedures_search_count" : "procedures_count",
                                    12,
                                    3,
                                    vals,
                                    sizeof (Loa__Content__Procedure),
                                    fill_procedure};
    loa__content__procedure_list__init (out);
    out->page = f->page;
    out->per_page = f->per_page;
    return loa_store_page (db, WHO, &q, f->page, f->per_page, (void ***) &out->items, &out->n_items,
                           &out->total);
}

void catalog_store_free_procedures (Loa__Content__ProcedureList *list)
{
    loa_store_free_message (&list->base);
}

loa_store_status catalog_store_get_procedure (PGconn *db, int64_t id, Loa__Content__Procedure *out)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    loa__content__procedure__init (out);
    return loa_store_one (db, WHO, "procedure_get", 1, vals, fill_procedure, out);
}

loa_store_status catalog_store_list_versions (PGconn *db, int64_t id,
                                              Loa__Content__ProcedureVersionList *out)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    loa__content__procedure_version_list__init (out);
    PGresult *res = loa_store_run (db, WHO, "procedure_exists", 1, vals, PGRES_TUPLES_OK);
    loa_store_status st = PQresultStatus (res) != PGRES_TUPLES_OK ? LOA_STORE_ERROR
                          : PQntuples (res) == 0                  ? LOA_STORE_NOT_FOUND
                                                                  : LOA_STORE_OK;
    PQclear (res);
    if (st != LOA_STORE_OK)
        return st;
    return loa_store_rows (db, WHO, "procedure_versions", 1, vals,
                           sizeof (Loa__Content__ProcedureVersion), fill_version,
                           (void ***) &out->items, &out->n_items);
}

void catalog_store_free_versions (Loa__Content__ProcedureVersionList *list)
{
    loa_store_free_message (&list->base);
}

/* ------------------------------------------------------------ writes */

/* A write of one row and its event, run by loa_db_tx: `stmt` changes the
 * row and returns it; for an amendment, `lock` and `archive` run first. */
typedef struct {
    const char *lock, *archive; /* NULL unless amending */
    const char *const *archive_vals; /* {id, reason} */
    const char *stmt;
    int n;
    const char *const *vals;
    const char *topic;
    const char *reason; /* of procedure events */
    int is_notice;
    Loa__Content__Notice *notice; /* the stored row (one of the two) */
    Loa__Content__Procedure *procedure;
    loa_store_status status;
} catalog_write;

static void write_clear (catalog_write *w)
{
    if (w->is_notice)
        catalog_store_free_notice (w->notice);
    else
        catalog_store_free_procedure (w->procedure);
}

/* Fails the attempt after a statement's error: retry on a serialization
 * failure or deadlock, else stop with CONFLICT (taken key) or ERROR. */
static int write_failed (catalog_write *w, PGresult *res)
{
    w->status = loa_db_is_state (res, "23505") ? LOA_STORE_CONFLICT : LOA_STORE_ERROR;
    int retry = loa_db_retryable (res);
    PQclear (res);
    return retry ? LOA_DB_RETRY : -1;
}

static int catalog_write_tx (PGconn *db, void *arg)
{
    catalog_write *w = arg;
    PGresult *res;
    write_clear (w); /* a retried attempt's copy */
    if (w->lock) {
        res = loa_store_run (db, WHO, w->lock, 1, w->vals, PGRES_TUPLES_OK);
        if (PQresultStatus (res) != PGRES_TUPLES_OK)
            return write_failed (w, res);
        int found = PQntuples (res) > 0;
        PQclear (res);
        if (!found) {
            w->status = LOA_STORE_NOT_FOUND;
            return -1;
        }
        res = loa_store_run (db, WHO, w->archive, 2, w->archive_vals, PGRES_COMMAND_OK);
        if (PQresultStatus (res) != PGRES_COMMAND_OK)
            return write_failed (w, res);
        PQclear (res);
    }
    res = loa_store_run (db, WHO, w->stmt, w->n, w->vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        return write_failed (w, res);
    if (PQntuples (res) == 0) {
        w->status = LOA_STORE_NOT_FOUND;
        PQclear (res);
        return -1;
    }
    int oom = 0;
    if (w->is_notice)
        fill_notice (res, 0, w->notice, &oom);
    else
        fill_procedure (res, 0, w->procedure, &oom);
    PQclear (res);
    if (oom) {
        w->status = LOA_STORE_ERROR;
        return -1;
    }
    int rc;
    if (w->is_notice) {
        Loa__Content__NoticeEvent ev = LOA__CONTENT__NOTICE_EVENT__INIT;
        ev.notice = w->notice;
        rc = loa_outbox_add (db, w->topic, &ev.base);
    } else {
        Loa__Content__ProcedureEvent ev = LOA__CONTENT__PROCEDURE_EVENT__INIT;
        ev.procedure = w->procedure;
        ev.reason = (char *) (w->reason ? w->reason : "");
        rc = loa_outbox_add (db, w->topic, &ev.base);
    }
    if (rc != 0) {
        w->status = LOA_STORE_ERROR;
        return -1;
    }
    w->status = LOA_STORE_OK;
    return 0;
}

static loa_store_status catalog_write_run (PGconn *db, catalog_write *w)
{
    if (w->is_notice)
        loa__content__notice__init (w->notice);
    else
        loa__content__procedure__init (w->procedure);
    if (loa_store_tx (db, catalog_write_tx, w, &w->status) != LOA_STORE_OK)
        write_clear (w);
    return w->status;
}

loa_store_status catalog_store_create_notice (PGconn *db,
                                              const Loa__Content__CreateNoticeRequest *in,
                                              const char *body_html, Loa__Content__Notice *out)
{
    const char *vals[] = {in->kind, in->title, in->body ? in->body : "", body_html,
                          (!in->has_is_active || in->is_active) ? "true" : "false"};
    catalog_write w = {.stmt = "notice_insert",
                       .n = 5,
                       .vals = vals,
                       .topic = "notice.created",
                       .is_notice = 1,
                       .notice = out};
    return catalog_write_run (db, &w);
}

loa_store_status catalog_store_update_notice (PGconn *db,
                                              const Loa__Content__UpdateNoticeRequest *in,
                                              const char *body_html, Loa__Content__Notice *out)
{
    char id[24];
    loa_store_int_param (id, in->id);
    const char *vals[] = {id,       in->kind,  in->title,
                          in->body, body_html, bool_param (in->has_is_active, in->is_active)};
    catalog_write w = {.stmt = "notice_update",
                       .n = 6,
                       .vals = vals,
                       .topic = "notice.updated",
                       .is_notice = 1,
                       .notice = out};
    return catalog_write_run (db, &w);
}

loa_store_status catalog_store_create_procedure (PGconn *db,
                                                 const Loa__Content__CreateProcedureRequest *in,
                                                 Loa__Content__Procedure *out)
{
    char days[24], level[24];
    loa_store_int_param (days, in->has_processing_days ? in->processing_days : 0);
    loa_store_int_param (level, in->has_online_level ? in->online_level : 1);
    const char *vals[] = {in->code,
                          in->name,
                          in->field ? in->field : "",
                          in->decision_no ? in->decision_no : "",
                          in->decision_date, /* NULL: no date */
                          days,
                          in->fee ? in->fee : "",
                          level,
                          in->status ? in->status : "active"};
    catalog_write w = {.stmt = "procedure_insert",
                       .n = 9,
                       .vals = vals,
                       .topic = "procedure.created",
                       .procedure = out};
    return catalog_write_run (db, &w);
}

loa_store_status catalog_store_amend_procedure (PGconn *db,
                                                const Loa__Content__AmendProcedureRequest *in,
                                                Loa__Content__Procedure *out)
{
    char id[24], days[24], level[24];
    loa_store_int_param (id, in->id);
    loa_store_int_param (days, in->processing_days);
    loa_store_int_param (level, in->online_level);
    const char *reason = in->reason ? in->reason : "";
    const char *archive_vals[] = {id, reason};
    const char *vals[] = {id,
                          in->code,
                          in->name,
                          in->field,
                          in->decision_no,
                          in->decision_date,
                          in->has_processing_days ? days : NULL,
                          in->fee,
                          in->has_online_level ? level : NULL,
                          in->status};
    catalog_write w = {.lock = "procedure_lock",
                       .archive = "procedure_archive",
                       .archive_vals = archive_vals,
                       .stmt = "procedure_amend",
                       .n = 10,
                       .vals = vals,
                       .topic = "procedure.amended",
                       .reason = reason,
                       .procedure = out};
    return catalog_write_run (db, &w);
}
