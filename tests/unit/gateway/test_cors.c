/* cors (gateway/core/cors.h): the operator's list of origins parsed, and
 * malformed entries refused naming the entry; only listed origins, exactly
 * as browsers send them, are allowed. */
#include <stdio.h>
#include <string.h>

#include "core/cors.h"
#include "suites.h"

START_TEST (origins_parsed)
{
    char err[300] = "";
    ck_assert_msg (gw_cors_init (" https://cchc.bacninh.gov.vn, http://localhost:5173\t"
                                 "http://127.0.0.2:8080 ,http://[::1]:3000",
                                 err, sizeof err) == 0,
                   "%s", err);
    ck_assert (gw_cors_allowed ("https://cchc.bacninh.gov.vn"));
    ck_assert (gw_cors_allowed ("http://localhost:5173"));
    ck_assert (gw_cors_allowed ("http://127.0.0.2:8080"));
    ck_assert (gw_cors_allowed ("http://[::1]:3000"));
    /* Exactly: scheme, host and port all count. */
    ck_assert (!gw_cors_allowed ("http://cchc.bacninh.gov.vn"));
    ck_assert (!gw_cors_allowed ("https://cchc.bacninh.gov.vn:443"));
    ck_assert (!gw_cors_allowed ("http://localhost:5174"));
    ck_assert (!gw_cors_allowed ("https://evil.cchc.bacninh.gov.vn"));
    ck_assert (!gw_cors_allowed ("null"));
    ck_assert (!gw_cors_allowed (""));
    ck_assert (!gw_cors_allowed (NULL));
    ck_assert_int_eq (gw_cors_init ("", err, sizeof err), 0);
    ck_assert (!gw_cors_allowed ("http://localhost:5173"));
    ck_assert_int_eq (gw_cors_init (NULL, err, sizeof err), 0);
    gw_cors_free ();
}
END_TEST

START_TEST (bad_origins_refused)
{
    static const char *const bad[] = {
        "*",
        "cchc.bacninh.gov.vn",
        "ftp://cchc.bacninh.gov.vn",
        "https://cchc.bacninh.gov.vn/",
        "https://cchc.bacninh.gov.vn/cong",
        "https://CCHC.bacninh.gov.vn",
        "https://",
        "https://:8080",
        "https://.bacninh.gov.vn",
        "http://localhost:0",
        "http://localhost:65536",
        "http://localhost:",
        "http://[::1",
        "http://[]:80",
        "https://cchc.bacninh.gov.vn?x=1",
        "https://user@cchc.bacninh.gov.vn",
        NULL,
    };
    for (size_t i = 0; bad[i]; i++) {
        char spec[200], err[300] = "";
        snprintf (spec, sizeof spec, "http://ok.example, %s", bad[i]);
        ck_assert_msg (gw_cors_init (spec, err, sizeof err) == -1, "accepted %s", bad[i]);
        ck_assert_msg (strstr (err, bad[i]) != NULL, "%s: %s", bad[i], err);
        ck_assert_msg (!gw_cors_allowed ("http://ok.example"), "%s left a list", bad[i]);
    }
    /* At most GW_CORS_MAX_ORIGINS. */
    char many[4096] = "", err[300] = "";
    for (int i = 0; i <= GW_CORS_MAX_ORIGINS; i++) {
        char one[48];
        snprintf (one, sizeof one, "http://h%d.example,", i);
        strcat (many, one);
    }
    ck_assert_int_eq (gw_cors_init (many, err, sizeof err), -1);
    ck_assert_ptr_nonnull (strstr (err, "more than"));
}
END_TEST

Suite *cors_suite (void)
{
    Suite *s = suite_create ("gateway/cors");
    TCase *tc = tcase_create ("cors");
    tcase_add_test (tc, origins_parsed);
    tcase_add_test (tc, bad_origins_refused);
    suite_add_tcase (s, tc);
    return s;
}
