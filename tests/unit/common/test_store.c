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

Suite *store_suite (void)
{
    Suite *s = suite_create ("store_util");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, frees_a_message_filled_the_stores_way);
    tcase_add_test (tc, an_empty_message_and_an_unset_oneof_are_left_alone);
    tcase_add_test (tc, exec_runs_unprepared_statements);
    suite_add_tcase (s, tc);
    return s;
}
