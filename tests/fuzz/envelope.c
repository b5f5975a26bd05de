/* fuzz target: a service's request envelope, read as loa_rpc_server.c's
 * worker reads it from the socket: the Request (proto/envelope.proto)
 * unpacked and checked by loa_rpc_envelope_fault (at a fixed "now", that
 * of the seeds), a request past its deadline dropped, its method looked
 * up in the service's method table (the first byte picks content-,
 * feedback-, quota- or media-svc) and the body unpacked as that method's
 * input message; all freed as the worker frees them. Properties: an
 * unpacked envelope has every string (never NULL) and a body whose bytes
 * are there; one the check passes has what loa_rpc_server.h promises (a
 * method, a deadline within bounds, ids not negative, at most 8 of Loa's
 * roles); an input that unpacks packs again to bytes that unpack. */
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

/* 1 when `m` or a message in it kept an unknown field numbered 0:
 * protobuf-c 1.4.1 reads a tag 0 written in two bytes (0x80 0x00) as an
 * unknown field, then writes it in one (0x00) and refuses that. Loa never
 * packs a request's input again, so such an input only has to unpack. */
static int has_field_zero (const ProtobufCMessage *m)
{
    for (size_t i = 0; i < m->n_unknown_fields; i++)
        if (m->unknown_fields[i].tag == 0)
            return 1;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        const char *base = (const char *) m;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF &&
            *(const uint32_t *) (base + f->quantifier_offset) != f->id)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *) (base + f->quantifier_offset);
            ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *) (base + f->offset);
            for (size_t k = 0; k < n; k++)
                if (has_field_zero (items[k]))
                    return 1;
        } else {
            const ProtobufCMessage *sub = *(const ProtobufCMessage *const *) (base + f->offset);
            if (sub && has_field_zero (sub))
                return 1;
        }
    }
    return 0;
}

static void check_repacks (const ProtobufCMessage *in)
{
    if (has_field_zero (in))
        return;
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
    const int64_t now = 1765000000000LL - 60000; /* the seeds' deadline is a minute later */
    const char *fault = loa_rpc_envelope_fault (req, now);
    if (fault) {
        FUZZ_CHECK (*fault);
        loa__request__free_unpacked (req, NULL);
        return 0;
    }
    FUZZ_CHECK (*req->method && req->deadline_unix_ms > 0 &&
                req->deadline_unix_ms <= now + LOA_RPC_MAX_DEADLINE_MS);
    if (req->caller) {
        static const char *const roles[] = {LOA_RPC_ROLES};
        const Loa__Caller *c = req->caller;
        FUZZ_CHECK (c->user_id >= 0 && c->unit_id >= 0 && c->api_key_id >= 0 && c->n_roles <= 8);
        for (size_t i = 0; i < c->n_roles; i++) {
            size_t k = 0;
            while (k < sizeof roles / sizeof roles[0] && strcmp (roles[k], c->roles[i]) != 0)
                k++;
            FUZZ_CHECK (k < sizeof roles / sizeof roles[0]);
        }
    }
    if (req->deadline_unix_ms < now) { /* dropped: nobody waits for it */
        loa__request__free_unpacked (req, NULL);
        return 0;
    }
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
