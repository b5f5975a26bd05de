/* open311_map: how Open311 GeoReport v2 maps onto Loa's feedback, without
 * any I/O (open311.c does the HTTP and the RPCs): the services offered and
 * their attributes, the status and its note, the title made from a
 * description, the 90-day window of GET requests, the Open311 field an
 * error of feedback-svc names, and the small parsers of the requests'
 * arguments (the form's Content-Type, tracking codes, comma lists). */
#ifndef GW_OPEN311_MAP_H
#define GW_OPEN311_MAP_H

#include <stddef.h>
#include <stdint.h>

/* A service of GET services: a kind of feedback. */
typedef struct {
    const char *code; /* the feedback kind: report | recommendation */
    const char *name, *description, *keywords, *group;
} o311_service;

extern const o311_service o311_services[];
extern const size_t o311_n_services;

/* The service of `code`, or NULL. */
const o311_service *o311_service_find (const char *code);

/* An attribute of a service definition (every service asks the same). */
typedef struct {
    const char *code; /* also the form field attribute[code] */
    const char *datatype; /* string | text */
    int required;
    int order;
    const char *datatype_description, *description;
    size_t max_chars;
} o311_attribute;

extern const o311_attribute o311_attributes[];
extern const size_t o311_n_attributes;

/* The attribute of `code`, or NULL. */
const o311_attribute *o311_attribute_find (const char *code);

/* "open" (received, assigned, answered) or "closed" (forwarded, rejected,
 * published, closed); NULL for a status Loa does not have. */
const char *o311_status (const char *status);

/* The Open311 status_notes of an item: its published answer when there is
 * one (`answer` non-NULL), else a short Vietnamese note on its status,
 * naming the unit or the agency it went to when known. Into out[cap]. */
void o311_status_notes (const char *status, const char *answer, const char *unit_name,
                        const char *forwarded_to, char *out, size_t cap);

/* The title of a request sent without attribute[title]: the first line of
 * `description` that is not blank, trimmed, cut at a word boundary to at
 * most `max_chars` characters (an ellipsis "…" ending a cut one). "" when
 * the description holds no text. `out` needs 4 * max_chars + 1 bytes. */
void o311_title (const char *description, size_t max_chars, char *out, size_t cap);

/* The submitter's name, Vietnamese order: last_name (family name) then
 * first_name, each trimmed, one space between. NULL arguments are "". */
void o311_full_name (const char *first_name, const char *last_name, char *out, size_t cap);

/* A W3C date-time as Open311 requires it ("2010-01-01T00:00:00Z",
 * "2022-02-15T08:00:00.5+07:00"; seconds and fraction optional; the zone is
 * required) or a date alone ("2022-02-15": that day in Asia/Ho_Chi_Minh,
 * from its first instant, or with `end_of_day` to its last microsecond).
 * Into *us (microseconds since the epoch). 1 when valid, else 0. */
int o311_parse_time (const char *s, int end_of_day, int64_t *us);

/* `us` as RFC 3339 in +07:00, with a fraction only when there is one. */
void o311_format_time (int64_t us, char out[40]);

#define O311_WINDOW_DAYS 90

/* The window of GET requests from the optional start_date and end_date
 * (NULL when absent): both given, at most 90 days apart; one given, 90
 * days from or to it; none, the 90 days before `now_us`. Into from/to as
 * RFC 3339. NULL when fine, else the Open311 field at fault with the
 * problem in `why` ("start_date" / "end_date"). */
const char *o311_window (const char *start_date, const char *end_date, int64_t now_us,
                         char from[40], char to[40], char *why, size_t why_cap);

/* 1 for a Content-Type of application/x-www-form-urlencoded in UTF-8 (a
 * charset parameter naming utf-8 or utf8, or none), or no type at all
 * (NULL): what POST requests accepts. */
int o311_form_type (const char *content_type);

#define O311_MAX_CODE 64 /* bytes of a tracking code */

/* A tracking code as given: 1 to O311_MAX_CODE letters, digits, '.' or
 * '-', upper-cased into out[cap] (Crockford base32 is read
 * case-insensitively); NULL (out untouched) when it cannot be one. */
const char *o311_tracking_code (const char *s, char *out, size_t cap);

/* Splits a comma list (a query argument) in place: trims the spaces of each
 * item and drops empty ones; returns how many it kept, their starts in
 * items[] (at most cap), and how many there were in *total. s may be NULL. */
size_t o311_split (char *s, char **items, size_t cap, size_t *total);

/* The Open311 field of a field named by feedback-svc ("submitter.phone" ->
 * "phone", "title" -> "description" or "attribute[title]" when the title
 * was given as an attribute). Unknown names are returned as they are. */
const char *o311_field (const char *service_field, int title_given);

#endif
