/* fixture: see fixture.h. */
#include "fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "loa_db.h"
#include "suites.h"

/* The shared events migrations, in the Makefile's order. */
static const char *const events_sql[] = {"0000_events.sql", "0000_events_notify.sql"};
#define N_EVENTS_SQL (sizeof events_sql / sizeof events_sql[0])

/* The whole file at `path`, NUL-terminated. Caller frees. */
static char *slurp (const char *path)
{
    FILE *f = fopen (path, "rb");
    ck_assert_msg (f != NULL, "cannot open %s (run from the repository root)", path);
    fseek (f, 0, SEEK_END);
    long n = ftell (f);
    fseek (f, 0, SEEK_SET);
    char *buf = malloc ((size_t) n + 1);
    ck_assert_ptr_nonnull (buf);
    ck_assert_int_eq (fread (buf, 1, (size_t) n, f), (size_t) n);
    buf[n] = '\0';
    fclose (f);
    return buf;
}

void test_schema_init (test_schema *s, const char *prefix, const char *app_name,
                       const loa_migration *extra, size_t n_extra)
{
    static int counter;
    int len =
        snprintf (s->schema, sizeof s->schema, "%s_%d_%d", prefix, (int) getpid (), ++counter);
    ck_assert_int_lt (len, (int) sizeof s->schema);

    size_t n = N_EVENTS_SQL + n_extra;
    loa_migration *migs = calloc (n, sizeof *migs);
    ck_assert_ptr_nonnull (migs);
    char *sql[N_EVENTS_SQL];
    for (size_t i = 0; i < N_EVENTS_SQL; i++) {
        char path[128];
        snprintf (path, sizeof path, "services/common/sql/%s", events_sql[i]);
        sql[i] = slurp (path);
        migs[i] = (loa_migration){events_sql[i], sql[i]};
    }
    for (size_t i = 0; i < n_extra; i++)
        migs[N_EVENTS_SQL + i] = extra[i];
    PGconn *admin = loa_db_connect (test_db_url (), app_name, 5000);
    ck_assert_ptr_nonnull (admin);
    ck_assert_int_eq (loa_migrate (admin, s->schema, migs, n), (int) n);
    PQfinish (admin);
    for (size_t i = 0; i < N_EVENTS_SQL; i++)
        free (sql[i]);
    free (migs);

    s->url = loa_db_url_with_schema (test_db_url (), s->schema);
    ck_assert_ptr_nonnull (s->url);
    s->db = loa_db_connect (s->url, app_name, 5000);
    ck_assert_ptr_nonnull (s->db);
}

void test_schema_fini (test_schema *s)
{
    char *q = PQescapeIdentifier (s->db, s->schema, strlen (s->schema));
    char sql[256];
    snprintf (sql, sizeof sql, "SET client_min_messages = warning; DROP SCHEMA %s CASCADE", q);
    PQfreemem (q);
    ck_assert_int_eq (loa_db_exec (s->db, sql), 0);
    PQfinish (s->db);
    s->db = NULL;
    free (s->url);
    s->url = NULL;
}

void *test_zmq_context (void)
{
    void *zctx = zmq_ctx_new ();
    ck_assert_ptr_nonnull (zctx);
    return zctx;
}

void test_free_endpoint (char *buf, size_t cap)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge (fd, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    ck_assert_int_eq (bind (fd, (struct sockaddr *) &sa, sizeof sa), 0);
    ck_assert_int_eq (getsockname (fd, (struct sockaddr *) &sa, &len), 0);
    snprintf (buf, cap, "tcp://127.0.0.1:%d", ntohs (sa.sin_port));
    close (fd);
}

long long test_query_int (PGconn *db, const char *sql)
{
    PGresult *res = PQexec (db, sql);
    long long v = -1;
    if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1 && !PQgetisnull (res, 0, 0))
        v = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
    PQclear (res);
    return v;
}

const char *test_query_text (PGconn *db, const char *sql, char *buf, size_t cap)
{
    PGresult *res = PQexec (db, sql);
    ck_assert_msg (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1, "%s: %s", sql,
                   PQresultErrorMessage (res));
    snprintf (buf, cap, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return buf;
}

void test_sleep_ms (int ms)
{
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
}

void test_service_schema (test_schema *s, const char *prefix, const char *app_name,
                          const loa_migration *migs, size_t n, const char *skip)
{
    loa_migration own[32] = {0};
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp (migs[i].name, "0000_events", 11) == 0 ||
            (skip && strncmp (migs[i].name, skip, strlen (skip)) == 0))
            continue;
        ck_assert_uint_lt (k, sizeof own / sizeof own[0]);
        own[k++] = migs[i];
    }
    test_schema_init (s, prefix, app_name, own, k);
}

void test_trace_start (PGconn *db, test_trace *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream (&t->buf, &t->len);
    ck_assert_ptr_nonnull (t->f);
    PQtrace (db, t->f);
    PQsetTraceFlags (db, PQTRACE_SUPPRESS_TIMESTAMPS);
}

int test_trace_round_trips (test_trace *t)
{
    fflush (t->f);
    int n = 0;
    /* One message a line: "F<TAB>length<TAB>type ..." for those sent. */
    for (const char *p = t->buf; p && *p;) {
        const char *eol = strchr (p, '\n');
        size_t len = eol ? (size_t) (eol - p) : strlen (p);
        if (len > 2 && p[0] == 'F' && p[1] == '\t') {
            const char *type = memchr (p + 2, '\t', len - 2);
            if (type && (strncmp (type, "\tSync", 5) == 0 || strncmp (type, "\tQuery\t", 7) == 0))
                n++;
        }
        p = eol ? eol + 1 : p + len;
    }
    return n;
}

int test_trace_stop (PGconn *db, test_trace *t)
{
    int n = test_trace_round_trips (t);
    PQuntrace (db);
    fclose (t->f);
    free (t->buf);
    t->f = NULL;
    t->buf = NULL;
    return n;
}
