/* form: a parsed application/x-www-form-urlencoded body (the Open311 POST,
 * open311.c). Pairs are separated by '&', name from value by the first '=';
 * '+' is a space and %XX a byte, in names as in values. The decoded text
 * must be valid UTF-8 without NUL; a '%' not followed by two hex digits is
 * an error too (a client that does not encode is told so, rather than have
 * its text silently changed). Empty pairs ("a=1&&b=2") are skipped. */
#ifndef GW_FORM_H
#define GW_FORM_H

#include <stddef.h>

#define GW_FORM_MAX_FIELDS 64
#define GW_FORM_MAX_NAME 128 /* bytes of a decoded name */

typedef struct gw_form gw_form;

/* What went wrong: `field` is the decoded name when it could be read, else
 * "body"; `message` a Vietnamese phrase ("phải là văn bản UTF-8 hợp lệ"). */
typedef struct {
    char field[GW_FORM_MAX_NAME + 1];
    char message[128];
} gw_form_error;

/* Parses `len` bytes of `body` (need not be NUL-terminated). NULL on error,
 * with *err filled (out of memory: field "body", message empty). */
gw_form *gw_form_parse (const char *body, size_t len, gw_form_error *err);

/* Frees the form (idempotent; NULLs *pf). */
void gw_form_destroy (gw_form **pf);

/* The number of pairs, and pair i's decoded name and value (borrowed). */
size_t gw_form_size (const gw_form *f);
const char *gw_form_name (const gw_form *f, size_t i);
const char *gw_form_value (const gw_form *f, size_t i);

/* The value of the first pair called `name` (borrowed), or NULL. */
const char *gw_form_get (const gw_form *f, const char *name);

/* How many pairs are called `name`. */
size_t gw_form_count (const gw_form *f, const char *name);

#endif
