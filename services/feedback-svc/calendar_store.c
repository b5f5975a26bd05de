#include "calendar_store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"

#define WHO "calendar store"

/* The days of year $1: [1 January, 1 January of the next year). */
#define YEAR_WHERE                                                                                 \
    "date >= make_date($1::integer, 1, 1) AND date < make_date($1::integer + 1, 1, 1)"

#define RULE_COLS                                                                                  \
    "forward_working_days, answer_working_days, to_char(cutoff_time, 'HH24:MI'), "                 \
    "to_char(effective_from, 'YYYY-MM-DD'), rfc3339(created_at), created_by"

static const loa_stmt statements[] = {
    {"calendar_version", "SELECT version FROM calendar_version"},
    /* Every calendar write takes this lock first, so that two replacements
     * of a year never interleave their DELETE and INSERT. */
    {"calendar_lock", "SELECT version FROM calendar_version FOR UPDATE"},
    {"calendar_days_all", "SELECT date - DATE '1970-01-01', type FROM calendar_days ORDER BY date"},
    {"calendar_year",
     "SELECT to_char(date, 'YYYY-MM-DD'), type, name, rfc3339(max(updated_at) OVER ()) "
     "FROM calendar_days WHERE " YEAR_WHERE " ORDER BY date"},
    {"calendar_year_delete", "DELETE FROM calendar_days WHERE " YEAR_WHERE},
    /* One statement for the whole year (so its trigger bumps the version
     * once): the days come as a JSON array of {date, type, name}. */
    {"calendar_year_insert",
     "INSERT INTO calendar_days (date, type, name, updated_by) "
     "SELECT d.date, d.type, d.name, $2::bigint "
     "FROM jsonb_to_recordset($1::jsonb) AS d (date date, type text, name text)"},
    {"rules_all",
     "SELECT effective_from - DATE '1970-01-01', forward_working_days, answer_working_days, "
     "(extract(epoch FROM cutoff_time)::integer / 60) FROM deadline_rules ORDER BY effective_from"},
    /* Column 6: in force today (Asia/Ho_Chi_Minh). */
    {"rules_list",
     "SELECT " RULE_COLS ", effective_from <= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date "
     "FROM deadline_rules ORDER BY effective_from DESC"},
    /* A correction of a row (same effective_from) replaces it. */
    {"rules_upsert",
     "INSERT INTO deadline_rules (forward_working_days, answer_working_days, cutoff_time, "
     "effective_from, created_by) VALUES ($1::integer, $2::integer, $3::time, $4::date, $5) "
     "ON CONFLICT (effective_from) DO UPDATE SET "
     "forward_working_days = EXCLUDED.forward_working_days, "
     "answer_working_days = EXCLUDED.answer_working_days, cutoff_time = EXCLUDED.cutoff_time, "
     "created_at = now(), created_by = EXCLUDED.created_by RETURNING " RULE_COLS},
    {NULL, NULL},
};

int calendar_store_prepare (PGconn *db) { return loa_db_prepare (db, statements); }

/* ------------------------------------------------------------ calendar */

void calendar_store_free_year (Loa__Feedback__CalendarYear *y)
{
    loa_store_free_message (&y->base);
}

/* Reads year `year` (its string parameter `year_s`) into *out, which must
 * be initialised. 0 or -1; on -1 the caller frees *out. */
