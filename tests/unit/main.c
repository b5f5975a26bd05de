/* Runs the unit suites and prints "unit: N passed, N failed".
 *   unit-tests            every suite, in the table's order
 *   unit-tests NAME...    only those suites (NAME: as --list prints it)
 *   unit-tests --list     the suites' names, one a line, slowest first, so
 *                         that tests/unit.sh can run them side by side */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

const char *test_db_url (void)
{
    const char *url = getenv ("LOA_TEST_DB_URL");
    ck_assert_msg (url && *url, "LOA_TEST_DB_URL is not set (run through tests/run.sh)");
    return url;
}

/* The suites that wait on real time (relays, polls, reconnections) come
 * first: run side by side, the longest start first. */
static const struct {
    const char *name;
    Suite *(*make) (void);
} suites[] = {
    {"outbox", outbox_suite},
    {"subscriber", subscriber_suite},
    {"notifier", notifier_suite},
    {"calendar", calendar_suite},
    {"rpc", rpc_suite},
    {"curve", curve_suite},
    {"media_pkg_store", media_pkg_store_suite},
    {"article_rpc", article_rpc_suite},
    {"feedback_rpc", feedback_rpc_suite},
    {"feedback_store", feedback_store_suite},
    {"cache", cache_suite},
    {"auth_store", auth_store_suite},
    {"ticker", ticker_suite},
    {"config", config_suite},
    {"log", log_suite},
    {"pbjson", pbjson_suite},
    {"migrate", migrate_suite},
    {"markdown", markdown_suite},
    {"store", store_suite},
    {"db", db_suite},
    {"buf", buf_suite},
    {"peers", peers_suite},
    {"arena", arena_suite},
    {"template", template_suite},
    {"notify_mail", notify_mail_suite},
    {"notify_sms", notify_sms_suite},
    {"notify_webhook", notify_webhook_suite},
    {"notify_staff", notify_staff_suite},
    {"notify_store", notify_store_suite},
    {"loa_blob", loa_blob_suite},
    {"xml", xml_suite},
    {"seo", seo_suite},
    {"form", form_suite},
    {"open311_map", open311_map_suite},
    {"quota_accept", quota_accept_suite},
    {"throttle", throttle_suite},
    {"pool", pool_suite},
    {"conns", conns_suite},
    {"quota_month", quota_month_suite},
    {"quota_events", quota_events_suite},
    {"quota_risk", quota_risk_suite},
    {"quota_report", quota_report_suite},
    {"plan_store", plan_store_suite},
    {"blob", blob_suite},
    {"media_events", media_events_suite},
    {"media_feed", media_feed_suite},
    {"media_ninjs", media_ninjs_suite},
    {"rpc_decl", rpc_decl_suite},
    {"content_media", content_media_suite},
    {"auth_decide", auth_decide_suite},
    {"router", router_suite},
    {"forwarded", forwarded_suite},
    {"cors", cors_suite},
    {"encode", encode_suite},
};
#define N_SUITES (sizeof suites / sizeof suites[0])

static int wanted (const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp (argv[i], name) == 0)
            return 1;
    return 0;
}

int main (int argc, char **argv)
{
    if (argc == 2 && strcmp (argv[1], "--list") == 0) {
        for (size_t i = 0; i < N_SUITES; i++)
            puts (suites[i].name);
        return EXIT_SUCCESS;
    }
    for (int i = 1; i < argc; i++) {
        size_t k = 0;
        while (k < N_SUITES && strcmp (suites[k].name, argv[i]) != 0)
            k++;
        if (k == N_SUITES) {
            fprintf (stderr, "unit-tests: no suite %s (see --list)\n", argv[i]);
            return 2;
        }
    }
    SRunner *sr = srunner_create (NULL);
    for (size_t i = 0; i < N_SUITES; i++)
        if (wanted (suites[i].name, argc, argv))
            srunner_add_suite (sr, suites[i].make ());
    srunner_run_all (sr, CK_NORMAL);
    int run = srunner_ntests_run (sr);
    int failed = srunner_ntests_failed (sr);
    srunner_free (sr);
    printf ("unit: %d passed, %d failed\n", run - failed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
