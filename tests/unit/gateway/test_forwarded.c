/* forwarded (gateway/core/forwarded.h): the operator's proxies parsed, and
 * the client's address found behind them, or not believed. */
#include <string.h>

#include "core/forwarded.h"
#include "suites.h"

static gw_proxies parse (const char *spec)
{
    gw_proxies p;
    char err[200] = "";
    ck_assert_msg (gw_proxies_parse (spec, &p, err, sizeof err) == 0, "%s: %s", spec, err);
    return p;
}

static const char *client (const gw_proxies *p, const char *peer, const char *xff)
{
    static char out[64];
    gw_client_address (p, peer, xff, out, sizeof out);
    return out;
}

START_TEST (proxies_parsed)
{
    gw_proxies p = parse (" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,127.0.0.1/32, 10.1.2.3/16 ");
    ck_assert_uint_eq (p.n, 5);
    ck_assert (gw_proxies_has (&p, "10.200.3.4"));
    ck_assert (!gw_proxies_has (&p, "11.0.0.1"));
    ck_assert (gw_proxies_has (&p, "192.0.2.7"));
    ck_assert (!gw_proxies_has (&p, "192.0.2.8"));
    ck_assert (gw_proxies_has (&p, "2001:db8:ffff::1"));
    ck_assert (!gw_proxies_has (&p, "2001:db9::1"));
    ck_assert (gw_proxies_has (&p, "::ffff:10.9.9.9")); /* IPv4-mapped */
    ck_assert (gw_proxies_has (&p, "127.0.0.1"));
    ck_assert (!gw_proxies_has (&p, "127.0.0.2"));
    ck_assert (!gw_proxies_has (&p, "not-an-address"));
    ck_assert (!gw_proxies_has (&p, NULL));
    gw_proxies_free (&p);
    p = parse ("");
    ck_assert_uint_eq (p.n, 0);
    ck_assert (!gw_proxies_has (&p, "127.0.0.1"));
    gw_proxies_free (&p);
    p = parse ("0.0.0.0/0");
    ck_assert (gw_proxies_has (&p, "203.0.113.9"));
    ck_assert (!gw_proxies_has (&p, "2001:db8::1")); /* IPv4 only */
    gw_proxies_free (&p);
}
END_TEST

START_TEST (bad_proxies_refused)
{
    static const char *const bad[] = {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/",
                                      "10.0.0/8",    "proxy.example",  "10.0.0.0/8x",
                                      "10.0.0.0/-1", "1.2.3.4, x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gw_proxies p;
        char err[200] = "";
        ck_assert_msg (gw_proxies_parse (bad[i], &p, err, sizeof err) == -1, "%s", bad[i]);
        ck_assert_msg (strstr (err, "is not an address"), "%s: %s", bad[i], err);
        ck_assert_uint_eq (p.n, 0);
        ck_assert_ptr_null (p.list);
    }
}
END_TEST

START_TEST (client_behind_proxies)
{
    gw_proxies p = parse ("10.0.0.0/8, 2001:db8:1::/48");
    /* Not from a proxy: the header is the client's own words, not believed. */
    ck_assert_str_eq (client (&p, "203.0.113.5", "198.51.100.1"), "203.0.113.5");
    ck_assert_str_eq (client (&p, "203.0.113.5", NULL), "203.0.113.5");
    /* From a proxy: the address it saw. */
    ck_assert_str_eq (client (&p, "10.0.0.2", "198.51.100.1"), "198.51.100.1");
    /* A client's forged entries stay on the left of what the proxy saw. */
    ck_assert_str_eq (client (&p, "10.0.0.2", "1.1.1.1, 198.51.100.1"), "198.51.100.1");
    /* A chain of the operator's proxies is walked through. */
    ck_assert_str_eq (client (&p, "10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.9"), "198.51.100.1");
    ck_assert_str_eq (client (&p, "2001:db8:1::5", "2001:db8:2::7 ,10.3.3.3"), "2001:db8:2::7");
    /* All of them the operator's: the leftmost. */
    ck_assert_str_eq (client (&p, "10.0.0.2", "10.0.0.3,10.0.0.4"), "10.0.0.3");
    /* An unreadable entry ends the walk: the last address read stands. */
    ck_assert_str_eq (client (&p, "10.0.0.2", "198.51.100.1, garbage, 10.0.0.9"), "10.0.0.9");
    ck_assert_str_eq (client (&p, "10.0.0.2", "garbage"), "10.0.0.2");
    ck_assert_str_eq (client (&p, "10.0.0.2", ""), "10.0.0.2");
    ck_assert_str_eq (client (&p, "10.0.0.2", " , "), "10.0.0.2");
    /* LOA_TRUST_PROXY=1: every peer, the last address. */
    p.any = 1;
    ck_assert_str_eq (client (&p, "203.0.113.5", "1.1.1.1, 198.51.100.1"), "198.51.100.1");
    ck_assert_str_eq (client (&p, "203.0.113.5", "10.0.0.9"), "10.0.0.9");
    gw_proxies_free (&p);
}
END_TEST

Suite *forwarded_suite (void)
{
    Suite *s = suite_create ("gateway/forwarded");
    TCase *tc = tcase_create ("forwarded");
    tcase_add_test (tc, proxies_parsed);
    tcase_add_test (tc, bad_proxies_refused);
    tcase_add_test (tc, client_behind_proxies);
    suite_add_tcase (s, tc);
    return s;
}
