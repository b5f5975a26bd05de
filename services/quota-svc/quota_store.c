#include "quota_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"
#include "quota_ops.pb-c.h"

#define WHO "quota store"

#define RULE_COLS "min_articles, min_cchc_articles, effective_from, rfc3339(created_at), created_by"

/* The rule of month `m` (an SQL expression): the greatest effective_from
 * not after it; for a month before every row, the earliest row. */
#define RULE_OF(m)                                                                                 \
    "SELECT min_articles, min_cchc_articles FROM rules "                                           \
    "ORDER BY effective_from <= " m " DESC, "                                                      \
    "CASE WHEN effective_from <= " m                                                               \
    " THEN effective_from ELSE '' END DESC, effective_from LIMIT 1"
#define RULE_OF_MONTH RULE_OF ("$1")
#define RULE_OF_YEAR_MONTH RULE_OF ("m.month") /* of report_year's months */

static const loa_stmt statements[] = {
    {"units_list", "SELECT unit_id, code, name, is_active FROM units ORDER BY unit_id"},
    /* Column 5: the row in force in month $1. */
    {"rules_list",
     "SELECT " RULE_COLS ", effective_from <= $1 FROM rules ORDER BY effective_from DESC"},
    /* A correction of a row (same effective_from) replaces it. */
    {"rules_upsert",
     "INSERT INTO rules (min_articles, min_cchc_articles, effective_from, created_by) "
     "VALUES ($1::integer, $2::integer, $3, $4::bigint) ON CONFLICT (effective_from) DO UPDATE SET "
     "min_articles = EXCLUDED.min_articles, min_cchc_articles = EXCLUDED.min_cchc_articles, "
     "created_at = now(), created_by = EXCLUDED.created_by"},
    {"report", "WITH r AS (" RULE_OF_MONTH ") "
               "SELECT u.unit_id, u.name, coalesce(t.articles, 0), coalesce(t.cchc_articles, 0), "
               "r.min_articles, r.min_cchc_articles, u.code "
               "FROM units u CROSS JOIN r "
               "LEFT JOIN unit_month_tallies t ON t.unit_id = u.unit_id AND t.month = $1 "
               "WHERE u.is_active ORDER BY u.unit_id"},
    /* The active units not yet meeting month $1's rule and not yet flagged
     * for it, flagged now (at most once: the primary key). */
    {"at_risk_flag",
     "WITH r AS (" RULE_OF_MONTH "), "
     "risk AS (SELECT u.unit_id, u.code, u.name, coalesce(t.articles, 0) AS articles, "
     "coalesce(t.cchc_articles, 0) AS cchc_articles, r.min_articles, r.min_cchc_articles "
     "FROM units u CROSS JOIN r "
     "LEFT JOIN unit_month_tallies t ON t.unit_id = u.unit_id AND t.month = $1 "
     "WHERE u.is_active AND (coalesce(t.articles, 0) < r.min_articles "
     "OR coalesce(t.cchc_articles, 0) < r.min_cchc_articles)), "
     "flagged AS (INSERT INTO at_risk_events (unit_id, month, articles, cchc_articles) "
     "SELECT unit_id, $1, articles, cchc_articles FROM risk ON CONFLICT DO NOTHING "
     "RETURNING unit_id) "
     "SELECT risk.* FROM risk JOIN flagged USING (unit_id) ORDER BY unit_id"},
    {"counts",
     "SELECT (SELECT count(*) FROM articles WHERE NOT retracted), (SELECT count(*) FROM units)"},
    /* The year $1 (months $2 = January .. $3 = December): every active unit
     * times the twelve months, each with that month's rule, in one pass. */
    {"report_year",
     "WITH m AS (SELECT g AS i, to_char(make_date($1::integer, g, 1), 'YYYY-MM') AS month "
     "FROM generate_series(1, 12) g) "
     "SELECT u.unit_id, u.name, m.i, coalesce(t.articles, 0), coalesce(t.cchc_articles, 0), "
     "r.min_articles, r.min_cchc_articles, u.code "
     "FROM units u CROSS JOIN m CROSS JOIN LATERAL (" RULE_OF_YEAR_MONTH ") r "
     "LEFT JOIN (SELECT * FROM unit_month_tallies WHERE month BETWEEN $2 AND $3) t "
     "ON t.unit_id = u.unit_id AND t.month = m.month "
     "WHERE u.is_active ORDER BY u.unit_id, m.i"},
    /* The media figures of year $1..$2 (first and last month) per unit. */
    {"media_year",
     "SELECT a.unit_id, count(*) FILTER (WHERE x.kind = 'p'), count(*) FILTER (WHERE x.kind = 'd') "
     "FROM (SELECT article_id, 'p' AS kind FROM media_packages WHERE month BETWEEN $1 AND $2 "
     "UNION ALL SELECT p.article_id, 'd' FROM media_deliveries d JOIN media_packages p "
     "USING (package_id) WHERE d.month BETWEEN $1 AND $2 AND d.status = 'received') x "
     "JOIN articles a USING (article_id) GROUP BY a.unit_id ORDER BY a.unit_id"},
    {NULL, NULL},
};

