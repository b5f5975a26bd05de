/* Tests of services/common/loa_pbjson.c (and the descriptor registry,
 * pbregistry.h), on the messages of tests/unit/proto/codec_test*.proto. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec_test.pb-c.h"
#include "codec_test2.pb-c.h"
#include "common.pb-c.h"
#include "envelope.pb-c.h"
#include "loa_pbjson.h"
#include "loa_pbregistry.h"
#include "suites.h"

static const ProtobufCMessageDescriptor *const EVERY = &loa__test__everything__descriptor;
static const ProtobufCMessageDescriptor *const LEGACY = &loa__test2__legacy__descriptor;

static json_t *parse (const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads (text, 0, &jerr);
    ck_assert_msg (j != NULL, "bad test JSON: %s: %s", text, jerr.text);
    return j;
}

static ProtobufCMessage *decode_ok (const ProtobufCMessageDescriptor *desc, const char *text)
{
    json_t *j = parse (text);
    loa_pbjson_error err;
    ProtobufCMessage *m = loa_pbjson_decode (desc, j, &err);
    ck_assert_msg (m != NULL, "decode %s: %s: %s", text, err.field, err.message);
    json_decref (j);
    return m;
}

/* Decoding must fail on `field` with a message containing `needle`. */
static void decode_fails (const ProtobufCMessageDescriptor *desc, const char *text,
                          const char *field, const char *needle)
{
    json_t *j = parse (text);
    loa_pbjson_error err;
    memset (&err, 'x', sizeof err);
    ProtobufCMessage *m = loa_pbjson_decode (desc, j, &err);
    json_decref (j);
    ck_assert_msg (m == NULL, "decode %s should fail", text);
    ck_assert_msg (strcmp (err.field, field) == 0, "decode %s: field \"%s\", want \"%s\"", text,
                   err.field, field);
    ck_assert_msg (strstr (err.message, needle) != NULL, "decode %s: message \"%s\", want \"%s\"",
                   text, err.message, needle);
}

/* The compact JSON of a message; the caller frees it. The writer
 * (loa_pbjson_write) must give the very same bytes as the tree dumped. */
static char *encode_text (const ProtobufCMessage *m)
{
    json_t *j = loa_pbjson_encode (m);
    ck_assert_ptr_nonnull (j);
    char *s = json_dumps (j, JSON_COMPACT);
    json_decref (j);
    ck_assert_ptr_nonnull (s);
    loa_buf b = {0};
    ck_assert_int_eq (loa_pbjson_write (m, &b), 0);
    ck_assert_msg (b.data && strcmp (b.data, s) == 0, "the writer gave %s where the tree gave %s",
                   b.data ? b.data : "(nothing)", s);
    ck_assert_uint_eq (b.len, strlen (s));
    loa_buf_free (&b);
    return s;
}

/* decode(text) then encode must give `expect` (compared as JSON). */
static void round_trip (const ProtobufCMessageDescriptor *desc, const char *text,
                        const char *expect)
{
    ProtobufCMessage *m = decode_ok (desc, text);
    json_t *got = loa_pbjson_encode (m);
    json_t *want = parse (expect);
    char *g = json_dumps (got, JSON_COMPACT);
    ck_assert_msg (json_equal (got, want), "round trip of %s gave %s, want %s", text, g, expect);
    free (g);
    json_decref (got);
    json_decref (want);

    /* The decoded message is a well-formed protobuf-c message: it packs,
     * unpacks and encodes to the same JSON. */
    ck_assert (protobuf_c_message_check (m));
    size_t len = protobuf_c_message_get_packed_size (m);
    uint8_t *buf = malloc (len ? len : 1);
    ck_assert_uint_eq (protobuf_c_message_pack (m, buf), len);
    ProtobufCMessage *back = protobuf_c_message_unpack (desc, NULL, len, buf);
    ck_assert_ptr_nonnull (back);
    char *a = encode_text (m), *b = encode_text (back);
    ck_assert_str_eq (a, b);
    free (a);
    free (b);
    free (buf);
    protobuf_c_message_free_unpacked (back, NULL);
    protobuf_c_message_free_unpacked (m, NULL);
}

static const char *const EMPTY_EVERYTHING =
    "{\"i32\":0,\"i64\":0,\"u32\":0,\"u64\":0,\"s32\":0,\"s64\":0,\"f32\":0,\"f64\":0,"
    "\"sf32\":0,\"sf64\":0,\"flag\":false,\"text\":\"\",\"data\":\"\",\"real\":0.0,"
    "\"ratio\":0.0,\"colour\":\"colour_unspecified\",\"r_i32\":[],\"r_i64\":[],\"r_u64\":[],"
    "\"r_flag\":[],\"r_text\":[],\"r_data\":[],\"r_real\":[],\"r_colour\":[],\"r_ratio\":[],"
    "\"items\":[]}";

/* ------------------------------------------------------------ round trips */

START_TEST (test_round_trip_scalars)
{
    const char *in =
        "{\"i32\":-5,\"i64\":1234567890123,\"u32\":7,\"u64\":99,\"s32\":-3,\"s64\":-4,"
        "\"f32\":8,\"f64\":9,\"sf32\":-10,\"sf64\":-11,\"flag\":true,\"text\":\"abc\","
        "\"data\":\"AAEC/w==\",\"real\":2.5,\"ratio\":0.25,\"colour\":\"in_review\","
        "\"r_i32\":[1,-2],\"r_i64\":[-9007199254740993],\"r_u64\":[0,1],\"r_flag\":[true,false],"
        "\"r_text\":[\"x\",\"\"],\"r_data\":[\"\",\"AQ==\"],\"r_real\":[1.5,-0.5],"
        "\"r_colour\":[\"red\",\"negative\"],\"r_ratio\":[0.5],\"items\":[]}";
    round_trip (EVERY, in, in);

    Loa__Test__Everything *e = (Loa__Test__Everything *) decode_ok (EVERY, in);
    ck_assert_int_eq (e->i32, -5);
    ck_assert_int_eq (e->i64, 1234567890123LL);
    ck_assert_uint_eq (e->u32, 7);
    ck_assert_int_eq (e->s32, -3);
    ck_assert_int_eq (e->sf64, -11);
    ck_assert (e->flag);
    ck_assert_str_eq (e->text, "abc");
    ck_assert_uint_eq (e->data.len, 4);
    ck_assert_mem_eq (e->data.data, "\x00\x01\x02\xff", 4);
    ck_assert (e->real == 2.5);
    ck_assert (e->ratio == 0.25f);
    ck_assert_int_eq (e->colour, LOA__TEST__COLOUR__IN_REVIEW);
    ck_assert_uint_eq (e->n_r_i32, 2);
    ck_assert_int_eq (e->r_i32[1], -2);
    ck_assert_int_eq (e->r_i64[0], -9007199254740993LL);
    ck_assert_uint_eq (e->n_r_text, 2);
    ck_assert_str_eq (e->r_text[1], "");
    ck_assert_uint_eq (e->r_data[0].len, 0);
    ck_assert_uint_eq (e->r_data[1].len, 1);
    ck_assert_int_eq (e->r_colour[1], LOA__TEST__COLOUR__NEGATIVE);
    protobuf_c_message_free_unpacked (&e->base, NULL);
}
END_TEST

