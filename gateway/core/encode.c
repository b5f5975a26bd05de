/* encode: gzip (zlib) and Brotli (libbrotlienc) forms of text bodies, and
 * the choice by Accept-Encoding (encode.h, decision 0042). */
#include "core/encode.h"

#include <brotli/encode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* gzip of `body` (a gzip member, as Content-Encoding: gzip means), or NULL. */
static char *gzip_of (const char *body, size_t len, int level, size_t *out_len)
{
    z_stream z;
    memset (&z, 0, sizeof z);
    /* 15 + 16: a window of 32 KiB with the gzip header and trailer. */
    if (deflateInit2 (&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound (&z, (uLong) len);
    char *out = malloc (cap);
    if (out) {
        z.next_in = (Bytef *) (void *) body;
        z.avail_in = (uInt) len;
        z.next_out = (Bytef *) out;
        z.avail_out = (uInt) cap;
        if (deflate (&z, Z_FINISH) == Z_STREAM_END) {
            *out_len = z.total_out;
        } else {
            free (out);
            out = NULL;
        }
    }
    deflateEnd (&z);
    return out;
}

static char *brotli_of (const char *body, size_t len, int quality, size_t *out_len)
{
    size_t cap = BrotliEncoderMaxCompressedSize (len);
    char *out = cap ? malloc (cap) : NULL;
    if (!out)
        return NULL;
    *out_len = cap;
    /* The smallest window that holds the body: the encoder's ring buffer
     * and tables are sized by it (a page needs 16 KB, not 4 MB). */
    int lgwin = 16;
    while (lgwin < BROTLI_MAX_WINDOW_BITS && ((size_t) 1 << lgwin) - 16 < len)
        lgwin++;
    if (!BrotliEncoderCompress (quality, lgwin, BROTLI_MODE_TEXT, len, (const uint8_t *) body,
                                out_len, (uint8_t *) out)) {
        free (out);
        return NULL;
    }
    return out;
}

void gw_encode (const char *body, size_t len, gw_enc_effort effort, gw_encoded *out)
{
    memset (out, 0, sizeof *out);
    /* zlib's lengths are 32-bit; a body that big is no page. */
    if (len < GW_ENC_MIN_BYTES || len > (1u << 30))
        return;
    int best = effort == GW_ENC_BEST;
    size_t n = 0;
    char *gz = gzip_of (body, len, best ? 9 : 6, &n);
    if (gz && n < len) {
        out->data[GW_ENC_GZIP] = gz;
        out->len[GW_ENC_GZIP] = n;
    } else {
        free (gz);
    }
    n = 0;
    /* Brotli 10, not 11: on the portal's 340 KB of text, 11 took 690 ms
     * of every start for 2.5 % fewer bytes than 10 (150 ms); 5 makes a
     * 4 KB page in under 0.1 ms. */
    char *br = brotli_of (body, len, best ? 10 : 5, &n);
    if (br && n < len) {
        out->data[GW_ENC_BR] = br;
        out->len[GW_ENC_BR] = n;
    } else {
        free (br);
    }
}

void gw_encoded_free (gw_encoded *e)
{
    for (int i = 0; i < GW_N_ENC; i++)
        free (e->data[i]);
    memset (e, 0, sizeof *e);
}

const char *gw_encoding_name (gw_encoding e)
{
    return e == GW_ENC_GZIP ? "gzip" : e == GW_ENC_BR ? "br" : NULL;
}

void gw_encoding_etag (const char *etag, gw_encoding e, char *out, size_t cap)
{
    size_t n = strlen (etag);
    if (e == GW_ENC_IDENTITY || n < 2 || etag[n - 1] != '"') {
        snprintf (out, cap, "%s", etag);
        return;
    }
    snprintf (out, cap, "%.*s-%s\"", (int) (n - 1), etag, e == GW_ENC_GZIP ? "gz" : "br");
}

/* A q-value (RFC 9110 §12.4.2) in thousandths, or -1 when malformed. */
static int parse_q (const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int v = (s[0] - '0') * 1000;
    if (n == 1)
        return v;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9' || (s[0] == '1' && s[i] != '0'))
            return -1;
        v += (s[i] - '0') * scale;
    }
    return v;
}

static int is_ows (char c) { return c == ' ' || c == '\t'; }

gw_encoding gw_encoding_choose (const char *header, unsigned have)
{
    if (!header)
        return GW_ENC_IDENTITY;
    /* The q of each coding as named (-1: not named), and of "*". */
    int named[GW_N_ENC] = {-1, -1, -1}, star = -1;
    const char *p = header;
    while (*p) {
        while (*p == ',' || is_ows (*p))
            p++;
        if (!*p)
            break;
        const char *name = p;
        while (*p && *p != ',' && *p != ';' && !is_ows (*p))
            p++;
        size_t name_n = (size_t) (p - name);
        int q = 1000;
        /* Parameters: only q counts; a malformed q refuses the coding. */
        while (*p && *p != ',') {
            while (is_ows (*p) || *p == ';')
                p++;
            const char *param = p;
            while (*p && *p != ',' && *p != ';')
                p++;
            const char *end = p;
            while (end > param && is_ows (end[-1]))
                end--;
            if (end - param >= 2 && (param[0] == 'q' || param[0] == 'Q')) {
                const char *v = param + 1;
                while (v < end && is_ows (*v))
                    v++;
                if (v < end && *v == '=') {
                    v++;
                    while (v < end && is_ows (*v))
                        v++;
                    q = parse_q (v, (size_t) (end - v));
                    if (q < 0)
                        q = 0;
                }
            }
        }
        int *slot = NULL;
        if (name_n == 1 && name[0] == '*')
            slot = &star;
        else if ((name_n == 4 && strncasecmp (name, "gzip", 4) == 0) ||
                 (name_n == 6 && strncasecmp (name, "x-gzip", 6) == 0))
            slot = &named[GW_ENC_GZIP];
        else if (name_n == 2 && strncasecmp (name, "br", 2) == 0)
            slot = &named[GW_ENC_BR];
        else if (name_n == 8 && strncasecmp (name, "identity", 8) == 0)
            slot = &named[GW_ENC_IDENTITY];
        if (slot && q > *slot)
            *slot = q;
    }
    /* Unnamed: "*" decides; else identity is acceptable last of all (q
     * 0.001 here) and any other coding is not. */
    int q_of[GW_N_ENC];
    for (int e = 0; e < GW_N_ENC; e++)
        q_of[e] = named[e] >= 0 ? named[e] : star >= 0 ? star : e == GW_ENC_IDENTITY ? 1 : 0;
    static const gw_encoding order[] = {GW_ENC_BR, GW_ENC_GZIP, GW_ENC_IDENTITY};
    gw_encoding best = GW_ENC_IDENTITY;
    int best_q = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        gw_encoding e = order[i];
        int present = e == GW_ENC_IDENTITY || (have & (1u << e));
        if (present && q_of[e] > best_q) {
            best = e;
            best_q = q_of[e];
        }
    }
    return best;
}
