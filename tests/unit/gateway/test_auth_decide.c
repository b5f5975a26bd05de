/* gw_auth_decide (gateway/auth/auth.h): the route's `allow` applied to a
 * caller, without a request or a database; on made-up `allow`s and on the
 * real route table's (gateway/routes.c). */
#include <string.h>

#include "auth/auth.h"
#include "routes.h"
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

/* The `allow` of the real table's route `method` `pattern`. */
static unsigned allow_of (const char *method, const char *pattern)
{
    for (size_t i = 0; i < gw_n_routes; i++)
        if (strcmp (gw_routes[i].method, method) == 0 &&
            strcmp (gw_routes[i].pattern, pattern) == 0)
            return gw_routes[i].allow;
    ck_abort_msg ("no route %s %s", method, pattern);
    return 0;
}

/* The three kinds of caller on routes of each kind of permission: public,
 * any staff, one role (admin), broadcaster only, and roles or broadcaster. */
START_TEST (callers_on_the_real_routes)
{
    const unsigned anyone = allow_of ("GET", "/api/v1/openapi.json");
    const unsigned staff = allow_of ("GET", "/api/v1/auth/me");
    const unsigned admin = allow_of ("GET", "/api/v1/api-keys");
    const unsigned feed = allow_of ("GET", "/api/v1/media/feed");
    const unsigned package = allow_of ("GET", "/api/v1/media/packages/{id}");
    const unsigned all_roles =
        GW_R_ADMIN | GW_R_REVIEWER | GW_R_EDITOR | GW_R_INSPECTOR | GW_R_HANDLER | GW_R_LEADER;

    /* Anonymous: only the public route; elsewhere 401, never 403. */
    ck_assert_int_eq (gw_auth_decide (anyone, GW_AUTH_NONE, 0, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (staff, GW_AUTH_NONE, 0, NULL), 401);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_NONE, 0, NULL), 401);
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_NONE, 0, NULL), 401);
    ck_assert_int_eq (gw_auth_decide (package, GW_AUTH_NONE, 0, NULL), 401);

    /* A staff bearer token: staff routes; a role route only with the role. */
    ck_assert_int_eq (gw_auth_decide (anyone, GW_AUTH_STAFF, GW_R_EDITOR, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (staff, GW_AUTH_STAFF, GW_R_EDITOR, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (staff, GW_AUTH_STAFF, 0, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_STAFF, GW_R_EDITOR, NULL), 403);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_STAFF, all_roles & ~GW_R_ADMIN, NULL), 403);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_STAFF, GW_R_ADMIN | GW_R_EDITOR, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (package, GW_AUTH_STAFF, GW_R_REVIEWER, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (package, GW_AUTH_STAFF, GW_R_LEADER, NULL), 0);
    ck_assert_int_eq (gw_auth_decide (package, GW_AUTH_STAFF, GW_R_EDITOR | GW_R_ADMIN, NULL), 403);
    /* A staff caller on a broadcaster-only route: 403 whatever the roles,
     * even with a key kind beside the token. */
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_STAFF, all_roles, NULL), 403);
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_STAFF, all_roles, "broadcaster"), 403);
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_STAFF, 0, NULL), 403);

    /* A broadcaster API key: its routes only, never staff or a role. */
    ck_assert_int_eq (gw_auth_decide (anyone, GW_AUTH_KEY, 0, "broadcaster"), 0);
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_KEY, 0, "broadcaster"), 0);
    ck_assert_int_eq (gw_auth_decide (package, GW_AUTH_KEY, 0, "broadcaster"), 0);
    ck_assert_int_eq (gw_auth_decide (staff, GW_AUTH_KEY, 0, "broadcaster"), 403);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_KEY, 0, "broadcaster"), 403);
    ck_assert_int_eq (gw_auth_decide (admin, GW_AUTH_KEY, GW_R_ADMIN, "broadcaster"), 403);
    /* Another kind of key is not a broadcaster. */
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_KEY, 0, "open311_client"), 403);
    ck_assert_int_eq (gw_auth_decide (package, GW_AUTH_KEY, 0, "open311_client"), 403);
    ck_assert_int_eq (gw_auth_decide (feed, GW_AUTH_KEY, 0, "Broadcaster"), 403);
}
END_TEST

START_TEST (basic_password)
{
    char out[64];
    /* "loa-pull:loa_abc" and "Đài:loa_k:x" (a colon in the password). */
    ck_assert_int_eq (gw_auth_basic_password ("bG9hLXB1bGw6bG9hX2FiYw==", out, sizeof out), 0);
    ck_assert_str_eq (out, "loa_abc");
    ck_assert_int_eq (gw_auth_basic_password ("  w5DDoGk6bG9hX2s6eA==  ", out, sizeof out), 0);
    ck_assert_str_eq (out, "loa_k:x");
    /* No user: the password alone after the colon. */
    ck_assert_int_eq (gw_auth_basic_password ("OmxvYV94", out, sizeof out), 0);
    ck_assert_str_eq (out, "loa_x");
    static const char *const bad[] = {
        "", /* nothing */
        "bG9hLXB1bGw", /* "loa-pull": no colon */
        "bG9hOg==", /* "loa:": an empty password */
        "!!!!", /* not base64 */
        "bG9hOmFi Yw==", /* a space inside */
        "YQBiOmM=", /* "a\0b:c": a NUL */
        NULL,
    };
    for (size_t i = 0; bad[i]; i++)
        ck_assert_msg (gw_auth_basic_password (bad[i], out, sizeof out) == -1, "accepted %s",
                       bad[i]);
    /* A password that does not fit. */
    ck_assert_int_eq (gw_auth_basic_password ("bG9hLXB1bGw6bG9hX2FiYw==", out, 7), -1);
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
    tcase_add_test (tc, basic_password);
    tcase_add_test (tc, callers_on_the_real_routes);
    suite_add_tcase (s, tc);
    return s;
}
