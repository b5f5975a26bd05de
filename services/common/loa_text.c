#include "loa_text.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

size_t loa_utf8_seq (const char *str)
{
    const unsigned char *s = (const unsigned char *) str;
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

int loa_utf8_valid (const char *s)
{
    while (*s) {
        size_t n = loa_utf8_seq (s);
        if (n == 0)
            return 0;
        s += n;
    }
    return 1;
}

size_t loa_utf8_length (const char *str)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *) str; *s; s++)
        if ((*s & 0xC0) != 0x80)
            n++;
    return n;
}

int loa_text_blank (const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++)
        if (!isspace ((unsigned char) *s))
            return 0;
    return 1;
}

int loa_email_ok (const char *addr)
{
    size_t n = strlen (addr), at = 0, ats = 0;
    if (n < 3 || n > 254)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) addr[i];
        if (c <= ' ' || c >= 0x7f || strchr ("<>\"(),;:\\[]", c))
            return 0;
        if (c == '@') {
            ats++;
            at = i;
        }
    }
    return ats == 1 && at > 0 && at < n - 1;
}
