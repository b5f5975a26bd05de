/* loa-rpc: calls one method of a Loa service over ZeroMQ, for operators,
 * tests and seeding.
 *
 *   loa-rpc [options] ENDPOINT METHOD [JSON]
 *
 * The body is JSON decoded into --in TYPE (a full protobuf name such as
 * loa.content.CreateUnitRequest); the reply body is printed as one JSON line
 * encoded from --out TYPE. With JSON "-", every line of stdin is one call
 * (blank lines and lines starting with '#' are skipped) and every call
 * prints one line. Failures print {"status":...,"error":...,"field_errors":
 * [...]} on stdout too, so that a script reads one line per call.
 *
 * The services take calls only over CURVE from keys in their allow-list
 * (services/common/loa_curve.h): loa-rpc uses the key pair "loa-rpc" of
 * LOA_KEYS_DIR (or LOA_SECRET_KEY_FILE), and the server's public key of
 * the service whose address ENDPOINT is (LOA_<SVC>_RPC), or --service.
 *
 * Exit status: 0 when every call was OK or CREATED (or CONFLICT with
 * --ignore-conflict); 3 when one found the service UNAVAILABLE or hit the
 * DEADLINE; 1 for any other failure; 2 for a usage error. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "envelope.pb-c.h"
#include "loa_config.h"
#include "loa_curve.h"
#include "loa_endpoints.h"
#include "loa_log.h"
#include "loa_pbjson.h"
#include "loa_pbregistry.h"
#include "loa_peers.h"
#include "loa_rpc_client.h"

enum { EXIT_CALL_FAILED = 1, EXIT_USAGE = 2, EXIT_UNAVAILABLE = 3 };

typedef struct {
    const char *endpoint;
    const char *method;
    const char *json;
    const char *idempotency_key;
    const ProtobufCMessageDescriptor *in;
    const ProtobufCMessageDescriptor *out;
    int timeout_ms;
    int ignore_conflict;
    unsigned long calls;
} options;

static void usage (FILE *f)
{
    fprintf (f, "usage: loa-rpc [options] ENDPOINT METHOD [JSON]\n"
                "  ENDPOINT             e.g. tcp://127.0.0.1:7101 (several: comma-separated)\n"
                "  METHOD               e.g. units.create, ping\n"
                "  JSON                 the request body (needs --in); \"-\": one body per line\n"
                "                       of stdin, one call and one output line each\n"
                "options:\n"
                "  --in TYPE            body type, e.g. loa.content.CreateUnitRequest\n"
                "  --out TYPE           reply type, e.g. loa.content.Unit (ping: loa.PingReply)\n"
                "  --roles R1,R2        caller's roles (e.g. admin,editor)\n"
                "  --user-id N          caller's user id (0: anonymous)\n"
                "  --unit-id N          caller's unit id\n"
                "  --timeout MS         per call (default LOA_RPC_TIMEOUT_MS or 5000)\n"
                "  --idempotency-key K  sent with the call (not with JSON \"-\")\n"
                "  --ignore-conflict    count CONFLICT as success (idempotent seeding)\n"
                "  --service NAME       the server's key name (e.g. content-svc); default: the\n"
                "                       service whose LOA_<SVC>_RPC is ENDPOINT\n"
                "  -h, --help           this text\n"
                "exit: 0 ok, 1 call failed, 2 usage, 3 service unavailable or deadline\n");
}

static int parse_i64 (const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll (s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static const ProtobufCMessageDescriptor *find_type (const char *name)
{
    const ProtobufCMessageDescriptor *d = loa_pb_find (name[0] == '.' ? name + 1 : name);
    if (!d)
        fprintf (stderr, "loa-rpc: unknown message type %s (a full name, e.g. loa.PingReply)\n",
                 name);
    return d;
}

static const char *status_name (Loa__Status st, char *buf, size_t cap)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value (&loa__status__descriptor, (int) st);
    if (!v) {
        snprintf (buf, cap, "%d", (int) st);
        return buf;
    }
    size_t i = 0;
    for (; v->name[i] && i + 1 < cap; i++)
        buf[i] =
            (char) (v->name[i] >= 'A' && v->name[i] <= 'Z' ? v->name[i] - 'A' + 'a' : v->name[i]);
    buf[i] = '\0';
    return buf;
}

/* Prints `j` as one line on stdout and drops the reference. */
static void print_line (json_t *j)
{
    char *s = j ? json_dumps (j, JSON_COMPACT) : NULL;
    if (s) {
        fputs (s, stdout);
        fputc ('\n', stdout);
        free (s);
    } else {
        fputs ("{\"status\":\"internal\",\"error\":\"out of memory\"}\n", stdout);
    }
    fflush (stdout);
    json_decref (j);
}

