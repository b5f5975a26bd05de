/* fuzz target: the JSON <-> protobuf codec (services/common/loa_pbjson.c)
 * that reads every JSON body and query parameter of the REST API. The
 * first byte chooses what is done, the second the message type: every
 * message of proto/ (the registry) and the codec tests' Everything and
 * Legacy (tests/unit/proto/), which hold every kind of field.
 * - JSON: the rest parsed as the gateway parses a body (an object,
 *   duplicate keys refused) and decoded. A decoded message encodes, the
 *   encoding decodes again to the same encoding (a round trip), and
 *   loa_pbjson_write gives byte for byte json_dumps of the encoding.
 * - binary: the rest unpacked as protobuf (a service's reply): the
 *   encoding is valid JSON (valid UTF-8 whatever the strings held) and
 *   loa_pbjson_write agrees with it.
 * - strings: lines "field=value" set with loa_pbjson_set_string (path and
 *   query parameters): the message then encodes, and agrees with write. */
#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <string.h>

#include "codec_test.pb-c.h"
#include "codec_test2.pb-c.h"
#include "fuzz.h"
#include "loa_buf.h"
#include "loa_pbjson.h"
#include "loa_pbregistry.h"

static const ProtobufCMessageDescriptor *type_of (uint8_t b)
{
    size_t n = loa_pb_count () + 2, i = b % n;
    if (i == 0)
        return &loa__test__everything__descriptor;
    if (i == 1)
        return &loa__test2__legacy__descriptor;
    return loa_pb_at (i - 2);
}

/* Checks that `m` encodes, that write agrees with the encoding, and that
 * the text is JSON that parses; returns the encoding (caller's). */
static json_t *encode_checked (const ProtobufCMessage *m)
{
    json_t *j = loa_pbjson_encode (m);
    FUZZ_CHECK (j != NULL);
    char *text = json_dumps (j, JSON_COMPACT);
    FUZZ_CHECK (text != NULL);
    loa_buf out = {0};
    FUZZ_CHECK (loa_pbjson_write (m, &out) == 0);
    size_t len = 0;
    char *written = loa_buf_take (&out, &len);
    FUZZ_CHECK (written != NULL);
    if (len != strlen (text) || memcmp (written, text, len) != 0) {
        fprintf (stderr, "write:\n%.*s\njson_dumps:\n%s\n", (int) len, written, text);
        FUZZ_CHECK (!"loa_pbjson_write agrees with json_dumps of loa_pbjson_encode");
    }
    json_error_t jerr;
    json_t *back = json_loads (text, JSON_REJECT_DUPLICATES, &jerr);
    if (!back)
        fprintf (stderr, "%s: %s\n", text, jerr.text);
    FUZZ_CHECK (back != NULL && json_equal (back, j));
    json_decref (back);
    free (written);
    free (text);
    return j;
}

static void from_json (const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb ((const char *) data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object (j)) {
        json_decref (j);
        return;
    }
    loa_pbjson_error err;
    memset (&err, 'x', sizeof err);
    ProtobufCMessage *m = loa_pbjson_decode (desc, j, &err);
    if (!m) {
        FUZZ_CHECK (memchr (err.field, '\0', sizeof err.field) != NULL);
        FUZZ_CHECK (memchr (err.message, '\0', sizeof err.message) && err.message[0]);
        json_decref (j);
        return;
    }
    json_t *e = encode_checked (m);
    ProtobufCMessage *m2 = loa_pbjson_decode (desc, e, &err);
    if (!m2) {
        char *t = json_dumps (e, JSON_COMPACT);
        fprintf (stderr, "%s does not decode again: %s: %s\n", t, err.field, err.message);
        free (t);
        FUZZ_CHECK (!"an encoding decodes");
    }
    json_t *e2 = encode_checked (m2);
    FUZZ_CHECK (json_equal (e, e2));
    /* The binary form of what was decoded unpacks (required fields set). */
    size_t n = protobuf_c_message_get_packed_size (m);
    uint8_t *bin = malloc (n ? n : 1);
    FUZZ_CHECK (bin != NULL && protobuf_c_message_pack (m, bin) == n);
    ProtobufCMessage *m3 = protobuf_c_message_unpack (desc, NULL, n, bin);
    FUZZ_CHECK (m3 != NULL);
    protobuf_c_message_free_unpacked (m3, NULL);
    free (bin);
    json_decref (e2);
    json_decref (e);
    protobuf_c_message_free_unpacked (m2, NULL);
    protobuf_c_message_free_unpacked (m, NULL);
    json_decref (j);
}

static void from_binary (const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t size)
{
    ProtobufCMessage *m = protobuf_c_message_unpack (desc, NULL, size, data);
    if (!m)
        return;
    json_decref (encode_checked (m));
    protobuf_c_message_free_unpacked (m, NULL);
}

static void from_strings (const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t size)
{
    ProtobufCMessage *m = loa_pbjson_new (desc);
    FUZZ_CHECK (m != NULL);
    char *text = fuzz_strndup (data, size), *save = NULL;
    for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
        char *eq = strchr (line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        loa_pbjson_error err;
        if (loa_pbjson_set_string (m, line, eq + 1, &err) != 0)
            FUZZ_CHECK (err.message[0] && memchr (err.field, '\0', sizeof err.field));
    }
    json_decref (encode_checked (m));
    free (text);
    protobuf_c_message_free_unpacked (m, NULL);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const ProtobufCMessageDescriptor *desc = type_of (data[1]);
    switch (data[0] % 3) {
    case 0: from_json (desc, data + 2, size - 2); break;
    case 1: from_binary (desc, data + 2, size - 2); break;
    default: from_strings (desc, data + 2, size - 2); break;
    }
    return 0;
}
