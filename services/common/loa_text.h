/* loa_text: UTF-8 checks for input that reaches the database or a page. */
#ifndef LOA_TEXT_H
#define LOA_TEXT_H

#include <stddef.h>

/* The length (1-4) of the valid UTF-8 sequence starting at `s`, or 0 when
 * it is invalid (overlong, surrogate, truncated, beyond U+10FFFF). */
size_t loa_utf8_seq (const char *s);

/* 1 when `s` (NUL-terminated) is valid UTF-8 (no overlongs, no surrogates). */
int loa_utf8_valid (const char *s);

/* The number of code points in valid UTF-8 `s`. */
size_t loa_utf8_length (const char *s);

/* 1 when `s` is NULL or holds only white space. */
int loa_text_blank (const char *s);

/* 1 when `addr` is an e-mail address Loa accepts and may use as an SMTP
 * envelope recipient: printable ASCII without spaces, quotes, angle
 * brackets or the like, one '@' with text on both sides, 3 to 254 bytes (so
 * nothing typed can add an SMTP command). */
int loa_email_ok (const char *addr);

#endif
