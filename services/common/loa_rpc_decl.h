/* loa_rpc_decl: a service's RPC methods as declared in its proto/<svc>_rpc.proto.
 *
 * Each service declares every method it serves in one `service` block, with
 * the message the method takes and the one it answers with; protoc-c turns
 * it into a ProtobufCServiceDescriptor (loa_endpoints.h gives each
 * service's). The service's method table (loa_rpc_server.h) and the
 * gateway's routes refer to it, and this module checks that they agree.
 *
 * Names: a method is called on the wire by a dotted name ("articles.create");
 * a protobuf rpc name cannot hold a dot, so the declaration's name is the
 * method's name with every '.' written '_' (`rpc articles_create`). That is
 * the only rule. Names may hold '_' themselves ("feedback.public_list" is
 * `rpc feedback_public_list`), so the rule is not reversed: lookups always go
 * from the dotted name to the declaration, and two methods whose names differ
 * only by '.' against '_' would share a declaration (the check refuses it).
 *
 * loa.Empty as a method's input or output means no body: the helpers give
 * NULL for it, as a method table's row gives NULL for a method without input. */
#ifndef LOA_RPC_DECL_H
#define LOA_RPC_DECL_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "loa_rpc_server.h"

/* The declaration of the method called `name` ("articles.create") in `desc`,
 * or NULL when it has none (or either is NULL). Static. */
const ProtobufCMethodDescriptor *loa_rpc_decl_find (const ProtobufCServiceDescriptor *desc,
                                                    const char *name);

/* The message a declared method takes, and the one it answers with; NULL for
 * loa.Empty (no body) or when `method` is NULL. Static. */
const ProtobufCMessageDescriptor *loa_rpc_decl_input (const ProtobufCMethodDescriptor *method);
const ProtobufCMessageDescriptor *loa_rpc_decl_output (const ProtobufCMethodDescriptor *method);

/* 1 when the dotted `name` ("feedback.public_list") is the one declared as
 * `declared` ("feedback_public_list") by the rule above, else 0. */
int loa_rpc_decl_names_match (const char *name, const char *declared);

/* Checks a service's method table against its declaration `desc`:
 *   - every row of `methods` (terminated by a row whose method is NULL) is
 *     declared, with the same input (a NULL input and loa.Empty are the same);
 *   - no two rows share a declaration;
 *   - every declared method has a row, or is named in `extra_names` (a
 *     NULL-terminated list, may be NULL: the methods the framework serves,
 *     e.g. "ping", "events.since").
 * 0, or -1 with a message naming the first method at fault written to `err`
 * (`errcap` bytes, truncated; `err` may be NULL when errcap is 0). */
int loa_rpc_decl_check_methods (const ProtobufCServiceDescriptor *desc,
                                const loa_rpc_method *methods, const char *const *extra_names,
                                char *err, size_t errcap);

#endif