START_TEST (test_round_trip_messages)
{
    const char *in =
        "{\"child\":{\"id\":1,\"name\":\"a\",\"tags\":[1,2],"
        "\"next\":{\"id\":2,\"name\":\"b\",\"tags\":[]}},"
        "\"items\":[{\"id\":3,\"name\":\"c\",\"tags\":[]},{\"id\":4,\"name\":\"d\",\"tags\":[5]}],"
        "\"choice_child\":{\"id\":6,\"name\":\"\",\"tags\":[]}}";
    json_t *want = parse (EMPTY_EVERYTHING);
    json_t *extra = parse (in);
    json_object_update (want, extra);
    char *expect = json_dumps (want, JSON_COMPACT);
    round_trip (EVERY, in, expect);
    free (expect);
    json_decref (extra);
    json_decref (want);

    Loa__Test__Everything *e = (Loa__Test__Everything *) decode_ok (EVERY, in);
    ck_assert_ptr_nonnull (e->child);
    ck_assert_ptr_nonnull (e->child->next);
    ck_assert_ptr_null (e->child->next->next);
    ck_assert_str_eq (e->child->next->name, "b");
    ck_assert_uint_eq (e->n_items, 2);
    ck_assert_int_eq (e->items[1]->tags[0], 5);
    ck_assert_int_eq (e->choice_case, LOA__TEST__EVERYTHING__CHOICE_CHOICE_CHILD);
    ck_assert_int_eq (e->choice_child->id, 6);
    protobuf_c_message_free_unpacked (&e->base, NULL);
}
END_TEST

START_TEST (test_oneof_members)
{
    static const char *const members[] = {
        "{\"choice_text\":\"\"}",     "{\"choice_text\":\"xin chào\"}",
        "{\"choice_num\":0}",         "{\"choice_num\":-9223372036854775808}",
        "{\"choice_data\":\"AAA=\"}", "{\"choice_data\":\"\"}"};
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        json_t *want = parse (EMPTY_EVERYTHING);
        json_t *extra = parse (members[i]);
        json_object_update (want, extra);
        char *expect = json_dumps (want, JSON_COMPACT);
        round_trip (EVERY, members[i], expect);
        free (expect);
        json_decref (extra);
        json_decref (want);
    }
    decode_fails (EVERY, "{\"choice_text\":\"a\",\"choice_num\":1}", "choice_num",
                  "không được đặt cùng với \"choice_text\"");
    decode_fails (EVERY, "{\"choice_child\":{\"name\":\"x\"},\"choice_data\":\"AA==\"}",
                  "choice_data", "không được đặt cùng với");
    /* null is "not given", so it does not conflict. */
    ProtobufCMessage *m = decode_ok (EVERY, "{\"choice_text\":\"a\",\"choice_num\":null}");
    ck_assert_int_eq (((Loa__Test__Everything *) m)->choice_case,
                      LOA__TEST__EVERYTHING__CHOICE_CHOICE_TEXT);
    protobuf_c_message_free_unpacked (m, NULL);
}
END_TEST

START_TEST (test_vietnamese_exact)
{
    /* Precomposed and combining forms, đ/Đ, and a 4-byte character. */
    const char *vn = "Sở Kế hoạch và Đầu tư: cải cách hành chính (CCHC) — đ Đ ạ ặ ẫ "
                     "Nguyễn Thị Ngọc Ánh, e\xcc\x81 \xf0\x9f\x93\xb0";
    json_t *obj = json_object ();
    json_object_set_new (obj, "text", json_string (vn));
    json_t *arr = json_array ();
    json_array_append_new (arr, json_string (vn));
    json_object_set_new (obj, "r_text", arr);
    loa_pbjson_error err;
    Loa__Test__Everything *e = (Loa__Test__Everything *) loa_pbjson_decode (EVERY, obj, &err);
    ck_assert_ptr_nonnull (e);
    json_decref (obj);
    ck_assert_str_eq (e->text, vn);
    ck_assert_str_eq (e->r_text[0], vn);

    ck_assert_int_eq (loa_pbjson_set_string (&e->base, "child.name", vn, &err), 0);
    ck_assert_str_eq (e->child->name, vn);

    json_t *out = loa_pbjson_encode (&e->base);
    ck_assert_str_eq (json_string_value (json_object_get (out, "text")), vn);
    ck_assert_str_eq (json_string_value (json_object_get (json_object_get (out, "child"), "name")),
                      vn);
    /* Written as UTF-8 bytes, not \u escapes. */
    char *text = json_dumps (out, JSON_COMPACT);
    ck_assert_ptr_nonnull (strstr (text, vn));
    free (text);
    json_decref (out);
    protobuf_c_message_free_unpacked (&e->base, NULL);
}
END_TEST

