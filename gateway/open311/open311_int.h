/* open311_int: what the files of open311/ share and nothing else uses. */
#ifndef GW_OPEN311_INT_H
#define GW_OPEN311_INT_H

#include "core/call.h"
#include "open311/open311.h"

#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"
#define MAX_PAGE_SIZE 1000 /* GeoReport v2: "first 1000 requests" */

typedef enum { FMT_XML, FMT_JSON } o311_fmt;

/* ------------------------------------------------------------ answer.c */

/* The answer's format from the route's {format}: 1 when known. Unknown,
 * errors go out in XML, the format every client reads. */
int o311_format_of (gw_request *req, o311_fmt *f);

/* Input quoted in a message: as it is when short UTF-8, else left out. */
const char *o311_quoted (const char *s);

/* A string, or null when absent or empty. */
json_t *o311_jstr (const char *s);

/* Sends `doc` (stolen) as JSON or as XML with the root element `root`. A
 * 200 to a GET carries an ETag (304 on If-None-Match); `location` (may be
 * NULL) is for a 201. */
enum MHD_Result o311_respond (gw_request *req, o311_fmt f, unsigned status, json_t *doc,
                              const char *root, const char *location);

/* Appends the spec's {code, description} to `errors`. */
__attribute__ ((format (printf, 3, 4))) void o311_add_error (json_t *errors, int code,
                                                             const char *format, ...);

/* The spec's error list (`errors` stolen) with HTTP status `http`. */
enum MHD_Result o311_respond_errors (gw_request *req, o311_fmt f, unsigned http, json_t *errors);

/* One error: HTTP status `http`, the body's `code`. */
__attribute__ ((format (printf, 5, 6))) enum MHD_Result
o311_respond_error (gw_request *req, o311_fmt f, unsigned http, int code, const char *format, ...);

/* 404 for a {format} that is neither xml nor json (in XML). */
enum MHD_Result o311_unknown_format (gw_request *req);

/* A failed call's answer (gw_call's failure hook, core/call.h): the
 * service's field errors named by their Open311 fields; 404 for NOT_FOUND
 * (`not_found` says what, and then an INVALID is a NOT_FOUND too: a code
 * that cannot exist is one that does not), 403 for a caller refused, 400
 * with the HTTP meaning in the body's code for the rest (503 when
 * feedback-svc is down, ...). */
typedef struct {
    o311_fmt f;
    int title_given; /* the request named its title (attribute[title]) */
    const char *not_found;
} o311_failure;
enum MHD_Result o311_fail (gw_request *req, const gw_failure *failure, void *arg);

/* Calls feedback-svc's `method`; 0 with the reply, or -1 answered the
 * Open311 way (`how`). */
int o311_call (gw_request *req, const char *method, const ProtobufCMessage *in,
               const ProtobufCMessageDescriptor *out, const char *idempotency_key,
               o311_failure *how, gw_reply *reply);

/* ------------------------------------------------------------ intake.c */

/* The fields of the spec's POST that we read or knowingly leave. */
extern const char *const o311_form_fields[];

#endif
