#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loa_config.h"
#include "loa_service.h"
#include "suites.h"

START_TEST (env_defaults_and_values)
{
    unsetenv ("LOA_TEST_X");
    ck_assert_str_eq (loa_env ("LOA_TEST_X", "def"), "def");
    setenv ("LOA_TEST_X", "", 1);
    ck_assert_str_eq (loa_env ("LOA_TEST_X", "def"), "def");
    setenv ("LOA_TEST_X", "tcp://127.0.0.1:7101", 1);
    ck_assert_str_eq (loa_env ("LOA_TEST_X", "def"), "tcp://127.0.0.1:7101");
}
END_TEST

START_TEST (env_int_checks_range_and_syntax)
{
    setenv ("LOA_TEST_N", "42", 1);
    ck_assert_int_eq (loa_env_int ("LOA_TEST_N", 7, 1, 100), 42);
    setenv ("LOA_TEST_N", "420", 1);
    ck_assert_int_eq (loa_env_int ("LOA_TEST_N", 7, 1, 100), 7);
    setenv ("LOA_TEST_N", "4x", 1);
    ck_assert_int_eq (loa_env_int ("LOA_TEST_N", 7, 1, 100), 7);
    setenv ("LOA_TEST_N", "-3", 1);
    ck_assert_int_eq (loa_env_int ("LOA_TEST_N", 7, -5, 100), -3);
    unsetenv ("LOA_TEST_N");
    ck_assert_int_eq (loa_env_int ("LOA_TEST_N", 7, 1, 100), 7);
}
END_TEST

START_TEST (env_bool_words)
{
    const char *yes[] = {"1", "true", "YES", "on"}, *no[] = {"0", "false", "No", "off"};
    for (int i = 0; i < 4; i++) {
        setenv ("LOA_TEST_B", yes[i], 1);
        ck_assert_int_eq (loa_env_bool ("LOA_TEST_B", 0), 1);
        setenv ("LOA_TEST_B", no[i], 1);
        ck_assert_int_eq (loa_env_bool ("LOA_TEST_B", 1), 0);
    }
    setenv ("LOA_TEST_B", "maybe", 1);
    ck_assert_int_eq (loa_env_bool ("LOA_TEST_B", 1), 1);
}
END_TEST

/* A file in a fresh temporary folder holding `bytes` (len of them). */
static void secret_file (char *path, size_t size, const char *bytes, size_t len)
{
    char dir[] = "/tmp/loa-secret-XXXXXX";
    ck_assert_ptr_nonnull (mkdtemp (dir));
    snprintf (path, size, "%s/secret", dir);
    FILE *f = fopen (path, "w");
    ck_assert_ptr_nonnull (f);
    ck_assert_uint_eq (fwrite (bytes, 1, len, f), len);
    fclose (f);
}

static void secret_file_remove (const char *path)
{
    char dir[256];
    snprintf (dir, sizeof dir, "%s", path);
    unlink (path);
    *strrchr (dir, '/') = '\0';
    rmdir (dir);
}

START_TEST (env_from_files)
{
    static const char *const names[] = {"LOA_TEST_S", NULL};
    char path[256];
    unsetenv ("LOA_TEST_S");
    unsetenv ("LOA_TEST_S_FILE");
    /* Nothing set: nothing done. */
    ck_assert_int_eq (loa_env_from_files (names), 0);
    ck_assert_ptr_null (getenv ("LOA_TEST_S"));
    /* The file's content, its one trailing newline dropped. */
    secret_file (path, sizeof path, "mật khẩu dài\n", strlen ("mật khẩu dài\n"));
    setenv ("LOA_TEST_S_FILE", path, 1);
    ck_assert_int_eq (loa_env_from_files (names), 0);
    ck_assert_str_eq (loa_env ("LOA_TEST_S", ""), "mật khẩu dài");
    /* Read, the file's variable is gone: a second call changes nothing. */
    ck_assert_ptr_null (getenv ("LOA_TEST_S_FILE"));
    ck_assert_int_eq (loa_env_from_files (names), 0);
    ck_assert_str_eq (loa_env ("LOA_TEST_S", ""), "mật khẩu dài");
    /* Both given: refused, the value left alone. */
    setenv ("LOA_TEST_S_FILE", path, 1);
    ck_assert_int_eq (loa_env_from_files (names), -1);
    ck_assert_str_eq (loa_env ("LOA_TEST_S", ""), "mật khẩu dài");
    secret_file_remove (path);
    unsetenv ("LOA_TEST_S");
    /* A file that is not there, empty, or with a NUL: refused, nothing set. */
    setenv ("LOA_TEST_S_FILE", "/nonexistent/loa-secret", 1);
    ck_assert_int_eq (loa_env_from_files (names), -1);
    secret_file (path, sizeof path, "\n", 1);
    setenv ("LOA_TEST_S_FILE", path, 1);
    ck_assert_int_eq (loa_env_from_files (names), -1);
    secret_file_remove (path);
    secret_file (path, sizeof path, "ab\0cd", 5);
    setenv ("LOA_TEST_S_FILE", path, 1);
    ck_assert_int_eq (loa_env_from_files (names), -1);
    secret_file_remove (path);
    ck_assert_ptr_null (getenv ("LOA_TEST_S"));
    unsetenv ("LOA_TEST_S_FILE");
    /* The secret settings are the passwords and the URL carrying one. */
    ck_assert_str_eq (loa_secret_settings[0], "LOA_DB_URL");
    ck_assert_str_eq (loa_secret_settings[1], "LOA_ADMIN_PASSWORD");
}
END_TEST

