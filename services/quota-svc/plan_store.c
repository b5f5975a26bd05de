#include "plan_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_store.h"

#define WHO "plan store"

#define PLAN_COLS                                                                                  \
    "p.id, p.year, p.title, p.document_ref, p.summary, rfc3339(p.created_at), p.created_by, "      \
    "rfc3339(p.updated_at), (SELECT count(*) FROM plan_activities x WHERE x.plan_id = p.id)"

/* Lists are read as text: ids comma-separated, links one a line (a link
 * holds no white space: plan_rpc.c checks); they are written as arrays. */
#define REPORT_COLS                                                                                \
    "r.id, a.plan_id, r.activity_id, r.unit_id, to_char(r.done_on, 'YYYY-MM-DD'), r.description, " \
    "array_to_string(r.evidence_links, E'\\n'), array_to_string(r.attachment_ids, ','), "          \
    "r.created_by, rfc3339(r.created_at), r.version, coalesce(rfc3339(r.updated_at), ''), "        \
    "coalesce(r.updated_by, 0), coalesce(rfc3339(r.withdrawn_at), ''), coalesce(r.withdrawn_by, "  \
    "0), "                                                                                         \
    "coalesce(r.withdraw_reason, '')"

/* The files a report gains, after the report's statement `r` (its id):
 * media-svc's ids, digests, types and sizes as four arrays. */
#define FILES_INSERT(ids, sha256, mime, size)                                                      \
    "f AS (INSERT INTO report_attachments (id, report_id, sha256, mime, size) "                    \
    "SELECT x.id, r.id, x.sha256, x.mime, x.size FROM r, unnest(" ids "::bigint[], " sha256        \
    "::text[], " mime "::text[], " size "::bigint[]) AS x (id, sha256, mime, size) "               \
    "ON CONFLICT (id) DO NOTHING) "

