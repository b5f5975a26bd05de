/* blob: the media volume's layout (loa_blob.h), shared by the gateway and
 * media-svc: a path only from a well-formed digest, the digest's hex. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "loa_blob.h"
#include "suites.h"

#define HEX "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

START_TEST (path_from_the_digest_only)
{
    char out[LOA_BLOB_PATH_MAX];
    ck_assert_int_eq (loa_blob_path (HEX, out, sizeof out), 0);
    ck_assert_str_eq (out, "sha256/e3/b0/" HEX);
    /* Anything but 64 lower-case hex digits makes no path. */
    ck_assert_int_eq (
        loa_blob_path ("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", out,
                       sizeof out),
        -1);
    ck_assert_int_eq (loa_blob_path ("../../etc/passwd", out, sizeof out), -1);
    ck_assert_int_eq (loa_blob_path (HEX "0", out, sizeof out), -1);
    ck_assert_int_eq (
        loa_blob_path ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85/", out,
                       sizeof out),
        -1);
    ck_assert_int_eq (loa_blob_path ("", out, sizeof out), -1);
    ck_assert_int_eq (loa_blob_path (NULL, out, sizeof out), -1);
    ck_assert_int_eq (loa_blob_path (HEX, out, 20), -1); /* too small a buffer */
}
END_TEST

START_TEST (hex_of_a_digest)
{
    unsigned char d[32];
    for (int i = 0; i < 32; i++)
        d[i] = (unsigned char) (i * 8 + 7);
    char hex[LOA_BLOB_HEX + 1];
    loa_blob_hex (d, hex);
    ck_assert_uint_eq (strlen (hex), 64);
    ck_assert (strncmp (hex, "070f171f", 8) == 0);
    ck_assert (strcmp (hex + 56, "e7eff7ff") == 0);
}
END_TEST

START_TEST (hex_digits_only)
{
    ck_assert_int_eq (loa_blob_is_hex ("0a", 2), 1);
    ck_assert_int_eq (loa_blob_is_hex ("0A", 2), 0);
    ck_assert_int_eq (loa_blob_is_hex ("0a1", 2), 0); /* longer than asked */
    ck_assert_int_eq (loa_blob_is_hex ("0", 2), 0);
    ck_assert_int_eq (loa_blob_is_hex (NULL, 2), 0);
    ck_assert_int_eq (loa_blob_is_hex (HEX, LOA_BLOB_HEX), 1);
}
END_TEST

Suite *loa_blob_suite (void)
{
    Suite *s = suite_create ("blob");
    TCase *tc = tcase_create ("blob");
    tcase_add_test (tc, path_from_the_digest_only);
    tcase_add_test (tc, hex_of_a_digest);
    tcase_add_test (tc, hex_digits_only);
    suite_add_tcase (s, tc);
    return s;
}