START_TEST (test_64bit_extremes)
{
    const char *in = "{\"i64\":-9223372036854775808,\"s64\":9223372036854775807,"
                     "\"sf64\":-9223372036854775808,\"u64\":9223372036854775807,"
                     "\"f64\":\"18446744073709551615\",\"i32\":-2147483648,\"s32\":2147483647,"
                     "\"u32\":4294967295,\"f32\":4294967295,\"sf32\":-2147483648,"
                     "\"r_u64\":[\"9223372036854775808\",0,\"18446744073709551615\"],"
                     "\"r_i64\":[9223372036854775807,-9223372036854775808]}";
    Loa__Test__Everything *e = (Loa__Test__Everything *) decode_ok (EVERY, in);
    ck_assert (e->i64 == INT64_MIN);
    ck_assert (e->s64 == INT64_MAX);
    ck_assert (e->sf64 == INT64_MIN);
    ck_assert (e->u64 == (uint64_t) INT64_MAX);
    ck_assert (e->f64 == UINT64_MAX);
    ck_assert (e->i32 == INT32_MIN);
    ck_assert (e->s32 == INT32_MAX);
    ck_assert (e->u32 == UINT32_MAX);
    ck_assert (e->f32 == UINT32_MAX);
    ck_assert (e->r_u64[0] == (uint64_t) INT64_MAX + 1);
    ck_assert (e->r_u64[2] == UINT64_MAX);

    /* uint64 above LLONG_MAX goes out as a decimal string; the rest as
     * integers, exact. */
    json_t *out = loa_pbjson_encode (&e->base);
    ck_assert_str_eq (json_string_value (json_object_get (out, "f64")), "18446744073709551615");
    ck_assert (json_integer_value (json_object_get (out, "i64")) == LLONG_MIN);
    ck_assert (json_integer_value (json_object_get (out, "u64")) == LLONG_MAX);
    json_t *r = json_object_get (out, "r_u64");
    ck_assert_str_eq (json_string_value (json_array_get (r, 0)), "9223372036854775808");
    ck_assert (json_is_integer (json_array_get (r, 1)));
    json_decref (out);
    protobuf_c_message_free_unpacked (&e->base, NULL);

    /* A 64-bit integer given as a decimal string is accepted. */
    e = (Loa__Test__Everything *) decode_ok (EVERY, "{\"i64\":\"-42\",\"u64\":\"7\"}");
    ck_assert (e->i64 == -42 && e->u64 == 7);
    protobuf_c_message_free_unpacked (&e->base, NULL);

    decode_fails (EVERY, "{\"i32\":2147483648}", "i32", "phải là số nguyên");
    decode_fails (EVERY, "{\"i32\":-2147483649}", "i32", "-2147483648");
    decode_fails (EVERY, "{\"u32\":4294967296}", "u32", "phải là số nguyên");
    decode_fails (EVERY, "{\"u32\":-1}", "u32", "không âm");
    decode_fails (EVERY, "{\"u64\":-1}", "u64", "không âm");
    decode_fails (EVERY, "{\"u64\":\"-1\"}", "u64", "không âm");
    decode_fails (EVERY, "{\"u64\":\"18446744073709551616\"}", "u64", "phải là số nguyên");
    decode_fails (EVERY, "{\"i64\":\"9223372036854775808\"}", "i64", "phải là số nguyên");
    decode_fails (EVERY, "{\"i64\":\"-9223372036854775809\"}", "i64", "phải là số nguyên");
    decode_fails (EVERY, "{\"i64\":\"12a\"}", "i64", "phải là số nguyên");
    decode_fails (EVERY, "{\"i64\":\" 1\"}", "i64", "phải là số nguyên");
    decode_fails (EVERY, "{\"i64\":\"\"}", "i64", "phải là số nguyên");
    decode_fails (EVERY, "{\"i64\":1.5}", "i64", "phải là số nguyên");
    /* Strings are taken for 64-bit fields only. */
    decode_fails (EVERY, "{\"i32\":\"1\"}", "i32", "phải là số nguyên");
}
END_TEST

START_TEST (test_reals)
{
    Loa__Test__Everything *e =
        (Loa__Test__Everything *) decode_ok (EVERY, "{\"real\":0.1,\"ratio\":0.1,\"r_real\":[3,"
                                                    "\"NaN\",\"Infinity\",\"-Infinity\"]}");
    ck_assert (e->real == 0.1);
    ck_assert (e->ratio == 0.1f);
    ck_assert (e->r_real[0] == 3.0);
    ck_assert (isnan (e->r_real[1]));
    ck_assert (isinf (e->r_real[2]) && e->r_real[2] > 0);
    json_t *out = loa_pbjson_encode (&e->base);
    /* The float is written as the shortest decimal of the float (0.1), not
     * as the double nearest to the float (0.100000001490116...). */
    ck_assert (json_real_value (json_object_get (out, "ratio")) == 0.1);
    json_t *r = json_object_get (out, "r_real");
    ck_assert_str_eq (json_string_value (json_array_get (r, 1)), "NaN");
    ck_assert_str_eq (json_string_value (json_array_get (r, 3)), "-Infinity");
    json_decref (out);
    protobuf_c_message_free_unpacked (&e->base, NULL);

    decode_fails (EVERY, "{\"real\":\"1.5\"}", "real", "phải là số");
    decode_fails (EVERY, "{\"real\":true}", "real", "phải là số");
    decode_fails (EVERY, "{\"ratio\":1e300}", "ratio", "phải là số");
}
END_TEST

/* Found by tests/fuzz/pbjson.c: 3.4028234e38 decoded to FLT_MAX, which is
 * encoded as its shortest decimal 3.4028235e38, a double above FLT_MAX that
 * the decoder refused: an answer's JSON could not be sent back. */
START_TEST (test_float_limits_round_trip)
{
    Loa__Test__Everything *e = (Loa__Test__Everything *) decode_ok (
        EVERY, "{\"ratio\":3.4028234e38,\"r_ratio\":[3.4028235e38,-3.4028235e38]}");
    ck_assert (e->ratio == FLT_MAX && e->r_ratio[0] == FLT_MAX && e->r_ratio[1] == -FLT_MAX);
    json_t *out = loa_pbjson_encode (&e->base);
    loa_pbjson_error err;
    ProtobufCMessage *again = loa_pbjson_decode (EVERY, out, &err);
    ck_assert_msg (again != NULL, "%s: %s", err.field, err.message);
    ck_assert (((Loa__Test__Everything *) again)->ratio == FLT_MAX);
    protobuf_c_message_free_unpacked (again, NULL);
    json_decref (out);
    protobuf_c_message_free_unpacked (&e->base, NULL);
    /* What rounds to a float's infinity is still refused (2^128 - 2^103 on). */
    decode_fails (EVERY, "{\"ratio\":3.4028236e38}", "ratio", "phải là số");
    decode_fails (EVERY, "{\"ratio\":-3.4028236e38}", "ratio", "phải là số");
}
END_TEST

START_TEST (test_bytes)
{
    /* Every length mod 3, every byte value. */
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t) i;
    for (size_t n = 0; n <= 7; n++) {
        Loa__Test__Everything *e = (Loa__Test__Everything *) loa_pbjson_new (EVERY);
        e->data.data = malloc (n ? n : 1);
        e->data.len = n;
        memcpy (e->data.data, all + 250 - n, n);
        json_t *out = loa_pbjson_encode (&e->base);
        loa_pbjson_error err;
        Loa__Test__Everything *back =
            (Loa__Test__Everything *) loa_pbjson_decode (EVERY, out, &err);
        ck_assert_ptr_nonnull (back);
        ck_assert_uint_eq (back->data.len, n);
        if (n)
            ck_assert_mem_eq (back->data.data, all + 250 - n, n);
        json_decref (out);
        protobuf_c_message_free_unpacked (&back->base, NULL);
        protobuf_c_message_free_unpacked (&e->base, NULL);
    }
    /* URL-safe alphabet and missing padding are accepted. */
    Loa__Test__Everything *e =
        (Loa__Test__Everything *) decode_ok (EVERY, "{\"data\":\"-_8\",\"r_data\":[\"+/8=\"]}");
    ck_assert_uint_eq (e->data.len, 2);
    ck_assert_mem_eq (e->data.data, "\xfb\xff", 2);
    ck_assert_mem_eq (e->r_data[0].data, "\xfb\xff", 2);
    protobuf_c_message_free_unpacked (&e->base, NULL);

    decode_fails (EVERY, "{\"data\":\"QQ=\"}", "data", "base64");
    decode_fails (EVERY, "{\"data\":\"Q\"}", "data", "base64");
    decode_fails (EVERY, "{\"data\":\"QU JD\"}", "data", "base64");
    decode_fails (EVERY, "{\"data\":\"====\"}", "data", "base64");
    decode_fails (EVERY, "{\"r_data\":[\"AA==\",5]}", "r_data[1]", "base64");
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST (test_unknown_key)
{
    decode_fails (EVERY, "{\"i32\":1,\"bogus\":2}", "bogus", "không được chấp nhận");
    decode_fails (EVERY, "{\"child\":{\"id\":1,\"nope\":true}}", "child.nope",
                  "không được chấp nhận");
    decode_fails (EVERY, "{\"items\":[{},{\"ID\":1}]}", "items[1].ID", "không được chấp nhận");
    /* Names are the .proto's, not camelCase. */
    decode_fails (EVERY, "{\"rI32\":[]}", "rI32", "không được chấp nhận");
}
END_TEST