static const loa_stmt statements[] = {
    {"plan_list", "SELECT " PLAN_COLS " FROM plans p WHERE $1::integer IS NULL OR p.year = $1 "
                  "ORDER BY p.year DESC"},
    {"plan_get", "SELECT " PLAN_COLS " FROM plans p WHERE p.id = $1::bigint"},
    /* Each activity with its reports' summary (every report of an activity
     * is in its plan's year; a withdrawn one does not count). */
    {"plan_activities",
     "SELECT a.id, a.plan_id, a.position, a.form, a.content, a.schedule, "
     "coalesce(a.lead_unit_id, 0), coalesce(a.lead_unit_code, ''), coalesce(u.name, ''), "
     "array_to_string(a.partner_units, ','), a.partners_note, count(r.id), "
     "coalesce(array_to_string(array_agg(DISTINCT r.unit_id) FILTER (WHERE r.id IS NOT NULL), "
     "','), ''), coalesce(to_char(max(r.done_on), 'YYYY-MM-DD'), ''), "
     "coalesce(array_to_string(array_agg(DISTINCT to_char(r.done_on, 'YYYY-MM')) "
     "FILTER (WHERE r.id IS NOT NULL), ','), '') "
     "FROM plan_activities a LEFT JOIN units u ON u.unit_id = a.lead_unit_id "
     "LEFT JOIN activity_reports r ON r.activity_id = a.id AND r.withdrawn_at IS NULL "
     "WHERE a.plan_id = $1::bigint "
     "GROUP BY a.id, u.name ORDER BY a.position, a.id"},
    {"plan_insert", "INSERT INTO plans (year, title, document_ref, summary, created_by) "
                    "VALUES ($1::integer, $2, coalesce($3, ''), coalesce($4, ''), $5::bigint) "
                    "RETURNING id"},
    {"plan_update", "UPDATE plans SET title = coalesce($2, title), "
                    "document_ref = coalesce($3, document_ref), summary = coalesce($4, summary), "
                    "updated_at = now() WHERE id = $1::bigint"},
    /* Without a position, after the last. The lead's code follows its id. */
    {"activity_insert",
     "INSERT INTO plan_activities (plan_id, position, form, content, schedule, lead_unit_id, "
     "lead_unit_code, partner_units, partners_note) VALUES ($1::bigint, coalesce($2::integer, "
     "(SELECT coalesce(max(position), 0) + 1 FROM plan_activities WHERE plan_id = $1::bigint)), "
     "$3, $4, coalesce($5, ''), $6::bigint, (SELECT code FROM units WHERE unit_id = $6::bigint), "
     "coalesce($7::bigint[], '{}'), coalesce($8, ''))"},
    {"activity_update",
     "UPDATE plan_activities SET position = coalesce($3::integer, position), "
     "form = coalesce($4, form), content = coalesce($5, content), "
     "schedule = coalesce($6, schedule), lead_unit_id = coalesce($7::bigint, lead_unit_id), "
     "lead_unit_code = CASE WHEN $7::bigint IS NULL THEN lead_unit_code "
     "ELSE (SELECT code FROM units WHERE unit_id = $7::bigint) END, "
     "partner_units = coalesce($8::bigint[], partner_units), "
     "partners_note = coalesce($9, partners_note), updated_at = now() "
     "WHERE id = $2::bigint AND plan_id = $1::bigint"},
    {"unknown_unit", "SELECT coalesce(min(x), 0) FROM unnest($1::bigint[]) x "
                     "WHERE NOT EXISTS (SELECT 1 FROM units WHERE unit_id = x)"},
    {"activity_of_plan",
     "SELECT p.year, a.id IS NOT NULL, "
     "coalesce(a.lead_unit_id = $3::bigint OR $3::bigint = ANY (a.partner_units), false) "
     "FROM plans p LEFT JOIN plan_activities a ON a.id = $2::bigint AND a.plan_id = p.id "
     "WHERE p.id = $1::bigint"},
    {"report_next_id", "SELECT nextval(pg_get_serial_sequence('activity_reports', 'id'))"},
    /* A report ($8: its id taken before, or 0) and the files it gains
     * ($9-$12: media-svc's ids, digests, types, sizes). */
    {"report_insert",
     "WITH r AS (INSERT INTO activity_reports (id, activity_id, unit_id, done_on, description, "
     "evidence_links, attachment_ids, created_by) VALUES (coalesce(nullif($8::bigint, 0), "
     "nextval(pg_get_serial_sequence('activity_reports', 'id'))), $1::bigint, $2::bigint, "
     "$3::date, $4, $5::text[], $6::bigint[], $7::bigint) RETURNING id), " FILES_INSERT (
         "$9", "$10", "$11", "$12") "SELECT id FROM r"},
    {"report_get",
     "SELECT " REPORT_COLS " FROM activity_reports r "
     "JOIN plan_activities a ON a.id = r.activity_id "
     "WHERE r.id = $3::bigint AND r.activity_id = $2::bigint AND a.plan_id = $1::bigint"},
    {"reports_list", "SELECT " REPORT_COLS " FROM activity_reports r "
                     "JOIN plan_activities a ON a.id = r.activity_id "
                     "WHERE r.activity_id = $1::bigint AND r.withdrawn_at IS NULL "
                     "ORDER BY r.done_on DESC, r.id DESC"},
    {"report_versions",
     "SELECT version, to_char(done_on, 'YYYY-MM-DD'), description, "
     "array_to_string(evidence_links, E'\\n'), array_to_string(attachment_ids, ','), written_by, "
     "rfc3339(written_at), replaced_by, rfc3339(replaced_at), reason "
     "FROM activity_report_versions WHERE report_id = $1::bigint ORDER BY version DESC"},
    /* A correction ($2: the version it corrects; $7: who, $8: why): the
     * text it replaces is kept, in the same statement. No row when the
     * report was corrected or withdrawn meanwhile (the lock makes a second
     * correction of the same version wait, then find none). */
    {"report_correct",
     "WITH old AS (SELECT * FROM activity_reports WHERE id = $1::bigint AND version = $2::integer "
     "AND withdrawn_at IS NULL FOR UPDATE), "
     "kept AS (INSERT INTO activity_report_versions (report_id, version, done_on, description, "
     "evidence_links, attachment_ids, written_by, written_at, replaced_by, reason) "
     "SELECT id, version, done_on, description, evidence_links, attachment_ids, "
     "coalesce(updated_by, created_by), coalesce(updated_at, created_at), $7::bigint, $8 FROM "
     "old), "
     "r AS (UPDATE activity_reports r SET done_on = $3::date, description = $4, "
     "evidence_links = $5::text[], attachment_ids = $6::bigint[], version = r.version + 1, "
     "updated_at = now(), updated_by = $7::bigint FROM old WHERE r.id = old.id RETURNING "
     "r.id), " FILES_INSERT ("$9", "$10", "$11", "$12") "SELECT id FROM r"},
    {"attachment_get",
     "SELECT f.id, f.report_id, a.plan_id, r.activity_id, f.sha256, f.mime, f.size "
     "FROM report_attachments f JOIN activity_reports r ON r.id = f.report_id "
     "JOIN plan_activities a ON a.id = r.activity_id WHERE f.id = $1::bigint"},
    {"report_withdraw",
     "UPDATE activity_reports SET withdrawn_at = now(), withdrawn_by = $3::bigint, "
     "withdraw_reason = $4 WHERE id = $1::bigint AND version = $2::integer "
     "AND withdrawn_at IS NULL RETURNING id"},
    {NULL, NULL},
};

