/* router: the table and the matcher (router.h). */
#include "core/router.h"

#include <stdio.h>
#include <string.h>

#include "core/rpc_route.h"
#include "loa_endpoints.h"
#include "loa_rpc_decl.h"

static const gw_route *routes;
static size_t n_routes;

/* The length of a {param}'s value at `u`, when the pattern goes on with
 * `after` (just past the '}'): up to the end of the path segment, or, when
 * a literal follows in the same segment ("{code}.{format}"), up to that
 * literal's last occurrence in the segment, so that the value may hold it
 * ("PAKN.20220325.7KQ2ZD.json": code "PAKN.20220325.7KQ2ZD"). 0: no value. */
static size_t param_length (const char *u, const char *after)
{
    size_t seg = strcspn (u, "/");
    size_t lit = strcspn (after, "{/");
    if (lit == 0)
        return seg;
    for (size_t k = seg >= lit ? seg - lit : 0; k >= 1; k--)
        if (memcmp (u + k, after, lit) == 0)
            return k;
    return 0;
}

/* 1 when `path` fits `pattern`, capturing {name} segments into req (when
 * not NULL). */
static int match_pattern (const char *pattern, const char *path, gw_request *req)
{
    const char *p = pattern, *u = path;
    int n = 0;
    while (*p && *u) {
        if (*p == '{') {
            const char *close = strchr (p, '}');
            size_t vlen = close ? param_length (u, close + 1) : 0;
            if (!close || vlen == 0 || vlen >= sizeof req->params[0].value || n >= GW_MAX_PARAMS)
                return 0;
            if (req) {
                req->params[n].name = p + 1; /* up to '}': gw_param_name */
                memcpy (req->params[n].value, u, vlen);
                req->params[n].value[vlen] = '\0';
            }
            n++;
            p = close + 1;
            u += vlen;
            continue;
        }
        if (*p != *u)
            return 0;
        p++;
        u++;
    }
    if (*p || *u)
        return 0;
    if (req)
        req->n_params = n;
    return 1;
}

const gw_route *gw_route_match (const char *method, const char *path, gw_request *req, char *allow,
                                size_t allow_cap)
{
    allow[0] = '\0';
    for (size_t i = 0; i < n_routes; i++) {
        const gw_route *r = &routes[i];
        if (!match_pattern (r->pattern, path, NULL))
            continue;
        if (strcmp (r->method, method) == 0) {
            match_pattern (r->pattern, path, req);
            return r;
        }
        if (!strstr (allow, r->method)) {
            size_t len = strlen (allow);
            snprintf (allow + len, allow_cap - len, "%s%s%s", len ? ", " : "", r->method,
                      strcmp (r->method, "GET") == 0 ? ", HEAD" : "");
        }
    }
    return NULL;
}

size_t gw_route_count (void) { return n_routes; }

const gw_route *gw_route_at (size_t i) { return i < n_routes ? &routes[i] : NULL; }

long gw_route_index (const gw_route *r)
{
    if (!r || r < routes || r >= routes + n_routes)
        return -1;
    return (long) (r - routes);
}

/* What is wrong with the method a route names (`why`, `cap` bytes), or NULL:
 * it must be declared by its service (proto/<svc>_rpc.proto), and the
 * messages the route gives the codec must be the declared ones (for the
 * generic handler always; for another handler those it names). */
static const char *method_fault (const gw_route *r, char *why, size_t cap)
{
    const loa_endpoint *ep = loa_endpoints_get ((loa_service_id) r->service);
    const ProtobufCMethodDescriptor *m = loa_rpc_decl_find (ep->rpc, r->rpc);
    if (!m) {
        snprintf (why, cap, "%s is not a method %s declares (proto/%s_rpc.proto)", r->rpc,
                  ep->program, ep->source);
        return why;
    }
    const ProtobufCMessageDescriptor *in = loa_rpc_decl_input (m), *out = loa_rpc_decl_output (m);
    int generic = r->handler == gw_rpc_route;
    if ((generic || r->input) && r->input != in) {
        snprintf (why, cap, "%s takes %s, not %s", r->rpc, in ? in->name : "no input",
                  r->input ? r->input->name : "no input");
        return why;
    }
    if ((generic || r->output) && r->output != out) {
        snprintf (why, cap, "%s answers %s, not %s", r->rpc, out ? out->name : "no output",
                  r->output ? r->output->name : "no output");
        return why;
    }
    return NULL;
}

/* What is wrong with one route (`why` may hold it), or NULL. */
static const char *route_fault (const gw_route *r, char *why, size_t cap)
{
    if (!r->method || !*r->method || !r->pattern || r->pattern[0] != '/')
        return "no method or no pattern starting with '/'";
    if (!r->handler)
        return "no handler";
    if (r->service >= GW_N_SERVICES)
        return "an unknown service";
    int params = 0;
    for (const char *p = strchr (r->pattern, '{'); p; p = strchr (p + 1, '{'))
        if (++params > GW_MAX_PARAMS || !strchr (p, '}'))
            return "more path parameters than GW_MAX_PARAMS, or one not closed";
    if (r->handler == gw_rpc_route && (!r->rpc || !*r->rpc))
        return "the generic handler without an RPC method";
    if ((r->flags & (GW_BODY | GW_BODY_OPT)) && r->handler == gw_rpc_route && !r->input)
        return "a JSON body for the generic handler without an input message";
    if (r->rpc && method_fault (r, why, cap))
        return why;
    for (const gw_route *const *alt = r->alternatives; alt && *alt; alt++) {
        const char *fault = route_fault (*alt, why, cap);
        if (fault)
            return fault;
    }
    return NULL;
}

int gw_router_set (const gw_route *table, size_t n, char *err, size_t errcap)
{
    for (size_t i = 0; i < n; i++) {
        char why[200];
        const char *fault = route_fault (&table[i], why, sizeof why);
        if (fault) {
            snprintf (err, errcap, "route %zu (%s %s): %s", i,
                      table[i].method ? table[i].method : "?",
                      table[i].pattern ? table[i].pattern : "?", fault);
            return -1;
        }
    }
    routes = table;
    n_routes = n;
    return 0;
}
