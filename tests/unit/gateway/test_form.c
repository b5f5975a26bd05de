#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "open311/form.h"
#include "suites.h"

static gw_form *parse (const char *body, gw_form_error *err)
{
    return gw_form_parse (body, strlen (body), err);
}

START_TEST (decodes_pairs)
{
    gw_form_error err;
    gw_form *f = parse ("api_key=k1&service_code=report&first_name=Nguy%E1%BB%85n+V%C4%83n"
                        "&attribute%5Btitle%5D=Th%E1%BB%A7+t%E1%BB%A5c&empty=&bare&&x=a%3Db%26c",
                        &err);
    ck_assert_ptr_nonnull (f);
    ck_assert_uint_eq (gw_form_size (f), 7);
    ck_assert_str_eq (gw_form_get (f, "api_key"), "k1");
    ck_assert_str_eq (gw_form_get (f, "first_name"), "Nguyễn Văn");
    ck_assert_str_eq (gw_form_get (f, "attribute[title]"), "Thủ tục");
    ck_assert_str_eq (gw_form_get (f, "empty"), "");
    ck_assert_str_eq (gw_form_get (f, "bare"), "");
    ck_assert_str_eq (gw_form_get (f, "x"), "a=b&c");
    ck_assert_ptr_null (gw_form_get (f, "missing"));
    ck_assert_str_eq (gw_form_name (f, 1), "service_code");
    ck_assert_str_eq (gw_form_value (f, 1), "report");
    ck_assert_ptr_null (gw_form_name (f, 7));
    gw_form_destroy (&f);
    ck_assert_ptr_null (f);
    gw_form_destroy (&f);
}
END_TEST

START_TEST (keeps_repeats_and_raw_utf8)
{
    gw_form_error err;
    gw_form *f = parse ("status=open&status=closed&d=Đà+Nẵng%0D%0Adòng+2", &err);
    ck_assert_ptr_nonnull (f);
    ck_assert_uint_eq (gw_form_count (f, "status"), 2);
    ck_assert_str_eq (gw_form_get (f, "status"), "open");
    ck_assert_str_eq (gw_form_get (f, "d"), "Đà Nẵng\r\ndòng 2");
    gw_form_destroy (&f);
    f = gw_form_parse ("", 0, &err);
    ck_assert_ptr_nonnull (f);
    ck_assert_uint_eq (gw_form_size (f), 0);
    gw_form_destroy (&f);
    /* Not NUL-terminated: only len bytes count. */
    f = gw_form_parse ("a=1&b=2", 3, &err);
    ck_assert_uint_eq (gw_form_size (f), 1);
    ck_assert_str_eq (gw_form_get (f, "a"), "1");
    gw_form_destroy (&f);
}
END_TEST

START_TEST (refuses_broken_encoding)
{
    gw_form_error err;
    ck_assert_ptr_null (parse ("a=1&description=50%+off", &err));
    ck_assert_str_eq (err.field, "description");
    ck_assert_ptr_nonnull (strstr (err.message, "hai chữ số hệ 16"));
    ck_assert_ptr_null (parse ("phone=09%", &err));
    ck_assert_str_eq (err.field, "phone");
    ck_assert_ptr_null (parse ("phone=09%4", &err));
    ck_assert_str_eq (err.field, "phone");
    ck_assert_ptr_null (parse ("phone=%zz", &err));
    ck_assert_ptr_null (parse ("na%ZZme=1", &err));
    ck_assert_str_eq (err.field, "body");
}
END_TEST

START_TEST (refuses_invalid_utf8_and_nul)
{
    gw_form_error err;
    ck_assert_ptr_null (parse ("last_name=%FF%FE", &err));
    ck_assert_str_eq (err.field, "last_name");
    ck_assert_str_eq (err.message, "phải là văn bản UTF-8 hợp lệ");
    ck_assert_ptr_null (parse ("email=a%C0%AFb", &err)); /* overlong '/' */
    ck_assert_str_eq (err.field, "email");
    ck_assert_ptr_null (parse ("email=a%00b", &err));
    ck_assert_str_eq (err.field, "email");
    ck_assert_ptr_nonnull (strstr (err.message, "NUL"));
    ck_assert_ptr_null (parse ("%FF=1", &err));
    ck_assert_str_eq (err.field, "body");
    ck_assert_ptr_null (parse ("=1", &err));
    ck_assert_str_eq (err.field, "body");
}
END_TEST

START_TEST (bounds_fields_and_names)
{
    gw_form_error err;
    char body[2048] = "";
    for (int i = 0; i <= GW_FORM_MAX_FIELDS; i++)
        snprintf (body + strlen (body), sizeof body - strlen (body), "f%d=%d&", i, i);
    ck_assert_ptr_null (parse (body, &err));
    ck_assert_str_eq (err.field, "body");
    char name[GW_FORM_MAX_NAME + 8];
    memset (name, 'n', GW_FORM_MAX_NAME + 1);
    strcpy (name + GW_FORM_MAX_NAME + 1, "=1");
    ck_assert_ptr_null (parse (name, &err));
    name[GW_FORM_MAX_NAME] = '=';
    gw_form *f = parse (name, &err); /* exactly the longest name */
    ck_assert_ptr_nonnull (f);
    gw_form_destroy (&f);
}
END_TEST

Suite *form_suite (void)
{
    Suite *s = suite_create ("gateway/form");
    TCase *tc = tcase_create ("form");
    tcase_add_test (tc, decodes_pairs);
    tcase_add_test (tc, keeps_repeats_and_raw_utf8);
    tcase_add_test (tc, refuses_broken_encoding);
    tcase_add_test (tc, refuses_invalid_utf8_and_nul);
    tcase_add_test (tc, bounds_fields_and_names);
    suite_add_tcase (s, tc);
    return s;
}
