/* loa_pbjson: the generic JSON <-> protobuf codec, driven by protobuf-c
 * descriptors (no hand-written mapping per endpoint).
 *
 * Mapping: field names as in the .proto (snake_case); int32/64, uint32/64
 * and friends <-> JSON integers (64-bit kept exact); float/double <-> JSON
 * numbers; bool <-> true/false; string <-> UTF-8 string (invalid UTF-8 is
 * refused); bytes <-> base64 string; enum <-> the value's name in lower case
 * (e.g. "in_review" for IN_REVIEW; prefixes are the .proto's own); message <->
 * object; repeated <-> array. Proto3 `optional` fields are emitted only when
 * present; other scalars are always emitted (a reader sees every field).
 *
 * Details:
 * - 64-bit integers: JSON integers (json_int_t is long long). A uint64 or
 *   fixed64 above LLONG_MAX is encoded as a decimal string
 *   ("18446744073709551615"); for every 64-bit field the decoder accepts a
 *   JSON integer or a decimal string. Negative values for unsigned fields
 *   and values out of the field's range are refused.
 * - float/double: NaN and infinities are the strings "NaN", "Infinity",
 *   "-Infinity" (as in the proto3 JSON mapping); a float becomes the double
 *   nearest its shortest decimal (0.1f -> 0.1, not 0.10000000149011612).
 * - enum: decoding accepts the name in any case, never a number; encoding a
 *   number the .proto does not name writes the number.
 * - bytes: encoded standard base64 with padding; decoding accepts the
 *   standard or URL-safe alphabet, with or without padding.
 * - strings: a NUL character (\u0000) is refused (C strings would cut it).
 * - Presence: protoc-c 1.4.1 refuses proto3 `optional`; write it as a
 *   one-member oneof (`oneof maybe_x { int32 x = 1; }`), which is what protoc
 *   does internally. Oneof members are emitted only when selected; proto2
 *   `optional` fields only when their has_ flag is set (or, for strings and
 *   messages, when not NULL and not the default); an unset message field is
 *   omitted. Repeated fields are always emitted (possibly []).
 * - List wrappers: a message whose only field is `repeated ... values`
 *   (e.g. loa.Int64List in common.proto) is a JSON array, not an object.
 *   Used as a singular field it gives a repeated value presence, which a
 *   PATCH needs: absent (NULL) leaves the list alone, [] clears it.
 * - Value wrappers: a message whose only field is a singular scalar `value`
 *   (e.g. loa.NullableString in common.proto) is that JSON scalar. Used as a
 *   singular field it tells "not given" (absent: NULL) from null (the
 *   wrapper present, `value` at its default), e.g. a correction's
 *   `"embargo_until": null` that clears the embargo. Encoded as its value
 *   (a NULL string value as null).
 * - Decoding: JSON null for a field means "not given" (but see value
 *   wrappers). Two members of one
 *   oneof are refused; a missing proto2 `required` field is refused.
 *   Nesting deeper than 32 messages is refused.
 * - Errors (loa_pbjson_error.message), in Vietnamese: "phải là số nguyên",
 *   "phải là chuỗi", "phải là true hoặc false", "phải là số", "phải là mảng",
 *   "phải là đối tượng", "phải là chuỗi base64 hợp lệ", "phải là chuỗi UTF-8
 *   hợp lệ", "trường không được chấp nhận" (unknown key), "giá trị không hợp
 *   lệ (một trong: ...)" (enum), "là bắt buộc", "không được đặt cùng với ..."
 *   (oneof). */
#ifndef LOA_PBJSON_H
#define LOA_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "loa_buf.h"

/* One problem found while decoding: `field` is a dotted path
 * ("submitter.email", "topic_ids[2]") and `message` a Vietnamese sentence. */
typedef struct {
    char field[128];
    char message[256];
} loa_pbjson_error;

/* Decodes `json` (an object; NULL is taken as {}) into a new message of type
 * `desc`. Unknown keys are refused (error on that key). On success returns
 * the message (free with protobuf_c_message_free_unpacked (msg, NULL)); on
 * failure returns NULL, frees everything and fills *err (may be NULL) with
 * the first problem. Does not take `json`'s reference. */
ProtobufCMessage *loa_pbjson_decode (const ProtobufCMessageDescriptor *desc, json_t *json,
                                     loa_pbjson_error *err);

/* Sets one field of `msg` from a string, as a URL path or query parameter
 * would give it: "42" for an integer field, "true"/"false" (or "1"/"0") for
 * bool, the enum name (any case), the text itself for a string (validated as
 * UTF-8), base64 for bytes. Repeated fields append. `field` may be a dotted
 * path through singular message fields ("filter.unit_id"), which are created
 * when unset; setting a oneof member replaces the member set before. Returns
 * 0, or -1 with *err (may be NULL) filled (unknown field or bad value; the
 * message is unchanged then). The message must have been created by
 * loa_pbjson_decode (or loa_pbjson_new): its memory is malloc'ed. */
int loa_pbjson_set_string (ProtobufCMessage *msg, const char *field, const char *value,
                           loa_pbjson_error *err);

/* A new empty message of type `desc` (initialised with defaults), freed with
 * protobuf_c_message_free_unpacked. */
ProtobufCMessage *loa_pbjson_new (const ProtobufCMessageDescriptor *desc);

/* Encodes `msg` to a new JSON object (caller's reference); NULL when msg is
 * NULL or memory runs out. Invalid UTF-8 in a string field is written with
 * U+FFFD in its place (the output is always valid JSON). Fields in .proto
 * number order. */
json_t *loa_pbjson_encode (const ProtobufCMessage *msg);

/* Appends `msg` to `out` as compact JSON: byte for byte what
 * json_dumps (loa_pbjson_encode (msg), JSON_COMPACT) gives, written
 * directly (no tree, one growing buffer). 0, or -1 (msg NULL, nesting past
 * the limit, or memory: then `out` is as it was, or failed). */
int loa_pbjson_write (const ProtobufCMessage *msg, loa_buf *out);

#endif
