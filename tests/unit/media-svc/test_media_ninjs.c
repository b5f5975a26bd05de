#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "media_bag.h"
#include "media_ninjs.h"
#include "media_pkg_rpc.h"
#include "suites.h"

START_TEST (uri_and_names)
{
    char uri[128], name[64];
    ck_assert_int_eq (media_ninjs_uri (uri, sizeof uri, "loa.example.vn", 42), 0);
    ck_assert_str_eq (uri, "urn:loa.example.vn:package:42");
    ck_assert_int_eq (media_ninjs_uri (uri, 10, "loa.example.vn", 42), -1);
    ck_assert_int_eq (media_ninjs_uri_id ("urn:loa.example.vn:package:42", "loa.example.vn"), 42);
    ck_assert_int_eq (media_ninjs_uri_id ("urn:other.vn:package:42", "loa.example.vn"), 0);
    ck_assert_int_eq (media_ninjs_uri_id ("urn:loa.example.vn:package:", "loa.example.vn"), 0);
    ck_assert_int_eq (media_ninjs_uri_id ("urn:loa.example.vn:package:042", "loa.example.vn"), 0);
    ck_assert_int_eq (media_ninjs_uri_id ("urn:loa.example.vn:package:4x", "loa.example.vn"), 0);
    ck_assert_int_eq (media_ninjs_uri_id (NULL, "loa.example.vn"), 0);
    media_ninjs_rendition_name (name, sizeof name, 2, 17, "video/mp4");
    ck_assert_str_eq (name, "2-asset-17.mp4");
    media_ninjs_rendition_name (name, sizeof name, 1, 3, "application/x-weird");
    ck_assert_str_eq (name, "1-asset-3.bin");
}
END_TEST

/* A version with two renditions (one over 4 GiB), an embargo and a note. */
static const media_rendition sample_renditions[] = {{"1-asset-3.png", "image/png", 120331},
                                                    {"2-asset-4.mp4", "video/mp4", 5000000000LL}};

static media_ninjs_input sample_input (void)
{
    return (media_ninjs_input){.uri = "urn:loa.example.vn:package:9",
                               .package_id = 9,
                               .version = 3,
                               .first_created = "2022-02-15T08:00:00+07:00",
                               .version_created = "2022-02-16T09:30:00+07:00",
                               .pub_status = "usable",
                               .embargo_until = "2022-02-17T00:00:00+07:00",
                               .title = "Hội nghị \"CCHC\"",
                               .summary = "Tóm tắt",
                               .body_html = "<p>Nội dung</p>",
                               .note = "Đính chính",
                               .article_id = 5,
                               .slug = "hoi-nghi",
                               .base_url = "http://localhost:8080",
                               .renditions = sample_renditions,
                               .n_renditions = 2};
}

START_TEST (document)
{
    media_ninjs_input in = sample_input ();
    char *text = media_ninjs_build (&in);
    ck_assert_ptr_nonnull (text);
    json_t *doc = json_loads (text, 0, NULL);
    ck_assert_ptr_nonnull (doc);
    ck_assert_str_eq (json_string_value (json_object_get (doc, "uri")), in.uri);
    ck_assert_str_eq (json_string_value (json_object_get (doc, "version")), "3");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "language")), "vi");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "type")), "composite");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "pubStatus")), "usable");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "embargoedUntil")),
                      "2022-02-17T00:00:00+07:00");
    ck_assert_str_eq (json_string_value (json_object_get (
                          json_array_get (json_object_get (doc, "headlines"), 0), "value")),
                      "Hội nghị \"CCHC\"");
    json_t *r1 = json_array_get (json_object_get (doc, "renditions"), 1);
    ck_assert_str_eq (json_string_value (json_object_get (r1, "href")),
                      "http://localhost:8080/api/v1/media/packages/9/versions/3/files/"
                      "2-asset-4.mp4");
    ck_assert_int_eq (json_integer_value (json_object_get (r1, "sizeInBytes")), 5000000000LL);
    /* The same input gives the same bytes (the key order is fixed). */
    char *again = media_ninjs_build (&in);
    ck_assert_str_eq (text, again);
    ck_assert (strncmp (text, "{\"uri\":", 7) == 0);
    free (again);
    free (text);
    json_decref (doc);

    /* A cancellation: no renditions, no embargo, no bodies. */
    in.pub_status = "canceled";
    in.embargo_until = "";
    in.body_html = NULL;
    in.n_renditions = 0;
    text = media_ninjs_build (&in);
    doc = json_loads (text, 0, NULL);
    ck_assert_str_eq (json_string_value (json_object_get (doc, "type")), "text");
    ck_assert_ptr_null (json_object_get (doc, "embargoedUntil"));
    ck_assert_ptr_null (json_object_get (doc, "renditions"));
    ck_assert_ptr_null (json_object_get (doc, "bodies"));
    free (text);
    json_decref (doc);
}
END_TEST

