/* notify_sms's pure parts: Vietnamese numbers in the +84 form, mobile or
 * not; the SMS text without diacritics (every Vietnamese letter, Đ too) in
 * one 160-character segment, or with them in 70, cut at a space. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "notify_sms.h"
#include "suites.h"

static void phone (const char *in, int want, const char *want_out)
{
    char out[24] = "";
    ck_assert_msg (notify_sms_phone (in, out, sizeof out) == want, "%s", in);
    if (want_out)
        ck_assert_str_eq (out, want_out);
}

START_TEST (numbers)
{
    phone ("0912 345 678", 1, "+84912345678");
    phone ("0912.345.678", 1, "+84912345678");
    phone ("+84 912 345 678", 1, "+84912345678");
    phone ("+84 (91) 234-5678", 1, "+84912345678");
    phone ("84912345678", 1, "+84912345678");
    phone ("0387654321", 1, "+84387654321"); /* Viettel's 03x since 2018 */
    phone ("0567654321", 1, "+84567654321");
    phone ("0707654321", 1, "+84707654321");
    phone ("0812345678", 1, "+84812345678");
    phone ("0222 3812 345", 0, "+842223812345"); /* Bắc Ninh's landline: no SMS */
    phone ("0612345678", 0, "+84612345678"); /* no mobile network's prefix */
    phone ("912345678", -1, NULL); /* no 0, no country code */
    phone ("+1 202 555 0100", -1, NULL);
    phone ("0912 345 67", -1, NULL);
    phone ("0912 345 6789 01", -1, NULL);
    phone ("0912-345-678x", -1, NULL);
    phone ("", -1, NULL);
    phone ("+", -1, NULL);
    char small[8];
    ck_assert_int_eq (notify_sms_phone ("0912345678", small, sizeof small), -1);
}
END_TEST

START_TEST (text)
{
    int cut;
    char *s = notify_sms_text ("Sở KH&ĐT Bắc Ninh đã nhận phản ánh, hạn trả lời 29/12/2026. "
                               "Ưu tiên: Ỷ Ữ ỹ ự ằ ẵ ộ ờ",
                               0, &cut);
    ck_assert_str_eq (s, "So KH&DT Bac Ninh da nhan phan anh, han tra loi 29/12/2026. "
                         "Uu tien: Y U y u a a o o");
    ck_assert_int_eq (cut, 0);
    free (s);
    /* Longer than one segment: cut at a space, at most 160 characters. */
    char longer[400] = "";
    for (int i = 0; i < 40; i++)
        strcat (longer, "Phản ");
    s = notify_sms_text (longer, 0, &cut);
    ck_assert_int_eq (cut, 1);
    ck_assert_uint_le (strlen (s), 160);
    ck_assert_uint_ge (strlen (s), 150);
    ck_assert_int_eq (strncmp (s, "Phan Phan ", 10), 0);
    ck_assert (s[strlen (s) - 1] == 'n');
    free (s);
    /* With diacritics: 70 characters (not bytes). */
    s = notify_sms_text (longer, 1, &cut);
    ck_assert_int_eq (cut, 1);
    ck_assert_int_eq (strncmp (s, "Phản Phản ", 14), 0);
    size_t chars = 0;
    for (const char *p = s; *p; p++)
        chars += ((unsigned char) *p & 0xC0) != 0x80;
    ck_assert_uint_le (chars, 70);
    ck_assert_uint_ge (chars, 60);
    free (s);
    s = notify_sms_text ("Đã có trả lời", 1, &cut);
    ck_assert_str_eq (s, "Đã có trả lời");
    ck_assert_int_eq (cut, 0);
    free (s);
}
END_TEST

Suite *notify_sms_suite (void)
{
    Suite *s = suite_create ("notify_sms");
    TCase *tc = tcase_create ("sms");
    tcase_add_test (tc, numbers);
    tcase_add_test (tc, text);
    suite_add_tcase (s, tc);
    return s;
}
