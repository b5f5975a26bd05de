/* notify_mail and notify_send's pure parts: a message GMime builds, parsed
 * back by GMime's own parser (headers, UTF-8 subject and bodies, the two
 * alternatives, CRLF lines, the Message-ID and Date given); the addresses
 * an SMTP envelope may take (nothing a citizen typed adds a command); the
 * settings refused with the setting's name; the backoff's doubling, cap and
 * jitter. */
#include <check.h>
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

#include "loa_text.h"
#include "notify_mail.h"
#include "notify_send.h"
#include "suites.h"

static notify_mail_config cfg;

static void setup (void)
{
    ck_assert_int_eq (notify_mail_global_init (), 0);
    setenv ("LOA_SMTP_URL", "smtp://127.0.0.1:2525", 1);
    setenv ("LOA_MAIL_FROM", "Sở Kế hoạch và Đầu tư <no-reply@skhdt.bacninh.gov.vn>", 1);
    setenv ("LOA_MAIL_REPLY_TO", "Bộ phận một cửa <motcua@skhdt.bacninh.gov.vn>", 1);
    unsetenv ("LOA_SMTP_TLS");
    ck_assert_int_eq (notify_mail_config_env (&cfg), 0);
}

static void teardown (void)
{
    notify_mail_config_free (&cfg);
    notify_mail_global_shutdown ();
}

/* The text of a part, decoded from its transfer encoding. */
static char *part_text (GMimeObject *part)
{
    ck_assert (GMIME_IS_TEXT_PART (part));
    return g_mime_text_part_get_text (GMIME_TEXT_PART (part));
}

