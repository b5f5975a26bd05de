/* service_fixture: see service_fixture.h. */
#include "service_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* The sanitized build on a loaded machine: generous, a test never waits
 * this long unless the service hangs. */
#define CALL_TIMEOUT_MS 15000
#define MAX_ROLES 8

void test_service_start (test_service *svc, const char *prefix, const loa_migration *migs, size_t n,
                         const char *skip, const loa_rpc_method *methods,
                         int (*prepare) (PGconn *db))
{
    static int counter;
    memset (svc, 0, sizeof *svc);
    test_service_schema (&svc->pg, prefix, prefix, migs, n, skip);
    svc->zctx = test_zmq_context ();
    /* inproc: nothing leaves the process, and no port can be taken by another. */
    char endpoint[96];
    snprintf (endpoint, sizeof endpoint, "inproc://%s-%d", svc->pg.schema, ++counter);
    svc->server = loa_rpc_server_new (prefix, endpoint, 2, svc->pg.url, methods, NULL, prepare);
    ck_assert_ptr_nonnull (svc->server);
    ck_assert_int_eq (loa_rpc_server_start (svc->server, svc->zctx), 0);
    svc->client = loa_rpc_client_new (svc->zctx, prefix, endpoint);
    ck_assert_ptr_nonnull (svc->client);
}

void test_service_stop (test_service *svc)
{
    loa_rpc_client_destroy (&svc->client);
    loa_rpc_server_destroy (&svc->server);
    zmq_ctx_term (svc->zctx);
    svc->zctx = NULL;
    test_schema_fini (&svc->pg);
}

Loa__Status test_call (test_service *svc, const test_caller *who, const char *method,
                       const ProtobufCMessage *in, const ProtobufCMessageDescriptor *out,
                       test_reply *reply)
{
    memset (reply, 0, sizeof *reply);
    Loa__Caller caller = LOA__CALLER__INIT;
    char roles_buf[256] = "";
    char *roles[MAX_ROLES];
    if (who) {
        caller.user_id = who->user_id;
        caller.unit_id = who->unit_id;
        caller.api_key_id = who->api_key_id;
        snprintf (roles_buf, sizeof roles_buf, "%s", who->roles ? who->roles : "");
        char *save = NULL;
        for (char *r = strtok_r (roles_buf, ",", &save); r; r = strtok_r (NULL, ",", &save)) {
            ck_assert_uint_lt (caller.n_roles, MAX_ROLES);
            roles[caller.n_roles++] = r;
        }
        caller.roles = roles;
    }
    loa_rpc_result r;
    reply->status =
        loa_rpc_call (svc->client, method, &caller, NULL, NULL, in, CALL_TIMEOUT_MS, &r);
    ck_assert_msg (r.reply != NULL, "%s: no reply (status %d)", method, reply->status);
    snprintf (reply->error, sizeof reply->error, "%s", r.reply->error ? r.reply->error : "");
    for (size_t i = 0; i < r.reply->n_field_errors; i++) {
        size_t len = strlen (reply->fields);
        snprintf (reply->fields + len, sizeof reply->fields - len, "%s%s", i ? "," : "",
                  r.reply->field_errors[i]->field);
    }
    if (out && (reply->status == LOA__STATUS__OK || reply->status == LOA__STATUS__CREATED)) {
        reply->body = protobuf_c_message_unpack (out, NULL, r.reply->body.len, r.reply->body.data);
        ck_assert_msg (reply->body != NULL, "%s: the reply's body is not a %s", method, out->name);
    }
    loa_rpc_result_clear (&r);
    return reply->status;
}

void test_reply_clear (test_reply *reply)
{
    if (reply->body)
        protobuf_c_message_free_unpacked (reply->body, NULL);
    reply->body = NULL;
}
