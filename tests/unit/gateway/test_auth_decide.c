/* gw_auth_decide (gateway/auth/auth.h): the route's `allow` applied to a
 * caller, without a request or a database. */
#include "auth/auth.h"
#include "suites.h"

START_TEST (anyone_needs_no_credentials)
{
    ck_assert_int_eq (gw_auth_decide (GW_ANYONE, GW_AUTH_NONE, 0, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (GW_ANYONE, GW_AUTH_STAFF, GW_R_EDITOR, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (GW_ANYONE, GW_AUTH_KEY, 0, "broadcaster"), 0);
}
END_TEST

START_TEST (others_need_credentials)
{
    ck_assert_int_eq (gw_auth_decide (GW_STAFF, GW_AUTH_NONE, 0, NULL), 401);
    ck_assert_int_eq (gw_auth_decide (GW_R_ADMIN, GW_AUTH_NONE, 0, NULL), 401);
    ck_assert_int_eq (gw_auth_decide (GW_BROADCASTER, GW_AUTH_NONE, 0, NULL), 401);
}
END_TEST

START_TEST (staff_by_role)
{
    /* Any logged-in user, whatever the roles (none at all too). */
    ck_assert_int_eq (gw_auth_decide (GW_STAFF, GW_AUTH_STAFF, 0, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (GW_R_ADMIN, GW_AUTH_STAFF, GW_R_ADMIN, NULL), 0);
    ck_assert_int_eq (
        gw_auth_decide (GW_R_EDITOR | GW_R_REVIEWER, GW_AUTH_STAFF, GW_R_REVIEWER, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (GW_R_ADMIN, GW_AUTH_STAFF, GW_R_EDITOR, NULL), 403);
    ck_assert_int_eq (gw_auth_decide (GW_R_ADMIN, GW_AUTH_STAFF, 0, NULL), 403);
    /* A key kind in the table is not a role. */
    ck_assert_int_eq (gw_auth_decide (GW_BROADCASTER, GW_AUTH_STAFF, GW_R_ADMIN, NULL), 403);
}
END_TEST

START_TEST (keys_by_kind)
{
    ck_assert_int_eq (gw_auth_decide (GW_BROADCASTER, GW_AUTH_KEY, 0, "broadcaster"), 0);
    ck_assert_int_eq (gw_auth_decide (GW_OPEN311, GW_AUTH_KEY, 0, "open311_client"), 0);
    ck_assert_int_eq (gw_auth_decide (GW_BROADCASTER, GW_AUTH_KEY, 0, "open311_client"), 403);
    ck_assert_int_eq (gw_auth_decide (GW_OPEN311, GW_AUTH_KEY, 0, "broadcaster"), 403);
    /* A key is never staff, nor a role, and a key of no known kind is nothing. */
    ck_assert_int_eq (gw_auth_decide (GW_STAFF, GW_AUTH_KEY, 0, "broadcaster"), 403);
    ck_assert_int_eq (gw_auth_decide (GW_R_ADMIN, GW_AUTH_KEY, GW_R_ADMIN, "admin"), 403);
    ck_assert_int_eq (gw_auth_decide (GW_BROADCASTER, GW_AUTH_KEY, 0, NULL), 403);
}
END_TEST

Suite *auth_decide_suite (void)
{
    Suite *s = suite_create ("gateway/auth decide");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, anyone_needs_no_credentials);
    tcase_add_test (tc, others_need_credentials);
    tcase_add_test (tc, staff_by_role);
    tcase_add_test (tc, keys_by_kind);
    suite_add_tcase (s, tc);
    return s;
}
