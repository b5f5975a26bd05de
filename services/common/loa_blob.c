#include "loa_blob.h"

#include <stdio.h>

int loa_blob_is_hex (const char *s, size_t n)
{
    if (!s)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[n] == '\0';
}

int loa_blob_path (const char *hex, char *out, size_t cap)
{
    if (!loa_blob_is_hex (hex, LOA_BLOB_HEX) || cap < LOA_BLOB_PATH_MAX)
        return -1;
    snprintf (out, cap, "sha256/%.2s/%.2s/%s", hex, hex + 2, hex);
    return 0;
}

void loa_blob_hex (const unsigned char digest[32], char out[LOA_BLOB_HEX + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    out[LOA_BLOB_HEX] = '\0';
}