/* Whether any key of `v`, at any depth, has an upper-case letter. */
static int has_camel_key (const json_t *v)
{
    const char *key;
    const json_t *item;
    size_t i;
    if (json_is_object (v)) {
        json_object_foreach ((json_t *) v, key, item)
        {
            for (const char *p = key; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    return 1;
            if (has_camel_key (item))
                return 1;
        }
    } else if (json_is_array (v)) {
        json_array_foreach (v, i, item)
        {
            if (has_camel_key (item))
                return 1;
        }
    }
    return 0;
}

START_TEST (ninjs_2_3)
{
    media_ninjs_input in = sample_input ();
    char *v32 = media_ninjs_build (&in);
    char *v23 = media_ninjs_2_3 (v32);
    ck_assert_ptr_nonnull (v23);
    ck_assert (strncmp (v23, "{\"uri\":\"urn:loa.example.vn:package:9\",\"type\":", 45) == 0);
    json_t *doc = json_loads (v23, 0, NULL);
    ck_assert_ptr_nonnull (doc);
    ck_assert (!has_camel_key (doc));
    ck_assert_str_eq (json_string_value (json_object_get (doc, "version")), "3");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "type")), "composite");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "firstcreated")),
                      "2022-02-15T08:00:00+07:00");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "versioncreated")),
                      "2022-02-16T09:30:00+07:00");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "pubstatus")), "usable");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "embargoed")),
                      "2022-02-17T00:00:00+07:00");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "ednote")), "Đính chính");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "language")), "vi");
    json_t *h = json_array_get (json_object_get (doc, "headlines"), 0);
    ck_assert_str_eq (json_string_value (json_object_get (h, "value")), "Hội nghị \"CCHC\"");
    ck_assert_str_eq (json_string_value (json_object_get (h, "contenttype")), "text/plain");
    json_t *b = json_array_get (json_object_get (doc, "bodies"), 0);
    ck_assert_str_eq (json_string_value (json_object_get (b, "contenttype")), "text/html");
    ck_assert_str_eq (json_string_value (json_object_get (b, "value")), "<p>Nội dung</p>");
    ck_assert_str_eq (json_string_value (json_object_get (
                          json_array_get (json_object_get (doc, "descriptions"), 0), "role")),
                      "summary");
    json_t *alt = json_object_get (doc, "altids");
    ck_assert_int_eq (json_array_size (alt), 2);
    ck_assert_str_eq (json_string_value (json_object_get (json_array_get (alt, 1), "value")),
                      "hoi-nghi");
    json_t *rs = json_object_get (doc, "renditions");
    ck_assert (json_is_array (rs));
    json_t *r1 = json_array_get (rs, 1);
    ck_assert_str_eq (json_string_value (json_object_get (r1, "name")), "2-asset-4.mp4");
    ck_assert_str_eq (json_string_value (json_object_get (r1, "contenttype")), "video/mp4");
    ck_assert_str_eq (json_string_value (json_object_get (r1, "href")),
                      "http://localhost:8080/api/v1/media/packages/9/versions/3/files/"
                      "2-asset-4.mp4");
    ck_assert_int_eq (json_integer_value (json_object_get (r1, "sizeinbytes")), 5000000000LL);
    /* Deterministic: the same 3.2 text, the same bytes; and not the 3.2 bytes. */
    char *again = media_ninjs_2_3 (v32);
    ck_assert_str_eq (v23, again);
    ck_assert_str_ne (v23, v32);
    free (again);
    free (v23);
    free (v32);
    json_decref (doc);

    /* A cancellation: canceled, no renditions, no embargo. */
    in.pub_status = "canceled";
    in.embargo_until = "";
    in.body_html = NULL;
    in.n_renditions = 0;
    v32 = media_ninjs_build (&in);
    v23 = media_ninjs_2_3 (v32);
    doc = json_loads (v23, 0, NULL);
    ck_assert_str_eq (json_string_value (json_object_get (doc, "pubstatus")), "canceled");
    ck_assert_str_eq (json_string_value (json_object_get (doc, "type")), "text");
    ck_assert_ptr_null (json_object_get (doc, "embargoed"));
    ck_assert_ptr_null (json_object_get (doc, "renditions"));
    ck_assert_ptr_null (json_object_get (doc, "bodies"));
    free (v23);
    free (v32);
    json_decref (doc);

    /* What 2.3 has no name for is left out; what is not a document is NULL. */
    v23 = media_ninjs_2_3 ("{\"uri\":\"urn:x:package:1\",\"infoSources\":[],"
                           "\"renditions\":[{\"name\":\"a\",\"poi\":{}},7]}");
    ck_assert_str_eq (v23, "{\"uri\":\"urn:x:package:1\",\"renditions\":[{\"name\":\"a\"}]}");
    free (v23);
    ck_assert_ptr_null (media_ninjs_2_3 ("[1]"));
    ck_assert_ptr_null (media_ninjs_2_3 ("{"));
    ck_assert_ptr_null (media_ninjs_2_3 (NULL));
}
END_TEST

