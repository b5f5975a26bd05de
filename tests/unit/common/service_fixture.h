/* service_fixture: a service's real method table, run in-process against a
 * schema of the test's own. The real RPC server (envelope, dispatch by the
 * method's name, the handlers' own role checks, Idempotency-Key) serves the
 * table on an inproc endpoint with its workers on the schema, their
 * statements prepared by the service's own `prepare`; a client calls a
 * method by its name ("articles.create") for a caller. Tests reach handlers
 * only through the table, never by their C names. */
#ifndef LOA_TEST_SERVICE_FIXTURE_H
#define LOA_TEST_SERVICE_FIXTURE_H

#include <stdint.h>

#include "common/fixture.h"
#include "loa_rpc_client.h"
#include "loa_rpc_server.h"

typedef struct {
    test_schema pg; /* the schema, and a connection of the test's own to it */
    void *zctx; /* owned */
    loa_rpc_server *server; /* owned */
    loa_rpc_client *client; /* owned */
} test_service;

/* Who calls: what the gateway would put in the envelope. */
typedef struct {
    int64_t user_id; /* 0: anonymous */
    int64_t unit_id; /* 0: none */
    const char *roles; /* comma-separated ("editor,reviewer"); NULL or "": none */
    int64_t api_key_id; /* 0: none (an Open311 client application otherwise) */
} test_caller;

/* A call's outcome. */
typedef struct {
    Loa__Status status;
    char error[512]; /* the reply's message ("" on success) */
    char fields[512]; /* the fields of its field errors, comma-separated, in order */
    ProtobufCMessage *body; /* owned: the body unpacked, or NULL (see test_call) */
} test_reply;

/* Makes schema "<prefix>_<pid>_<n>" with the service's migrations `migs`
 * (test_service_schema: the event tables by the fixture, and those whose
 * names start with `skip`, which may be NULL, left out) and starts the
 * server of `methods` (NULL-terminated; must outlive the service) on it,
 * each worker's connection prepared by `prepare` (may be NULL). */
void test_service_start (test_service *svc, const char *prefix, const loa_migration *migs, size_t n,
                         const char *skip, const loa_rpc_method *methods,
                         int (*prepare) (PGconn *db));

/* Stops the server, drops the schema, frees everything. */
void test_service_stop (test_service *svc);

/* Calls `method` by name with body `in` (may be NULL) for `who` (NULL:
 * anonymous) and fills *reply; when the call succeeds (OK or CREATED) and
 * `out` is not NULL, the reply's body unpacked as `out` (the test fails
 * when it does not unpack). Returns the status. Free with test_reply_clear. */
Loa__Status test_call (test_service *svc, const test_caller *who, const char *method,
                       const ProtobufCMessage *in, const ProtobufCMessageDescriptor *out,
                       test_reply *reply);

/* Frees reply->body; safe on a cleared reply. */
void test_reply_clear (test_reply *reply);

#endif