int plan_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

/* ------------------------------------------------------------ lists as text */

/* The parts of `text` split at `sep` into a new array of new strings; ""
 * gives none. */
static void split_strings (const char *text, char sep, char ***items, size_t *n, int *oom)
{
    *items = NULL;
    *n = 0;
    if (!*text)
        return;
    size_t count = 1;
    for (const char *p = text; *p; p++)
        count += *p == sep;
    if (!(*items = calloc (count, sizeof **items))) {
        *oom = 1;
        return;
    }
    for (const char *p = text; *n < count;) {
        size_t k = strcspn (p, (char[]){sep, '\0'});
        char *s = strndup (p, k);
        if (!s) {
            *oom = 1;
            return;
        }
        (*items)[(*n)++] = s;
        if (!p[k])
            break;
        p += k + 1;
    }
}

/* ------------------------------------------------------------ plans */

static void fill_plan (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Quota__Plan *p = item;
    loa__quota__plan__init (p);
    p->id = atoll (PQgetvalue (res, row, 0));
    p->year = atoi (PQgetvalue (res, row, 1));
    p->title = loa_store_dup (res, row, 2, oom);
    p->document_ref = loa_store_dup (res, row, 3, oom);
    p->summary = loa_store_dup (res, row, 4, oom);
    p->created_at = loa_store_dup (res, row, 5, oom);
    p->created_by = atoll (PQgetvalue (res, row, 6));
    p->updated_at = loa_store_dup (res, row, 7, oom);
    p->activities_count = atoi (PQgetvalue (res, row, 8));
}

loa_store_status plan_store_list (PGconn *db, int has_year, int year, Loa__Quota__PlanList *out)
{
    loa__quota__plan_list__init (out);
    char y[24];
    loa_store_int_param (y, year);
    const char *vals[] = {has_year ? y : NULL};
    return loa_store_rows (db, WHO, "plan_list", 1, vals, sizeof (Loa__Quota__Plan), fill_plan,
                           (void ***) &out->items, &out->n_items);
}

