/* fixture: what the unit tests that run against a real PostgreSQL
 * (LOA_TEST_DB_URL) and real ZeroMQ sockets share. Every helper fails the
 * current test (ck_assert) when something it needs cannot be had. */
#ifndef LOA_TEST_FIXTURE_H
#define LOA_TEST_FIXTURE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdio.h>

#include "loa_migrate.h"

/* A schema of the test's own in the test database, and a connection to it.
 * test_schema_init fills it; test_schema_fini drops the schema and frees
 * everything it holds. */
typedef struct {
    char schema[48];
    char *url; /* owned: the test database with search_path = schema */
    PGconn *db; /* owned: a connection to url */
} test_schema;

/* Creates schema "<prefix>_<pid>_<n>" (n counts up in this process) with the
 * real migration runner: services/common/sql/0000_events.sql and
 * 0000_events_notify.sql (no NOTIFY trigger: see loa_notifier.h), then the
 * `n_extra` migrations of `extra` (which may be NULL when n_extra is 0).
 * Connections are named `app_name`. Run from the repository root. */
void test_schema_init (test_schema *s, const char *prefix, const char *app_name,
                       const loa_migration *extra, size_t n_extra);

/* A service's schema: test_schema_init with the service's own migrations
 * `migs` (its embedded list) but the event tables and their wake-up
 * (0000_events*.sql, which test_schema_init makes itself) and those whose
 * names start with `skip` (may be NULL; e.g. one that names the service's
 * real schema). */
void test_service_schema (test_schema *s, const char *prefix, const char *app_name,
                          const loa_migration *migs, size_t n, const char *skip);

/* Drops the schema (CASCADE), closes the connection and frees the URL. */
void test_schema_fini (test_schema *s);

/* A new ZeroMQ context; the caller ends it with zmq_ctx_term. */
void *test_zmq_context (void);

/* A TCP endpoint "tcp://127.0.0.1:PORT" on a port that was free a moment
 * ago, written into buf. */
void test_free_endpoint (char *buf, size_t cap);

/* One integer from a query, -1 on error (or a NULL or not exactly one row). */
long long test_query_int (PGconn *db, const char *sql);

/* One text value from a query into buf ("" for a NULL); fails the test
 * unless the query gives exactly one row. Returns buf. */
const char *test_query_text (PGconn *db, const char *sql, char *buf, size_t cap);

void test_sleep_ms (int ms);

/* libpq's trace of a connection's messages, kept in memory, to count its
 * round trips. */
typedef struct {
    FILE *f;
    char *buf;
    size_t len;
} test_trace;

void test_trace_start (PGconn *db, test_trace *t);

/* The round trips since test_trace_start: the messages sent that end one,
 * a Sync (extended protocol: PQexecPrepared, a pipeline) or a Query
 * (simple protocol: PQexec). */
int test_trace_round_trips (test_trace *t);

/* Stops tracing, frees the trace; returns test_trace_round_trips. */
int test_trace_stop (PGconn *db, test_trace *t);

#endif
