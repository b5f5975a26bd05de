#include "quota_fixture.h"

#include <check.h>
#include <string.h>

#include "plan_store.h"
#include "quota_store.h"

extern const loa_migration quota_svc_migrations[];
extern const size_t quota_svc_migrations_count;

void quota_test_schema (test_schema *s, const char *prefix, const char *app_name)
{
    loa_migration migs[16];
    size_t n = 0;
    for (size_t i = 0; i < quota_svc_migrations_count; i++)
        if (strncmp (quota_svc_migrations[i].name, "0000_events", 11) != 0) {
            ck_assert_uint_lt (n, sizeof migs / sizeof migs[0]);
            migs[n++] = quota_svc_migrations[i];
        }
    test_schema_init (s, prefix, app_name, migs, n);
    ck_assert_int_eq (quota_store_prepare (s->db), 0);
    ck_assert_int_eq (plan_store_prepare (s->db), 0);
}
