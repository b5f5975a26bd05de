#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loa_db.h"
#include "loa_migrate.h"
#include "suites.h"

static char schema[64];
static PGconn *db;

static void setup (void)
{
    snprintf (schema, sizeof schema, "t_migrate_%d_%ld", (int) getpid (), random () % 100000);
    db = loa_db_connect (test_db_url (), "test-migrate", 5000);
    ck_assert_ptr_nonnull (db);
}

static void teardown (void)
{
    char sql[128];
    snprintf (sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", schema);
    loa_db_exec (db, sql);
    PQfinish (db);
}

static long long scalar (const char *sql)
{
    PGresult *res = PQexec (db, sql);
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    long long v = atoll (PQgetvalue (res, 0, 0));
    PQclear (res);
    return v;
}

static const loa_migration two[] = {
    {"0001_a.sql", "CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a VALUES (1), (2);"},
    {"0002_b.sql", "CREATE TABLE b (id int); INSERT INTO b SELECT id FROM a;"},
};

START_TEST (applies_in_order_once)
{
    ck_assert_int_eq (loa_migrate (db, schema, two, 2), 2);
    char sql[160];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM %s.b", schema);
    ck_assert_int_eq (scalar (sql), 2);
    snprintf (sql, sizeof sql, "SELECT count(*) FROM %s.schema_migrations", schema);
    ck_assert_int_eq (scalar (sql), 2);
    ck_assert_int_eq (loa_migrate (db, schema, two, 2), 0); /* nothing new */
    ck_assert_int_eq (scalar (sql), 2);
}
END_TEST

/* Two migrations recorded, and no table c: a refused or failed run left
 * the schema as it was. */
static void assert_two_applied_no_c (void)
{
    char sql[200];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM %s.schema_migrations", schema);
    ck_assert_int_eq (scalar (sql), 2);
    snprintf (sql, sizeof sql,
              "SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s' AND "
              "table_name = 'c'",
              schema);
    ck_assert_int_eq (scalar (sql), 0);
}

START_TEST (a_failing_migration_is_rolled_back_whole)
{
    const loa_migration three[] = {
        two[0],
        two[1],
        {"0003_bad.sql",
         "CREATE TABLE c (id int); INSERT INTO c VALUES (1); SELECT no_such_function();"},
    };
    ck_assert_int_eq (loa_migrate (db, schema, three, 3), -1);
    assert_two_applied_no_c ();
}
END_TEST

START_TEST (a_newer_schema_is_refused_untouched)
{
    /* A newer program applied 0001 and 0002; this one knows 0001 only
     * (and brings a 0001b it would otherwise apply). */
    ck_assert_int_eq (loa_migrate (db, schema, two, 2), 2);
    const loa_migration older[] = {
        two[0],
        {"0001b_c.sql", "CREATE TABLE c (id int);"},
    };
    ck_assert_int_eq (loa_migrate (db, schema, older, 2), -1);
    assert_two_applied_no_c ();
    /* The same program as before, or a newer one, runs on. */
    ck_assert_int_eq (loa_migrate (db, schema, two, 2), 0);
    const loa_migration newer[] = {two[0], two[1], {"0003_d.sql", "CREATE TABLE d (id int);"}};
    ck_assert_int_eq (loa_migrate (db, schema, newer, 3), 1);
}
END_TEST

typedef struct {
    int applied;
} racer;

static void *race (void *arg)
{
    racer *r = arg;
    PGconn *c = loa_db_connect (test_db_url (), "test-migrate-race", 5000);
    r->applied = c ? loa_migrate (c, schema, two, 2) : -2;
    PQfinish (c);
    return NULL;
}

START_TEST (replicas_starting_together_do_not_race)
{
    pthread_t t[4];
    racer r[4];
    for (int i = 0; i < 4; i++)
        pthread_create (&t[i], NULL, race, &r[i]);
    int total = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join (t[i], NULL);
        ck_assert_int_ge (r[i].applied, 0);
        total += r[i].applied;
    }
    ck_assert_int_eq (total, 2);
}
END_TEST

Suite *migrate_suite (void)
{
    Suite *s = suite_create ("migrate");
    TCase *tc = tcase_create ("runner");
    tcase_add_checked_fixture (tc, setup, teardown);
    tcase_add_test (tc, applies_in_order_once);
    tcase_add_test (tc, a_failing_migration_is_rolled_back_whole);
    tcase_add_test (tc, a_newer_schema_is_refused_untouched);
    tcase_add_test (tc, replicas_starting_together_do_not_race);
    suite_add_tcase (s, tc);
    return s;
}