START_TEST (test_wrong_type_paths)
{
    decode_fails (EVERY, "{\"child\":{\"name\":5}}", "child.name", "phải là chuỗi");
    decode_fails (EVERY, "{\"items\":[{\"id\":1},{\"id\":\"x\"}]}", "items[1].id",
                  "phải là số nguyên");
    decode_fails (EVERY, "{\"child\":{\"next\":{\"tags\":[1,2,true]}}}", "child.next.tags[2]",
                  "phải là số nguyên");
    decode_fails (EVERY, "{\"r_text\":[\"a\",1]}", "r_text[1]", "phải là chuỗi");
    decode_fails (EVERY, "{\"r_text\":[\"a\",null]}", "r_text[1]", "phải là chuỗi");
    decode_fails (EVERY, "{\"i32\":\"1\"}", "i32", "phải là số nguyên");
    decode_fails (EVERY, "{\"flag\":1}", "flag", "phải là true hoặc false");
    decode_fails (EVERY, "{\"text\":[]}", "text", "phải là chuỗi");
    decode_fails (EVERY, "{\"items\":{}}", "items", "phải là mảng");
    decode_fails (EVERY, "{\"r_i32\":5}", "r_i32", "phải là mảng");
    decode_fails (EVERY, "{\"child\":[]}", "child", "phải là đối tượng");
    decode_fails (EVERY, "{\"items\":[5]}", "items[0]", "phải là đối tượng");

    /* The root must be an object. */
    json_t *arr = json_array ();
    loa_pbjson_error err;
    ck_assert_ptr_null (loa_pbjson_decode (EVERY, arr, &err));
    ck_assert_str_eq (err.field, "");
    ck_assert_ptr_nonnull (strstr (err.message, "phải là đối tượng"));
    ck_assert_ptr_null (loa_pbjson_decode (EVERY, arr, NULL));
    json_decref (arr);

    /* NULL is "no body": an empty message. */
    ProtobufCMessage *m = loa_pbjson_decode (EVERY, NULL, &err);
    ck_assert_ptr_nonnull (m);
    char *s = encode_text (m);
    json_t *got = parse (s), *want = parse (EMPTY_EVERYTHING);
    ck_assert (json_equal (got, want));
    json_decref (got);
    json_decref (want);
    free (s);
    protobuf_c_message_free_unpacked (m, NULL);
}
END_TEST

START_TEST (test_bad_enum)
{
    decode_fails (EVERY, "{\"colour\":\"purple\"}", "colour", "giá trị không hợp lệ");
    decode_fails (EVERY, "{\"colour\":\"purple\"}", "colour", "in_review");
    decode_fails (EVERY, "{\"colour\":2}", "colour", "giá trị không hợp lệ");
    decode_fails (EVERY, "{\"r_colour\":[\"red\",\"\"]}", "r_colour[1]", "giá trị không hợp lệ");
    decode_fails (EVERY, "{\"opt_colour\":\"LOA__TEST__COLOUR__RED\"}", "opt_colour",
                  "giá trị không hợp lệ");

    /* Any case on input; lower case on output; unnamed numbers stay numbers. */
    Loa__Test__Everything *e = (Loa__Test__Everything *) decode_ok (
        EVERY, "{\"colour\":\"In_Review\",\"r_colour\":[\"RED\",\"negative\"]}");
    ck_assert_int_eq (e->colour, LOA__TEST__COLOUR__IN_REVIEW);
    ck_assert_int_eq (e->r_colour[0], LOA__TEST__COLOUR__RED);
    ck_assert_int_eq (e->r_colour[1], LOA__TEST__COLOUR__NEGATIVE);
    e->r_colour[0] = 77;
    json_t *out = loa_pbjson_encode (&e->base);
    ck_assert_str_eq (json_string_value (json_object_get (out, "colour")), "in_review");
    ck_assert_int_eq (json_integer_value (json_array_get (json_object_get (out, "r_colour"), 0)),
                      77);
    json_decref (out);
    protobuf_c_message_free_unpacked (&e->base, NULL);
}
END_TEST

START_TEST (test_strings_refused)
{
    /* A NUL inside a JSON string would be cut by C strings. */
    json_t *obj = json_object ();
    json_object_set_new (obj, "text", json_stringn ("a\0b", 3));
    loa_pbjson_error err;
    ck_assert_ptr_null (loa_pbjson_decode (EVERY, obj, &err));
    ck_assert_str_eq (err.field, "text");
    ck_assert_ptr_nonnull (strstr (err.message, "NUL"));
    json_decref (obj);

    /* A json_t built without UTF-8 checks is still validated. */
    obj = json_object ();
    json_object_set_new (obj, "text", json_string_nocheck ("\xc3\x28"));
    ck_assert_ptr_null (loa_pbjson_decode (EVERY, obj, &err));
    ck_assert_ptr_nonnull (strstr (err.message, "UTF-8"));
    json_decref (obj);
}
END_TEST

START_TEST (test_depth_limit)
{
    char buf[2048] = "{";
    for (int i = 0; i < 40; i++)
        strcat (buf, "\"next\":{");
    for (int i = 0; i < 41; i++)
        strcat (buf, "}");
    json_t *j = parse (buf);
    loa_pbjson_error err;
    ck_assert_ptr_null (loa_pbjson_decode (&loa__test__child__descriptor, j, &err));
    ck_assert_ptr_nonnull (strstr (err.message, "lồng quá sâu"));
    ck_assert_ptr_nonnull (strstr (err.field, "next.next.next"));
    json_decref (j);
}
END_TEST

