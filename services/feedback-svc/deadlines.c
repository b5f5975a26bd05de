#include "deadlines.h"

#include <pthread.h>
#include <stdlib.h>

#include "calendar_store.h"
#include "loa_calendar.h"
#include "loa_config.h"
#include "loa_log.h"

/* How long a copy is used without asking the database whether it changed:
 * a change made by another process (another replica, SQL by hand) is seen
 * within this time; this process's own writes (fb_deadlines_changed) at
 * once. It spares every intake a round trip. */
#define RECHECK_MS 1000

/* The process-wide copy of calendar_days and deadline_rules that every
 * worker thread shares. Loading happens outside the lock (a query per
 * table); the lock guards only the swap and the arithmetic, which is
 * pure and quick. */
static struct {
    pthread_mutex_t lock;
    int loaded;
    int64_t version; /* calendar_version.version the copy was loaded at */
    int64_t checked_ms; /* when the version was last read (monotonic); 0: never */
    unsigned changes; /* fb_deadlines_changed calls: a read older than one is not trusted */
    loa_calendar cal;
    calendar_rule *rules; /* by effective_from, earliest first */
    size_t n_rules;
} copy = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Makes the copy current: reads the counter and, when it differs from the
 * copy's, loads both tables again. Any difference reloads, not only a
 * greater counter: a caller in an older snapshot loads what it sees, and
 * the next caller in a newer one loads again. 0 or -1 (logged). */
static int refresh (PGconn *db)
{
    int64_t now = loa_mono_ms ();
    pthread_mutex_lock (&copy.lock);
    int fresh = copy.loaded && copy.checked_ms && now - copy.checked_ms < RECHECK_MS;
    unsigned changes = copy.changes;
    pthread_mutex_unlock (&copy.lock);
    if (fresh)
        return 0;
    int64_t version;
    if (calendar_store_version (db, &version) != 0)
        return -1;
    pthread_mutex_lock (&copy.lock);
    int current = copy.loaded && copy.version == version;
    if (current && changes == copy.changes)
        copy.checked_ms = now;
    pthread_mutex_unlock (&copy.lock);
    if (current)
        return 0;

    loa_calendar_day *days = NULL;
    calendar_rule *rules = NULL;
    size_t n_days = 0, n_rules = 0;
    if (calendar_store_load (db, &version, &days, &n_days, &rules, &n_rules) != 0)
        return -1;
    loa_calendar cal = {0};
    int rc = loa_calendar_init (&cal, days, n_days);
    free (days);
    if (rc != 0) {
        /* The table's key and CHECK make duplicates and bad types
         * impossible: this is memory. */
        loa_error (NULL, "deadlines: cannot build the calendar (%zu days)", n_days);
        free (rules);
        return -1;
    }
    pthread_mutex_lock (&copy.lock);
    if (!copy.loaded || copy.version != version) {
        loa_calendar tmp = copy.cal;
        calendar_rule *old_rules = copy.rules;
        copy.cal = cal;
        copy.rules = rules;
        copy.n_rules = n_rules;
        copy.version = version;
        copy.checked_ms = changes == copy.changes ? now : 0;
        copy.loaded = 1;
        cal = tmp;
        rules = old_rules;
        loa_debug (NULL, "deadlines: calendar version %lld loaded (%zu special days, %zu rules)",
                   (long long) version, copy.cal.n, n_rules);
    }
    pthread_mutex_unlock (&copy.lock);
    loa_calendar_clear (&cal); /* the replaced copy, or ours when another thread won */
    free (rules);
    return 0;
}

/* The rules row in force on `day`: the greatest effective_from <= day, or
 * the earliest row for a day before all of them. NULL when there is no row.
 * Call with the lock held. */
static const calendar_rule *rule_for (int32_t day)
{
    const calendar_rule *r = NULL;
    for (size_t i = 0; i < copy.n_rules; i++)
        if (copy.rules[i].effective_from <= day)
            r = &copy.rules[i];
    return r ? r : (copy.n_rules ? &copy.rules[0] : NULL);
}

int fb_deadlines_for (PGconn *db, int64_t received_unix, fb_due *out)
{
    if (refresh (db) != 0)
        return -1;
    int rc = 0;
    pthread_mutex_lock (&copy.lock);
    const calendar_rule *r = rule_for (loa_calendar_local_day (received_unix));
    if (!r) {
        rc = -1;
    } else {
        out->forward_working_days = r->forward_working_days;
        out->answer_working_days = r->answer_working_days;
        out->cutoff_minutes = r->cutoff_minutes;
        out->registered_on =
            loa_calendar_registered_day (&copy.cal, received_unix, r->cutoff_minutes);
        if (loa_calendar_add (&copy.cal, out->registered_on, r->forward_working_days,
                              &out->forward_due_on) != 0 ||
            loa_calendar_add (&copy.cal, out->registered_on, r->answer_working_days,
                              &out->answer_due_on) != 0)
            rc = -2;
    }
    pthread_mutex_unlock (&copy.lock);
    if (rc == -1)
        loa_error (NULL, "deadlines: no row in deadline_rules");
    else if (rc == -2)
        loa_error (NULL,
                   "deadlines: the deadlines of an item received at %lld fall beyond the calendar",
                   (long long) received_unix);
    return rc == 0 ? 0 : -1;
}

int fb_calendar_add (PGconn *db, int32_t from, int n, int32_t *out)
{
    if (refresh (db) != 0)
        return -1;
    pthread_mutex_lock (&copy.lock);
    int rc = loa_calendar_add (&copy.cal, from, n, out);
    pthread_mutex_unlock (&copy.lock);
    return rc;
}

int fb_calendar_between (PGconn *db, int32_t from, int32_t to, int *out)
{
    if (refresh (db) != 0)
        return -1;
    pthread_mutex_lock (&copy.lock);
    int64_t n = loa_calendar_between (&copy.cal, from, to);
    pthread_mutex_unlock (&copy.lock);
    *out = n > INT32_MAX ? INT32_MAX : (int) n;
    return 0;
}

void fb_deadlines_reset (void)
{
    pthread_mutex_lock (&copy.lock);
    loa_calendar_clear (&copy.cal);
    free (copy.rules);
    copy.rules = NULL;
    copy.n_rules = 0;
    copy.loaded = 0;
    copy.version = 0;
    pthread_mutex_unlock (&copy.lock);
}

void fb_deadlines_changed (void)
{
    pthread_mutex_lock (&copy.lock);
    copy.checked_ms = 0;
    copy.changes++;
    pthread_mutex_unlock (&copy.lock);
}
