/* xml: a small writer of XML documents in memory, for the Open311 answers
 * (open311.c). It writes the declaration (UTF-8), elements opened and closed
 * in order, and text escaped so that any input gives a well-formed document:
 * & < > " ' as entities, a CR as &#13; (a parser would turn CR LF into LF),
 * in attribute values a tab and a newline as &#9; and &#10; too (a parser
 * would read them as spaces),
 * DEL and C1 controls as character references, and what XML 1.0 cannot carry
 * at all (other C0 controls, U+FFFE, U+FFFF, invalid UTF-8) as U+FFFD.
 * Element names are the caller's constants and are not checked. */
#ifndef GW_XML_H
#define GW_XML_H

#include <stddef.h>

typedef struct gw_xml gw_xml;

/* A new document with its declaration; NULL when out of memory. */
gw_xml *gw_xml_new (void);

/* Frees the writer (idempotent; NULLs *px). */
void gw_xml_destroy (gw_xml **px);

/* Opens <name>; at most 16 levels (deeper is our bug: asserted). */
void gw_xml_open (gw_xml *x, const char *name);

/* Opens <name a="v" ...> with attributes: `attrs` is name, value pairs
 * ending with NULL; values are escaped, pairs with a NULL value skipped.
 * With `empty` the element is written closed (<name .../>) and not opened. */
void gw_xml_open_attrs (gw_xml *x, const char *name, const char *const *attrs, int empty);

/* <name a="v" ...>text</name>, attributes as for gw_xml_open_attrs. */
void gw_xml_text_attrs (gw_xml *x, const char *name, const char *const *attrs, const char *text);

/* Closes the innermost open element. */
void gw_xml_close (gw_xml *x);

/* <name>text</name>, escaped; NULL or "" gives the empty element <name/>. */
void gw_xml_text (gw_xml *x, const char *name, const char *text);

/* <name>123</name>. */
void gw_xml_int (gw_xml *x, const char *name, long long value);

/* <name>true</name> or <name>false</name>. */
void gw_xml_bool (gw_xml *x, const char *name, int value);

/* Closes what is still open and hands over the document (malloc'ed,
 * NUL-terminated, length in *len); the writer is freed and *px NULLed.
 * NULL when memory ran out at any point. */
char *gw_xml_finish (gw_xml **px, size_t *len);

#endif
