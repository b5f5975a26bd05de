/* pbjson: the generic JSON <-> protobuf codec, driven by protobuf-c
 * descriptors (no hand-written mapping per endpoint).
 *
 * Mapping: field names as in the .proto (snake_case); int32/64, uint32/64
 * and friends <-> JSON integers (64-bit kept exact); float/double <-> JSON
 * numbers; bool <-> true/false; string <-> UTF-8 string (invalid UTF-8 is
 * refused); bytes <-> base64 string; enum <-> the value's name in lower case
 * (e.g. "in_review" for IN_REVIEW; prefixes are the .proto's own); message <->
 * object; repeated <-> array. Fields labelled `optional` (proto2 files: protobuf-c
 * 1.4 does not support proto3 `optional`) are emitted only when present
 * (has_<field> set, string/message non-NULL); plain proto3 fields are always
 * emitted (a reader sees every field). */
#ifndef LOA_PBJSON_H
#define LOA_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* One problem found while decoding: `field` is a dotted path
 * ("submitter.email", "topic_ids[2]") and `message` a Vietnamese sentence. */
typedef struct {
    char field[128];
    char message[256];
} loa_pbjson_error;

/* Decodes `json` (an object) into a new message of type `desc`. Unknown
 * keys are refused (error on that key). On success returns the message
 * (free with protobuf_c_message_free_unpacked (msg, NULL)); on failure
 * returns NULL and fills *err with the first problem. */
ProtobufCMessage *loa_pbjson_decode (const ProtobufCMessageDescriptor *desc, json_t *json,
                                     loa_pbjson_error *err);

/* Sets one field of `msg` from a string, as a URL path or query parameter
 * would give it: "42" for an integer field, "true"/"false" for bool, the
 * enum name, the text itself for a string. Repeated fields append. Returns
 * 0, or -1 with *err filled (unknown field or bad value). The message must
 * have been created by loa_pbjson_decode (or loa_pbjson_new). */
int loa_pbjson_set_string (ProtobufCMessage *msg, const char *field, const char *value,
                           loa_pbjson_error *err);

/* A new empty message of type `desc` (initialised with defaults), freed with
 * protobuf_c_message_free_unpacked. */
ProtobufCMessage *loa_pbjson_new (const ProtobufCMessageDescriptor *desc);

/* Encodes `msg` to a new JSON object (caller's reference). */
json_t *loa_pbjson_encode (const ProtobufCMessage *msg);

#endif
