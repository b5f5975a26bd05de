/* loa_markdown: Markdown (CommonMark) to HTML that is safe to put in a page,
 * with libcmark. Raw HTML in the source is not passed through (it becomes
 * an HTML comment "raw HTML omitted") and links or images with javascript:,
 * vbscript:, file: or data: (other than images) URLs are emptied: cmark's
 * safe mode, the default since 0.29. Text is escaped. */
#ifndef LOA_MARKDOWN_H
#define LOA_MARKDOWN_H

#include <stddef.h>

/* The HTML of `len` bytes of Markdown (valid UTF-8 is the caller's check;
 * invalid sequences would be replaced by U+FFFD). A new string (free()), or
 * NULL when memory runs out. */
char *loa_markdown_html (const char *md, size_t len);

#endif