START_TEST (message_parses_back)
{
    ck_assert_str_eq (cfg.from_addr, "no-reply@skhdt.bacninh.gov.vn");
    ck_assert_str_eq (cfg.domain, "skhdt.bacninh.gov.vn");
    ck_assert_int_eq (cfg.starttls, 0); /* the server is this machine */
    const notify_mail_msg m = {
        "feedback.17.email.citizen@skhdt.bacninh.gov.vn",
        "Nguyễn Văn An",
        "an@example.vn",
        "Đã tiếp nhận phản ánh, kiến nghị PAKN.20261207.ABC123",
        "Kính gửi Ông/Bà,\n.\nMã số tra cứu: PAKN.20261207.ABC123\n",
        "<p>Mã số <strong>PAKN.20261207.ABC123</strong></p>",
        1796630400, /* 2026-12-07 08:00 UTC */
    };
    size_t len = 0;
    char *bytes = notify_mail_build (&cfg, &m, &len);
    ck_assert_ptr_nonnull (bytes);
    ck_assert_uint_eq (len, strlen (bytes));
    /* Every line ends in CRLF, none is over SMTP's 998 bytes, no 8-bit byte. */
    for (const char *p = bytes, *line = bytes; *p; p++) {
        ck_assert_msg ((unsigned char) *p < 0x80, "an 8-bit byte at %ld", (long) (p - bytes));
        if (*p == '\n') {
            ck_assert_msg (p > bytes && p[-1] == '\r', "a bare LF at %ld", (long) (p - bytes));
            ck_assert_int_lt (p - line, 1000);
            line = p + 1;
        }
    }
    ck_assert_msg (strstr (bytes, "Date: Mon, 07 Dec 2026 15:00:00 +0700\r\n") != NULL, "%.300s",
                   bytes);

    GMimeStream *stream = g_mime_stream_mem_new_with_buffer (bytes, len);
    GMimeParser *parser = g_mime_parser_new_with_stream (stream);
    GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
    ck_assert_ptr_nonnull (msg);
    ck_assert_str_eq (g_mime_message_get_subject (msg), m.subject);
    ck_assert_str_eq (g_mime_message_get_message_id (msg), m.message_id);
    InternetAddressList *from = g_mime_message_get_from (msg);
    ck_assert_int_eq (internet_address_list_length (from), 1);
    InternetAddress *f = internet_address_list_get_address (from, 0);
    ck_assert_str_eq (internet_address_get_name (f), "Sở Kế hoạch và Đầu tư");
    ck_assert_str_eq (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (f)),
                      "no-reply@skhdt.bacninh.gov.vn");
    InternetAddress *rt = internet_address_list_get_address (g_mime_message_get_reply_to (msg), 0);
    ck_assert_str_eq (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (rt)),
                      "motcua@skhdt.bacninh.gov.vn");
    InternetAddress *to = internet_address_list_get_address (g_mime_message_get_to (msg), 0);
    ck_assert_str_eq (internet_address_get_name (to), "Nguyễn Văn An");
    ck_assert_str_eq (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (to)),
                      "an@example.vn");
    GMimeObject *body = g_mime_message_get_mime_part (msg);
    ck_assert (GMIME_IS_MULTIPART (body));
    ck_assert_str_eq (g_mime_content_type_get_media_subtype (g_mime_object_get_content_type (body)),
                      "alternative");
    GMimeMultipart *alt = GMIME_MULTIPART (body);
    ck_assert_int_eq (g_mime_multipart_get_count (alt), 2);
    char *text = part_text (g_mime_multipart_get_part (alt, 0));
    char *html = part_text (g_mime_multipart_get_part (alt, 1));
    ck_assert_ptr_nonnull (strstr (text, "Mã số tra cứu: PAKN.20261207.ABC123"));
    ck_assert_ptr_nonnull (strstr (text, "\n.\n")); /* a lone dot is the body's, not the end */
    ck_assert_ptr_nonnull (strstr (html, "<strong>PAKN.20261207.ABC123</strong>"));
    g_free (text);
    g_free (html);
    g_object_unref (msg);
    g_object_unref (parser);
    g_object_unref (stream);
    free (bytes);

    /* Without HTML: one text part. */
    notify_mail_msg plain = m;
    plain.html = "";
    bytes = notify_mail_build (&cfg, &plain, &len);
    ck_assert_ptr_nonnull (bytes);
    ck_assert_ptr_null (strstr (bytes, "multipart"));
    ck_assert_ptr_nonnull (strstr (bytes, "Content-Type: text/plain; charset=utf-8"));
    free (bytes);

    /* An address SMTP would not take builds nothing. */
    plain.to_addr = "an@example.vn>\r\nRCPT TO:<x@y.vn";
    ck_assert_ptr_null (notify_mail_build (&cfg, &plain, &len));

    /* The senders' Message-ID: the delivery's key at LOA_MAIL_FROM's domain. */
    ck_assert_int_eq (notify_send_init (), 0);
    char id[300];
    notify_send_message_id ("feedback.3.email.citizen", id, sizeof id);
    ck_assert_str_eq (id, "feedback.3.email.citizen@skhdt.bacninh.gov.vn");
    notify_send_shutdown ();
}
END_TEST

START_TEST (envelope_addresses)
{
    ck_assert_int_eq (loa_email_ok ("an@example.vn"), 1);
    ck_assert_int_eq (loa_email_ok ("nguyen.van-an+pakn@so.bacninh.gov.vn"), 1);
    ck_assert_int_eq (loa_email_ok ("an@example.vn\r\nDATA"), 0);
    ck_assert_int_eq (loa_email_ok ("an@example.vn>"), 0);
    ck_assert_int_eq (loa_email_ok ("<an@example.vn"), 0);
    ck_assert_int_eq (loa_email_ok ("an @example.vn"), 0);
    ck_assert_int_eq (loa_email_ok ("an@@example.vn"), 0);
    ck_assert_int_eq (loa_email_ok ("a@b@c.vn"), 0);
    ck_assert_int_eq (loa_email_ok ("@example.vn"), 0);
    ck_assert_int_eq (loa_email_ok ("an@"), 0);
    ck_assert_int_eq (loa_email_ok ("ân@example.vn"), 0); /* 8-bit: not for SMTP */
    ck_assert_int_eq (loa_email_ok (""), 0);
    char long_addr[300];
    memset (long_addr, 'a', sizeof long_addr);
    memcpy (long_addr + 250, "@b.vn", 6);
    ck_assert_int_eq (loa_email_ok (long_addr), 0);
}
END_TEST