/* Failures after memory was already allocated deep inside: ASan/LSan
 * report a leak or a double free if the partial message is mishandled. */
START_TEST (test_free_on_error_paths)
{
    decode_fails (
        EVERY,
        "{\"text\":\"a\",\"data\":\"AAAA\",\"opt_name\":\"b\",\"choice_text\":\"c\","
        "\"r_text\":[\"d\",\"e\"],\"r_data\":[\"AA==\"],"
        "\"child\":{\"name\":\"f\",\"tags\":[1],\"next\":{\"name\":\"g\"}},"
        "\"items\":[{\"name\":\"h\"},{\"name\":\"i\",\"next\":{\"name\":\"j\",\"id\":{}}}]}",
        "items[1].next.id", "phải là số nguyên");
    decode_fails (EVERY, "{\"choice_child\":{\"name\":\"x\",\"tags\":[1,\"y\"]}}",
                  "choice_child.tags[1]", "phải là số nguyên");
    decode_fails (EVERY, "{\"r_text\":[\"a\",\"b\",\"c\",7]}", "r_text[3]", "phải là chuỗi");
    decode_fails (EVERY, "{\"choice_text\":\"a\",\"choice_child\":{\"name\":\"b\"}}",
                  "choice_child", "không được đặt cùng với");
    decode_fails (LEGACY, "{\"name\":\"a\",\"motto\":\"b\",\"sub\":{\"n\":1},\"pick_text\":\"c\"}",
                  "id", "là bắt buộc");
}
END_TEST

/* ------------------------------------------------------------ set_string */

START_TEST (test_set_string)
{
    Loa__Test__Everything *e = (Loa__Test__Everything *) loa_pbjson_new (EVERY);
    ProtobufCMessage *m = &e->base;
    loa_pbjson_error err;
    ck_assert_int_eq (loa_pbjson_set_string (m, "i32", "42", &err), 0);
    ck_assert_int_eq (e->i32, 42);
    ck_assert_int_eq (loa_pbjson_set_string (m, "i64", "-9223372036854775808", &err), 0);
    ck_assert (e->i64 == INT64_MIN);
    ck_assert_int_eq (loa_pbjson_set_string (m, "u64", "18446744073709551615", &err), 0);
    ck_assert (e->u64 == UINT64_MAX);
    ck_assert_int_eq (loa_pbjson_set_string (m, "flag", "true", &err), 0);
    ck_assert (e->flag);
    ck_assert_int_eq (loa_pbjson_set_string (m, "flag", "0", &err), 0);
    ck_assert (!e->flag);
    ck_assert_int_eq (loa_pbjson_set_string (m, "colour", "RED", &err), 0);
    ck_assert_int_eq (e->colour, LOA__TEST__COLOUR__RED);
    ck_assert_int_eq (loa_pbjson_set_string (m, "colour", "in_review", &err), 0);
    ck_assert_int_eq (e->colour, LOA__TEST__COLOUR__IN_REVIEW);
    ck_assert_int_eq (loa_pbjson_set_string (m, "text", "một", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "text", "hai", &err), 0); /* frees "một" */
    ck_assert_str_eq (e->text, "hai");
    ck_assert_int_eq (loa_pbjson_set_string (m, "data", "AQI=", &err), 0);
    ck_assert_uint_eq (e->data.len, 2);
    ck_assert_int_eq (loa_pbjson_set_string (m, "real", "-1.5e3", &err), 0);
    ck_assert (e->real == -1500.0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "ratio", "0.5", &err), 0);
    ck_assert (e->ratio == 0.5f);

    /* Repeated fields append. */
    ck_assert_int_eq (loa_pbjson_set_string (m, "r_i32", "1", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "r_i32", "2", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "r_text", "a", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "r_text", "b", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "r_colour", "negative", &err), 0);
    ck_assert_uint_eq (e->n_r_i32, 2);
    ck_assert_int_eq (e->r_i32[1], 2);
    ck_assert_uint_eq (e->n_r_text, 2);
    ck_assert_str_eq (e->r_text[1], "b");
    ck_assert_int_eq (e->r_colour[0], LOA__TEST__COLOUR__NEGATIVE);

    /* Optional (one-member oneof) and oneof members; switching frees. */
    ck_assert_int_eq (loa_pbjson_set_string (m, "opt_count", "0", &err), 0);
    ck_assert_int_eq (e->maybe_count_case, LOA__TEST__EVERYTHING__MAYBE_COUNT_OPT_COUNT);
    ck_assert_int_eq (loa_pbjson_set_string (m, "choice_text", "x", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "choice_text", "y", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "choice_num", "5", &err), 0);
    ck_assert_int_eq (e->choice_case, LOA__TEST__EVERYTHING__CHOICE_CHOICE_NUM);
    ck_assert_int_eq (loa_pbjson_set_string (m, "choice_child.name", "z", &err), 0);
    ck_assert_int_eq (e->choice_case, LOA__TEST__EVERYTHING__CHOICE_CHOICE_CHILD);
    ck_assert_str_eq (e->choice_child->name, "z");
    ck_assert_int_eq (loa_pbjson_set_string (m, "choice_data", "AA==", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "choice_text", "w", &err), 0);

    /* Dotted paths create the sub-messages. */
    ck_assert_int_eq (loa_pbjson_set_string (m, "child.next.id", "9", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "child.next.tags", "3", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (m, "child.name", "c", &err), 0);
    ck_assert_int_eq (e->child->next->id, 9);
    ck_assert_int_eq (e->child->next->tags[0], 3);
    ck_assert_str_eq (e->child->name, "c");

    char *s = encode_text (m);
    ck_assert_ptr_nonnull (strstr (s, "\"opt_count\":0"));
    ck_assert_ptr_nonnull (strstr (s, "\"choice_text\":\"w\""));
    ck_assert_ptr_null (strstr (s, "choice_num"));
    ck_assert_ptr_nonnull (strstr (s, "\"r_text\":[\"a\",\"b\"]"));
    free (s);
    protobuf_c_message_free_unpacked (m, NULL);
}
END_TEST

static void set_fails (ProtobufCMessage *m, const char *field, const char *value,
                       const char *needle)
{
    loa_pbjson_error err;
    ck_assert_msg (loa_pbjson_set_string (m, field, value, &err) == -1, "%s=%s should fail", field,
                   value ? value : "(null)");
    ck_assert_str_eq (err.field, field);
    ck_assert_msg (strstr (err.message, needle) != NULL, "%s=%s: \"%s\", want \"%s\"", field,
                   value ? value : "(null)", err.message, needle);
}