START_TEST (clocks_advance)
{
    int64_t a = loa_mono_ms (), now = loa_now_ms ();
    ck_assert (now > 1600000000000LL); /* after 2020 */
    ck_assert (loa_mono_ms () >= a);
}
END_TEST

/* A service's workers: from the machine unless LOA_WORKERS says, and
 * never past LOA_DB_CONNECTIONS with the process's other connections. */
START_TEST (workers_sized_and_capped)
{
    int lowered = -1;
    /* From the machine: twice the cores, within 4..32. */
    ck_assert_int_eq (loa_service_workers (0, 1, 0, 3, 40, &lowered), 4);
    ck_assert_int_eq (lowered, 0);
    ck_assert_int_eq (loa_service_workers (0, 2, 0, 3, 40, &lowered), 4);
    ck_assert_int_eq (loa_service_workers (0, 6, 0, 3, 40, &lowered), 12);
    ck_assert_int_eq (loa_service_workers (0, 64, 0, 3, 400, &lowered), 32);
    ck_assert_int_eq (loa_service_workers (0, 0, 0, 3, 40, &lowered), 4); /* cores unknown */
    /* A service that asks for more per core (feedback-svc: 8), same bounds. */
    ck_assert_int_eq (loa_service_workers (0, 2, 8, 3, 40, &lowered), 16);
    ck_assert_int_eq (loa_service_workers (0, 1, 8, 3, 40, &lowered), 8);
    ck_assert_int_eq (loa_service_workers (0, 16, 8, 3, 400, &lowered), 32);
    ck_assert_int_eq (loa_service_workers (0, 4, 8, 3, 20, &lowered), 17);
    ck_assert_int_eq (lowered, 1);
    /* LOA_WORKERS wins over the machine, within the budget. */
    ck_assert_int_eq (loa_service_workers (100, 2, 0, 3, 400, &lowered), 100);
    ck_assert_int_eq (lowered, 0);
    /* The budget: 40 connections, 4 of them the notifier, relay, a
     * subscription and the ticker, leave 36 workers. */
    ck_assert_int_eq (loa_service_workers (100, 2, 0, 4, 40, &lowered), 36);
    ck_assert_int_eq (lowered, 1);
    ck_assert_int_eq (loa_service_workers (0, 64, 0, 4, 20, &lowered), 16);
    ck_assert_int_eq (lowered, 1);
    ck_assert_int_eq (loa_service_workers (1, 2, 0, 4, 5, &lowered), 1);
    ck_assert_int_eq (lowered, 0);
    /* No room for one worker: refused. */
    ck_assert_int_eq (loa_service_workers (4, 2, 0, 4, 4, &lowered), -1);
    ck_assert_int_eq (loa_service_workers (0, 2, 0, 3, 1, &lowered), -1);
}
END_TEST

START_TEST (malloc_arenas_per_core)
{
    ck_assert_int_eq (loa_malloc_arenas_for (-1), 2); /* sysconf failed */
    ck_assert_int_eq (loa_malloc_arenas_for (1), 2);
    ck_assert_int_eq (loa_malloc_arenas_for (2), 2);
    ck_assert_int_eq (loa_malloc_arenas_for (12), 12);
    ck_assert_int_eq (loa_malloc_arenas_for (256), 64);
    /* The operator's MALLOC_ARENA_MAX is glibc's to apply: left alone. */
    setenv ("MALLOC_ARENA_MAX", "1", 1);
    ck_assert_int_eq (loa_malloc_arenas (), 0);
    unsetenv ("MALLOC_ARENA_MAX");
    int n = loa_malloc_arenas ();
    ck_assert (n == loa_malloc_arenas_for (sysconf (_SC_NPROCESSORS_ONLN)) || n == -1);
}
END_TEST

Suite *config_suite (void)
{
    Suite *s = suite_create ("config");
    TCase *tc = tcase_create ("env");
    tcase_add_test (tc, env_defaults_and_values);
    tcase_add_test (tc, env_int_checks_range_and_syntax);
    tcase_add_test (tc, env_bool_words);
    tcase_add_test (tc, env_from_files);
    tcase_add_test (tc, clocks_advance);
    tcase_add_test (tc, workers_sized_and_capped);
    tcase_add_test (tc, malloc_arenas_per_core);
    suite_add_tcase (s, tc);
    return s;
}
