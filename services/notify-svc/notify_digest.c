#include "notify_digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.pb-c.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_rpc_thread.h"
#include "notify_staff.h"

#define LISTED 10 /* codes named in a digest; the rest counted */
#define MAX_UNITS 256

/* Vietnam's day ("2026-12-07") and minutes since its midnight. */
static void local_now (char day[11], int *minutes)
{
    time_t t = time (NULL) + 7 * 3600;
    struct tm tm;
    gmtime_r (&t, &tm);
    strftime (day, 11, "%Y-%m-%d", &tm);
    *minutes = tm.tm_hour * 60 + tm.tm_min;
}

/* LOA_NOTIFY_DIGEST_AT ("07:30") in minutes; 450 when unset or wrong. */
static int digest_at (void)
{
    const char *v = loa_env ("LOA_NOTIFY_DIGEST_AT", "07:30");
    int h, m;
    if (sscanf (v, "%d:%d", &h, &m) == 2 && h >= 0 && h < 24 && m >= 0 && m < 60)
        return h * 60 + m;
    return 450;
}

/* 1 when (day, unit) is newly marked told, 0 when it was already, -1. */
static int mark (PGconn *db, const char *day, long long unit, int items)
{
    char u[24], n[24];
    snprintf (u, sizeof u, "%lld", unit);
    snprintf (n, sizeof n, "%d", items);
    const char *vals[] = {day, u, n};
    PGresult *res =
        loa_db_run (db, &(loa_db_query){.sql = "INSERT INTO digests (day, unit_id, items) "
                                               "VALUES ($1::date, $2::bigint, $3::integer) "
                                               "ON CONFLICT DO NOTHING",
                                        .n = 3,
                                        .vals = vals});
    int rc = PQresultStatus (res) == PGRES_COMMAND_OK ? atoi (PQcmdTuples (res)) > 0 : -1;
    if (rc < 0)
        loa_error (NULL, "notify: cannot record the digest of %s: %s", day, loa_db_error (res));
    PQclear (res);
    return rc;
}

typedef struct {
    int64_t unit_id;
    int overdue, soon;
    char codes[LISTED * 24];
    int listed;
} unit_digest;

static void add_code (unit_digest *u, const char *code)
{
    if (u->listed++ >= LISTED)
        return;
    size_t len = strlen (u->codes);
    snprintf (u->codes + len, sizeof u->codes - len, "%s%s", len ? ", " : "", code);
}

static int send_tx (PGconn *db, const char *day, Loa__Feedback__Feedback *const *items, size_t n,
                    int *sent)
{
    unit_digest units[MAX_UNITS];
    size_t n_units = 0;
    int overdue_all = 0;
    unit_digest all = {0};
    memset (units, 0, sizeof units);
    for (size_t i = 0; i < n; i++) {
        const Loa__Feedback__Feedback *f = items[i];
        if (!f->overdue && !f->due_soon)
            continue;
        if (f->overdue) {
            overdue_all++;
            add_code (&all, f->tracking_code);
        }
        if (!f->maybe_unit_id_case || f->unit_id <= 0)
            continue; /* not yet assigned: the Inspectorate's alone */
        size_t k = 0;
        while (k < n_units && units[k].unit_id != f->unit_id)
            k++;
        if (k == n_units) {
            if (n_units == MAX_UNITS)
                continue;
            units[n_units++].unit_id = f->unit_id;
        }
        if (f->overdue)
            units[k].overdue++;
        else
            units[k].soon++;
        add_code (&units[k], f->tracking_code);
    }
    char key[64], body[LISTED * 24 + 200], over[24], soon[24];
    for (size_t k = 0; k < n_units; k++) {
        unit_digest *u = &units[k];
        int m = mark (db, day, (long long) u->unit_id, u->overdue + u->soon);
        if (m < 0)
            return -1;
        if (m == 0)
            continue; /* told today already */
        snprintf (key, sizeof key, "digest.%.4s%.2s%.2s.unit%lld", day, day + 5, day + 8,
                  (long long) u->unit_id);
        snprintf (over, sizeof over, "%d", u->overdue);
        snprintf (soon, sizeof soon, "%d", u->soon);
        snprintf (body, sizeof body, "%s%s", u->codes, u->listed > LISTED ? ", …" : "");
        const loa_template_var vars[] = {
            {"overdue", over}, {"due_soon", soon}, {"codes", body}, {NULL, NULL}};
        int rc = notify_staff_tell (db, key, "feedback.due", "{handler}", u->unit_id, 0, vars,
                                    "/admin/phan-anh.html");
        if (rc != 0)
            return rc;
        (*sent)++;
    }
    if (overdue_all) {
        int m = mark (db, day, 0, overdue_all);
        if (m < 0)
            return -1;
        if (m == 1) {
            snprintf (key, sizeof key, "digest.%.4s%.2s%.2s.all", day, day + 5, day + 8);
            snprintf (over, sizeof over, "%d", overdue_all);
            snprintf (body, sizeof body, "%s%s", all.codes, all.listed > LISTED ? ", …" : "");
            const loa_template_var vars[] = {
                {"overdue", over}, {"due_soon", "0"}, {"codes", body}, {NULL, NULL}};
            int rc = notify_staff_tell (db, key, "feedback.overdue", "{inspector}", 0, 0, vars,
                                        "/admin/phan-anh.html");
            if (rc != 0)
                return rc;
            (*sent)++;
        }
    }
    return 0;
}

int notify_digest_send (PGconn *db, const char *day, Loa__Feedback__Feedback *const *items,
                        size_t n_items)
{
    if (loa_db_exec (db, "BEGIN") != 0)
        return -1;
    int sent = 0;
    int rc = send_tx (db, day, items, n_items, &sent);
    if (rc == 0 && loa_db_exec (db, "COMMIT") == 0)
        return sent;
    loa_db_exec (db, "ROLLBACK");
    return -1;
}

int notify_digest_tick (PGconn *db, void *arg)
{
    (void) arg;
    char day[11];
    int minutes;
    local_now (day, &minutes);
    if (minutes < digest_at ())
        return 0;
    loa_rpc_client *c = loa_rpc_thread_client (LOA_SVC_FEEDBACK);
    if (!c)
        return -1;
    Loa__Empty in = LOA__EMPTY__INIT;
    loa_rpc_result res = {0};
    Loa__Status st =
        loa_rpc_read (c, "feedback.digest", NULL, "notify-digest", &in.base,
                      (int) loa_env_int ("LOA_RPC_TIMEOUT_MS", 5000, 10, 600000), &res);
    Loa__Feedback__FeedbackList *list =
        st == LOA__STATUS__OK && res.reply
            ? loa__feedback__feedback_list__unpack (NULL, res.reply->body.len, res.reply->body.data)
            : NULL;
    loa_rpc_result_clear (&res);
    if (!list) {
        loa_warn (NULL, "notify: feedback-svc did not give the digest's items (status %d)",
                  (int) st);
        return -1;
    }
    int sent = notify_digest_send (db, day, list->items, list->n_items);
    if (sent > 0)
        loa_info (NULL, "notify: %d digest%s of feedback deadlines for %s", sent,
                  sent > 1 ? "s" : "", day);
    loa__feedback__feedback_list__free_unpacked (list, NULL);
    return sent < 0 ? -1 : 0;
}