static void fill_activity (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Quota__PlanActivity *a = item;
    loa__quota__plan_activity__init (a);
    a->id = atoll (PQgetvalue (res, row, 0));
    a->plan_id = atoll (PQgetvalue (res, row, 1));
    a->position = atoi (PQgetvalue (res, row, 2));
    a->form = loa_store_dup (res, row, 3, oom);
    a->content = loa_store_dup (res, row, 4, oom);
    a->schedule = loa_store_dup (res, row, 5, oom);
    a->lead_unit_id = atoll (PQgetvalue (res, row, 6));
    a->lead_unit_code = loa_store_dup (res, row, 7, oom);
    a->lead_unit_name = loa_store_dup (res, row, 8, oom);
    a->partner_units = loa_store_ids (PQgetvalue (res, row, 9), &a->n_partner_units, oom);
    a->partners_note = loa_store_dup (res, row, 10, oom);
    Loa__Quota__PlanActivitySummary *s = malloc (sizeof *s);
    if (!s) {
        *oom = 1;
        return;
    }
    loa__quota__plan_activity_summary__init (s);
    a->summary = s;
    s->reports = atoll (PQgetvalue (res, row, 11));
    s->units_reported = loa_store_ids (PQgetvalue (res, row, 12), &s->n_units_reported, oom);
    s->last_done_on = loa_store_dup (res, row, 13, oom);
    split_strings (PQgetvalue (res, row, 14), ',', &s->months, &s->n_months, oom);
}

loa_store_status plan_store_get (PGconn *db, int64_t id, Loa__Quota__Plan *out)
{
    loa__quota__plan__init (out);
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    loa_store_status st = loa_store_one (db, WHO, "plan_get", 1, vals, fill_plan, out);
    if (st != LOA_STORE_OK)
        return st;
    st = loa_store_rows (db, WHO, "plan_activities", 1, vals, sizeof (Loa__Quota__PlanActivity),
                         fill_activity, (void ***) &out->activities, &out->n_activities);
    out->activities_count = (int32_t) out->n_activities;
    return st;
}

/* ------------------------------------------------------------ create, update */

/* Runs a change: 0, LOA_DB_RETRY (loa_db_tx runs the transaction again),
 * LOA_STORE_CONFLICT (a unique key is taken) or -1. */
static int run_change (PGconn *db, const char *stmt, int n, const char *const *vals,
                       ExecStatusType expect, PGresult **out)
{
    PGresult *res = loa_store_run (db, WHO, stmt, n, vals, expect);
    if (PQresultStatus (res) == expect) {
        if (out)
            *out = res;
        else
            PQclear (res);
        return 0;
    }
    int rc = loa_db_retryable (res)           ? LOA_DB_RETRY
             : loa_db_is_state (res, "23505") ? LOA_STORE_CONFLICT
                                              : -1;
    PQclear (res);
    return rc;
}

/* Inserts (id 0) or updates activity `a` of plan `plan_id`; *changed is
 * the number of rows. */
static int write_activity (PGconn *db, const char *plan_id, const Loa__Quota__PlanActivityInput *a,
                           int *changed)
{
    char id[24], pos[24], lead[24];
    loa_store_int_param (id, a->id);
    loa_store_int_param (pos, a->position);
    loa_store_int_param (lead, a->lead_unit_id);
    char *partners = NULL;
    if (a->partner_units &&
        !(partners = loa_store_ids_literal (a->partner_units->values, a->partner_units->n_values)))
        return -1;
    PGresult *res = NULL;
    int rc;
    if (!a->has_id) {
        const char *vals[] = {
            plan_id,     a->has_position ? pos : NULL,      a->form,  a->content,
            a->schedule, a->has_lead_unit_id ? lead : NULL, partners, a->partners_note};
        rc = run_change (db, "activity_insert", 8, vals, PGRES_COMMAND_OK, &res);
    } else {
        const char *vals[] = {
            plan_id,         id,          a->has_position ? pos : NULL,      a->form,
            a->content,      a->schedule, a->has_lead_unit_id ? lead : NULL, partners,
            a->partners_note};
        rc = run_change (db, "activity_update", 9, vals, PGRES_COMMAND_OK, &res);
    }
    if (rc == 0) {
        *changed = atoi (PQcmdTuples (res));
        PQclear (res);
    }
    free (partners);
    return rc;
}

typedef struct {
    const Loa__Quota__CreatePlanRequest *in;
    int64_t user_id;
    int64_t *id;
} plan_create;

