/* notify_webhook: the Standard Webhooks signature against the
 * specification's own example; the secret's text; the addresses a webhook
 * must never reach (no SSRF), IPv4 and IPv6, mapped and NAT64 forms; URLs
 * refused for their scheme, their credentials or their host, and the
 * exception LOA_WEBHOOK_ALLOW makes (with the pin libcurl is given). */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "notify_mail.h"
#include "notify_webhook.h"
#include "suites.h"

START_TEST (signature_of_the_specification)
{
    /* standard-webhooks' README: secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,
     * id msg_p5jXN8AQM9LWM0D4loKWxJek, timestamp 1614265330,
     * payload {"test": 2432232314}. */
    static const char key_b64[] = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    unsigned char key[32];
    size_t n = 0;
    ck_assert_int_eq (sodium_base642bin (key, sizeof key, key_b64, strlen (key_b64), NULL, &n, NULL,
                                         sodium_base64_VARIANT_ORIGINAL),
                      0);
    char sig[64];
    notify_webhook_sign (key, n, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                         "{\"test\": 2432232314}", sig, sizeof sig);
    ck_assert_str_eq (sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

    uint8_t secret[NOTIFY_WEBHOOK_SECRET_BYTES];
    for (size_t i = 0; i < sizeof secret; i++)
        secret[i] = (uint8_t) i;
    char text[NOTIFY_WEBHOOK_SECRET_TEXT];
    notify_webhook_secret_text (secret, text);
    ck_assert_str_eq (text, "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
}
END_TEST

static int refused4 (const char *a)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    ck_assert_int_eq (inet_pton (AF_INET, a, &sa.sin_addr), 1);
    return notify_webhook_address_refused ((struct sockaddr *) &sa);
}

static int refused6 (const char *a)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
    ck_assert_int_eq (inet_pton (AF_INET6, a, &sa.sin6_addr), 1);
    return notify_webhook_address_refused ((struct sockaddr *) &sa);
}

START_TEST (addresses)
{
    static const char *const in4[] = {
        "0.0.0.0",         "10.0.0.1",   "100.64.0.1",     "127.0.0.1",    "127.255.1.2",
        "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8",    "192.0.2.1",
        "192.168.1.1",     "198.18.0.1", "198.19.255.1",   "198.51.100.7", "203.0.113.9",
        "224.0.0.1",       "239.1.1.1",  "255.255.255.255"};
    for (size_t i = 0; i < sizeof in4 / sizeof in4[0]; i++)
        ck_assert_msg (refused4 (in4[i]), "%s", in4[i]);
    static const char *const out4[] = {"93.184.216.34", "8.8.8.8",    "172.32.0.1",
                                       "100.128.0.1",   "198.20.0.1", "11.0.0.1"};
    for (size_t i = 0; i < sizeof out4 / sizeof out4[0]; i++)
        ck_assert_msg (!refused4 (out4[i]), "%s", out4[i]);
    static const char *const in6[] = {
        "::",      "::1",         "fc00::1",          "fd12:3456::1",    "fe80::1",
        "ff02::1", "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "64:ff9b::a9fe:a9fe",
        "100::1"};
    for (size_t i = 0; i < sizeof in6 / sizeof in6[0]; i++)
        ck_assert_msg (refused6 (in6[i]), "%s", in6[i]);
    static const char *const out6[] = {"2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34",
                                       "2001:4860:4860::8888"};
    for (size_t i = 0; i < sizeof out6 / sizeof out6[0]; i++)
        ck_assert_msg (!refused6 (out6[i]), "%s", out6[i]);
}
END_TEST

/* `url` refused, with `why` in the reason. */
static void url_refused (const char *url, const char *why)
{
    char pin[600] = "", reason[200] = "";
    ck_assert_msg (notify_webhook_url_check (url, pin, sizeof pin, reason, sizeof reason) == -1,
                   "%s taken (pin %s)", url, pin);
    ck_assert_msg (strstr (reason, why) != NULL, "%s: \"%s\" lacks \"%s\"", url, reason, why);
}

START_TEST (urls)
{
    ck_assert_int_eq (notify_mail_global_init (), 0); /* libcurl's URL parser */
    unsetenv ("LOA_WEBHOOK_ALLOW");
    url_refused ("http://93.184.216.34/hook", "https");
    url_refused ("ftp://93.184.216.34/hook", "https");
    url_refused ("https://127.0.0.1/hook", "mạng nội bộ");
    url_refused ("https://localhost:8443/hook", "mạng nội bộ");
    url_refused ("https://[::1]/hook", "mạng nội bộ");
    url_refused ("https://169.254.169.254/latest/meta-data", "mạng nội bộ");
    url_refused ("https://2130706433/hook", "mạng nội bộ"); /* 127.0.0.1 written as a number */
    url_refused ("https://0x7f000001/hook", "mạng nội bộ");
    url_refused ("https://user:pw@93.184.216.34/hook", "tên người dùng");
    url_refused ("not a url", "URL");
    char pin[600], why[200];
    ck_assert_int_eq (notify_webhook_url_check ("https://93.184.216.34:8443/a?b=c", pin, sizeof pin,
                                                why, sizeof why),
                      0);
    ck_assert_str_eq (pin, "93.184.216.34:8443:93.184.216.34");
    ck_assert_int_eq (notify_webhook_url_check ("https://[2606:2800:220:1::1]/a", pin, sizeof pin,
                                                why, sizeof why),
                      0);
    ck_assert_str_eq (pin, "2606:2800:220:1::1:443:[2606:2800:220:1::1]");
    /* The exception: that host and port only, and http there. */
    setenv ("LOA_WEBHOOK_ALLOW", "127.0.0.1:18999, 127.0.0.1:19000", 1);
    ck_assert_int_eq (
        notify_webhook_url_check ("http://127.0.0.1:19000/hook", pin, sizeof pin, why, sizeof why),
        0);
    ck_assert_str_eq (pin, "127.0.0.1:19000:127.0.0.1");
    url_refused ("http://127.0.0.1:19001/hook", "https");
    url_refused ("https://127.0.0.1:19001/hook", "mạng nội bộ");
    unsetenv ("LOA_WEBHOOK_ALLOW");
    notify_mail_global_shutdown ();
}
END_TEST

Suite *notify_webhook_suite (void)
{
    Suite *s = suite_create ("notify_webhook");
    TCase *tc = tcase_create ("webhook");
    tcase_add_test (tc, signature_of_the_specification);
    tcase_add_test (tc, addresses);
    tcase_add_test (tc, urls);
    suite_add_tcase (s, tc);
    return s;
}