START_TEST (test_set_string_refused)
{
    Loa__Test__Everything *e = (Loa__Test__Everything *) loa_pbjson_new (EVERY);
    ProtobufCMessage *m = &e->base;
    set_fails (m, "i32", "abc", "phải là số nguyên");
    set_fails (m, "i32", "", "phải là số nguyên");
    set_fails (m, "i32", "4x", "phải là số nguyên");
    set_fails (m, "i32", "+4", "phải là số nguyên");
    set_fails (m, "i32", " 4", "phải là số nguyên");
    set_fails (m, "i32", "-", "phải là số nguyên");
    set_fails (m, "i32", "2147483648", "phải là số nguyên");
    set_fails (m, "u32", "-1", "không âm");
    set_fails (m, "u64", "-0x1", "phải là số nguyên");
    set_fails (m, "u64", "99999999999999999999999", "phải là số nguyên");
    set_fails (m, "flag", "yes", "true hoặc false");
    set_fails (m, "colour", "blue", "giá trị không hợp lệ");
    set_fails (m, "real", "0x10", "phải là số");
    set_fails (m, "real", "1.5 ", "phải là số");
    set_fails (m, "real", "inf", "phải là số");
    set_fails (m, "data", "!!", "base64");
    set_fails (m, "nope", "1", "không được chấp nhận");
    set_fails (m, "", "1", "không được chấp nhận");
    set_fails (m, "child", "x", "không thể đặt");
    set_fails (m, "child.", "x", "không được chấp nhận");
    set_fails (m, "i32.x", "1", "không được chấp nhận");
    set_fails (m, "items.id", "1", "không được chấp nhận");
    set_fails (m, "text", NULL, "phải là chuỗi");

    /* Invalid UTF-8: bad continuation, overlong, surrogate, beyond
     * U+10FFFF, truncated sequence, lone continuation byte. */
    static const char *const bad[] = {
        "\xc3\x28",         "\xc0\xaf",    "\xe0\x80\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "abc\xe1\xbb", "\x80",         "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set_fails (m, "text", bad[i], "UTF-8");
        set_fails (m, "r_text", bad[i], "UTF-8");
        set_fails (m, "child.name", bad[i], "UTF-8");
    }
    /* A refused value leaves the message as it was (no child created). */
    set_fails (m, "child.nope", "1", "không được chấp nhận");
    set_fails (m, "child.id", "x", "phải là số nguyên");
    ck_assert_ptr_null (e->child);
    ck_assert_uint_eq (e->n_r_text, 0);
    ck_assert_str_eq (e->text, "");
    /* A NULL error pointer is allowed. */
    ck_assert_int_eq (loa_pbjson_set_string (m, "i32", "x", NULL), -1);
    protobuf_c_message_free_unpacked (m, NULL);
}
END_TEST

/* ------------------------------------------------------------ presence */

START_TEST (test_encode_defaults_and_presence)
{
    ProtobufCMessage *m = loa_pbjson_new (EVERY);
    char *s = encode_text (m);
    json_t *got = parse (s), *want = parse (EMPTY_EVERYTHING);
    ck_assert_msg (json_equal (got, want), "empty message encodes as %s", s);
    json_decref (got);
    json_decref (want);
    free (s);
    protobuf_c_message_free_unpacked (m, NULL);

    /* Optionals given with their zero values are present and emitted. */
    const char *in = "{\"opt_count\":0,\"opt_big\":0,\"opt_flag\":false,\"opt_name\":\"\","
                     "\"opt_colour\":\"colour_unspecified\"}";
    want = parse (EMPTY_EVERYTHING);
    json_t *extra = parse (in);
    json_object_update (want, extra);
    char *expect = json_dumps (want, JSON_COMPACT);
    round_trip (EVERY, in, expect);
    free (expect);
    json_decref (extra);
    json_decref (want);

    /* Hand-built messages: NULL strings are "", NULL sub-messages absent. */
    Loa__Test__Child c = LOA__TEST__CHILD__INIT;
    c.name = NULL;
    s = encode_text (&c.base);
    ck_assert_str_eq (s, "{\"id\":0,\"name\":\"\",\"tags\":[]}");
    free (s);

    /* Invalid UTF-8 put in by C code is written as U+FFFD. */
    c.name = (char *) "a\xff"
                      "b\xe1\xbb";
    s = encode_text (&c.base);
    ck_assert_str_eq (s, "{\"id\":0,\"name\":\"a\xef\xbf\xbd"
                         "b\xef\xbf\xbd\xef\xbf\xbd\","
                         "\"tags\":[]}");
    free (s);

    ck_assert_ptr_null (loa_pbjson_encode (NULL));
}
END_TEST