int quota_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

/* ------------------------------------------------------------ units */

int quota_store_list_units (PGconn *db, Loa__Quota__QuotaUnitList *out)
{
    PGresult *res = PQexecPrepared (db, "units_list", 0, NULL, NULL, NULL, 0);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_error (NULL, "quota store: units_list: %s", loa_db_error (res));
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

/* ------------------------------------------------------------ articles */

int quota_store_apply_article (PGconn *db, int64_t article_id, int64_t unit_id, const char *month,
                               int is_cchc, int retracted, uint64_t seq)
{
    char id[24], unit[24], seq_s[24];
    loa_store_int_param (id, article_id);
    loa_store_int_param (unit, unit_id);
    snprintf (seq_s, sizeof seq_s, "%llu", (unsigned long long) seq);
    const char *vals[] = {
        id, unit, month, is_cchc ? "true" : "false", retracted ? "true" : "false", seq_s};
    /* month: LEAST keeps the first publication's month whatever the order
     * the events are seen in (a re-publication counts in it again). */
    return loa_store_exec (
        db, WHO,
        "INSERT INTO articles (article_id, unit_id, month, is_cchc, retracted, event_seq) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (article_id) DO UPDATE SET "
        "unit_id = excluded.unit_id, month = LEAST(articles.month, excluded.month), "
        "is_cchc = excluded.is_cchc, retracted = excluded.retracted, "
        "event_seq = excluded.event_seq, updated_at = now() "
        "WHERE articles.event_seq < excluded.event_seq",
        6, vals);
}

/* ------------------------------------------------------------ rules */

static void fill_rules (const PGresult *res, int row, Loa__Quota__QuotaRules *r, int *oom)
{
    loa__quota__quota_rules__init (r);
    r->min_articles = atoi (PQgetvalue (res, row, 0));
    r->min_cchc_articles = atoi (PQgetvalue (res, row, 1));
    r->effective_from = loa_store_dup (res, row, 2, oom);
    r->created_at = loa_store_dup (res, row, 3, oom);
    r->created_by = atoll (PQgetvalue (res, row, 4));
}

void quota_store_free_rules (Loa__Quota__QuotaRulesReply *out)
{
    loa_store_free_message (&out->base);
}

/* Every row and the one in force in `month` into *out (initialised). */
static int read_rules (PGconn *db, const char *month, Loa__Quota__QuotaRulesReply *out)
{
    const char *vals[] = {month};
    PGresult *res = loa_store_run (db, WHO, "rules_list", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    int n = PQntuples (res), oom = 0;
    void **items = NULL;
    if (!loa_store_list_block ((size_t) n, sizeof (Loa__Quota__QuotaRules), &items)) {
        PQclear (res);
        return -1;
    }
    out->history = (Loa__Quota__QuotaRules **) items;
    int current = -1;
    for (int i = 0; i < n; i++) {
        fill_rules (res, i, out->history[i], &oom);
        out->n_history++;
        if (current < 0 && PQgetvalue (res, i, 5)[0] == 't')
            current = i;
    }
    if (current < 0 && n > 0)
        current = n - 1; /* every row is in the future: the earliest */
    if (current >= 0) {
        out->min_articles = atoi (PQgetvalue (res, current, 0));
        out->min_cchc_articles = atoi (PQgetvalue (res, current, 1));
        out->effective_from = loa_store_dup (res, current, 2, &oom);
        out->created_at = loa_store_dup (res, current, 3, &oom);
        out->created_by = atoll (PQgetvalue (res, current, 4));
    }
    PQclear (res);
    return oom ? -1 : 0;
}

int quota_store_get_rules (PGconn *db, const char *month, Loa__Quota__QuotaRulesReply *out)
{
    loa__quota__quota_rules_reply__init (out);
    return read_rules (db, month, out);
}

typedef struct {
    const char *const *vals; /* min, min_cchc, effective_from, user */
    const char *month;
    Loa__Quota__QuotaRulesReply *out;
} rules_put;

static int put_rules_tx (PGconn *db, void *arg)
{
    rules_put *p = arg;
    quota_store_free_rules (p->out);
    PGresult *res = loa_store_run (db, WHO, "rules_upsert", 4, p->vals, PGRES_COMMAND_OK);
    if (PQresultStatus (res) != PGRES_COMMAND_OK) {
        int retry = loa_db_retryable (res);
        PQclear (res);
        return retry ? LOA_DB_RETRY : -1;
    }
    PQclear (res);
    return read_rules (db, p->month, p->out);
}

int quota_store_put_rules (PGconn *db, int min_articles, int min_cchc_articles,
                           const char *effective_from, int64_t user_id, const char *month,
                           Loa__Quota__QuotaRulesReply *out)
{
    char min[24], cchc[24], user[24];
    loa_store_int_param (min, min_articles);
    loa_store_int_param (cchc, min_cchc_articles);
    loa_store_int_param (user, user_id);
    const char *vals[] = {min, cchc, effective_from, user};
    rules_put p = {vals, month, out};
    loa__quota__quota_rules_reply__init (out);
    return loa_db_tx (db, put_rules_tx, &p) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ report */

int quota_store_report (PGconn *db, const char *month, quota_store_tally **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    const char *vals[] = {month};
    PGresult *res = loa_store_run (db, WHO, "report", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    int count = PQntuples (res);
    quota_store_tally *t = calloc ((size_t) count + 1, sizeof *t);
    if (!t) {
        PQclear (res);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < count; i++) {
        t[i].unit_id = atoll (PQgetvalue (res, i, 0));
        t[i].unit_name = strdup (PQgetvalue (res, i, 1));
        t[i].articles = atoll (PQgetvalue (res, i, 2));
        t[i].cchc_articles = atoll (PQgetvalue (res, i, 3));
        t[i].min_articles = atoi (PQgetvalue (res, i, 4));
        t[i].min_cchc_articles = atoi (PQgetvalue (res, i, 5));
        t[i].unit_code = strdup (PQgetvalue (res, i, 6));
        if (!t[i].unit_name || !t[i].unit_code)
            rc = -1;
    }
    PQclear (res);
    *rows = t;
    *n = (size_t) count;
    return rc;
}

void quota_store_free_tallies (quota_store_tally *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free (rows[i].unit_name);
        free (rows[i].unit_code);
    }
    free (rows);
}

/* ------------------------------------------------------------ at risk */

typedef struct {
    const char *month;
    int flagged;
} at_risk_job;

static int at_risk_tx (PGconn *db, void *arg)
{
    at_risk_job *job = arg;
    job->flagged = 0;
    const char *vals[] = {job->month};
    PGresult *res = loa_store_run (db, WHO, "at_risk_flag", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        int retry = loa_db_retryable (res);
        PQclear (res);
        return retry ? LOA_DB_RETRY : -1;
    }
    int rc = 0;
    for (int i = 0; i < PQntuples (res) && rc == 0; i++) {
        Loa__Quota__QuotaAtRiskEvent ev = LOA__QUOTA__QUOTA_AT_RISK_EVENT__INIT;
        ev.unit_id = atoll (PQgetvalue (res, i, 0));
        ev.unit_code = PQgetvalue (res, i, 1);
        ev.unit_name = PQgetvalue (res, i, 2);
        ev.month = (char *) job->month;
        ev.articles = atoll (PQgetvalue (res, i, 3));
        ev.cchc_articles = atoll (PQgetvalue (res, i, 4));
        ev.min_articles = atoi (PQgetvalue (res, i, 5));
        ev.min_cchc_articles = atoi (PQgetvalue (res, i, 6));
        rc = loa_outbox_add (db, "quota.at_risk", &ev.base);
        if (rc == 0)
            job->flagged++;
    }
    PQclear (res);
    return rc;
}

int quota_store_flag_at_risk (PGconn *db, const char *month)
{
    at_risk_job job = {month, 0};
    if (loa_db_tx (db, at_risk_tx, &job) != 0)
        return -1;
    return job.flagged;
}

/* ------------------------------------------------------------ rebuild */

/* Empties tables by a multi-statement `sql` (not prepared: it also runs
 * on quota-svc --rebuild's own connection). 0, -1 or LOA_DB_RETRY. */
static int empty_tables (PGconn *db, const char *sql)
{
    PGresult *res = PQexec (db, sql);
    int ok = PQresultStatus (res) == PGRES_COMMAND_OK;
    int retry = !ok && loa_db_retryable (res);
    if (!ok)
        loa_error (NULL, WHO ": %s: %s", sql, loa_db_error (res));
    PQclear (res);
    return ok ? 0 : retry ? LOA_DB_RETRY : -1;
}

int quota_store_reset (PGconn *db)
{
    return empty_tables (db, "DELETE FROM articles; DELETE FROM units");
}

int quota_store_counts (PGconn *db, int64_t *articles, int64_t *units)
{
    PGresult *res = loa_store_run (db, WHO, "counts", 0, NULL, PGRES_TUPLES_OK);
    int ok = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1;
    if (ok) {
        *articles = atoll (PQgetvalue (res, 0, 0));
        *units = atoll (PQgetvalue (res, 0, 1));
    }
    PQclear (res);
    return ok ? 0 : -1;
}

int quota_store_report_year (PGconn *db, int year, quota_store_year **units, size_t *n)
{
    *units = NULL;
    *n = 0;
    char y[24], first[24], last[24];
    loa_store_int_param (y, year);
    snprintf (first, sizeof first, "%04d-01", year);
    snprintf (last, sizeof last, "%04d-12", year);
    const char *vals[] = {y, first, last};
    PGresult *res = loa_store_run (db, WHO, "report_year", 3, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    /* Rows come by unit, then month 1..12: a new unit starts a new item. */
    int rows = PQntuples (res);
    quota_store_year *u = calloc ((size_t) rows / 12 + 1, sizeof *u);
    if (!u) {
        PQclear (res);
        return -1;
    }
    size_t count = 0;
    int rc = 0;
    for (int i = 0; i < rows; i++) {
        int64_t id = atoll (PQgetvalue (res, i, 0));
        if (count == 0 || u[count - 1].unit_id != id) {
            if (count == (size_t) rows / 12 + 1)
                break; /* cannot happen: twelve rows a unit */
            u[count].unit_id = id;
            u[count].unit_name = strdup (PQgetvalue (res, i, 1));
            u[count].unit_code = strdup (PQgetvalue (res, i, 7));
            if (!u[count].unit_name || !u[count].unit_code)
                rc = -1;
            count++;
        }
        int m = atoi (PQgetvalue (res, i, 2));
        if (m < 1 || m > 12)
            continue;
        quota_store_cell *c = &u[count - 1].months[m - 1];
        c->articles = atoll (PQgetvalue (res, i, 3));
        c->cchc_articles = atoll (PQgetvalue (res, i, 4));
        c->min_articles = atoi (PQgetvalue (res, i, 5));
        c->min_cchc_articles = atoi (PQgetvalue (res, i, 6));
    }
    PQclear (res);
    *units = u;
    *n = count;
    return rc;
}

void quota_store_free_year (quota_store_year *units, size_t n)
{
    for (size_t i = 0; units && i < n; i++) {
        free (units[i].unit_name);
        free (units[i].unit_code);
    }
    free (units);
}

/* ------------------------------------------------------------ media */

int quota_store_apply_package (PGconn *db, int64_t package_id, int64_t article_id, int version,
                               const char *month, int canceled)
{
    char id[24], article[24], v[24];
    loa_store_int_param (id, package_id);
    loa_store_int_param (article, article_id);
    loa_store_int_param (v, version);
    const char *vals[] = {id, article, month, v, canceled ? "true" : "false"};
    return loa_store_exec (
        db, WHO,
        "INSERT INTO media_packages (package_id, article_id, month, versions, canceled) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (package_id) DO UPDATE SET "
        "month = LEAST(media_packages.month, excluded.month), "
        "versions = GREATEST(media_packages.versions, excluded.versions), "
        "canceled = media_packages.canceled OR excluded.canceled",
        5, vals);
}

int quota_store_apply_delivery (PGconn *db, int64_t package_id, int version, int64_t broadcaster_id,
                                const char *status, const char *month)
{
    char id[24], v[24], bc[24];
    loa_store_int_param (id, package_id);
    loa_store_int_param (v, version);
    loa_store_int_param (bc, broadcaster_id);
    const char *vals[] = {id, v, bc, status, month};
    return loa_store_exec (
        db, WHO,
        "INSERT INTO media_deliveries (package_id, version, broadcaster_id, status, "
        "month) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        5, vals);
}

int quota_store_reset_media (PGconn *db)
{
    return empty_tables (db, "DELETE FROM media_packages; DELETE FROM media_deliveries");
}

int quota_store_media_year (PGconn *db, int year, quota_store_media **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    char first[24], last[24];
    snprintf (first, sizeof first, "%04d-01", year);
    snprintf (last, sizeof last, "%04d-12", year);
    const char *vals[] = {first, last};
    PGresult *res = loa_store_run (db, WHO, "media_year", 2, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    int count = PQntuples (res);
    quota_store_media *m = calloc ((size_t) count + 1, sizeof *m);
    if (!m) {
        PQclear (res);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        m[i].unit_id = atoll (PQgetvalue (res, i, 0));
        m[i].packages = atoll (PQgetvalue (res, i, 1));
        m[i].deliveries = atoll (PQgetvalue (res, i, 2));
    }
    PQclear (res);
    *rows = m;
    *n = (size_t) count;
    return 0;
}
