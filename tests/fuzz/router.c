/* fuzz target: the route matcher (gw_route_match, gateway/core/router.c)
 * on the gateway's real route table, with the request's method (the
 * input's first line) and path (the rest), as MHD gives them. Properties:
 * a match is a route of that method whose pattern, with the captured
 * parameters put back in place of its {names}, is the path itself, each
 * parameter non-empty and without '/'; no match leaves no parameter and
 * an Allow list that fits its buffer. */
#include <string.h>

#include "core/router.h"
#include "fuzz.h"
#include "routes.h"

int LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc, (void) argv;
    char err[256];
    if (gw_router_set (gw_routes, gw_n_routes, err, sizeof err) != 0) {
        fprintf (stderr, "router: %s\n", err);
        abort ();
    }
    return 0;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup (data, size);
    char *nl = strchr (text, '\n');
    const char *method = "GET", *path = text;
    if (nl) {
        *nl = '\0';
        method = text;
        path = nl + 1;
    }
    static gw_request req;
    memset (&req, 0, sizeof req);
    char allow[96];
    const gw_route *r = gw_route_match (method, path, &req, allow, sizeof allow);
    if (r) {
        FUZZ_CHECK (strcmp (r->method, method) == 0);
        FUZZ_CHECK (req.n_params >= 0 && req.n_params <= GW_MAX_PARAMS);
        /* The pattern with the values in place of the {names}. */
        char *back = malloc (strlen (r->pattern) + GW_MAX_PARAMS * 256 + 1);
        FUZZ_CHECK (back != NULL);
        size_t o = 0;
        int k = 0;
        for (const char *p = r->pattern; *p;) {
            if (*p == '{') {
                FUZZ_CHECK (k < req.n_params);
                const char *v = req.params[k].value;
                FUZZ_CHECK (*v && !strchr (v, '/'));
                FUZZ_CHECK (req.params[k].name == p + 1);
                memcpy (back + o, v, strlen (v));
                o += strlen (v);
                k++;
                p = strchr (p, '}') + 1;
            } else {
                back[o++] = *p++;
            }
        }
        back[o] = '\0';
        FUZZ_CHECK (k == req.n_params);
        FUZZ_CHECK (strcmp (back, path) == 0);
        free (back);
    } else {
        FUZZ_CHECK (req.n_params == 0);
        FUZZ_CHECK (memchr (allow, '\0', sizeof allow) != NULL);
    }
    free (text);
    return 0;
}
