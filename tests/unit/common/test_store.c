#include <stdlib.h>
#include <string.h>

#include "feedback.pb-c.h"
#include "fixture.h"
#include "loa_db.h"
#include "loa_store.h"
#include "suites.h"

static char *owned (const char *s)
{
    char *p = strdup (s);
    ck_assert_ptr_nonnull (p);
    return p;
}

/* A message filled the stores' way: owned strings, a oneof set and one
 * not, a submessage, a repeated scalar array, a list in one block whose
 * items own strings. Freed, nothing leaks (LeakSanitizer runs the unit
 * tests) and the message is initialised again. */
START_TEST (frees_a_message_filled_the_stores_way)
{
    Loa__Feedback__Feedback f;
    loa__feedback__feedback__init (&f);
    f.tracking_code = owned ("PAKN.20220128.7KQ2ZD");
    f.title = owned ("Thủ tục đăng ký");
    f.maybe_answer_case = LOA__FEEDBACK__FEEDBACK__MAYBE_ANSWER_ANSWER;
    f.answer = owned ("Sở đã tiếp thu");
    f.submitter = malloc (sizeof *f.submitter);
    ck_assert_ptr_nonnull (f.submitter);
    loa__feedback__submitter__init (f.submitter);
    f.submitter->name = owned ("Nguyễn Văn An");
    f.attachment_ids = calloc (2, sizeof *f.attachment_ids);
    f.n_attachment_ids = 2;
    ck_assert_ptr_nonnull (loa_store_list_block (2, sizeof (Loa__Feedback__FeedbackHistoryEntry),
                                                 (void ***) &f.history));
    for (int i = 0; i < 2; i++) {
        loa__feedback__feedback_history_entry__init (f.history[i]);
        f.history[i]->action = owned ("received");
        f.n_history++;
    }
    loa_store_free_message (&f.base);
    ck_assert_ptr_null (f.submitter);
    ck_assert_ptr_null (f.history);
    ck_assert_uint_eq (f.n_history, 0);
    ck_assert_int_eq (f.maybe_answer_case, 0);
    ck_assert_str_eq (f.title, "");
}
END_TEST

/* An initialised message (defaults: empty strings, no lists) frees to
 * itself; a oneof member not set is left alone (it would be garbage). */
START_TEST (an_empty_message_and_an_unset_oneof_are_left_alone)
{
    Loa__Feedback__Feedback f;
    loa__feedback__feedback__init (&f);
    f.answer = (char *) "not owned: the oneof is not set";
    loa_store_free_message (&f.base);
    ck_assert_str_eq (f.tracking_code, "");
    Loa__Feedback__Stats s;
    loa__feedback__stats__init (&s);
    loa_store_free_message (&s.base);
    ck_assert_ptr_null (s.total);
}
END_TEST

/* loa_store_exec: parameters as text, rows ignored, a failure -1 and the
 * connection still usable. */