START_TEST (test_proto2_labels)
{
    /* has_ flags, default pointers: only what was set is emitted. */
    round_trip (LEGACY, "{\"id\":1}", "{\"id\":1,\"nums\":[]}");
    const char *full = "{\"id\":-1,\"name\":\"\",\"count\":0,\"blob\":\"\",\"flag\":false,"
                       "\"motto\":\"xin chào\",\"sub\":{},\"nums\":[1],\"pick_num\":0}";
    round_trip (LEGACY, full, full);

    Loa__Test2__Legacy *l = (Loa__Test2__Legacy *) decode_ok (LEGACY, "{\"id\":5}");
    ck_assert (!l->has_count && !l->has_flag);
    ck_assert (l->flag); /* the .proto's default, not emitted */
    ck_assert_str_eq (l->motto, "xin chào");
    ck_assert_ptr_null (l->name);
    loa_pbjson_error err;
    /* Replacing the static default must not free it; replacing again frees
     * the first copy (ASan checks both). */
    ck_assert_int_eq (loa_pbjson_set_string (&l->base, "motto", "một", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (&l->base, "motto", "hai", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (&l->base, "count", "3", &err), 0);
    ck_assert (l->has_count && l->count == 3);
    ck_assert_int_eq (loa_pbjson_set_string (&l->base, "sub.n", "4", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (&l->base, "pick_text", "p", &err), 0);
    ck_assert_int_eq (loa_pbjson_set_string (&l->base, "pick_num", "2", &err), 0);
    char *s = encode_text (&l->base);
    ck_assert_str_eq (s, "{\"id\":5,\"count\":3,\"motto\":\"hai\",\"sub\":{\"n\":4},\"nums\":[],"
                         "\"pick_num\":2}");
    free (s);
    protobuf_c_message_free_unpacked (&l->base, NULL);

    decode_fails (LEGACY, "{}", "id", "là bắt buộc");
    decode_fails (LEGACY, "{\"id\":null}", "id", "là bắt buộc");
    decode_fails (LEGACY, "{\"id\":1,\"pick_text\":\"a\",\"pick_num\":1}", "pick_num",
                  "không được đặt cùng với");
}
END_TEST

START_TEST (test_list_wrappers)
{
    const ProtobufCMessageDescriptor *tags = &loa__test2__tags__descriptor;
    Loa__Test2__Tags *t = (Loa__Test2__Tags *) decode_ok (tags, "{\"id\":1}");
    ck_assert_ptr_null (t->ids); /* absent: leave the list alone */
    protobuf_c_message_free_unpacked (&t->base, NULL);
    t = (Loa__Test2__Tags *) decode_ok (tags, "{\"ids\":[]}");
    ck_assert_ptr_nonnull (t->ids); /* present and empty: clear it */
    ck_assert_uint_eq (t->ids->n_values, 0);
    protobuf_c_message_free_unpacked (&t->base, NULL);
    t = (Loa__Test2__Tags *) decode_ok (tags, "{\"ids\":[3,\"4\"]}");
    ck_assert_uint_eq (t->ids->n_values, 2);
    ck_assert_int_eq (t->ids->values[1], 4);
    protobuf_c_message_free_unpacked (&t->base, NULL);
    round_trip (tags, "{\"id\":2,\"ids\":[5,6]}", "{\"id\":2,\"ids\":[5,6]}");
    round_trip (tags, "{\"ids\":[]}", "{\"ids\":[]}");
    round_trip (tags, "{\"ids\":null}", "{}");
    decode_fails (tags, "{\"ids\":{\"values\":[1]}}", "ids", "phải là mảng");
    decode_fails (tags, "{\"ids\":[1,\"x\"]}", "ids[1]", "phải là số nguyên");
}
END_TEST

START_TEST (test_value_wrappers)
{
    const ProtobufCMessageDescriptor *d = &loa__test2__clearable__descriptor;
    Loa__Test2__Clearable *m = (Loa__Test2__Clearable *) decode_ok (d, "{\"id\":1}");
    ck_assert_ptr_null (m->when); /* absent: not given */
    protobuf_c_message_free_unpacked (&m->base, NULL);
    m = (Loa__Test2__Clearable *) decode_ok (d, "{\"when\":null}");
    ck_assert_ptr_nonnull (m->when); /* null: given, empty */
    ck_assert_ptr_null (m->when->value);
    protobuf_c_message_free_unpacked (&m->base, NULL);
    m = (Loa__Test2__Clearable *) decode_ok (d, "{\"when\":\"2022-02-15\"}");
    ck_assert_str_eq (m->when->value, "2022-02-15");
    protobuf_c_message_free_unpacked (&m->base, NULL);
    round_trip (d, "{\"id\":2,\"when\":\"mai\"}", "{\"id\":2,\"when\":\"mai\"}");
    round_trip (d, "{\"when\":null}", "{\"when\":null}");
    round_trip (d, "{}", "{}");
    decode_fails (d, "{\"when\":5}", "when", "phải là chuỗi");
    decode_fails (d, "{\"when\":{\"value\":\"x\"}}", "when", "phải là chuỗi");
}
END_TEST

START_TEST (test_registry)
{
    ck_assert_ptr_eq (loa_pb_find ("loa.PingReply"), &loa__ping_reply__descriptor);
    ck_assert_ptr_eq (loa_pb_find ("loa.Reply"), &loa__reply__descriptor);
    ck_assert_ptr_null (loa_pb_find ("loa.Nope"));
    ck_assert_ptr_null (loa_pb_find (".loa.PingReply"));
    ck_assert_ptr_null (loa_pb_find (""));
    ck_assert_ptr_null (loa_pb_find (NULL));
    /* Test-only protos are not in the registry. */
    ck_assert_ptr_null (loa_pb_find ("loa.test.Everything"));
    ck_assert_uint_ge (loa_pb_count (), 9);
    for (size_t i = 0; i < loa_pb_count (); i++) {
        const ProtobufCMessageDescriptor *d = loa_pb_at (i);
        ck_assert_ptr_nonnull (d);
        ck_assert_ptr_eq (loa_pb_find (d->name), d);
    }
    ck_assert_ptr_null (loa_pb_at (loa_pb_count ()));
}
END_TEST

/* A string of `n` random bytes drawn mostly from the characters JSON
 * escapes, Vietnamese, ASCII and bytes that are not UTF-8. */
static char *random_text (unsigned *seed, size_t n)
{
    static const char *const pieces[] = {"\"",
                                         "\\",
                                         "/",
                                         "\b",
                                         "\f",
                                         "\n",
                                         "\r",
                                         "\t",
                                         "\x01",
                                         "\x1f",
                                         "\x7f",
                                         "a",
                                         " ",
                                         "ạ",
                                         "Đ",
                                         "\xf0\x9f\x93\xb0",
                                         "\xc3\x28",
                                         "\xe2\x82",
                                         "\xed\xa0\x80",
                                         "\xff",
                                         "\u2028"};
    char *s = malloc (n * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = pieces[(unsigned) rand_r (seed) % (sizeof pieces / sizeof *pieces)];
        memcpy (s + o, p, strlen (p));
        o += strlen (p);
    }
    s[o] = '\0';
    return s;
}

/* loa_pbjson_write against json_dumps of loa_pbjson_encode on messages
 * filled at random: every scalar type at its extremes, strings with every
 * escape and invalid UTF-8, enums the .proto does not name, reals, bytes,
 * oneofs, nested and repeated messages. */
START_TEST (test_write_matches_dump)
{
    unsigned seed = 20261205;
    static const double reals[] = {0.0,           -0.0, 1.0,      0.1,       1e300, -2.5e-300,
                                   123456789.125, NAN,  INFINITY, -INFINITY, 1e21,  3.0};
    for (int round = 0; round < 400; round++) {
        Loa__Test__Everything *e = (Loa__Test__Everything *) loa_pbjson_new (EVERY);
        ck_assert_ptr_nonnull (e);
        e->i32 = round % 2 ? INT32_MIN : rand_r (&seed);
        e->i64 = round % 3 ? INT64_MIN : -(int64_t) rand_r (&seed) * 4096;
        e->u32 = UINT32_MAX - (uint32_t) round;
        e->u64 = round % 2 ? UINT64_MAX - (uint64_t) round : (uint64_t) LLONG_MAX;
        e->s32 = -round;
        e->s64 = INT64_MAX - round;
        e->flag = round % 2;
        e->real = reals[round % (sizeof reals / sizeof *reals)];
        e->ratio = (float) reals[(round + 3) % (sizeof reals / sizeof *reals)];
        e->colour = round % 5 == 0 ? 77 : (Loa__Test__Colour) (round % 3);
        e->text = random_text (&seed, (size_t) round % 23);
        if (round % 4 == 0) {
            e->maybe_name_case = LOA__TEST__EVERYTHING__MAYBE_NAME_OPT_NAME;
            e->opt_name = random_text (&seed, 5);
        }
        if (round % 3 == 0) {
            e->data.len = (size_t) round % 7;
            e->data.data = malloc (e->data.len + 1);
            for (size_t k = 0; k < e->data.len; k++)
                e->data.data[k] = (uint8_t) rand_r (&seed);
        }
        e->n_r_text = (size_t) round % 3;
        e->r_text = calloc (e->n_r_text + 1, sizeof *e->r_text);
        for (size_t k = 0; k < e->n_r_text; k++)
            e->r_text[k] = random_text (&seed, 4);
        e->n_r_real = 2;
        e->r_real = calloc (2, sizeof *e->r_real);
        e->r_real[0] = reals[(round + 1) % (sizeof reals / sizeof *reals)];
        e->r_real[1] = (double) rand_r (&seed) / 7.0;
        if (round % 2) {
            e->child = malloc (sizeof *e->child);
            loa__test__child__init (e->child);
            e->child->id = -round;
            e->child->name = random_text (&seed, 3);
        }
        char *text = encode_text (&e->base);
        free (text);
        protobuf_c_message_free_unpacked (&e->base, NULL);
    }
}
END_TEST

/* The writer reads plain ASCII eight bytes at a time: each character it
 * must stop at (escaped, or past ASCII, valid or not), at each offset of a
 * run long enough for two words, and runs of every length up to 17, come
 * out as the tree writes them. */
START_TEST (test_write_strings_at_every_offset)
{
    static const char *const stops[] = {"\"",   "\\", "\x01", "\x1f",     "\n",
                                        "\x7f", "ạ",  "\xff", "\xe2\x82", "\xf0\x9f\x93\xb0",
                                        " ",    "~"};
    Loa__Test__Everything *e = (Loa__Test__Everything *) loa_pbjson_new (EVERY);
    ck_assert_ptr_nonnull (e);
    char text[64];
    for (size_t k = 0; k < sizeof stops / sizeof *stops; k++)
        for (size_t at = 0; at <= 17; at++) {
            size_t o = 0;
            for (size_t i = 0; i < at; i++)
                text[o++] = (char) ('a' + i % 26);
            memcpy (text + o, stops[k], strlen (stops[k]));
            o += strlen (stops[k]);
            for (size_t i = at; i < 17; i++)
                text[o++] = (char) ('A' + i % 26);
            text[o] = '\0';
            e->text = text;
            free (encode_text (&e->base));
            text[at] = '\0'; /* the run alone, `at` bytes long */
            free (encode_text (&e->base));
        }
    e->text = NULL;
    protobuf_c_message_free_unpacked (&e->base, NULL);
}
END_TEST

/* The writer checks multi-byte characters in place: every lead byte with
 * every second byte (the overlong, surrogate and past-U+10FFFF edges are
 * second-byte ranges), each followed by valid and invalid continuations
 * and cut short at the end, comes out as the tree writes it (which
 * replaces what is not UTF-8 with U+FFFD). */
START_TEST (test_write_utf8_edges)
{
    Loa__Test__Everything *e = (Loa__Test__Everything *) loa_pbjson_new (EVERY);
    ck_assert_ptr_nonnull (e);
    static const unsigned char tails[] = {0x80, 0xBF, 0x41, 0xC0};
    /* The second bytes at every edge of the ranges that decide. */
    static const unsigned char seconds[] = {0x41, 0x7F, 0x80, 0x8F, 0x90,
                                            0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
    unsigned char text[16];
    for (unsigned lead = 0x80; lead <= 0xFF; lead++)
        for (size_t k = 0; k < sizeof seconds; k++)
            for (size_t t = 0; t < sizeof tails; t++) {
                unsigned second = seconds[k];
                size_t o = 0;
                text[o++] = 'x';
                text[o++] = (unsigned char) lead;
                text[o++] = (unsigned char) second;
                text[o++] = tails[t];
                text[o++] = tails[t];
                text[o] = '\0';
                e->text = (char *) text;
                free (encode_text (&e->base)); /* checks the writer against the tree */
                text[3] = '\0'; /* cut short after the second byte */
                free (encode_text (&e->base));
            }
    e->text = NULL;
    protobuf_c_message_free_unpacked (&e->base, NULL);
}
END_TEST

/* The writer refuses what the tree refuses (nesting past the limit), and
 * leaves what was in the buffer before as it was. */
START_TEST (test_write_refuses)
{
    Loa__Test__Child *top = (Loa__Test__Child *) loa_pbjson_new (&loa__test__child__descriptor);
    Loa__Test__Child *c = top;
    for (int i = 0; i < 40; i++) {
        c->next = (Loa__Test__Child *) loa_pbjson_new (&loa__test__child__descriptor);
        c = c->next;
    }
    ck_assert_ptr_null (loa_pbjson_encode (&top->base));
    loa_buf b = {0};
    loa_buf_puts (&b, "before");
    ck_assert_int_eq (loa_pbjson_write (&top->base, &b), -1);
    ck_assert_str_eq (b.data, "before");
    ck_assert_int_eq (loa_pbjson_write (NULL, &b), -1);
    ck_assert_str_eq (b.data, "before");
    loa_buf_free (&b);
    protobuf_c_message_free_unpacked (&top->base, NULL);
}
END_TEST

Suite *pbjson_suite (void)
{
    Suite *s = suite_create ("pbjson");
    TCase *tc = tcase_create ("codec");
    /* CPU-bound under the sanitizers (the UTF-8 edges encode 10,240 texts
     * twice): the default 4 s, a guard against a hang, is too short for a
     * loaded machine. */
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_round_trip_scalars);
    tcase_add_test (tc, test_round_trip_messages);
    tcase_add_test (tc, test_oneof_members);
    tcase_add_test (tc, test_vietnamese_exact);
    tcase_add_test (tc, test_write_utf8_edges);
    tcase_add_test (tc, test_64bit_extremes);
    tcase_add_test (tc, test_reals);
    tcase_add_test (tc, test_float_limits_round_trip);
    tcase_add_test (tc, test_bytes);
    tcase_add_test (tc, test_unknown_key);
    tcase_add_test (tc, test_wrong_type_paths);
    tcase_add_test (tc, test_bad_enum);
    tcase_add_test (tc, test_strings_refused);
    tcase_add_test (tc, test_depth_limit);
    tcase_add_test (tc, test_free_on_error_paths);
    tcase_add_test (tc, test_set_string);
    tcase_add_test (tc, test_set_string_refused);
    tcase_add_test (tc, test_encode_defaults_and_presence);
    tcase_add_test (tc, test_proto2_labels);
    tcase_add_test (tc, test_list_wrappers);
    tcase_add_test (tc, test_value_wrappers);
    tcase_add_test (tc, test_registry);
    tcase_add_test (tc, test_write_matches_dump);
    tcase_add_test (tc, test_write_strings_at_every_offset);
    tcase_add_test (tc, test_write_refuses);
    suite_add_tcase (s, tc);
    return s;
}
