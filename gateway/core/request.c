/* request: the accessors every handler uses (gw.h). */
#include <string.h>

#include "gw.h"

const char *gw_header (gw_request *req, const char *name)
{
    return MHD_lookup_connection_value (req->conn, MHD_HEADER_KIND, name);
}

const char *gw_query (gw_request *req, const char *name)
{
    return MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *gw_param (gw_request *req, const char *name)
{
    size_t n = strlen (name);
    for (int i = 0; i < req->n_params; i++)
        if (strncmp (req->params[i].name, name, n) == 0 && req->params[i].name[n] == '}')
            return req->params[i].value;
    return NULL;
}

int64_t gw_param_id (gw_request *req, const char *name, int64_t max)
{
    const char *s = gw_param (req, name);
    size_t n = s ? strlen (s) : 0;
    /* Digits only: no sign, no blank, no more than an int64 holds. */
    if (n == 0 || n > 18 || strspn (s, "0123456789") != n)
        return 0;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v <= max ? v : 0;
}

const char *gw_param_name (const char *start, char *buf, size_t cap)
{
    size_t n = strcspn (start, "}");
    if (n >= cap)
        n = cap - 1;
    memcpy (buf, start, n);
    buf[n] = '\0';
    return buf;
}

json_t *gw_field_error (const char *field, const char *message)
{
    return json_pack ("{s:s, s:s}", "field", field, "message", message);
}
