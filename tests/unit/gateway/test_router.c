/* The router (gateway/core/router.h) on the real route table
 * (gateway/routes.c) and on broken copies of it. */
#include <stdlib.h>
#include <string.h>

#include "content_rpc.h"
#include "core/router.h"
#include "core/rpc_route.h"
#include "feedback_rpc.h"
#include "media_rpc.h"
#include "notify_rpc.h"
#include "quota_rpc.h"
#include "routes.h"
#include "suites.h"

static char err[256];

/* A copy of the real table to break. */
static gw_route *copy_table (void)
{
    gw_route *t = malloc (gw_n_routes * sizeof *t);
    ck_assert_ptr_nonnull (t);
    memcpy (t, gw_routes, gw_n_routes * sizeof *t);
    return t;
}

/* The index of the real table's route `method` `pattern`. */
static size_t find (const char *method, const char *pattern)
{
    for (size_t i = 0; i < gw_n_routes; i++)
        if (strcmp (gw_routes[i].method, method) == 0 &&
            strcmp (gw_routes[i].pattern, pattern) == 0)
            return i;
    ck_abort_msg ("no route %s %s", method, pattern);
    return 0;
}

START_TEST (the_real_table_is_served)
{
    ck_assert_msg (gw_router_set (gw_routes, gw_n_routes, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq (gw_route_count (), gw_n_routes);
    ck_assert_ptr_eq (gw_route_at (0), &gw_routes[0]);
    ck_assert_ptr_null (gw_route_at (gw_n_routes));
    ck_assert_int_eq (gw_route_index (&gw_routes[3]), 3);
    gw_route other = gw_routes[3];
    ck_assert_int_eq (gw_route_index (&other), -1);
}
END_TEST

/* Sets a broken copy: refused, naming the route, the real table kept. */
static void refused (gw_route *t, size_t i, const char *why)
{
    ck_assert_int_eq (gw_router_set (t, gw_n_routes, err, sizeof err), -1);
    ck_assert_msg (strstr (err, t[i].pattern ? t[i].pattern : "?"), "%s", err);
    ck_assert_msg (strstr (err, why), "%s", err);
    ck_assert_ptr_eq (gw_route_at (0), &gw_routes[0]);
}

START_TEST (a_broken_table_is_refused)
{
    ck_assert_msg (gw_router_set (gw_routes, gw_n_routes, err, sizeof err) == 0, "%s", err);
    gw_route *t = copy_table ();
    size_t units = find ("GET", "/api/v1/units");
    t[units].handler = NULL;
    refused (t, units, "no handler");
    t[units] = gw_routes[units];
    t[units].rpc = NULL;
    refused (t, units, "without an RPC method");
    t[units] = gw_routes[units];
    size_t create = find ("POST", "/api/v1/units");
    t[create].input = NULL;
    refused (t, create, "without an input message");
    t[create] = gw_routes[create];
    t[units].pattern = "/api/v1/{a}/{b}/{c}/{d}/{e}";
    refused (t, units, "GW_MAX_PARAMS");
    t[units].pattern = "api/v1/units";
    refused (t, units, "pattern");
    t[units] = gw_routes[units];
    t[units].service = GW_N_SERVICES;
    refused (t, units, "unknown service");
    t[units] = gw_routes[units];
    /* The methods, against their services' declarations (proto/<svc>_rpc.proto). */
    t[units].rpc = "units.lists";
    refused (t, units, "units.lists is not a method content-svc declares");
    t[units].rpc = "units.list";
    t[units].service = GW_FEEDBACK;
    refused (t, units, "not a method feedback-svc declares");
    t[units] = gw_routes[units];
    t[create].input = gw_routes[units].input;
    refused (t, create, "units.create takes loa.content.CreateUnitRequest, not");
    t[create] = gw_routes[create];
    t[create].output = gw_routes[units].output;
    refused (t, create, "units.create answers loa.content.Unit, not");
    t[create] = gw_routes[create];
    /* A handler of its own is held to the messages it names, not to others. */
    size_t asset = find ("GET", "/api/v1/assets/{id}");
    ck_assert_ptr_null (t[asset].input);
    t[asset].rpc = "assets.gets";
    refused (t, asset, "assets.gets");
    t[asset] = gw_routes[asset];
    t[asset].input = gw_routes[units].input;
    refused (t, asset, "assets.get takes");
    t[asset] = gw_routes[asset];
    ck_assert_int_eq (gw_router_set (t, gw_n_routes, err, sizeof err), 0);
    ck_assert_msg (gw_router_set (gw_routes, gw_n_routes, err, sizeof err) == 0, "%s", err);
    free (t);
}
END_TEST

static const loa_rpc_method *table_of (gw_service svc)
{
    switch (svc) {
    case GW_CONTENT: return content_methods;
    case GW_FEEDBACK: return feedback_methods;
    case GW_QUOTA: return quota_methods;
    case GW_MEDIA: return media_methods;
    case GW_NOTIFY: return notify_methods;
    default: return NULL;
    }
}

/* A route's method is a row of its service's own table, not only a
 * declaration: "a_b.c" and "a.b_c" share one declaration
 * (docs/decisions/0025-rpc-declared-in-proto.md), one row only. */
static void served (const gw_route *r)
{
    if (!r->rpc)
        return;
    const loa_rpc_method *m = table_of (r->service);
    while (m->method && strcmp (m->method, r->rpc) != 0)
        m++;
    ck_assert_msg (m->method, "%s %s: %s is not in the service's table", r->method, r->pattern,
                   r->rpc);
    if (r->handler == gw_rpc_route || r->input)
        ck_assert_msg (m->input == r->input, "%s %s: %s takes another input", r->method, r->pattern,
                       r->rpc);
}

START_TEST (every_method_is_served)
{
    for (size_t i = 0; i < gw_n_routes; i++) {
        served (&gw_routes[i]);
        for (const gw_route *const *alt = gw_routes[i].alternatives; alt && *alt; alt++)
            served (*alt);
    }
}
END_TEST

START_TEST (matching)
{
    ck_assert_msg (gw_router_set (gw_routes, gw_n_routes, err, sizeof err) == 0, "%s", err);
    gw_request req;
    char allow[96];
    memset (&req, 0, sizeof req);
    const gw_route *r = gw_route_match ("GET", "/api/v1/units/7", &req, allow, sizeof allow);
    ck_assert_ptr_nonnull (r);
    ck_assert_str_eq (r->pattern, "/api/v1/units/{id}");
    ck_assert_ptr_eq (r->handler, gw_rpc_route);
    ck_assert_str_eq (gw_param (&req, "id"), "7");
    ck_assert_int_eq (gw_param_id (&req, "id", INT64_MAX), 7);
    ck_assert_int_eq (gw_param_id (&req, "id", 6), 0);
    ck_assert_ptr_null (gw_param (&req, "i"));

    /* A value may hold the literal that follows it in the segment. */
    memset (&req, 0, sizeof req);
    r = gw_route_match ("GET", "/open311/v2/requests/PAKN.20220325.7KQ2ZD.json", &req, allow,
                        sizeof allow);
    ck_assert_ptr_nonnull (r);
    ck_assert_str_eq (gw_param (&req, "service_request_id"), "PAKN.20220325.7KQ2ZD");
    ck_assert_str_eq (gw_param (&req, "format"), "json");
    ck_assert_int_eq (gw_param_id (&req, "format", INT64_MAX), 0);

    /* Other methods only: their list, with HEAD beside GET. */
    memset (&req, 0, sizeof req);
    ck_assert_ptr_null (gw_route_match ("DELETE", "/api/v1/units", &req, allow, sizeof allow));
    ck_assert_str_eq (allow, "GET, HEAD, POST");
    ck_assert_ptr_null (gw_route_match ("GET", "/api/v1/nothing", &req, allow, sizeof allow));
    ck_assert_str_eq (allow, "");
    ck_assert_ptr_null (gw_route_match ("GET", "/api/v1/units/", &req, allow, sizeof allow));
}
END_TEST

Suite *router_suite (void)
{
    Suite *s = suite_create ("gateway/router");
    TCase *tc = tcase_create ("router");
    tcase_add_test (tc, the_real_table_is_served);
    tcase_add_test (tc, a_broken_table_is_refused);
    tcase_add_test (tc, every_method_is_served);
    tcase_add_test (tc, matching);
    suite_add_tcase (s, tc);
    return s;
}
