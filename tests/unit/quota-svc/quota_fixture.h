/* quota_fixture: what quota-svc's unit tests share. */
#ifndef LOA_TEST_QUOTA_FIXTURE_H
#define LOA_TEST_QUOTA_FIXTURE_H

#include "common/fixture.h"

/* A schema made by quota-svc's own migrations but the event tables and
 * their wake-up (0000_events*.sql), which test_schema_init makes itself,
 * with quota's and the plan's statements prepared on s->db. */
void quota_test_schema (test_schema *s, const char *prefix, const char *app_name);

#endif