START_TEST (types)
{
    media_rendition p[] = {{"a", "image/png", 1}, {"b", "image/jpeg", 1}};
    media_rendition v[] = {{"a", "video/mp4", 1}};
    ck_assert_str_eq (media_ninjs_type (p, 2), "picture");
    ck_assert_str_eq (media_ninjs_type (v, 1), "video");
    ck_assert_str_eq (media_ninjs_type (p, 0), "text");
}
END_TEST

START_TEST (bag_texts)
{
    char oxum[48];
    media_bag_oxum (oxum, sizeof oxum, 5000000123ULL, 3);
    ck_assert_str_eq (oxum, "5000000123.3");
    char *info = media_bag_info ("urn:x:package:1", "2022-02-15", 1234, 2);
    ck_assert_ptr_nonnull (info);
    ck_assert_ptr_nonnull (strstr (info, "External-Identifier: urn:x:package:1\n"));
    ck_assert_ptr_nonnull (strstr (info, "Bagging-Date: 2022-02-15\n"));
    ck_assert_ptr_nonnull (strstr (info, "Payload-Oxum: 1234.2\n"));
    free (info);
    media_bag_file f[] = {
        {.path = "ninjs.json",
         .sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {.path = "renditions/1-asset-3.png",
         .sha256 = "0000000000000000000000000000000000000000000000000000000000000001"}};
    char *m = media_bag_manifest (f, 2);
    ck_assert_str_eq (m, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  "
                         "data/ninjs.json\n"
                         "0000000000000000000000000000000000000000000000000000000000000001  "
                         "data/renditions/1-asset-3.png\n");
    free (m);
    char path[96];
    ck_assert_int_eq (loa_blob_path (f[0].sha256, path, sizeof path), 0);
    ck_assert_str_eq (
        path, "sha256/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_int_eq (loa_blob_path ("../etc/passwd", path, sizeof path), -1);
}
END_TEST

START_TEST (rfc3339)
{
    ck_assert (media_is_rfc3339 ("2022-02-15T08:00:00+07:00"));
    ck_assert (media_is_rfc3339 ("2022-02-15T08:00:00Z"));
    ck_assert (media_is_rfc3339 ("2022-02-15T08:00:00.123Z"));
    ck_assert (!media_is_rfc3339 ("2022-02-15T08:00:00"));
    ck_assert (!media_is_rfc3339 ("2022-02-15 08:00:00Z"));
    ck_assert (!media_is_rfc3339 ("2022-02-15T08:00:00.Z"));
    ck_assert (!media_is_rfc3339 ("2022-02-15T08:00:00+0700"));
    ck_assert (!media_is_rfc3339 ("tomorrow"));
    ck_assert (!media_is_rfc3339 (NULL));
}
END_TEST

Suite *media_ninjs_suite (void)
{
    Suite *s = suite_create ("media-svc/media_ninjs");
    TCase *tc = tcase_create ("media_ninjs");
    tcase_add_test (tc, uri_and_names);
    tcase_add_test (tc, document);
    tcase_add_test (tc, ninjs_2_3);
    tcase_add_test (tc, types);
    tcase_add_test (tc, bag_texts);
    tcase_add_test (tc, rfc3339);
    suite_add_tcase (s, tc);
    return s;
}
