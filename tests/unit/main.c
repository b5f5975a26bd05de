/* Runs every unit suite and prints "unit: N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>

#include "suites.h"

const char *test_db_url (void)
{
    const char *url = getenv ("LOA_TEST_DB_URL");
    ck_assert_msg (url && *url, "LOA_TEST_DB_URL is not set (run through tests/run.sh)");
    return url;
}

int main (void)
{
    Suite *(*suites[]) (void) = {
        config_suite,       log_suite,          pbjson_suite,      migrate_suite,
        rpc_suite,          outbox_suite,       notifier_suite,    subscriber_suite,
        markdown_suite,     store_suite,        calendar_suite,    ticker_suite,
        buf_suite,          loa_blob_suite,     xml_suite,         form_suite,
        open311_map_suite,  throttle_suite,     quota_month_suite, quota_events_suite,
        quota_risk_suite,   quota_report_suite, plan_store_suite,  blob_suite,
        media_events_suite, media_feed_suite,   media_ninjs_suite, media_pkg_store_suite,
        rpc_decl_suite,     auth_decide_suite,  router_suite};
    SRunner *sr = srunner_create (NULL);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        srunner_add_suite (sr, suites[i]());
    srunner_run_all (sr, CK_NORMAL);
    int run = srunner_ntests_run (sr);
    int failed = srunner_ntests_failed (sr);
    srunner_free (sr);
    printf ("unit: %d passed, %d failed\n", run - failed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