static int read_year (PGconn *db, int year, const char *year_s, Loa__Feedback__CalendarYear *out)
{
    const char *vals[] = {year_s};
    PGresult *res = loa_store_run (db, WHO, "calendar_year", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    int n = PQntuples (res), oom = 0;
    void **items = NULL;
    if (!loa_store_list_block ((size_t) n, sizeof (Loa__Feedback__CalendarDay), &items)) {
        PQclear (res);
        return -1;
    }
    out->year = year;
    out->days = (Loa__Feedback__CalendarDay **) items;
    for (int i = 0; i < n; i++) {
        Loa__Feedback__CalendarDay *d = out->days[i];
        loa__feedback__calendar_day__init (d);
        d->date = loa_store_dup (res, i, 0, &oom);
        d->type = loa_store_dup (res, i, 1, &oom);
        d->name = loa_store_dup (res, i, 2, &oom);
        out->n_days++;
    }
    if (n > 0) {
        out->maybe_updated_at_case = LOA__FEEDBACK__CALENDAR_YEAR__MAYBE_UPDATED_AT_UPDATED_AT;
        out->updated_at = loa_store_dup (res, 0, 3, &oom);
    }
    PQclear (res);
    return oom ? -1 : 0;
}

int calendar_store_get_year (PGconn *db, int year, Loa__Feedback__CalendarYear *out)
{
    char year_s[24];
    loa_store_int_param (year_s, year);
    loa__feedback__calendar_year__init (out);
    if (read_year (db, year, year_s, out) != 0) {
        calendar_store_free_year (out);
        return -1;
    }
    return 0;
}

typedef struct {
    int year;
    const char *year_s;
    const char *days_json;
    const char *user_s;
    Loa__Feedback__CalendarYear *out;
} year_put;

/* A failed statement: retry on a serialization failure or deadlock. */
static int tx_failed (PGresult *res)
{
    int retry = loa_db_retryable (res);
    PQclear (res);
    return retry ? LOA_DB_RETRY : -1;
}

static int put_year_tx (PGconn *db, void *arg)
{
    year_put *p = arg;
    calendar_store_free_year (p->out); /* a retried attempt's copy */
    const char *year_vals[] = {p->year_s};
    const char *insert_vals[] = {p->days_json, p->user_s};
    PGresult *res = loa_store_run (db, WHO, "calendar_lock", 0, NULL, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        return tx_failed (res);
    PQclear (res);
    res = loa_store_run (db, WHO, "calendar_year_delete", 1, year_vals, PGRES_COMMAND_OK);
    if (PQresultStatus (res) != PGRES_COMMAND_OK)
        return tx_failed (res);
    PQclear (res);
    res = loa_store_run (db, WHO, "calendar_year_insert", 2, insert_vals, PGRES_COMMAND_OK);
    if (PQresultStatus (res) != PGRES_COMMAND_OK)
        return tx_failed (res);
    PQclear (res);
    if (read_year (db, p->year, p->year_s, p->out) != 0)
        return -1;
    return loa_outbox_add (db, "calendar.updated", &p->out->base) == 0 ? 0 : -1;
}

int calendar_store_put_year (PGconn *db, int year, Loa__Feedback__CalendarDay *const *days,
                             size_t n, int64_t user_id, Loa__Feedback__CalendarYear *out)
{
    loa__feedback__calendar_year__init (out);
    /* jansson escapes the names; PostgreSQL parses the dates and types. */
    json_t *arr = json_array ();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new (arr, json_pack ("{s:s, s:s, s:s}", "date", days[i]->date, "type",
                                                   days[i]->type, "name", days[i]->name)) != 0) {
            json_decref (arr);
            arr = NULL;
        }
    char *text = arr ? json_dumps (arr, JSON_COMPACT) : NULL;
    json_decref (arr);
    if (!text) {
        loa_error (NULL, "%s: out of memory for the days of %d", WHO, year);
        return -1;
    }
    char year_s[24], user_s[24];
    loa_store_int_param (year_s, year);
    loa_store_int_param (user_s, user_id);
    year_put p = {year, year_s, text, user_s, out};
    int rc = loa_db_tx (db, put_year_tx, &p);
    free (text);
    if (rc != 0) {
        calendar_store_free_year (out);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ rules */

static void fill_rules (const PGresult *res, int row, Loa__Feedback__DeadlineRules *r, int *oom)
{
    loa__feedback__deadline_rules__init (r);
    r->forward_working_days = atoi (PQgetvalue (res, row, 0));
    r->answer_working_days = atoi (PQgetvalue (res, row, 1));
    r->cutoff_time = loa_store_dup (res, row, 2, oom);
    r->effective_from = loa_store_dup (res, row, 3, oom);
    r->created_at = loa_store_dup (res, row, 4, oom);
    r->created_by = atoll (PQgetvalue (res, row, 5));
}

static void free_rules_row (Loa__Feedback__DeadlineRules *r) { loa_store_free_message (&r->base); }

void calendar_store_free_rules (Loa__Feedback__DeadlineRulesReply *out)
{
    loa_store_free_message (&out->base);
}

/* Reads every row and the one in force into *out (initialised). 0 or -1;
 * on -1 the caller frees *out. */
static int read_rules (PGconn *db, Loa__Feedback__DeadlineRulesReply *out)
{
    PGresult *res = loa_store_run (db, WHO, "rules_list", 0, NULL, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    int n = PQntuples (res), oom = 0;
    void **items = NULL;
    if (!loa_store_list_block ((size_t) n, sizeof (Loa__Feedback__DeadlineRules), &items)) {
        PQclear (res);
        return -1;
    }
    out->history = (Loa__Feedback__DeadlineRules **) items;
    int current = -1;
    for (int i = 0; i < n; i++) {
        fill_rules (res, i, out->history[i], &oom);
        out->n_history++;
        if (current < 0 && PQgetvalue (res, i, 6)[0] == 't')
            current = i;
    }
    if (current < 0 && n > 0)
        current = n - 1; /* every row is in the future: the earliest */
    if (current >= 0) {
        out->forward_working_days = atoi (PQgetvalue (res, current, 0));
        out->answer_working_days = atoi (PQgetvalue (res, current, 1));
        out->cutoff_time = loa_store_dup (res, current, 2, &oom);
        out->effective_from = loa_store_dup (res, current, 3, &oom);
        out->created_at = loa_store_dup (res, current, 4, &oom);
        out->created_by = atoll (PQgetvalue (res, current, 5));
    }
    PQclear (res);
    return oom ? -1 : 0;
}

int calendar_store_get_rules (PGconn *db, Loa__Feedback__DeadlineRulesReply *out)
{
    loa__feedback__deadline_rules_reply__init (out);
    if (read_rules (db, out) != 0) {
        calendar_store_free_rules (out);
        return -1;
    }
    return 0;
}

typedef struct {
    const char *const *vals; /* forward, answer, cutoff, effective_from, user */
    Loa__Feedback__DeadlineRulesReply *out;
} rules_put;

static int put_rules_tx (PGconn *db, void *arg)
{
    rules_put *p = arg;
    calendar_store_free_rules (p->out);
    PGresult *res = loa_store_run (db, WHO, "rules_upsert", 5, p->vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1)
        return tx_failed (res);
    Loa__Feedback__DeadlineRules row;
    int oom = 0;
    fill_rules (res, 0, &row, &oom);
    PQclear (res);
    int rc = oom ? -1 : loa_outbox_add (db, "deadlines.updated", &row.base);
    free_rules_row (&row);
    if (rc != 0)
        return -1;
    return read_rules (db, p->out);
}

int calendar_store_put_rules (PGconn *db, int forward_working_days, int answer_working_days,
                              const char *cutoff, const char *effective_from, int64_t user_id,
                              Loa__Feedback__DeadlineRulesReply *out)
{
    char fwd[24], ans[24], user[24];
    loa_store_int_param (fwd, forward_working_days);
    loa_store_int_param (ans, answer_working_days);
    loa_store_int_param (user, user_id);
    const char *vals[] = {fwd, ans, cutoff, effective_from, user};
    rules_put p = {vals, out};
    loa__feedback__deadline_rules_reply__init (out);
    if (loa_db_tx (db, put_rules_tx, &p) != 0) {
        calendar_store_free_rules (out);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ copies */

int calendar_store_version (PGconn *db, int64_t *version)
{
    PGresult *res = loa_store_run (db, WHO, "calendar_version", 0, NULL, PGRES_TUPLES_OK);
    int ok = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1;
    if (ok)
        *version = atoll (PQgetvalue (res, 0, 0));
    else if (PQresultStatus (res) == PGRES_TUPLES_OK)
        loa_error (NULL, "%s: calendar_version has %d rows, not 1", WHO, PQntuples (res));
    PQclear (res);
    return ok ? 0 : -1;
}

int calendar_store_load (PGconn *db, int64_t *version, loa_calendar_day **days, size_t *n_days,
                         calendar_rule **rules, size_t *n_rules)
{
    *days = NULL;
    *rules = NULL;
    *n_days = *n_rules = 0;
    if (calendar_store_version (db, version) != 0)
        return -1;
    PGresult *d = loa_store_run (db, WHO, "calendar_days_all", 0, NULL, PGRES_TUPLES_OK);
    PGresult *r = PQresultStatus (d) == PGRES_TUPLES_OK
                      ? loa_store_run (db, WHO, "rules_all", 0, NULL, PGRES_TUPLES_OK)
                      : NULL;
    int rc = -1;
    if (!r || PQresultStatus (r) != PGRES_TUPLES_OK)
        goto out;
    size_t nd = (size_t) PQntuples (d), nr = (size_t) PQntuples (r);
    loa_calendar_day *dv = nd ? calloc (nd, sizeof *dv) : NULL;
    calendar_rule *rv = nr ? calloc (nr, sizeof *rv) : NULL;
    if ((nd && !dv) || (nr && !rv)) {
        loa_error (NULL, "%s: out of memory loading the calendar", WHO);
        free (dv);
        free (rv);
        goto out;
    }
    for (size_t i = 0; i < nd; i++) {
        dv[i].day = (int32_t) atol (PQgetvalue (d, (int) i, 0));
        dv[i].type = loa_calendar_type_parse (PQgetvalue (d, (int) i, 1));
    }
    for (size_t i = 0; i < nr; i++) {
        rv[i].effective_from = (int32_t) atol (PQgetvalue (r, (int) i, 0));
        rv[i].forward_working_days = atoi (PQgetvalue (r, (int) i, 1));
        rv[i].answer_working_days = atoi (PQgetvalue (r, (int) i, 2));
        rv[i].cutoff_minutes = atoi (PQgetvalue (r, (int) i, 3));
    }
    *days = dv;
    *n_days = nd;
    *rules = rv;
    *n_rules = nr;
    rc = 0;
out:
    PQclear (d);
    PQclear (r);
    return rc;
}
