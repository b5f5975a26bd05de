/* fuzz target: a service's request envelope, read as loa_rpc_server.c's
 * worker reads it from the socket: the Request (proto/envelope.proto)
 * unpacked, its method looked up in the service's method table (the first
 * byte picks content-, feedback-, quota- or media-svc; the server's own
 * "ping" takes no body) and the body unpacked as that method's input
 * message; both freed as the worker frees them. Properties: an unpacked
 * envelope has every string (never NULL) and a body whose bytes are there;
 * an input that unpacks packs again to bytes that unpack. */
#include <string.h>

#include "content_rpc.h"
#include "envelope.pb-c.h"
#include "feedback_rpc.h"
#include "fuzz.h"
#include "loa_rpc_server.h"
#include "media_rpc.h"
#include "quota_rpc.h"

static const loa_rpc_method *const tables[] = {content_methods, feedback_methods, quota_methods,
                                               media_methods};

static void check_repacks (const ProtobufCMessage *in)
{
    size_t n = protobuf_c_message_get_packed_size (in);
    uint8_t *bin = malloc (n ? n : 1);
    FUZZ_CHECK (bin != NULL && protobuf_c_message_pack (in, bin) == n);
    ProtobufCMessage *again = protobuf_c_message_unpack (in->descriptor, NULL, n, bin);
    FUZZ_CHECK (again != NULL);
    FUZZ_CHECK (protobuf_c_message_get_packed_size (again) == n);
    protobuf_c_message_free_unpacked (again, NULL);
    free (bin);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const loa_rpc_method *methods = tables[data[0] % 4];
    Loa__Request *req = loa__request__unpack (NULL, size - 1, data + 1);
    if (!req)
        return 0;
    FUZZ_CHECK (req->method && req->request_id && req->idempotency_key);
    FUZZ_CHECK (req->body.len == 0 || req->body.data != NULL);
    if (req->caller)
        for (size_t i = 0; i < req->caller->n_roles; i++)
            FUZZ_CHECK (req->caller->roles[i] != NULL && req->caller->client_addr != NULL);
    const loa_rpc_method *m = NULL;
    for (const loa_rpc_method *t = methods; t->method && !m; t++)
        if (strcmp (t->method, req->method) == 0)
            m = t;
    if (m && m->input) {
        ProtobufCMessage *in =
            protobuf_c_message_unpack (m->input, NULL, req->body.len, req->body.data);
        if (in) {
            check_repacks (in);
            protobuf_c_message_free_unpacked (in, NULL);
        }
    }
    loa__request__free_unpacked (req, NULL);
    return 0;
}