START_TEST (settings)
{
    notify_mail_config c;
    /* STARTTLS by default when the server is another machine. */
    setenv ("LOA_SMTP_URL", "smtp://mail.bacninh.gov.vn:587", 1);
    ck_assert_int_eq (notify_mail_config_env (&c), 0);
    ck_assert_int_eq (c.starttls, 1);
    notify_mail_config_free (&c);
    setenv ("LOA_SMTP_TLS", "none", 1);
    ck_assert_int_eq (notify_mail_config_env (&c), 0);
    ck_assert_int_eq (c.starttls, 0);
    notify_mail_config_free (&c);
    setenv ("LOA_SMTP_URL", "smtp://localhost:2525", 1);
    setenv ("LOA_SMTP_TLS", "starttls", 1);
    ck_assert_int_eq (notify_mail_config_env (&c), 0);
    ck_assert_int_eq (c.starttls, 1);
    notify_mail_config_free (&c);
    unsetenv ("LOA_SMTP_TLS");
    ck_assert_int_eq (notify_mail_config_env (&c), 0);
    ck_assert_int_eq (c.starttls, 0);
    notify_mail_config_free (&c);
    /* Refused: each names its setting (logged). */
    setenv ("LOA_SMTP_TLS", "yes", 1);
    ck_assert_int_eq (notify_mail_config_env (&c), -1);
    notify_mail_config_free (&c);
    unsetenv ("LOA_SMTP_TLS");
    setenv ("LOA_SMTP_URL", "http://mail.bacninh.gov.vn", 1);
    ck_assert_int_eq (notify_mail_config_env (&c), -1);
    notify_mail_config_free (&c);
    setenv ("LOA_SMTP_URL", "smtps://mail.bacninh.gov.vn", 1);
    setenv ("LOA_MAIL_FROM", "Sở KH&ĐT", 1);
    ck_assert_int_eq (notify_mail_config_env (&c), -1);
    notify_mail_config_free (&c);
    setenv ("LOA_MAIL_FROM", "a@b.vn, c@d.vn", 1);
    ck_assert_int_eq (notify_mail_config_env (&c), -1);
    notify_mail_config_free (&c);
    /* No URL: not configured, not an error. */
    unsetenv ("LOA_SMTP_URL");
    setenv ("LOA_MAIL_FROM", "no-reply@b.vn", 1);
    ck_assert_int_eq (notify_mail_config_env (&c), 0);
    ck_assert_ptr_null (c.url);
    notify_mail_config_free (&c);
}
END_TEST

START_TEST (backoff)
{
    ck_assert_int_eq (notify_send_backoff_ms (1, 5000, 21600000, 0), 5000);
    ck_assert_int_eq (notify_send_backoff_ms (2, 5000, 21600000, 0), 10000);
    ck_assert_int_eq (notify_send_backoff_ms (5, 5000, 21600000, 0), 80000);
    ck_assert_int_eq (notify_send_backoff_ms (13, 5000, 21600000, 0), 20480000);
    ck_assert_int_eq (notify_send_backoff_ms (14, 5000, 21600000, 0), 21600000); /* 6 h */
    ck_assert_int_eq (notify_send_backoff_ms (100, 5000, 21600000, 0), 21600000);
    /* The jitter takes off at most a quarter. */
    ck_assert_int_eq (notify_send_backoff_ms (3, 5000, 21600000, 0.999), 20000 - 4995);
    ck_assert_int_eq (notify_send_backoff_ms (3, 5000, 21600000, 0.5), 17500);
}
END_TEST

Suite *notify_mail_suite (void)
{
    Suite *s = suite_create ("notify_mail");
    TCase *tc = tcase_create ("mail");
    tcase_add_checked_fixture (tc, setup, teardown);
    tcase_add_test (tc, message_parses_back);
    tcase_add_test (tc, envelope_addresses);
    tcase_add_test (tc, settings);
    tcase_add_test (tc, backoff);
    suite_add_tcase (s, tc);
    return s;
}
