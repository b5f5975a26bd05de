/* loa_endpoints: the five services, in one table: each one's program name,
 * events source and schema, where its RPC and its events are (the
 * environment variable and its default), and the declaration of its methods
 * (proto/<svc>_rpc.proto, loa_rpc_decl.h). Every process takes addresses
 * from here: a service for what it binds and whom it subscribes to, the
 * gateway and the tools for whom they call. */
#ifndef LOA_ENDPOINTS_H
#define LOA_ENDPOINTS_H

#include <protobuf-c/protobuf-c.h>

typedef enum {
    LOA_SVC_CONTENT,
    LOA_SVC_FEEDBACK,
    LOA_SVC_QUOTA,
    LOA_SVC_MEDIA,
    LOA_SVC_NOTIFY,
    LOA_SVC_COUNT /* not a service: the number of them */
} loa_service_id;

typedef struct {
    const char *program; /* "content-svc": its binary, logs, metrics */
    const char *source; /* "content": its events' source, as consumers record it */
    const char *schema; /* "content": its PostgreSQL schema */
    const char *rpc_env; /* "LOA_CONTENT_RPC" */
    const char *rpc_default; /* "tcp://127.0.0.1:7101" */
    const char *events_env; /* "LOA_CONTENT_EVENTS" */
    const char *events_default; /* "tcp://127.0.0.1:7201" */
    const ProtobufCServiceDescriptor *rpc; /* its methods (proto/content_rpc.proto) */
} loa_endpoint;

/* The row of service `id`, or NULL when `id` is not one. Static. */
const loa_endpoint *loa_endpoints_get (loa_service_id id);

/* The service whose program name is `program` ("quota-svc"), or NULL. Static. */
const loa_endpoint *loa_endpoints_find (const char *program);

/* Where to reach service `id`'s RPC and events: the environment variable,
 * else the default; NULL when `id` is not a service. Borrowed. */
const char *loa_endpoints_rpc (loa_service_id id);
const char *loa_endpoints_events (loa_service_id id);

/* What service `id` binds for its RPC and its events: <ENV>_BIND (e.g.
 * LOA_CONTENT_RPC_BIND, every interface in a container), else the address
 * others reach it at (above); NULL when `id` is not a service. Borrowed. */
const char *loa_endpoints_rpc_bind (loa_service_id id);
const char *loa_endpoints_events_bind (loa_service_id id);

#endif
