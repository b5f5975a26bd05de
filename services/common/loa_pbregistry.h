/* loa_pbregistry: every protobuf message type of the proto/ files, by full name.
 * The table is generated at build time (tools/gen-registry.sh) from the
 * protobuf-c headers, so a new message is found without code changes. */
#ifndef LOA_PBREGISTRY_H
#define LOA_PBREGISTRY_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* The descriptor of the message whose full name (desc->name, e.g.
 * "loa.content.Unit", no leading dot) is `full_name`, or NULL. Static. */
const ProtobufCMessageDescriptor *loa_pb_find (const char *full_name);

/* The number of known message types, and the i-th of them (0 <= i < count),
 * in no particular order; for listings and tests. */
size_t loa_pb_count (void);
const ProtobufCMessageDescriptor *loa_pb_at (size_t i);

#endif