/* A failure line; `field`/`message` add one field error when not NULL. */
static void print_failure (Loa__Status st, const char *error, const char *field,
                           const char *message)
{
    char name[32];
    json_t *j = json_object ();
    json_object_set_new (j, "status", json_string (status_name (st, name, sizeof name)));
    json_object_set_new (j, "error", json_string (error ? error : ""));
    json_t *fe = json_array ();
    if (field) {
        json_t *e = json_object ();
        json_object_set_new (e, "field", json_string (field));
        json_object_set_new (e, "message", json_string (message ? message : ""));
        json_array_append_new (fe, e);
    }
    json_object_set_new (j, "field_errors", fe);
    print_line (j);
}

static int exit_code (Loa__Status st, const options *o)
{
    if (st == LOA__STATUS__OK || st == LOA__STATUS__CREATED)
        return 0;
    if (st == LOA__STATUS__CONFLICT && o->ignore_conflict)
        return 0;
    if (st == LOA__STATUS__UNAVAILABLE || st == LOA__STATUS__DEADLINE)
        return EXIT_UNAVAILABLE;
    return EXIT_CALL_FAILED;
}

/* Prints the outcome of a call that reached the service (or failed
 * locally) and returns its exit code. */
static int print_result (const loa_rpc_result *res, const options *o)
{
    Loa__Status st = res->status;
    const Loa__Reply *reply = res->reply;
    if (st != LOA__STATUS__OK && st != LOA__STATUS__CREATED) {
        char name[32];
        json_t *j = json_object ();
        json_object_set_new (j, "status", json_string (status_name (st, name, sizeof name)));
        const char *error = reply ? reply->error : "";
        if (!reply && st == LOA__STATUS__UNAVAILABLE)
            error = "service unavailable (no replica connected)";
        else if (!reply && st == LOA__STATUS__DEADLINE)
            error = "no reply before the deadline";
        json_object_set_new (j, "error", json_string (error ? error : ""));
        json_t *fe = json_array ();
        for (size_t i = 0; reply && i < reply->n_field_errors; i++)
            json_array_append_new (fe, loa_pbjson_encode (&reply->field_errors[i]->base));
        json_object_set_new (j, "field_errors", fe);
        print_line (j);
        return exit_code (st, o);
    }
    if (!o->out || !reply) {
        char name[32];
        json_t *j = json_object ();
        json_object_set_new (j, "status", json_string (status_name (st, name, sizeof name)));
        print_line (j);
        return 0;
    }
    ProtobufCMessage *body =
        protobuf_c_message_unpack (o->out, NULL, reply->body.len, reply->body.data);
    if (!body) {
        char error[200];
        snprintf (error, sizeof error, "the reply body is not a valid %s", o->out->name);
        print_failure (LOA__STATUS__INTERNAL, error, NULL, NULL);
        return EXIT_CALL_FAILED;
    }
    print_line (loa_pbjson_encode (body));
    protobuf_c_message_free_unpacked (body, NULL);
    return 0;
}

/* One call with the body `json_text` (NULL: no body, or {} with --in). */
static int call_one (loa_rpc_client *client, options *o, const Loa__Caller *caller,
                     const char *json_text, const char *idempotency_key)
{
    ProtobufCMessage *body = NULL;
    if (o->in) {
        json_error_t jerr;
        json_t *j = json_loads (json_text ? json_text : "{}", JSON_REJECT_DUPLICATES, &jerr);
        if (!j) {
            char error[300];
            snprintf (error, sizeof error, "JSON: %s (column %d)", jerr.text, jerr.column);
            print_failure (LOA__STATUS__INVALID, error, NULL, NULL);
            return EXIT_CALL_FAILED;
        }
        loa_pbjson_error err;
        body = loa_pbjson_decode (o->in, j, &err);
        json_decref (j);
        if (!body) {
            char error[400];
            snprintf (error, sizeof error, "%s%s%s", err.field, *err.field ? ": " : "",
                      err.message);
            print_failure (LOA__STATUS__INVALID, error, err.field, err.message);
            return EXIT_CALL_FAILED;
        }
    }
    char request_id[64];
    snprintf (request_id, sizeof request_id, "loa-rpc-%ld-%lu", (long) getpid (), ++o->calls);
    loa_rpc_result res = {0};
    loa_rpc_call (client, o->method, caller, request_id, idempotency_key, body, o->timeout_ms,
                  &res);
    int rc = print_result (&res, o);
    loa_rpc_result_clear (&res);
    if (body)
        protobuf_c_message_free_unpacked (body, NULL);
    return rc;
}

/* One call per line of stdin; the worst exit code wins. */
static int call_stdin (loa_rpc_client *client, options *o, const Loa__Caller *caller)
{
    int worst = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline (&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        const char *p = line + strspn (line, " \t");
        if (!*p || *p == '#')
            continue;
        int rc = call_one (client, o, caller, p, NULL);
        if (rc == EXIT_UNAVAILABLE || (rc && !worst))
            worst = rc;
    }
    free (line);
    if (ferror (stdin)) {
        fprintf (stderr, "loa-rpc: reading stdin: %s\n", strerror (errno));
        return EXIT_CALL_FAILED;
    }
    return worst;
}