START_TEST (exec_runs_unprepared_statements)
{
    test_schema s;
    test_schema_init (&s, "t_store", "test_store_util", NULL, 0);
    ck_assert_int_eq (loa_store_exec (s.db, "test", "CREATE TABLE t (a int, b text)", 0, NULL), 0);
    const char *vals[] = {"7", "bảy"};
    ck_assert_int_eq (loa_store_exec (s.db, "test", "INSERT INTO t VALUES ($1, $2)", 2, vals), 0);
    ck_assert_int_eq (loa_store_exec (s.db, "test", "SELECT * FROM t", 0, NULL), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT a FROM t WHERE b = 'bảy'"), 7);
    ck_assert_int_eq (loa_store_exec (s.db, "test", "INSERT INTO t VALUES ($1, $2)", 2,
                                      (const char *[]){"not a number", "x"}),
                      -1);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM t"), 1);
    test_schema_fini (&s);
}
END_TEST

extern const loa_migration content_svc_migrations[];
extern const size_t content_svc_migrations_count;

/* loa_store_time gives what the migrations' rfc3339() gives (content-svc's
 * schema: every service has the same), for timestamps across days,
 * months, leap days and years, with and without fractions of a second, as
 * PostgreSQL itself writes them to a Loa session; what it does not know it
 * copies. And rfc3339() is inlined by the planner (0000_time_stable.sql):
 * a plan shows the to_char, not a call of a SQL function. */
START_TEST (times_are_rfc3339_in_vietnam)
{
    test_schema s;
    test_service_schema (&s, "t_store", "test_store_time", content_svc_migrations,
                         content_svc_migrations_count, NULL);
    PGresult *res = PQexec (
        s.db,
        "SELECT t, rfc3339 (t) FROM unnest (ARRAY["
        "'2026-12-05 11:16:04.123456+00', '2024-02-28 17:00:00+00', "
        "'2023-02-28 16:59:59.999999+00', '2023-12-31 17:30:00+00', '2022-01-28 00:00:00+07', "
        "'2000-02-29 23:59:59+00', '1999-12-31 16:59:60+00', '2026-06-30 17:00:00.5+00', "
        "'1975-06-13 17:00:00+00', '2100-03-01 00:00:00+00', '2100-02-28 17:00:00+00', "
        "'2023-04-30 16:59:59+00', '2023-04-30 17:00:00+00', '2023-01-31 23:59:59.75+00', "
        "'9999-12-31 16:59:59+00']::timestamptz[]) AS t "
        "UNION ALL SELECT x.t, x.t::text FROM (SELECT 'infinity'::timestamptz AS t) x");
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    ck_assert_int_eq (PQntuples (res), 16);
    for (int i = 0; i < PQntuples (res); i++) {
        int oom = 0;
        char *got = loa_store_time (res, i, 0, &oom);
        ck_assert_msg (strcmp (got, PQgetvalue (res, i, 1)) == 0, "%s gave %s, PostgreSQL %s",
                       PQgetvalue (res, i, 0), got, PQgetvalue (res, i, 1));
        ck_assert_int_eq (oom, 0);
        free (got);
    }
    PQclear (res);
    res = PQexec (s.db, "EXPLAIN (VERBOSE) SELECT rfc3339 (now ())");
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    char plan[1024] = "";
    for (int i = 0; i < PQntuples (res); i++) {
        strncat (plan, PQgetvalue (res, i, 0), sizeof plan - strlen (plan) - 2);
        strcat (plan, "\n");
    }
    PQclear (res);
    ck_assert_msg (strstr (plan, "to_char") && !strstr (plan, "rfc3339"),
                   "rfc3339() is not inlined:\n%s", plan);
    char out[26];
    /* Before 13 June 1975 the south of Vietnam kept UTC+8: rfc3339()'s
     * AT TIME ZONE shifts such a time by 8 hours yet labels it +07:00;
     * this gives the same instant, rightly labelled. */
    ck_assert_int_eq (loa_store_time_text ("1970-01-01 00:00:00+00", out), 0);
    ck_assert_str_eq (out, "1970-01-01T07:00:00+07:00");
    ck_assert_int_eq (loa_store_time_text ("0001-01-01 00:00:00+00", out), 0);
    ck_assert_str_eq (out, "0001-01-01T07:00:00+07:00");
    ck_assert_int_eq (loa_store_time_text ("2026-12-05 11:16:04+07", out), -1);
    ck_assert_int_eq (loa_store_time_text ("2026-13-05 11:16:04+00", out), -1);
    ck_assert_int_eq (loa_store_time_text ("2026-12-05", out), -1);
    ck_assert_int_eq (loa_store_time_text ("2023-02-29 00:00:00+00", out), -1);
    ck_assert_int_eq (loa_store_time_text ("2026-12-05 24:00:00+00", out), -1);
    ck_assert_int_eq (loa_store_time_text ("9999-12-31 20:00:00+00", out), -1);
    ck_assert_int_eq (loa_store_time_text ("2026-12-05 11:16:04.5+00", out), 0);
    ck_assert_str_eq (out, "2026-12-05T18:16:04+07:00");
    test_schema_fini (&s);
}
END_TEST

/* loa_db_error: a constraint or data error is told without the values
 * written (a citizen's e-mail here), other errors with their message. */
START_TEST (errors_are_logged_without_values)
{
    test_schema s;
    test_schema_init (&s, "t_store", "test_store_util", NULL, 0);
    ck_assert_int_eq (loa_store_exec (s.db, "test",
                                      "CREATE TABLE people (email text UNIQUE CONSTRAINT "
                                      "email_short CHECK (length(email) < 20), age int)",
                                      0, NULL),
                      0);
    const char *secret = "bi.mat.cua.cong.dan@example.vn";
    PGresult *res =
        PQexecParams (s.db, "INSERT INTO people VALUES ($1)", 1, NULL, &secret, NULL, NULL, 0);
    ck_assert_ptr_nonnull (
        strstr (PQresultErrorMessage (res), secret)); /* libpq's own text has it */
    const char *text = loa_db_error (res);
    ck_assert_ptr_null (strstr (text, "bi.mat"));
    ck_assert_ptr_nonnull (strstr (text, "23514"));
    ck_assert_ptr_nonnull (strstr (text, "table people"));
    ck_assert_ptr_nonnull (strstr (text, "constraint email_short"));
    PQclear (res);

    const char *vals[] = {"a@b.vn", "x"};
    ck_assert_int_eq (loa_store_exec (s.db, "test", "INSERT INTO people VALUES ($1)", 1, vals), 0);
    res = PQexecParams (s.db, "INSERT INTO people VALUES ($1)", 1, NULL, vals, NULL, NULL, 0);
    text = loa_db_error (res);
    ck_assert_ptr_null (strstr (text, "a@b.vn"));
    ck_assert_ptr_nonnull (strstr (text, "23505"));
    PQclear (res);

    const char *age[] = {"a@c.vn", "tuổi bí mật"}; /* 22P02: the message quotes the input */
    res = PQexecParams (s.db, "INSERT INTO people VALUES ($1, $2)", 2, NULL, age, NULL, NULL, 0);
    text = loa_db_error (res);
    ck_assert_ptr_null (strstr (text, "bí mật"));
    ck_assert_ptr_nonnull (strstr (text, "22P02"));
    PQclear (res);

    res = PQexec (s.db, "SELEC 1"); /* our own SQL's error keeps its message */
    text = loa_db_error (res);
    ck_assert_ptr_nonnull (strstr (text, "42601"));
    ck_assert_ptr_nonnull (strstr (text, "SELEC"));
    ck_assert (text[strlen (text) - 1] != '\n');
    PQclear (res);
    test_schema_fini (&s);
}
END_TEST

/* Ids come back from PostgreSQL as arrays ("{1,2}") or lists ("1,2"):
 * both parse, nothing is allocated for none; an array literal goes the
 * other way. */
START_TEST (id_lists_and_literals)
{
    size_t n = 99;
    int oom = 0;
    int64_t *ids = loa_store_ids ("{3,10,9007199254740993}", &n, &oom);
    ck_assert_uint_eq (n, 3);
    ck_assert (ids[0] == 3 && ids[1] == 10 && ids[2] == 9007199254740993LL);
    free (ids);
    ids = loa_store_ids ("7,-2", &n, &oom);
    ck_assert_uint_eq (n, 2);
    ck_assert (ids[0] == 7 && ids[1] == -2);
    free (ids);
    ck_assert_ptr_null (loa_store_ids ("{}", &n, &oom));
    ck_assert_uint_eq (n, 0);
    ck_assert_ptr_null (loa_store_ids ("", &n, &oom));
    int32_t *v = loa_store_int32s ("1,2,12", &n, &oom);
    ck_assert_uint_eq (n, 3);
    ck_assert_int_eq (v[2], 12);
    free (v);
    ck_assert_int_eq (oom, 0);

    int64_t some[] = {5, 123456789012};
    char *lit = loa_store_ids_literal (some, 2);
    ck_assert_str_eq (lit, "{5,123456789012}");
    free (lit);
    lit = loa_store_ids_literal (NULL, 0);
    ck_assert_str_eq (lit, "{}");
    free (lit);

    char buf[24];
    ck_assert_ptr_null (loa_store_opt_int (buf, 0));
    ck_assert_ptr_null (loa_store_opt_int (buf, -4));
    ck_assert_str_eq (loa_store_opt_int (buf, 42), "42");
}
END_TEST

/* A text[] literal PostgreSQL reads back as the very strings, quotes,
 * backslashes, commas and braces included. */
START_TEST (strings_literal_round_trips)
{
    test_schema s;
    test_schema_init (&s, "t_store", "test_store_util", NULL, 0);
    const char *strs[] = {"PAKN.20220128.7KQ2ZD", "a \"quoted\", {braced} \\ one", ""};
    char *lit = loa_store_strings_literal (strs, 3);
    const char *vals[] = {lit, strs[1]};
    PGresult *res = PQexecParams (s.db, "SELECT cardinality($1::text[]), ($1::text[])[2] = $2", 2,
                                  NULL, vals, NULL, NULL, 0);
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    ck_assert_str_eq (PQgetvalue (res, 0, 0), "3");
    ck_assert_str_eq (PQgetvalue (res, 0, 1), "t");
    PQclear (res);
    free (lit);
    test_schema_fini (&s);
}
END_TEST

static void fill_entry (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Feedback__FeedbackHistoryEntry *e = item;
    loa__feedback__feedback_history_entry__init (e);
    e->id = atoll (PQgetvalue (res, row, 0));
    e->action = loa_store_dup (res, row, 1, oom);
}

/* Paged lists: the page's rows, the total from the window count or, past
 * the end, from the count statement; a filter PostgreSQL cannot read is
 * INVALID. One row: OK, NOT_FOUND, CONFLICT for a taken key. */
START_TEST (pages_and_single_rows)
{
    test_schema s;
    test_schema_init (&s, "t_store", "test_store_util", NULL, 0);
    ck_assert_int_eq (loa_store_exec (s.db, "test",
                                      "CREATE TABLE e (id int PRIMARY KEY, action text, "
                                      "at date DEFAULT '2022-01-01')",
                                      0, NULL),
                      0);
    ck_assert_int_eq (loa_store_exec (s.db, "test",
                                      "INSERT INTO e (id, action) SELECT i, 'a' || i "
                                      "FROM generate_series(1, 5) i",
                                      0, NULL),
                      0);
    PGresult *res = PQprepare (s.db, "e_page",
                               "SELECT id, action, count(*) OVER () FROM e "
                               "WHERE at >= $1::date ORDER BY id LIMIT $2 OFFSET $3",
                               0, NULL);
    PQclear (res);
    res = PQprepare (s.db, "e_count", "SELECT count(*) FROM e WHERE at >= $1::date", 0, NULL);
    PQclear (res);
    res = PQprepare (s.db, "e_one", "SELECT id, action FROM e WHERE id = $1::int", 0, NULL);
    PQclear (res);
    res = PQprepare (s.db, "e_add",
                     "INSERT INTO e (id, action) VALUES ($1::int, 'x') "
                     "RETURNING id, action",
                     0, NULL);
    PQclear (res);

    const char *from[] = {"2021-12-31"};
    loa_store_page_query q = {
        "e_page", "e_count", 2, 1, from, sizeof (Loa__Feedback__FeedbackHistoryEntry), fill_entry};
    Loa__Feedback__FeedbackHistoryEntry **items = NULL;
    size_t n = 0;
    int64_t total = -1;
    ck_assert_int_eq (loa_store_page (s.db, "test", &q, 2, 2, (void ***) &items, &n, &total),
                      LOA_STORE_OK);
    ck_assert_uint_eq (n, 2);
    ck_assert_int_eq (total, 5);
    ck_assert_str_eq (items[0]->action, "a3");
    for (size_t i = 0; i < n; i++)
        loa_store_free_message (&items[i]->base);
    free (items);
    ck_assert_int_eq (loa_store_page (s.db, "test", &q, 9, 2, (void ***) &items, &n, &total),
                      LOA_STORE_OK);
    ck_assert_uint_eq (n, 0);
    ck_assert_int_eq (total, 5);
    free (items);
    const char *bad[] = {"not a date"};
    q.vals = bad;
    ck_assert_int_eq (loa_store_page (s.db, "test", &q, 1, 2, (void ***) &items, &n, &total),
                      LOA_STORE_INVALID);
    ck_assert_ptr_null (items);

    Loa__Feedback__FeedbackHistoryEntry e;
    loa__feedback__feedback_history_entry__init (&e);
    ck_assert_int_eq (
        loa_store_one (s.db, "test", "e_one", 1, (const char *[]){"4"}, fill_entry, &e),
        LOA_STORE_OK);
    ck_assert_str_eq (e.action, "a4");
    loa_store_free_message (&e.base);
    ck_assert_int_eq (
        loa_store_one (s.db, "test", "e_one", 1, (const char *[]){"40"}, fill_entry, &e),
        LOA_STORE_NOT_FOUND);
    ck_assert_int_eq (
        loa_store_one (s.db, "test", "e_add", 1, (const char *[]){"4"}, fill_entry, &e),
        LOA_STORE_CONFLICT);
    ck_assert_str_eq (e.action, "");
    test_schema_fini (&s);
}
END_TEST

Suite *store_suite (void)
{
    Suite *s = suite_create ("store_util");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, frees_a_message_filled_the_stores_way);
    tcase_add_test (tc, an_empty_message_and_an_unset_oneof_are_left_alone);
    tcase_add_test (tc, exec_runs_unprepared_statements);
    tcase_add_test (tc, errors_are_logged_without_values);
    tcase_add_test (tc, id_lists_and_literals);
    tcase_add_test (tc, strings_literal_round_trips);
    tcase_add_test (tc, pages_and_single_rows);
    tcase_add_test (tc, times_are_rfc3339_in_vietnam);
    suite_add_tcase (s, tc);
    return s;
}
