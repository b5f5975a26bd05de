/* encode (gateway/core/encode.h): Accept-Encoding read as RFC 9110 says
 * (q-values, q=0 refusals, "*", identity), the ETag of each form, and the
 * compressed forms decoding back to the very bytes (zlib, libbrotlidec),
 * never made for small bodies nor kept when they do not shrink. */
#include <brotli/decode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/encode.h"
#include "suites.h"

#define BOTH ((1u << GW_ENC_GZIP) | (1u << GW_ENC_BR))
#define GZ_ONLY (1u << GW_ENC_GZIP)

static gw_encoding choose (const char *header) { return gw_encoding_choose (header, BOTH); }

START_TEST (accept_encoding_parsed)
{
    /* No header, an empty one: plain. */
    ck_assert_int_eq (choose (NULL), GW_ENC_IDENTITY);
    ck_assert_int_eq (choose (""), GW_ENC_IDENTITY);
    ck_assert_int_eq (choose ("   "), GW_ENC_IDENTITY);
    /* What browsers send: Brotli first at equal q. */
    ck_assert_int_eq (choose ("gzip, deflate, br"), GW_ENC_BR);
    ck_assert_int_eq (choose ("gzip, deflate, br, zstd"), GW_ENC_BR);
    ck_assert_int_eq (choose ("gzip"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("GZIP"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("x-gzip"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("br"), GW_ENC_BR);
    ck_assert_int_eq (choose ("deflate, compress"), GW_ENC_IDENTITY);
    /* q-values decide. */
    ck_assert_int_eq (choose ("gzip;q=1.0, br;q=0.5"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("gzip;q=0.5, br;q=0.8"), GW_ENC_BR);
    ck_assert_int_eq (choose ("gzip ; q=0.9 , br ; q=0.1"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("br;q=0.001, gzip;q=0.002"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("gzip;Q=0.7, br;q=0.6"), GW_ENC_GZIP);
    /* q=0 refuses. */
    ck_assert_int_eq (choose ("br;q=0, gzip"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("br;q=0.000, gzip;q=0"), GW_ENC_IDENTITY);
    ck_assert_int_eq (choose ("gzip;q=0, br;q=0, identity;q=0"), GW_ENC_IDENTITY);
    /* Identity named above the codings wins; below, it loses. */
    ck_assert_int_eq (choose ("identity, gzip;q=0.5"), GW_ENC_IDENTITY);
    ck_assert_int_eq (choose ("identity;q=0.1, gzip;q=0.5"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("identity"), GW_ENC_IDENTITY);
    ck_assert_int_eq (choose ("identity;q=0, gzip"), GW_ENC_GZIP);
    /* Unnamed identity is acceptable last of all. */
    ck_assert_int_eq (choose ("gzip;q=0.1"), GW_ENC_GZIP);
    /* "*": every coding not named. */
    ck_assert_int_eq (choose ("*"), GW_ENC_BR);
    ck_assert_int_eq (choose ("*;q=0.5, gzip"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("br;q=0, *"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("*;q=0, identity"), GW_ENC_IDENTITY);
    ck_assert_int_eq (choose ("*;q=0"), GW_ENC_IDENTITY); /* nothing left: plain all the same */
    /* Malformed q-values refuse their coding; junk is ignored. */
    ck_assert_int_eq (choose ("br;q=2, gzip"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("br;q=1.5, gzip;q=0.1"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("br;q=0.1234, gzip;q=0.1"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("br;q=, gzip;q=0.1"), GW_ENC_GZIP);
    ck_assert_int_eq (choose ("br;q=abc"), GW_ENC_IDENTITY);
    ck_assert_int_eq (choose (",,, ;;; =, br"), GW_ENC_BR);
    ck_assert_int_eq (choose ("brotli, gzipx, xgzip"), GW_ENC_IDENTITY);
    ck_assert_int_eq (choose ("br;level=5"), GW_ENC_BR); /* other parameters do not count */
    /* Only the forms there are. */
    ck_assert_int_eq (gw_encoding_choose ("br, gzip", GZ_ONLY), GW_ENC_GZIP);
    ck_assert_int_eq (gw_encoding_choose ("br", GZ_ONLY), GW_ENC_IDENTITY);
    ck_assert_int_eq (gw_encoding_choose ("br, gzip", 0), GW_ENC_IDENTITY);
}
END_TEST

START_TEST (etag_per_encoding)
{
    char out[48];
    gw_encoding_etag ("\"0123abcd\"", GW_ENC_IDENTITY, out, sizeof out);
    ck_assert_str_eq (out, "\"0123abcd\"");
    gw_encoding_etag ("\"0123abcd\"", GW_ENC_GZIP, out, sizeof out);
    ck_assert_str_eq (out, "\"0123abcd-gz\"");
    gw_encoding_etag ("\"0123abcd\"", GW_ENC_BR, out, sizeof out);
    ck_assert_str_eq (out, "\"0123abcd-br\"");
    ck_assert_str_eq (gw_encoding_name (GW_ENC_GZIP), "gzip");
    ck_assert_str_eq (gw_encoding_name (GW_ENC_BR), "br");
    ck_assert_ptr_null (gw_encoding_name (GW_ENC_IDENTITY));
}
END_TEST

static char *gunzip (const char *in, size_t n, size_t cap, size_t *out_n)
{
    char *out = malloc (cap);
    z_stream z;
    memset (&z, 0, sizeof z);
    ck_assert_int_eq (inflateInit2 (&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *) (void *) in;
    z.avail_in = (uInt) n;
    z.next_out = (Bytef *) out;
    z.avail_out = (uInt) cap;
    ck_assert_int_eq (inflate (&z, Z_FINISH), Z_STREAM_END);
    *out_n = z.total_out;
    inflateEnd (&z);
    return out;
}

START_TEST (forms_decode_to_the_body)
{
    /* An article-like page: text that repeats, with Vietnamese letters. */
    char body[6000];
    size_t len = 0;
    while (len + 80 < sizeof body)
        len +=
            (size_t) snprintf (body + len, sizeof body - len,
                               "<p>Hướng dẫn đăng ký kinh doanh trực tuyến, đoạn %zu.</p>\n", len);
    for (int effort = GW_ENC_FAST; effort <= GW_ENC_BEST; effort++) {
        gw_encoded e;
        gw_encode (body, len, (gw_enc_effort) effort, &e);
        ck_assert_ptr_null (e.data[GW_ENC_IDENTITY]);
        ck_assert_ptr_nonnull (e.data[GW_ENC_GZIP]);
        ck_assert_ptr_nonnull (e.data[GW_ENC_BR]);
        ck_assert_uint_lt (e.len[GW_ENC_GZIP], len / 2);
        ck_assert_uint_lt (e.len[GW_ENC_BR], len / 2);
        size_t n = 0;
        char *plain = gunzip (e.data[GW_ENC_GZIP], e.len[GW_ENC_GZIP], len + 16, &n);
        ck_assert_uint_eq (n, len);
        ck_assert_int_eq (memcmp (plain, body, len), 0);
        free (plain);
        plain = malloc (len + 16);
        n = len + 16;
        ck_assert_int_eq (BrotliDecoderDecompress (e.len[GW_ENC_BR],
                                                   (const uint8_t *) e.data[GW_ENC_BR], &n,
                                                   (uint8_t *) plain),
                          BROTLI_DECODER_RESULT_SUCCESS);
        ck_assert_uint_eq (n, len);
        ck_assert_int_eq (memcmp (plain, body, len), 0);
        free (plain);
        gw_encoded_free (&e);
        ck_assert_ptr_null (e.data[GW_ENC_GZIP]);
    }
}
END_TEST

START_TEST (small_or_incompressible_kept_plain)
{
    gw_encoded e;
    char small[GW_ENC_MIN_BYTES - 1];
    memset (small, 'a', sizeof small);
    gw_encode (small, sizeof small, GW_ENC_BEST, &e);
    ck_assert_ptr_null (e.data[GW_ENC_GZIP]);
    ck_assert_ptr_null (e.data[GW_ENC_BR]);
    /* Random bytes do not shrink: no form is kept. */
    static unsigned char noise[4096];
    ck_assert_int_ge (sodium_init (), 0);
    randombytes_buf (noise, sizeof noise);
    gw_encode ((const char *) noise, sizeof noise, GW_ENC_FAST, &e);
    ck_assert_ptr_null (e.data[GW_ENC_GZIP]);
    ck_assert_ptr_null (e.data[GW_ENC_BR]);
    gw_encoded_free (&e);
}
END_TEST

Suite *encode_suite (void)
{
    Suite *s = suite_create ("gateway/encode");
    TCase *tc = tcase_create ("encode");
    tcase_add_test (tc, accept_encoding_parsed);
    tcase_add_test (tc, etag_per_encoding);
    tcase_add_test (tc, forms_decode_to_the_body);
    tcase_add_test (tc, small_or_incompressible_kept_plain);
    suite_add_tcase (s, tc);
    return s;
}