static int create_tx (PGconn *db, void *arg)
{
    plan_create *c = arg;
    char year[24], user[24], plan_id[24];
    loa_store_int_param (year, c->in->year);
    loa_store_int_param (user, c->user_id);
    const char *vals[] = {year, c->in->title, c->in->document_ref, c->in->summary, user};
    PGresult *res = NULL;
    int rc = run_change (db, "plan_insert", 5, vals, PGRES_TUPLES_OK, &res);
    if (rc != 0)
        return rc;
    *c->id = atoll (PQgetvalue (res, 0, 0));
    PQclear (res);
    loa_store_int_param (plan_id, *c->id);
    for (size_t i = 0; i < c->in->n_activities; i++) {
        int changed = 0;
        Loa__Quota__PlanActivityInput a = *c->in->activities[i];
        /* Positions follow the order given unless set. */
        if (!a.has_position) {
            a.has_position = 1;
            a.position = (int32_t) i + 1;
        }
        if ((rc = write_activity (db, plan_id, &a, &changed)) != 0)
            return rc;
    }
    return 0;
}

loa_store_status plan_store_create (PGconn *db, const Loa__Quota__CreatePlanRequest *in,
                                    int64_t user_id, int64_t *id)
{
    plan_create c = {in, user_id, id};
    int rc = loa_db_tx (db, create_tx, &c);
    return rc == 0 ? LOA_STORE_OK : rc == LOA_STORE_CONFLICT ? LOA_STORE_CONFLICT : LOA_STORE_ERROR;
}

typedef struct {
    const Loa__Quota__UpdatePlanRequest *in;
    size_t *bad;
} plan_update;

static int update_tx (PGconn *db, void *arg)
{
    plan_update *u = arg;
    char plan_id[24];
    loa_store_int_param (plan_id, u->in->id);
    const char *vals[] = {plan_id, u->in->title, u->in->document_ref, u->in->summary};
    PGresult *res = NULL;
    int rc = run_change (db, "plan_update", 4, vals, PGRES_COMMAND_OK, &res);
    if (rc != 0)
        return rc;
    int found = atoi (PQcmdTuples (res));
    PQclear (res);
    if (!found)
        return LOA_STORE_NOT_FOUND;
    for (size_t i = 0; i < u->in->n_activities; i++) {
        int changed = 0;
        if ((rc = write_activity (db, plan_id, u->in->activities[i], &changed)) != 0)
            return rc;
        if (!changed) {
            *u->bad = i; /* not one of the plan's activities */
            return LOA_STORE_INVALID;
        }
    }
    return 0;
}

loa_store_status plan_store_update (PGconn *db, const Loa__Quota__UpdatePlanRequest *in,
                                    size_t *bad)
{
    plan_update u = {in, bad};
    int rc = loa_db_tx (db, update_tx, &u);
    return rc == 0                                                ? LOA_STORE_OK
           : rc == LOA_STORE_NOT_FOUND || rc == LOA_STORE_INVALID ? (loa_store_status) rc
                                                                  : LOA_STORE_ERROR;
}

/* ------------------------------------------------------------ units, activities */

loa_store_status plan_store_unknown_unit (PGconn *db, const int64_t *ids, size_t n,
                                          int64_t *unknown)
{
    *unknown = 0;
    if (n == 0)
        return LOA_STORE_OK;
    char *csv = loa_store_ids_literal (ids, n);
    if (!csv)
        return LOA_STORE_ERROR;
    const char *vals[] = {csv};
    PGresult *res = loa_store_run (db, WHO, "unknown_unit", 1, vals, PGRES_TUPLES_OK);
    loa_store_status st = LOA_STORE_ERROR;
    if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1) {
        *unknown = atoll (PQgetvalue (res, 0, 0));
        st = LOA_STORE_OK;
    }
    PQclear (res);
    free (csv);
    return st;
}

