#include "quota_fixture.h"

#include <check.h>

#include "plan_store.h"
#include "quota_store.h"

extern const loa_migration quota_svc_migrations[];
extern const size_t quota_svc_migrations_count;

void quota_test_schema (test_schema *s, const char *prefix, const char *app_name)
{
    test_service_schema (s, prefix, app_name, quota_svc_migrations, quota_svc_migrations_count,
                         NULL);
    ck_assert_int_eq (quota_store_prepare (s->db), 0);
    ck_assert_int_eq (plan_store_prepare (s->db), 0);
}
