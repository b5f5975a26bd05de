/* The unit test suites, one per module (tests/unit mirrors the source tree).
 * Tests that need PostgreSQL read LOA_TEST_DB_URL (set by tests/run.sh). */
#ifndef LOA_TEST_SUITES_H
#define LOA_TEST_SUITES_H

#include <check.h>

Suite *config_suite (void);
Suite *log_suite (void);
Suite *pbjson_suite (void);
Suite *migrate_suite (void);
Suite *rpc_suite (void);
Suite *curve_suite (void);
Suite *outbox_suite (void);
Suite *notifier_suite (void);
Suite *subscriber_suite (void);
Suite *markdown_suite (void);
Suite *store_suite (void);
Suite *db_suite (void);
Suite *calendar_suite (void);
Suite *ticker_suite (void);
Suite *buf_suite (void);
Suite *peers_suite (void);
Suite *arena_suite (void);
Suite *template_suite (void);
Suite *loa_blob_suite (void);
Suite *rpc_decl_suite (void);
/* notify-svc */
Suite *notify_mail_suite (void);
Suite *notify_sms_suite (void);
Suite *notify_webhook_suite (void);
Suite *notify_staff_suite (void);
Suite *notify_store_suite (void);
/* gateway/: its modules without I/O (the cache with real ZeroMQ) */
Suite *auth_decide_suite (void);
Suite *router_suite (void);
Suite *forwarded_suite (void);
Suite *cors_suite (void);
Suite *encode_suite (void);
Suite *xml_suite (void);
Suite *seo_suite (void);
Suite *form_suite (void);
Suite *open311_map_suite (void);
Suite *quota_accept_suite (void);
Suite *throttle_suite (void);
Suite *pool_suite (void);
Suite *conns_suite (void);
Suite *cache_suite (void);
Suite *auth_store_suite (void); /* against the test database */
Suite *blob_suite (void);
/* services/: their modules without I/O */
Suite *quota_report_suite (void);
Suite *quota_month_suite (void);
Suite *quota_events_suite (void);
Suite *quota_risk_suite (void);
Suite *plan_store_suite (void);
Suite *media_events_suite (void);
Suite *media_feed_suite (void);
Suite *media_ninjs_suite (void);
Suite *media_pkg_store_suite (void);
/* services/: their method tables in-process (common/service_fixture.h) */
Suite *article_rpc_suite (void);
Suite *feedback_rpc_suite (void);
Suite *feedback_store_suite (void);
Suite *content_media_suite (void);

/* The test database URL; fails the current test when unset. */
const char *test_db_url (void);

#endif