loa_store_status plan_store_activity (PGconn *db, int64_t plan_id, int64_t activity_id,
                                      int64_t unit_id, int *year, int *may_report)
{
    char p[24], a[24], u[24];
    loa_store_int_param (p, plan_id);
    loa_store_int_param (a, activity_id);
    loa_store_int_param (u, unit_id);
    const char *vals[] = {p, a, u};
    PGresult *res = loa_store_run (db, WHO, "activity_of_plan", 3, vals, PGRES_TUPLES_OK);
    loa_store_status st = LOA_STORE_ERROR;
    *year = 0;
    *may_report = 0;
    if (PQresultStatus (res) == PGRES_TUPLES_OK) {
        st = LOA_STORE_NOT_FOUND;
        if (PQntuples (res) == 1) {
            *year = atoi (PQgetvalue (res, 0, 0));
            if (PQgetvalue (res, 0, 1)[0] == 't') {
                *may_report = PQgetvalue (res, 0, 2)[0] == 't';
                st = LOA_STORE_OK;
            }
        }
    }
    PQclear (res);
    return st;
}

/* ------------------------------------------------------------ reports */

static void fill_report (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Quota__ActivityReport *r = item;
    loa__quota__activity_report__init (r);
    r->id = atoll (PQgetvalue (res, row, 0));
    r->plan_id = atoll (PQgetvalue (res, row, 1));
    r->activity_id = atoll (PQgetvalue (res, row, 2));
    r->unit_id = atoll (PQgetvalue (res, row, 3));
    r->done_on = loa_store_dup (res, row, 4, oom);
    r->description = loa_store_dup (res, row, 5, oom);
    split_strings (PQgetvalue (res, row, 6), '\n', &r->evidence_links, &r->n_evidence_links, oom);
    r->attachment_ids = loa_store_ids (PQgetvalue (res, row, 7), &r->n_attachment_ids, oom);
    r->created_by = atoll (PQgetvalue (res, row, 8));
    r->created_at = loa_store_dup (res, row, 9, oom);
    r->version = atoi (PQgetvalue (res, row, 10));
    r->updated_at = loa_store_dup (res, row, 11, oom);
    r->updated_by = atoll (PQgetvalue (res, row, 12));
    r->withdrawn_at = loa_store_dup (res, row, 13, oom);
    r->withdrawn_by = atoll (PQgetvalue (res, row, 14));
    r->withdraw_reason = loa_store_dup (res, row, 15, oom);
}

static void fill_version (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Quota__ActivityReportVersion *v = item;
    loa__quota__activity_report_version__init (v);
    v->version = atoi (PQgetvalue (res, row, 0));
    v->done_on = loa_store_dup (res, row, 1, oom);
    v->description = loa_store_dup (res, row, 2, oom);
    split_strings (PQgetvalue (res, row, 3), '\n', &v->evidence_links, &v->n_evidence_links, oom);
    v->attachment_ids = loa_store_ids (PQgetvalue (res, row, 4), &v->n_attachment_ids, oom);
    v->written_by = atoll (PQgetvalue (res, row, 5));
    v->written_at = loa_store_dup (res, row, 6, oom);
    v->replaced_by = atoll (PQgetvalue (res, row, 7));
    v->replaced_at = loa_store_dup (res, row, 8, oom);
    v->reason = loa_store_dup (res, row, 9, oom);
}

loa_store_status plan_store_report_get (PGconn *db, int64_t plan_id, int64_t activity_id,
                                        int64_t report_id, Loa__Quota__ActivityReport *out)
{
    loa__quota__activity_report__init (out);
    char p[24], a[24], r[24];
    loa_store_int_param (p, plan_id);
    loa_store_int_param (a, activity_id);
    loa_store_int_param (r, report_id);
    const char *vals[] = {p, a, r};
    return loa_store_one (db, WHO, "report_get", 3, vals, fill_report, out);
}

/* The four arrays of `files` (ids, digests, types, sizes) as parameters:
 * new strings, the caller's (free_files). 0, or -1 when memory ran out. */
typedef struct {
    char *ids, *sha256, *mime, *size;
} files_params;

