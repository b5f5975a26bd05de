/* call: the one way a handler calls a service. gw_call makes the RPC as
 * the request's caller, records it in the metrics (core/metrics.h), and
 * when the service does not say yes answers the request itself: its status
 * mapped to HTTP and its field errors to the problem's `errors`
 * (docs/api/conventions.md "Errors"), or whatever the call's failure hook
 * renders instead (Open311 answers in its own format). gw_ok answers a
 * reply the generic way. */
#ifndef GW_CALL_H
#define GW_CALL_H

#include "gw.h"
#include "loa_arena.h"

/* What a service said when it did not say yes (borrowed by the hook for
 * the time of the call). */
typedef struct {
    gw_service service;
    Loa__Status status; /* INTERNAL too when its reply could not be read */
    unsigned http; /* the HTTP status it maps to (gw_http_status) */
    const char *error; /* the service's message, or NULL */
    size_t n_field_errors;
    Loa__FieldError *const *field_errors;
} gw_failure;

/* Answers a failed call; `arg` is the call's fail_arg. */
typedef enum MHD_Result (*gw_fail_fn) (gw_request *req, const gw_failure *failure, void *arg);

typedef struct {
    gw_service service;
    const char *method; /* "units.get" */
    const ProtobufCMessage *in; /* NULL: an empty input */
    const ProtobufCMessageDescriptor *out; /* the reply's message; NULL: not read */
    const char *idempotency_key; /* NULL: none */
    int read; /* the method only reads: sent again to another replica when late */
    gw_fail_fn fail; /* NULL: gw_call_fail */
    void *fail_arg;
} gw_call_spec;

typedef struct {
    ProtobufCMessage *msg; /* the reply (spec.out), the caller's: release it
                              with gw_reply_free; NULL without spec.out */
    int created; /* the service said CREATED rather than OK */
    enum MHD_Result rc; /* a failed call: what answering it returned */
    loa_arena arena; /* where msg lives: unpacked in one or two blocks */
} gw_reply;

/* Frees a reply's message (it was unpacked into the reply's own arena:
 * never protobuf_c_message_free_unpacked). Safe on a failed call's reply. */
void gw_reply_free (gw_reply *reply);

/* Calls spec->method of spec->service (LOA_RPC_TIMEOUT_MS). 0 when the
 * service said OK or CREATED, the reply in *reply; -1 when it has answered
 * the request (reply->rc): the service down (503), late (504), or its
 * status; a reply that is not a spec->out is 500. */
int gw_call (gw_request *req, const gw_call_spec *spec, gw_reply *reply);

/* The outcome of a call made on an event loop (core/loop.h): `st` and its
 * Reply `res` (borrowed; NULL when the call failed locally), answered or
 * read exactly as gw_call does. */
int gw_call_result (gw_request *req, const gw_call_spec *spec, Loa__Status st,
                    const Loa__Reply *res, gw_reply *reply);

/* The same call when only its status matters, answering nothing: a
 * check made on the way (a unit that must exist), or what is done after
 * the response (a download's log). `timeout_ms` 0: LOA_RPC_TIMEOUT_MS. */
Loa__Status gw_call_status (gw_request *req, gw_service svc, const char *method,
                            const ProtobufCMessage *in, int timeout_ms);

/* Pings `svc` (for /readyz): its status within `timeout_ms`. A probe, not
 * traffic: not in the metrics. */
Loa__Status gw_call_ping (gw_request *req, gw_service svc, int timeout_ms);

/* The generic failure: problem+json with the HTTP status, the service's
 * message as detail and its field errors; an INVALID without field errors
 * is 400 (the request could not be read, docs/api/conventions.md). */
enum MHD_Result gw_call_fail (gw_request *req, const gw_failure *failure, void *arg);

/* Answers a reply of the request's route the generic way: 204 without a
 * message, a loa.File as a download (GW_FILE), else its JSON: 201 with the
 * route's Location (its {field}s from the reply) when `created`, 200 (ETag
 * on GW_PUBLIC routes) when not. */
enum MHD_Result gw_ok (gw_request *req, const ProtobufCMessage *msg, int created);

/* The HTTP status for an RPC status (OK -> 200, INVALID -> 422, ...). */
unsigned gw_http_status (Loa__Status st);

#endif