int main (int argc, char **argv)
{
    static const struct option longopts[] = {
        {"in", required_argument, NULL, 'i'},
        {"out", required_argument, NULL, 'o'},
        {"roles", required_argument, NULL, 'r'},
        {"user-id", required_argument, NULL, 'u'},
        {"unit-id", required_argument, NULL, 'n'},
        {"timeout", required_argument, NULL, 't'},
        {"idempotency-key", required_argument, NULL, 'k'},
        {"ignore-conflict", no_argument, NULL, 'c'},
        {"service", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    loa_log_init ("loa-rpc");
    options o = {.timeout_ms = (int) loa_env_int ("LOA_RPC_TIMEOUT_MS", 5000, 1, 3600000)};
    Loa__Caller caller = LOA__CALLER__INIT;
    const char *roles = NULL, *service = NULL;
    long long v;
    int opt;
    while ((opt = getopt_long (argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'i':
            if (!(o.in = find_type (optarg)))
                return EXIT_USAGE;
            break;
        case 'o':
            if (!(o.out = find_type (optarg)))
                return EXIT_USAGE;
            break;
        case 'r': roles = optarg; break;
        case 'u':
        case 'n':
            if (parse_i64 (optarg, 0, INT64_MAX, &v) != 0) {
                fprintf (stderr, "loa-rpc: --%s wants a non-negative integer, not %s\n",
                         opt == 'u' ? "user-id" : "unit-id", optarg);
                return EXIT_USAGE;
            }
            if (opt == 'u')
                caller.user_id = v;
            else
                caller.unit_id = v;
            break;
        case 't':
            if (parse_i64 (optarg, 1, 3600000, &v) != 0) {
                fprintf (stderr, "loa-rpc: --timeout wants milliseconds (1..3600000), not %s\n",
                         optarg);
                return EXIT_USAGE;
            }
            o.timeout_ms = (int) v;
            break;
        case 'k': o.idempotency_key = optarg; break;
        case 'c': o.ignore_conflict = 1; break;
        case 's': service = optarg; break;
        case 'h': usage (stdout); return 0;
        default: usage (stderr); return EXIT_USAGE;
        }
    }
    int rest = argc - optind;
    if (rest < 2 || rest > 3) {
        usage (stderr);
        return EXIT_USAGE;
    }
    o.endpoint = argv[optind];
    o.method = argv[optind + 1];
    o.json = rest == 3 ? argv[optind + 2] : NULL;
    if (o.json && !o.in) {
        fprintf (stderr, "loa-rpc: a JSON body needs --in TYPE\n");
        return EXIT_USAGE;
    }
    int from_stdin = o.json && strcmp (o.json, "-") == 0;
    if (from_stdin && o.idempotency_key) {
        fprintf (stderr, "loa-rpc: --idempotency-key would repeat one key for every line\n");
        return EXIT_USAGE;
    }
    if (!o.out && strcmp (o.method, "ping") == 0)
        o.out = find_type ("loa.PingReply");

    /* The server: named, or the service configured at ENDPOINT. */
    for (int i = 0; !service && i < LOA_SVC_COUNT; i++)
        if (strcmp (loa_endpoints_rpc ((loa_service_id) i), o.endpoint) == 0)
            service = loa_endpoints_get ((loa_service_id) i)->program;
    if (loa_curve_setup ("loa-rpc") != 0)
        return EXIT_USAGE;
    if (!service && loa_curve_on ()) {
        fprintf (stderr, "loa-rpc: %s is no service's LOA_<SVC>_RPC: name its key with --service\n",
                 o.endpoint);
        return EXIT_USAGE;
    }

    /* Roles: "admin,editor" -> {"admin", "editor"}, pointing into a copy. */
    char *role_buf = roles ? strdup (roles) : NULL;
    char *role_ptrs[32];
    if (role_buf) {
        char *save = NULL;
        for (char *r = strtok_r (role_buf, ", ", &save); r && caller.n_roles < 32;
             r = strtok_r (NULL, ", ", &save))
            role_ptrs[caller.n_roles++] = r;
        caller.roles = role_ptrs;
    }

    int rc = EXIT_UNAVAILABLE;
    void *ctx = zmq_ctx_new ();
    loa_rpc_client *client =
        ctx ? loa_rpc_client_new (ctx, service ? service : "loa-rpc", o.endpoint) : NULL;
    if (!client) {
        fprintf (stderr, "loa-rpc: cannot open a ZeroMQ socket for %s\n", o.endpoint);
        goto out;
    }
    if (from_stdin)
        rc = call_stdin (client, &o, &caller);
    else
        rc = call_one (client, &o, &caller, o.json, o.idempotency_key);
out:
    loa_rpc_client_destroy (&client);
    if (ctx)
        zmq_ctx_term (ctx);
    loa_peers_shutdown ();
    free (role_buf);
    return rc;
}
