/* loa_csv: CSV documents for spreadsheets (quota reports, the audit
 * trail's export). */
#ifndef LOA_CSV_H
#define LOA_CSV_H

#include <stddef.h>

#include "loa_buf.h"

/* A CSV document being written (RFC 4180): UTF-8 with a byte order mark
 * first (so that Excel reads Vietnamese right), cells separated by commas,
 * rows ended by CRLF. Memory failures are remembered and reported by
 * loa_csv_take. */
typedef struct {
    loa_buf out;
    int cells; /* in the current row */
} loa_csv;

/* Starts a document (the BOM written). */
void loa_csv_init (loa_csv *c);

/* A text cell. Quoted when it holds a comma, a quote, CR or LF (quotes
 * doubled). A cell starting with =, +, -, @, TAB or CR gets a leading
 * apostrophe so that a spreadsheet never reads it as a formula. */
void loa_csv_text (loa_csv *c, const char *s);

/* A number cell. */
void loa_csv_int (loa_csv *c, long long v);

/* Ends the row (CRLF). */
void loa_csv_end_row (loa_csv *c);

/* The document (the caller's, NUL-terminated; its length in *len), or NULL
 * when memory ran out; either way `c` is empty afterwards. */
char *loa_csv_take (loa_csv *c, size_t *len);

#endif
