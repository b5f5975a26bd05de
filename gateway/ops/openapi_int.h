/* openapi_int: what openapi.c takes from openapi_own.c. */
#ifndef GW_OPENAPI_INT_H
#define GW_OPENAPI_INT_H

/* The operation of a route whose handler makes its own JSON: its success
 * status, what it answers (JSON Schema text, or the media types of its
 * bytes separated by spaces, or NULL for no body), its request body (JSON Schema text) and its
 * query parameters (a JSON array of Parameter Objects), or NULL. */
typedef struct {
    const char *method, *pattern, *summary, *description, *status, *response, *body, *params;
    int no_location; /* a 201 without Location (nothing of its own to GET) */
    const char *also; /* a media type it may answer instead (on request), or NULL */
} gw_openapi_own;

const gw_openapi_own *gw_openapi_own_find (const char *method, const char *pattern);

/* components/schemas that the operations above refer to (a JSON object). */
extern const char gw_openapi_own_schemas[];

#endif