static void free_files (files_params *p)
{
    free (p->ids);
    free (p->sha256);
    free (p->mime);
    free (p->size);
}

static int files_params_of (const plan_report_files *files, files_params *p)
{
    size_t n = files ? files->n : 0;
    int64_t *ids = calloc (n + 1, sizeof *ids), *sizes = calloc (n + 1, sizeof *sizes);
    const char **sha = calloc (n + 1, sizeof *sha), **mime = calloc (n + 1, sizeof *mime);
    *p = (files_params){0};
    if (ids && sizes && sha && mime) {
        for (size_t i = 0; i < n; i++) {
            ids[i] = files->items[i]->id;
            sizes[i] = files->items[i]->size;
            sha[i] = files->items[i]->sha256;
            mime[i] = files->items[i]->mime;
        }
        p->ids = loa_store_ids_literal (ids, n);
        p->size = loa_store_ids_literal (sizes, n);
        p->sha256 = loa_store_strings_literal (sha, n);
        p->mime = loa_store_strings_literal (mime, n);
    }
    free (ids);
    free (sizes);
    free (sha);
    free (mime);
    if (p->ids && p->size && p->sha256 && p->mime)
        return 0;
    free_files (p);
    return -1;
}

loa_store_status plan_store_report_next_id (PGconn *db, int64_t *id)
{
    PGresult *res = loa_store_run (db, WHO, "report_next_id", 0, NULL, PGRES_TUPLES_OK);
    int ok = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1;
    *id = ok ? atoll (PQgetvalue (res, 0, 0)) : 0;
    PQclear (res);
    return ok ? LOA_STORE_OK : LOA_STORE_ERROR;
}

loa_store_status plan_store_report_create (PGconn *db,
                                           const Loa__Quota__CreateActivityReportRequest *in,
                                           int64_t id, int64_t unit_id, int64_t user_id,
                                           const plan_report_files *files,
                                           Loa__Quota__ActivityReport *out)
{
    loa__quota__activity_report__init (out);
    char a[24], u[24], user[24], rid[24];
    loa_store_int_param (a, in->aid);
    loa_store_int_param (u, unit_id);
    loa_store_int_param (user, user_id);
    loa_store_int_param (rid, id);
    char *links =
        loa_store_strings_literal ((const char *const *) in->evidence_links, in->n_evidence_links);
    char *attachments = loa_store_ids_literal (in->attachment_ids, in->n_attachment_ids);
    files_params f;
    int have_files = files_params_of (files, &f) == 0;
    loa_store_status st = LOA_STORE_ERROR;
    if (links && attachments && have_files) {
        const char *vals[] = {a,    u,   in->done_on, in->description, links,  attachments,
                              user, rid, f.ids,       f.sha256,        f.mime, f.size};
        /* One statement: it commits on its own, before the reply. */
        PGresult *res = loa_store_run (db, WHO, "report_insert", 12, vals, PGRES_TUPLES_OK);
        if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1) {
            int64_t made = atoll (PQgetvalue (res, 0, 0));
            st = plan_store_report_get (db, in->id, in->aid, made, out) == LOA_STORE_OK
                     ? LOA_STORE_OK
                     : LOA_STORE_ERROR;
        }
        PQclear (res);
    }
    if (have_files)
        free_files (&f);
    free (links);
    free (attachments);
    return st;
}

loa_store_status plan_store_report_versions (PGconn *db, Loa__Quota__ActivityReport *report)
{
    char r[24];
    loa_store_int_param (r, report->id);
    const char *vals[] = {r};
    return loa_store_rows (db, WHO, "report_versions", 1, vals,
                           sizeof (Loa__Quota__ActivityReportVersion), fill_version,
                           (void ***) &report->versions, &report->n_versions);
}

/* One row back: OK; none: CONFLICT (changed or withdrawn meanwhile). */
static loa_store_status one_row_or_conflict (PGresult *res)
{
    loa_store_status st = PQresultStatus (res) != PGRES_TUPLES_OK ? LOA_STORE_ERROR
                          : PQntuples (res) == 1                  ? LOA_STORE_OK
                                                                  : LOA_STORE_CONFLICT;
    PQclear (res);
    return st;
}

