#include "loa_markdown.h"

#include <cmark.h>

char *loa_markdown_html (const char *md, size_t len)
{
    /* CMARK_OPT_DEFAULT is safe mode in cmark >= 0.29: no raw HTML, no
     * dangerous URLs; CMARK_OPT_UNSAFE would be needed to let them through. */
    return cmark_markdown_to_html (md ? md : "", md ? len : 0,
                                   CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
}