loa_store_status plan_store_report_correct (PGconn *db, const Loa__Quota__ActivityReport *cur,
                                            const Loa__Quota__CreateActivityReportRequest *text,
                                            const plan_report_files *files, int64_t user_id,
                                            const char *reason)
{
    char id[24], version[24], user[24];
    loa_store_int_param (id, cur->id);
    snprintf (version, sizeof version, "%d", cur->version);
    loa_store_int_param (user, user_id);
    char *links = loa_store_strings_literal ((const char *const *) text->evidence_links,
                                             text->n_evidence_links);
    char *attachments = loa_store_ids_literal (text->attachment_ids, text->n_attachment_ids);
    files_params f;
    int have_files = files_params_of (files, &f) == 0;
    loa_store_status st = LOA_STORE_ERROR;
    if (links && attachments && have_files) {
        const char *vals[] = {id,   version, text->done_on, text->description, links,  attachments,
                              user, reason,  f.ids,         f.sha256,          f.mime, f.size};
        st = one_row_or_conflict (
            loa_store_run (db, WHO, "report_correct", 12, vals, PGRES_TUPLES_OK));
    }
    if (have_files)
        free_files (&f);
    free (links);
    free (attachments);
    return st;
}

loa_store_status plan_store_report_withdraw (PGconn *db, const Loa__Quota__ActivityReport *cur,
                                             int64_t user_id, const char *reason)
{
    char id[24], version[24], user[24];
    loa_store_int_param (id, cur->id);
    snprintf (version, sizeof version, "%d", cur->version);
    loa_store_int_param (user, user_id);
    const char *vals[] = {id, version, user, reason};
    return one_row_or_conflict (
        loa_store_run (db, WHO, "report_withdraw", 4, vals, PGRES_TUPLES_OK));
}

loa_store_status plan_store_reports_list (PGconn *db, int64_t activity_id,
                                          Loa__Quota__ActivityReportList *out)
{
    loa__quota__activity_report_list__init (out);
    char a[24];
    loa_store_int_param (a, activity_id);
    const char *vals[] = {a};
    return loa_store_rows (db, WHO, "reports_list", 1, vals, sizeof (Loa__Quota__ActivityReport),
                           fill_report, (void ***) &out->items, &out->n_items);
}

static void fill_attachment (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Quota__ReportAttachment *f = item;
    loa__quota__report_attachment__init (f);
    f->id = atoll (PQgetvalue (res, row, 0));
    f->report_id = atoll (PQgetvalue (res, row, 1));
    f->plan_id = atoll (PQgetvalue (res, row, 2));
    f->activity_id = atoll (PQgetvalue (res, row, 3));
    f->sha256 = loa_store_dup (res, row, 4, oom);
    f->mime = loa_store_dup (res, row, 5, oom);
    f->size = atoll (PQgetvalue (res, row, 6));
}

loa_store_status plan_store_attachment_get (PGconn *db, int64_t id,
                                            Loa__Quota__ReportAttachment *out)
{
    loa__quota__report_attachment__init (out);
    char f[24];
    loa_store_int_param (f, id);
    const char *vals[] = {f};
    return loa_store_one (db, WHO, "attachment_get", 1, vals, fill_attachment, out);
}

/* ------------------------------------------------------------ leads */

int plan_store_resolve_leads (PGconn *db)
{
    PGresult *res = PQexec (db, "UPDATE plan_activities a SET lead_unit_id = u.unit_id, "
                                "updated_at = now() FROM units u "
                                "WHERE a.lead_unit_id IS NULL AND a.lead_unit_code = u.code");
    int rc = -1;
    if (PQresultStatus (res) == PGRES_COMMAND_OK)
        rc = atoi (PQcmdTuples (res));
    else
        loa_error (NULL, WHO ": resolving leads by unit code: %s", loa_db_error (res));
    PQclear (res);
    return rc;
}
