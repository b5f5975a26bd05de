#include "loa_pbjson.h"

#include <assert.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Deeper nesting than this is refused on decode (a recursive message type
 * would otherwise let a request choose our stack depth) and cut on encode. */
#define PBJSON_MAX_DEPTH 32

/* One decoded field value, owned until stored into a message. */
typedef union {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f;
    double d;
    protobuf_c_boolean b;
    int e;
    char *s;
    ProtobufCBinaryData bd;
    ProtobufCMessage *m;
} pbval;

/* Decoding state: the dotted path of the value being read, for errors. */
typedef struct {
    char path[512];
    size_t len;
    int depth;
    loa_pbjson_error *err;
} dctx;

static const char MSG_NOT_INTEGER[] = "phải là số nguyên";
static const char MSG_NOT_NUMBER[] = "phải là số";
static const char MSG_NOT_BOOL[] = "phải là true hoặc false";
static const char MSG_NOT_STRING[] = "phải là chuỗi";
static const char MSG_NOT_UTF8[] = "phải là chuỗi UTF-8 hợp lệ";
static const char MSG_HAS_NUL[] = "không được chứa ký tự NUL";
static const char MSG_NOT_BASE64[] = "phải là chuỗi base64 hợp lệ";
static const char MSG_NOT_ARRAY[] = "phải là mảng";
static const char MSG_NOT_OBJECT[] = "phải là đối tượng";
static const char MSG_UNKNOWN[] = "trường không được chấp nhận";
static const char MSG_REQUIRED[] = "là bắt buộc";
static const char MSG_TOO_DEEP[] = "lồng quá sâu";
static const char MSG_NO_MEMORY[] = "không đủ bộ nhớ";

/* ------------------------------------------------------------ helpers */

/* Cuts `s` (NUL-terminated, at most cap-1 bytes) back to a whole UTF-8
 * character, so a truncated Vietnamese message stays valid UTF-8. */
static void utf8_trim (char *s, size_t cap)
{
    size_t n = strlen (s);
    if (n + 1 < cap)
        return;
    size_t i = n;
    while (i > 0 && ((unsigned char) s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0 && ((unsigned char) s[i - 1] & 0x80)) {
        /* s[i-1] starts a sequence: keep it only when it is complete. */
        unsigned char lead = (unsigned char) s[i - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (n - (i - 1) < want)
            s[i - 1] = '\0';
    }
}

static int fail (dctx *c, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int fail (dctx *c, const char *fmt, ...)
{
    loa_pbjson_error *e = c->err;
    size_t n = strnlen (c->path, sizeof e->field - 1);
    memcpy (e->field, c->path, n);
    e->field[n] = '\0';
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (e->message, sizeof e->message, fmt, ap);
    va_end (ap);
    utf8_trim (e->message, sizeof e->message);
    return -1;
}

static size_t path_push_key (dctx *c, const char *key)
{
    size_t old = c->len;
    int n = snprintf (c->path + old, sizeof c->path - old, "%s%s", old ? "." : "", key);
    c->len = n < 0 ? old : old + (size_t) n;
    if (c->len >= sizeof c->path)
        c->len = sizeof c->path - 1;
    return old;
}

static size_t path_push_index (dctx *c, size_t i)
{
    size_t old = c->len;
    int n = snprintf (c->path + old, sizeof c->path - old, "[%zu]", i);
    c->len = n < 0 ? old : old + (size_t) n;
    if (c->len >= sizeof c->path)
        c->len = sizeof c->path - 1;
    return old;
}

static void path_pop (dctx *c, size_t old)
{
    c->len = old;
    c->path[old] = '\0';
}

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, at
 * most U+10FFFF). */
static int utf8_valid (const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp;
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            cp = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            cp = b & 0x07;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* A copy of s[0..n) with every invalid UTF-8 byte replaced by U+FFFD, for
 * encoding a message that some C code filled with bad bytes: the output
 * must stay valid JSON. */
static char *utf8_sanitize (const char *s, size_t n)
{
    char *out = malloc (n * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t len = 1;
        unsigned char b = (unsigned char) s[i];
        if (b >= 0xC2 && b <= 0xDF)
            len = 2;
        else if (b >= 0xE0 && b <= 0xEF)
            len = 3;
        else if (b >= 0xF0 && b <= 0xF4)
            len = 4;
        if (b < 0x80) {
            out[o++] = s[i++];
        } else if (len > 1 && n - i >= len && utf8_valid ((const unsigned char *) s + i, len)) {
            memcpy (out + o, s + i, len);
            o += len;
            i += len;
        } else {
            memcpy (out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    return out;
}

/* ------------------------------------------------------------ base64 */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64_encode (const uint8_t *data, size_t len)
{
    char *out = malloc ((len + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t) data[i] << 16 | (uint32_t) data[i + 1] << 8 | data[i + 2];
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = B64[v >> 6 & 63];
        out[o++] = B64[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t) data[i] << 16 | (i + 1 < len ? (uint32_t) data[i + 1] << 8 : 0);
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = i + 1 < len ? B64[v >> 6 & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
    return out;
}

static int b64_digit (char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+' || ch == '-')
        return 62;
    if (ch == '/' || ch == '_')
        return 63;
    return -1;
}

/* Standard or URL-safe alphabet, padding optional (but correct when
 * given), no whitespace. 0 with *out malloc'ed (NULL when empty), or -1. */
static int base64_decode (const char *s, size_t n, ProtobufCBinaryData *out)
{
    out->data = NULL;
    out->len = 0;
    if (n >= 1 && s[n - 1] == '=') {
        if (n % 4)
            return -1;
        n--;
        if (s[n - 1] == '=')
            n--;
    }
    if (n % 4 == 1)
        return -1;
    if (n == 0)
        return 0;
    uint8_t *buf = malloc (n / 4 * 3 + 2);
    if (!buf)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int d = b64_digit (s[i]);
        if (d < 0) {
            free (buf);
            return -1;
        }
        acc = (acc << 6) | (uint32_t) d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (uint8_t) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    out->data = buf;
    out->len = o;
    return 0;
}

/* ------------------------------------------------------------ field access */

static void *member (const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    return (char *) msg + f->offset;
}

static void *quantifier (const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    return (char *) msg + f->quantifier_offset;
}

static size_t elem_size (ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: return 4;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: return 8;
    case PROTOBUF_C_TYPE_FLOAT: return sizeof (float);
    case PROTOBUF_C_TYPE_DOUBLE: return sizeof (double);
    case PROTOBUF_C_TYPE_BOOL: return sizeof (protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM: return sizeof (int); /* protobuf-c forces enums to int size */
    case PROTOBUF_C_TYPE_STRING: return sizeof (char *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof (ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof (ProtobufCMessage *);
    }
    return 0;
}

/* Writes `v` into the slot `p` (a member or an array element) of type t. */
static void put_value (void *p, ProtobufCType t, const pbval *v)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: memcpy (p, &v->i32, sizeof v->i32); break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: memcpy (p, &v->u32, sizeof v->u32); break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: memcpy (p, &v->i64, sizeof v->i64); break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: memcpy (p, &v->u64, sizeof v->u64); break;
    case PROTOBUF_C_TYPE_FLOAT: memcpy (p, &v->f, sizeof v->f); break;
    case PROTOBUF_C_TYPE_DOUBLE: memcpy (p, &v->d, sizeof v->d); break;
    case PROTOBUF_C_TYPE_BOOL: memcpy (p, &v->b, sizeof v->b); break;
    case PROTOBUF_C_TYPE_ENUM: memcpy (p, &v->e, sizeof v->e); break;
    case PROTOBUF_C_TYPE_STRING: memcpy (p, &v->s, sizeof v->s); break;
    case PROTOBUF_C_TYPE_BYTES: memcpy (p, &v->bd, sizeof v->bd); break;
    case PROTOBUF_C_TYPE_MESSAGE: memcpy (p, &v->m, sizeof v->m); break;
    }
}

/* Frees what a decoded value owns (when it could not be stored). */
static void value_free (ProtobufCType t, pbval *v)
{
    if (t == PROTOBUF_C_TYPE_STRING)
        free (v->s);
    else if (t == PROTOBUF_C_TYPE_BYTES)
        free (v->bd.data);
    else if (t == PROTOBUF_C_TYPE_MESSAGE && v->m)
        protobuf_c_message_free_unpacked (v->m, NULL);
}

/* Frees the memory the singular field f currently owns, by the rules of
 * protobuf_c_message_free_unpacked: a pointer equal to the descriptor's
 * default is static and stays. */
static void release_singular (ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    void *p = member (msg, f);
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        char *s = *(char **) p;
        if (s && s != f->default_value)
            free (s);
        *(char **) p = NULL;
    } else if (f->type == PROTOBUF_C_TYPE_BYTES) {
        ProtobufCBinaryData *bd = p;
        const ProtobufCBinaryData *def = f->default_value;
        if (bd->data && (!def || def->data != bd->data))
            free (bd->data);
        bd->data = NULL;
        bd->len = 0;
    } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        ProtobufCMessage *m = *(ProtobufCMessage **) p;
        if (m && m != f->default_value)
            protobuf_c_message_free_unpacked (m, NULL);
        *(ProtobufCMessage **) p = NULL;
    }
}

/* Stores `v` (ownership moves into msg) as the value of the singular field
 * f, releasing the previous value, marking presence (has_ flag) and, for a
 * oneof member, releasing the member set before and selecting f. */
static void store_singular (ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, pbval *v)
{
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t *which = quantifier (msg, f);
        if (*which != 0) {
            const ProtobufCFieldDescriptor *old =
                protobuf_c_message_descriptor_get_field (msg->descriptor, *which);
            if (old)
                release_singular (msg, old);
        }
        *which = f->id;
    } else {
        release_singular (msg, f);
        if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
            f->type != PROTOBUF_C_TYPE_MESSAGE)
            *(protobuf_c_boolean *) quantifier (msg, f) = 1;
    }
    put_value (member (msg, f), f->type, v);
}

/* Appends `v` to the repeated field f; on failure (no memory) v is still
 * the caller's. */
static int append_repeated (ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, pbval *v)
{
    size_t *n = quantifier (msg, f);
    void **arr = member (msg, f);
    size_t sz = elem_size (f->type);
    void *grown = realloc (*arr, (*n + 1) * sz);
    if (!grown)
        return -1;
    *arr = grown;
    put_value ((char *) grown + *n * sz, f->type, v);
    (*n)++;
    return 0;
}

/* ------------------------------------------------------------ scalars in */

static int is_signed_int (ProtobufCType t)
{
    return t == PROTOBUF_C_TYPE_INT32 || t == PROTOBUF_C_TYPE_SINT32 ||
           t == PROTOBUF_C_TYPE_SFIXED32 || t == PROTOBUF_C_TYPE_INT64 ||
           t == PROTOBUF_C_TYPE_SINT64 || t == PROTOBUF_C_TYPE_SFIXED64;
}

static int is_unsigned_int (ProtobufCType t)
{
    return t == PROTOBUF_C_TYPE_UINT32 || t == PROTOBUF_C_TYPE_FIXED32 ||
           t == PROTOBUF_C_TYPE_UINT64 || t == PROTOBUF_C_TYPE_FIXED64;
}

static int is_64bit (ProtobufCType t) { return elem_size (t) == 8; }

static int range_fail (dctx *c, ProtobufCType t)
{
    if (is_unsigned_int (t) && is_64bit (t))
        return fail (c, "%s từ 0 đến %" PRIu64, MSG_NOT_INTEGER, UINT64_MAX);
    if (is_unsigned_int (t))
        return fail (c, "%s từ 0 đến %" PRIu32, MSG_NOT_INTEGER, UINT32_MAX);
    if (is_64bit (t))
        return fail (c, "%s từ %" PRId64 " đến %" PRId64, MSG_NOT_INTEGER, INT64_MIN, INT64_MAX);
    return fail (c, "%s từ %" PRId32 " đến %" PRId32, MSG_NOT_INTEGER, INT32_MIN, INT32_MAX);
}

/* Range-checks the integer (negative, magnitude) for field type t. */
static int int_value (dctx *c, ProtobufCType t, int negative, uint64_t mag, pbval *v)
{
    if (is_unsigned_int (t)) {
        if (negative && mag)
            return fail (c, "%s không âm", MSG_NOT_INTEGER);
        if (!is_64bit (t) && mag > UINT32_MAX)
            return range_fail (c, t);
        if (is_64bit (t))
            v->u64 = mag;
        else
            v->u32 = (uint32_t) mag;
        return 0;
    }
    uint64_t max = is_64bit (t) ? (uint64_t) INT64_MAX : (uint64_t) INT32_MAX;
    if (mag > max + (negative ? 1 : 0))
        return range_fail (c, t);
    /* -(mag-1)-1 avoids overflowing on the most negative value. */
    int64_t x = negative && mag ? -(int64_t) (mag - 1) - 1 : (int64_t) mag;
    if (is_64bit (t))
        v->i64 = x;
    else
        v->i32 = (int32_t) x;
    return 0;
}

/* Strict decimal: optional '-', digits, nothing else. */
static int int_from_text (dctx *c, ProtobufCType t, const char *s, pbval *v)
{
    int negative = 0;
    const char *p = s;
    if (*p == '-') {
        negative = 1;
        p++;
    }
    if (!*p)
        return fail (c, "%s", MSG_NOT_INTEGER);
    if (strspn (p, "0123456789") != strlen (p))
        return fail (c, "%s", MSG_NOT_INTEGER);
    uint64_t mag = 0;
    for (; *p; p++) {
        unsigned d = (unsigned) (*p - '0');
        if (mag > (UINT64_MAX - d) / 10)
            return negative && is_unsigned_int (t) ? fail (c, "%s không âm", MSG_NOT_INTEGER)
                                                   : range_fail (c, t);
        mag = mag * 10 + d;
    }
    return int_value (c, t, negative, mag, v);
}

/* The least double that rounds to a float's infinity, 2^128 - 2^103: every
 * double below it rounds to a finite float. FLT_MAX itself was too strict a
 * bound: the encoder writes FLT_MAX as its shortest decimal, 3.4028235e38,
 * which is above FLT_MAX, and the decoder refused it. */
#define FLOAT_LIMIT 0x1.ffffffp127

static int real_value (dctx *c, ProtobufCType t, double d, pbval *v)
{
    if (t == PROTOBUF_C_TYPE_FLOAT) {
        if (isfinite (d) && fabs (d) >= FLOAT_LIMIT)
            return fail (c, "%s trong phạm vi của float", MSG_NOT_NUMBER);
        v->f = (float) d;
    } else {
        v->d = d;
    }
    return 0;
}

/* A decimal number, or "NaN", "Infinity", "-Infinity" (as the proto3 JSON
 * mapping writes them); never hex or whitespace, which strtod would take. */
static int real_from_text (dctx *c, ProtobufCType t, const char *s, pbval *v)
{
    if (strcmp (s, "NaN") == 0)
        return real_value (c, t, NAN, v);
    if (strcmp (s, "Infinity") == 0)
        return real_value (c, t, INFINITY, v);
    if (strcmp (s, "-Infinity") == 0)
        return real_value (c, t, -INFINITY, v);
    if (!*s || strspn (s, "0123456789+-.eE") != strlen (s))
        return fail (c, "%s", MSG_NOT_NUMBER);
    char *end;
    double d = strtod (s, &end);
    if (*end || !isfinite (d))
        return fail (c, "%s", MSG_NOT_NUMBER);
    return real_value (c, t, d, v);
}

static int enum_from_text (dctx *c, const ProtobufCFieldDescriptor *f, const char *s, pbval *v)
{
    const ProtobufCEnumDescriptor *ed = f->descriptor;
    for (unsigned i = 0; i < ed->n_values; i++) {
        if (strcasecmp (ed->values[i].name, s) == 0) {
            v->e = ed->values[i].value;
            return 0;
        }
    }
    /* List the accepted names: the message is what a form shows. */
    char list[200];
    size_t o = 0;
    list[0] = '\0';
    for (unsigned i = 0; i < ed->n_values && o < sizeof list; i++) {
        int n = snprintf (list + o, sizeof list - o, "%s%s", i ? ", " : "", ed->values[i].name);
        if (n < 0 || (size_t) n >= sizeof list - o) {
            snprintf (list + o, sizeof list - o, ", ...");
            break;
        }
        for (char *p = list + o; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char) (*p - 'A' + 'a');
        o += (size_t) n;
    }
    return fail (c, "giá trị không hợp lệ (một trong: %s)", list);
}

static int string_value (dctx *c, const char *s, size_t n, pbval *v)
{
    if (memchr (s, '\0', n))
        return fail (c, "%s", MSG_HAS_NUL);
    if (!utf8_valid ((const unsigned char *) s, n))
        return fail (c, "%s", MSG_NOT_UTF8);
    v->s = malloc (n + 1);
    if (!v->s)
        return fail (c, "%s", MSG_NO_MEMORY);
    memcpy (v->s, s, n);
    v->s[n] = '\0';
    return 0;
}

static int bytes_value (dctx *c, const char *s, size_t n, pbval *v)
{
    if (base64_decode (s, n, &v->bd) != 0)
        return fail (c, "%s", MSG_NOT_BASE64);
    return 0;
}

/* A scalar (not a message) of field f from the text of a URL parameter. */
static int value_from_text (dctx *c, const ProtobufCFieldDescriptor *f, const char *s, pbval *v)
{
    memset (v, 0, sizeof *v);
    switch (f->type) {
    case PROTOBUF_C_TYPE_BOOL:
        if (strcmp (s, "true") == 0 || strcmp (s, "1") == 0)
            v->b = 1;
        else if (strcmp (s, "false") == 0 || strcmp (s, "0") == 0)
            v->b = 0;
        else
            return fail (c, "%s", MSG_NOT_BOOL);
        return 0;
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: return real_from_text (c, f->type, s, v);
    case PROTOBUF_C_TYPE_ENUM: return enum_from_text (c, f, s, v);
    case PROTOBUF_C_TYPE_STRING: return string_value (c, s, strlen (s), v);
    case PROTOBUF_C_TYPE_BYTES: return bytes_value (c, s, strlen (s), v);
    case PROTOBUF_C_TYPE_MESSAGE: return fail (c, "không thể đặt từ một chuỗi");
    default: return int_from_text (c, f->type, s, v);
    }
}

/* A scalar (not a message) of field f from a JSON value. */
static int value_from_json (dctx *c, const ProtobufCFieldDescriptor *f, json_t *j, pbval *v)
{
    memset (v, 0, sizeof *v);
    ProtobufCType t = f->type;
    if (is_signed_int (t) || is_unsigned_int (t)) {
        if (json_is_integer (j)) {
            json_int_t x = json_integer_value (j);
            uint64_t mag = x < 0 ? (uint64_t) (-(x + 1)) + 1 : (uint64_t) x;
            return int_value (c, t, x < 0, mag, v);
        }
        /* 64-bit values may come as decimal strings (JavaScript numbers
         * lose precision past 2^53, and uint64 past LLONG_MAX is written
         * as a string by the encoder). */
        if (is_64bit (t) && json_is_string (j))
            return int_from_text (c, t, json_string_value (j), v);
        return fail (c, "%s", MSG_NOT_INTEGER);
    }
    switch (t) {
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
        if (json_is_number (j))
            return real_value (c, t, json_number_value (j), v);
        if (json_is_string (j)) {
            const char *s = json_string_value (j);
            if (!strcmp (s, "NaN") || !strcmp (s, "Infinity") || !strcmp (s, "-Infinity"))
                return real_from_text (c, t, s, v);
        }
        return fail (c, "%s", MSG_NOT_NUMBER);
    case PROTOBUF_C_TYPE_BOOL:
        if (!json_is_boolean (j))
            return fail (c, "%s", MSG_NOT_BOOL);
        v->b = json_is_true (j);
        return 0;
    case PROTOBUF_C_TYPE_ENUM:
        if (!json_is_string (j))
            return enum_from_text (c, f, "", v);
        return enum_from_text (c, f, json_string_value (j), v);
    case PROTOBUF_C_TYPE_STRING:
        if (!json_is_string (j))
            return fail (c, "%s", MSG_NOT_STRING);
        return string_value (c, json_string_value (j), json_string_length (j), v);
    case PROTOBUF_C_TYPE_BYTES:
        if (!json_is_string (j))
            return fail (c, "%s", MSG_NOT_BASE64);
        return bytes_value (c, json_string_value (j), json_string_length (j), v);
    default:
        assert (0 && "value_from_json: message or unknown type");
        return fail (c, "%s", MSG_NOT_OBJECT);
    }
}

/* ------------------------------------------------------------ decode */

static int decode_object (dctx *c, ProtobufCMessage *msg, json_t *obj);
static int decode_repeated (dctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                            json_t *j);
static int decode_field (dctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                         json_t *j);

/* A list wrapper (see pbjson.h): a message whose only field is `repeated
 * ... values`; it stands for a JSON array whose presence matters. */
static int is_list_wrapper (const ProtobufCMessageDescriptor *d)
{
    return d && d->n_fields == 1 && d->fields[0].label == PROTOBUF_C_LABEL_REPEATED &&
           strcmp (d->fields[0].name, "values") == 0;
}

/* A value wrapper (see pbjson.h): a message whose only field is a singular
 * scalar `value`; it stands for a JSON scalar, or null, whose presence
 * matters. */
static int is_value_wrapper (const ProtobufCMessageDescriptor *d)
{
    return d && d->n_fields == 1 && d->fields[0].label != PROTOBUF_C_LABEL_REPEATED &&
           d->fields[0].type != PROTOBUF_C_TYPE_MESSAGE && strcmp (d->fields[0].name, "value") == 0;
}

/* A new sub-message for field f, decoded from `j`; on failure *out is
 * NULL and nothing is left allocated. */
static int decode_child (dctx *c, const ProtobufCFieldDescriptor *f, json_t *j,
                         ProtobufCMessage **out)
{
    *out = NULL;
    const ProtobufCMessageDescriptor *cd = f->descriptor;
    int wrapper = is_list_wrapper (cd), scalar = is_value_wrapper (cd);
    if (!scalar && (wrapper ? !json_is_array (j) : !json_is_object (j)))
        return fail (c, "%s", wrapper ? MSG_NOT_ARRAY : MSG_NOT_OBJECT);
    ProtobufCMessage *child = loa_pbjson_new (f->descriptor);
    if (!child)
        return fail (c, "%s", MSG_NO_MEMORY);
    /* A value wrapper: null leaves `value` at its default (given, empty). */
    int rc = scalar    ? (json_is_null (j) ? 0 : decode_field (c, child, cd->fields, j))
             : wrapper ? decode_repeated (c, child, cd->fields, j)
                       : decode_object (c, child, j);
    if (rc != 0) {
        protobuf_c_message_free_unpacked (child, NULL);
        return -1;
    }
    *out = child;
    return 0;
}

static int decode_repeated (dctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                            json_t *j)
{
    if (!json_is_array (j))
        return fail (c, "%s", MSG_NOT_ARRAY);
    size_t count = json_array_size (j);
    size_t *n = quantifier (msg, f);
    void **arr = member (msg, f);
    if (*n || *arr)
        return fail (c, "%s", MSG_NOT_ARRAY); /* a fresh message has none */
    if (count == 0)
        return 0;
    size_t sz = elem_size (f->type);
    /* n counts the elements stored so far, so a failure half-way leaves a
     * message that protobuf_c_message_free_unpacked frees exactly. */
    *arr = calloc (count, sz);
    if (!*arr)
        return fail (c, "%s", MSG_NO_MEMORY);
    for (size_t i = 0; i < count; i++) {
        size_t mark = path_push_index (c, i);
        json_t *e = json_array_get (j, i);
        pbval v;
        memset (&v, 0, sizeof v);
        int rc = f->type == PROTOBUF_C_TYPE_MESSAGE ? decode_child (c, f, e, &v.m)
                                                    : value_from_json (c, f, e, &v);
        if (rc != 0)
            return -1;
        put_value ((char *) *arr + i * sz, f->type, &v);
        (*n)++;
        path_pop (c, mark);
    }
    return 0;
}

static int decode_field (dctx *c, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                         json_t *j)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return decode_repeated (c, msg, f, j);
    pbval v;
    memset (&v, 0, sizeof v);
    int rc = f->type == PROTOBUF_C_TYPE_MESSAGE ? decode_child (c, f, j, &v.m)
                                                : value_from_json (c, f, j, &v);
    if (rc != 0)
        return -1;
    store_singular (msg, f, &v);
    return 0;
}

static int decode_object (dctx *c, ProtobufCMessage *msg, json_t *obj)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    if (++c->depth > PBJSON_MAX_DEPTH)
        return fail (c, "%s", MSG_TOO_DEEP);
    const char *key;
    json_t *value;
    json_object_foreach (obj, key, value)
    {
        size_t mark = path_push_key (c, key);
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name (desc, key);
        if (!f)
            return fail (c, "%s", MSG_UNKNOWN);
        /* null means "not given", as for an absent key; but for a value
         * wrapper it is given, empty (e.g. "clear the embargo"). */
        if (json_is_null (value) &&
            !(f->type == PROTOBUF_C_TYPE_MESSAGE && f->label != PROTOBUF_C_LABEL_REPEATED &&
              is_value_wrapper (f->descriptor))) {
            path_pop (c, mark);
            continue;
        }
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t which = *(uint32_t *) quantifier (msg, f);
            if (which != 0 && which != f->id) {
                const ProtobufCFieldDescriptor *other =
                    protobuf_c_message_descriptor_get_field (desc, which);
                return fail (c, "không được đặt cùng với \"%s\"", other ? other->name : "?");
            }
        }
        if (decode_field (c, msg, f, value) != 0)
            return -1;
        path_pop (c, mark);
    }
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = desc->fields + i;
        if (f->label != PROTOBUF_C_LABEL_REQUIRED || f->default_value)
            continue;
        json_t *v = json_object_get (obj, f->name);
        if (!v || json_is_null (v)) {
            size_t mark = path_push_key (c, f->name);
            fail (c, "%s", MSG_REQUIRED);
            path_pop (c, mark);
            return -1;
        }
    }
    c->depth--;
    return 0;
}

ProtobufCMessage *loa_pbjson_new (const ProtobufCMessageDescriptor *desc)
{
    assert (desc && desc->magic == PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC);
    /* malloc, because protobuf_c_message_free_unpacked (msg, NULL) frees
     * with the system allocator. */
    ProtobufCMessage *msg = malloc (desc->sizeof_message);
    if (msg)
        protobuf_c_message_init (desc, msg);
    return msg;
}

ProtobufCMessage *loa_pbjson_decode (const ProtobufCMessageDescriptor *desc, json_t *json,
                                     loa_pbjson_error *err)
{
    loa_pbjson_error scratch = {.field = ""};
    dctx c = {.err = err ? err : &scratch};
    c.err->field[0] = c.err->message[0] = '\0';
    if (json && !json_is_object (json)) {
        fail (&c, "%s JSON", MSG_NOT_OBJECT);
        return NULL;
    }
    ProtobufCMessage *msg = loa_pbjson_new (desc);
    if (!msg) {
        fail (&c, "%s", MSG_NO_MEMORY);
        return NULL;
    }
    if (json && decode_object (&c, msg, json) != 0) {
        protobuf_c_message_free_unpacked (msg, NULL);
        return NULL;
    }
    return msg;
}

int loa_pbjson_set_string (ProtobufCMessage *msg, const char *field, const char *value,
                           loa_pbjson_error *err)
{
    loa_pbjson_error scratch = {.field = ""};
    dctx c = {.err = err ? err : &scratch};
    c.err->field[0] = c.err->message[0] = '\0';
    if (!msg || !field)
        return fail (&c, "%s", MSG_UNKNOWN);
    path_push_key (&c, field);
    /* Resolve "a.b.c" on the descriptors and parse the value first, so that
     * a bad path or value leaves the message as it was. */
    const ProtobufCFieldDescriptor *chain[PBJSON_MAX_DEPTH];
    size_t depth = 0;
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    const ProtobufCFieldDescriptor *f = NULL;
    for (const char *seg = field;;) {
        const char *dot = strchr (seg, '.');
        size_t len = dot ? (size_t) (dot - seg) : strlen (seg);
        char name[128];
        if (len == 0 || len >= sizeof name)
            return fail (&c, "%s", MSG_UNKNOWN);
        memcpy (name, seg, len);
        name[len] = '\0';
        f = protobuf_c_message_descriptor_get_field_by_name (desc, name);
        if (!f)
            return fail (&c, "%s", MSG_UNKNOWN);
        if (!dot)
            break;
        if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->label == PROTOBUF_C_LABEL_REPEATED ||
            depth == PBJSON_MAX_DEPTH)
            return fail (&c, "%s", MSG_UNKNOWN);
        chain[depth++] = f;
        desc = f->descriptor;
        seg = dot + 1;
    }
    if (!value)
        return fail (&c, "%s", MSG_NOT_STRING);
    pbval v;
    if (value_from_text (&c, f, value, &v) != 0)
        return -1;
    for (size_t i = 0; i < depth; i++) {
        const ProtobufCFieldDescriptor *hop = chain[i];
        ProtobufCMessage *sub = *(ProtobufCMessage **) member (msg, hop);
        int selected = !(hop->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
                       *(uint32_t *) quantifier (msg, hop) == hop->id;
        if (!sub || !selected || sub == hop->default_value) {
            pbval m = {.m = loa_pbjson_new (hop->descriptor)};
            if (!m.m) {
                value_free (f->type, &v);
                return fail (&c, "%s", MSG_NO_MEMORY);
            }
            store_singular (msg, hop, &m);
            sub = m.m;
        }
        msg = sub;
    }
    if (f->label != PROTOBUF_C_LABEL_REPEATED) {
        store_singular (msg, f, &v);
        return 0;
    }
    if (append_repeated (msg, f, &v) != 0) {
        value_free (f->type, &v);
        return fail (&c, "%s", MSG_NO_MEMORY);
    }
    return 0;
}

/* ------------------------------------------------------------ encode */

/* The double nearest the shortest decimal that reads back as the same
 * float: 0.1f becomes the double 0.1, not 0.100000001490116... */
static double float_for_json (float x)
{
    char buf[32];
    for (int prec = 6; prec <= 9; prec++) {
        snprintf (buf, sizeof buf, "%.*g", prec, (double) x);
        double d = strtod (buf, NULL);
        if ((float) d == x)
            return d;
    }
    return x;
}

static json_t *real_to_json (double d)
{
    if (isnan (d))
        return json_string ("NaN");
    if (isinf (d))
        return json_string (d > 0 ? "Infinity" : "-Infinity");
    return json_real (d);
}

static json_t *string_to_json (const char *s)
{
    if (!s)
        return json_string ("");
    size_t n = strlen (s);
    if (utf8_valid ((const unsigned char *) s, n))
        return json_stringn_nocheck (s, n);
    char *clean = utf8_sanitize (s, n);
    json_t *j = clean ? json_string_nocheck (clean) : NULL;
    free (clean);
    return j;
}

static json_t *encode_message (const ProtobufCMessage *msg, int depth);
static json_t *encode_repeated (const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                                int depth);

/* The JSON of one value of field f stored at `p`. */
static json_t *encode_value (const ProtobufCFieldDescriptor *f, const void *p, int depth)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: return json_integer (*(const int32_t *) p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: return json_integer (*(const uint32_t *) p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: return json_integer (*(const int64_t *) p);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: {
        /* json_int_t is long long: larger values go out as a decimal
         * string, which the decoder accepts back. */
        uint64_t u = *(const uint64_t *) p;
        if (u <= (uint64_t) LLONG_MAX)
            return json_integer ((json_int_t) u);
        char buf[24];
        snprintf (buf, sizeof buf, "%" PRIu64, u);
        return json_string (buf);
    }
    case PROTOBUF_C_TYPE_FLOAT: {
        float x = *(const float *) p;
        return isfinite (x) ? json_real (float_for_json (x)) : real_to_json (x);
    }
    case PROTOBUF_C_TYPE_DOUBLE: return real_to_json (*(const double *) p);
    case PROTOBUF_C_TYPE_BOOL: return json_boolean (*(const protobuf_c_boolean *) p);
    case PROTOBUF_C_TYPE_ENUM: {
        int e = *(const int *) p;
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value (f->descriptor, e);
        if (!ev) /* a value newer than our .proto: keep the number */
            return json_integer (e);
        char name[128];
        size_t i = 0;
        for (; ev->name[i] && i + 1 < sizeof name; i++) {
            char ch = ev->name[i];
            name[i] = ch >= 'A' && ch <= 'Z' ? (char) (ch - 'A' + 'a') : ch;
        }
        name[i] = '\0';
        return json_string (name);
    }
    case PROTOBUF_C_TYPE_STRING: return string_to_json (*(char *const *) p);
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *bd = p;
        char *b64 = base64_encode (bd->data, bd->data ? bd->len : 0);
        json_t *j = b64 ? json_string_nocheck (b64) : NULL;
        free (b64);
        return j;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *) p;
        if (m && is_list_wrapper (m->descriptor))
            return encode_repeated (m, m->descriptor->fields, depth + 1);
        if (m && is_value_wrapper (m->descriptor)) {
            const ProtobufCFieldDescriptor *vf = m->descriptor->fields;
            const void *vp = (const char *) m + vf->offset;
            if (vf->type == PROTOBUF_C_TYPE_STRING && !*(char *const *) vp)
                return json_null ();
            return encode_value (vf, vp, depth + 1);
        }
        return m ? encode_message (m, depth + 1) : json_null ();
    }
    }
    return NULL;
}

/* Whether a singular field is written: see the mapping in pbjson.h. */
static int field_present (const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    const void *p = member (msg, f);
    int pointer = f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        if (*(const uint32_t *) quantifier (msg, f) != f->id)
            return 0;
        return !pointer || *(void *const *) p != NULL;
    }
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(void *const *) p != NULL;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL) {
        if (pointer) /* protobuf-c's own rule: the default pointer is "unset" */
            return *(void *const *) p != NULL && *(void *const *) p != f->default_value;
        return *(const protobuf_c_boolean *) quantifier (msg, f);
    }
    return 1; /* REQUIRED, or a proto3 scalar without presence */
}

/* The JSON array of repeated field f. */
static json_t *encode_repeated (const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                                int depth)
{
    size_t n = *(const size_t *) quantifier (msg, f);
    const char *arr = *(char *const *) member (msg, f);
    size_t sz = elem_size (f->type);
    json_t *j = json_array ();
    for (size_t k = 0; j && arr && k < n; k++) {
        json_t *e = encode_value (f, arr + k * sz, depth);
        if (!e || json_array_append_new (j, e) != 0) {
            json_decref (j);
            j = NULL;
        }
    }
    return j;
}

static json_t *encode_message (const ProtobufCMessage *msg, int depth)
{
    if (depth > PBJSON_MAX_DEPTH)
        return NULL;
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    json_t *obj = json_object ();
    if (!obj)
        return NULL;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = desc->fields + i;
        json_t *j;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            j = encode_repeated (msg, f, depth);
        } else if (field_present (msg, f)) {
            j = encode_value (f, member (msg, f), depth);
        } else {
            continue;
        }
        if (!j || json_object_set_new_nocheck (obj, f->name, j) != 0) {
            json_decref (obj);
            return NULL;
        }
    }
    return obj;
}

json_t *loa_pbjson_encode (const ProtobufCMessage *msg)
{
    if (!msg)
        return NULL;
    return encode_message (msg, 0);
}

/* ------------------------------------------------------------ write */

/* The writer gives, byte for byte, what json_dumps (loa_pbjson_encode (msg),
 * JSON_COMPACT) gives (jansson 2.14's dump.c: keys in insertion order, which
 * is .proto number order; "\\u%04X" for other control characters; '/' and
 * non-ASCII as they are), without the tree: on the gateway's uncached reads
 * building and freeing a json_t per field was a fifth of its CPU. */

/* UTF-8 by a table-driven automaton, one load per byte and no branch on
 * what the byte is (utf8_valid's rules: no overlong forms, no surrogates,
 * at most U+10FFFF). A byte's class: 0 ASCII, 1 80-8F, 2 90-9F, 3 A0-BF
 * (continuations, split where a second byte's range decides), 4 never in
 * UTF-8 (C0, C1, F5-FF), 5 C2-DF, 6 E0, 7 E1-EC EE EF, 8 ED, 9 F0, 10 F1-F3,
 * 11 F4. States are multiples of 12 (rows of u8_next): U8_OK between
 * characters, U8_BAD for good, and what the next bytes must be. */
enum {
    U8_OK = 0,
    U8_BAD = 12,
    U8_NEED1 = 24, /* one continuation */
    U8_NEED2 = 36,
    U8_NEED3 = 48,
    U8_E0 = 60, /* A0-BF, then one: below is overlong */
    U8_ED = 72, /* 80-9F, then one: above are surrogates */
    U8_F0 = 84, /* 90-BF, then two: below is overlong */
    U8_F4 = 96, /* 80-8F, then two: above is past U+10FFFF */
};
static const unsigned char u8_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  1,  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  2,  2,  2,  2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  3,  3,  3,  3, 3, 3, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5,  5,  5,  5,  5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 8, 7, 7, 9, 10, 10, 10, 11, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};
/* One row per state, one column per class (0 to 11). */
/* clang-format off */
static const unsigned char u8_next[108] = {
    U8_OK,    U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_NEED1, U8_E0,    U8_NEED2, U8_ED,    U8_F0,    U8_NEED3, U8_F4,
    U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,
    U8_BAD,   U8_OK,    U8_OK,    U8_OK,    U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,
    U8_BAD,   U8_NEED1, U8_NEED1, U8_NEED1, U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,
    U8_BAD,   U8_NEED2, U8_NEED2, U8_NEED2, U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,
    U8_BAD,   U8_BAD,   U8_BAD,   U8_NEED1, U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,
    U8_BAD,   U8_NEED1, U8_NEED1, U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,
    U8_BAD,   U8_BAD,   U8_NEED2, U8_NEED2, U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,
    U8_BAD,   U8_NEED2, U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,   U8_BAD,
};
/* clang-format on */
/* What escaping adds to an ASCII character in JSON: 1 for the two-character
 * escapes (\" \\ \b \f \n \r \t), 5 for \u00XX. */
static const unsigned char json_escape_extra[128] = {
    5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The length of s[0..n) as a JSON string, quotes included, or 0 when it is
 * not well-formed UTF-8. Vietnamese text has a multi-byte character every
 * few bytes: a branch on each (or a call) made this a tenth of the
 * gateway's CPU on an uncached article; the automaton takes a third of the
 * time of the byte-wise check it replaced. */
static size_t json_string_len (const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t len = n + 2, i = 0;
    unsigned state = U8_OK;
    while (i < n) {
        /* Between characters, eight bytes at a time while none is past
         * ASCII, below 0x20, '"' or '\\' (the classic bit tricks: a high
         * bit of m marks such a byte, exactly for the lowest one), then
         * straight to the first that is. */
        if (state == U8_OK && n - i >= 8) {
            uint64_t w;
            memcpy (&w, s + i, 8);
            uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');
            uint64_t m = (w | ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
                          ((slash - ones) & ~slash)) &
                         highs;
            if (!m) {
                i += 8;
                continue;
            }
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            i += (size_t) __builtin_clzll (m) >> 3; /* the first byte is the highest */
#else
            i += (size_t) __builtin_ctzll (m) >> 3; /* the first byte is the lowest */
#endif
        }
        unsigned char b = s[i++];
        state = u8_next[state + u8_class[b]];
        if (b < 0x80)
            len += json_escape_extra[b];
    }
    return state == U8_OK ? len : 0;
}

/* Writes s[0..n) as a JSON string of json_string_len's `len` bytes at o. */
static void write_json_string (char *o, const char *s, size_t n, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    *o++ = '"';
    if (len == n + 2) { /* nothing to escape: the common case */
        memcpy (o, s, n);
        o[n] = '"';
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char) s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') {
            *o++ = (char) ch;
            continue;
        }
        *o++ = '\\';
        switch (ch) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o = '"';
}

static void put_string (loa_buf *b, const char *s)
{
    if (!s) {
        loa_buf_add (b, "\"\"", 2);
        return;
    }
    size_t n = strlen (s);
    size_t len = json_string_len ((const unsigned char *) s, n);
    if (len) {
        char *o = loa_buf_extend (b, len);
        if (o)
            write_json_string (o, s, n, len);
        return;
    }
    char *clean = utf8_sanitize (s, n);
    if (!clean) {
        b->failed = 1;
        return;
    }
    n = strlen (clean);
    len = json_string_len ((const unsigned char *) clean, n);
    char *o = len ? loa_buf_extend (b, len) : NULL;
    if (o)
        write_json_string (o, clean, n, len);
    else if (!len)
        b->failed = 1;
    free (clean);
}

/* An integer in decimal, quoted or not, without printf's machinery (a page
 * of twenty articles has a hundred of them). */
static void put_integer (loa_buf *b, int negative, uint64_t magnitude, int quoted)
{
    char text[24];
    char *end = text + sizeof text, *p = end;
    if (quoted)
        *--p = '"';
    do {
        *--p = (char) ('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (negative)
        *--p = '-';
    if (quoted)
        *--p = '"';
    loa_buf_add (b, p, (size_t) (end - p));
}

static void put_signed (loa_buf *b, int64_t v)
{
    put_integer (b, v < 0, v < 0 ? (uint64_t) 0 - (uint64_t) v : (uint64_t) v, 0);
}

/* A real as jansson writes it (its precision and exponent rules), through
 * jansson itself: reals are rare in Loa's messages. */
static void put_real (loa_buf *b, double d)
{
    if (isnan (d) || isinf (d)) {
        loa_buf_puts (b, isnan (d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    json_t *j = json_real (d);
    char text[64];
    size_t n = j ? json_dumpb (j, text, sizeof text, JSON_ENCODE_ANY) : 0;
    json_decref (j);
    if (n == 0 || n > sizeof text)
        b->failed = 1;
    else
        loa_buf_add (b, text, n);
}

static int write_message (loa_buf *b, const ProtobufCMessage *msg, int depth);
static int write_repeated (loa_buf *b, const ProtobufCMessage *msg,
                           const ProtobufCFieldDescriptor *f, int depth);

static int write_value (loa_buf *b, const ProtobufCFieldDescriptor *f, const void *p, int depth)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: put_signed (b, *(const int32_t *) p); return 0;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: put_integer (b, 0, *(const uint32_t *) p, 0); return 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: put_signed (b, *(const int64_t *) p); return 0;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: {
        uint64_t u = *(const uint64_t *) p;
        put_integer (b, 0, u, u > (uint64_t) LLONG_MAX);
        return 0;
    }
    case PROTOBUF_C_TYPE_FLOAT: {
        float x = *(const float *) p;
        put_real (b, isfinite (x) ? float_for_json (x) : (double) x);
        return 0;
    }
    case PROTOBUF_C_TYPE_DOUBLE: put_real (b, *(const double *) p); return 0;
    case PROTOBUF_C_TYPE_BOOL:
        if (*(const protobuf_c_boolean *) p)
            loa_buf_add (b, "true", 4);
        else
            loa_buf_add (b, "false", 5);
        return 0;
    case PROTOBUF_C_TYPE_ENUM: {
        int e = *(const int *) p;
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value (f->descriptor, e);
        if (!ev) {
            put_signed (b, e);
            return 0;
        }
        char name[130];
        size_t i = 0;
        name[i++] = '"';
        for (size_t k = 0; k < 127 && ev->name[k]; k++) {
            char ch = ev->name[k];
            name[i++] = ch >= 'A' && ch <= 'Z' ? (char) (ch - 'A' + 'a') : ch;
        }
        name[i++] = '"';
        loa_buf_add (b, name, i);
        return 0;
    }
    case PROTOBUF_C_TYPE_STRING: put_string (b, *(char *const *) p); return 0;
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *bd = p;
        char *b64 = base64_encode (bd->data, bd->data ? bd->len : 0);
        if (!b64)
            return -1;
        loa_buf_add (b, "\"", 1);
        loa_buf_puts (b, b64);
        loa_buf_add (b, "\"", 1);
        free (b64);
        return 0;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *) p;
        if (!m) {
            loa_buf_add (b, "null", 4);
            return 0;
        }
        if (is_list_wrapper (m->descriptor))
            return write_repeated (b, m, m->descriptor->fields, depth + 1);
        if (is_value_wrapper (m->descriptor)) {
            const ProtobufCFieldDescriptor *vf = m->descriptor->fields;
            const void *vp = (const char *) m + vf->offset;
            if (vf->type == PROTOBUF_C_TYPE_STRING && !*(char *const *) vp) {
                loa_buf_add (b, "null", 4);
                return 0;
            }
            return write_value (b, vf, vp, depth + 1);
        }
        return write_message (b, m, depth + 1);
    }
    }
    return -1;
}

static int write_repeated (loa_buf *b, const ProtobufCMessage *msg,
                           const ProtobufCFieldDescriptor *f, int depth)
{
    size_t n = *(const size_t *) quantifier (msg, f);
    const char *arr = *(char *const *) member (msg, f);
    size_t sz = elem_size (f->type);
    loa_buf_add (b, "[", 1);
    for (size_t k = 0; arr && k < n; k++) {
        if (k)
            loa_buf_add (b, ",", 1);
        if (write_value (b, f, arr + k * sz, depth) != 0)
            return -1;
    }
    loa_buf_add (b, "]", 1);
    return 0;
}

static int write_message (loa_buf *b, const ProtobufCMessage *msg, int depth)
{
    if (depth > PBJSON_MAX_DEPTH)
        return -1;
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    int first = 1;
    loa_buf_add (b, "{", 1);
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = desc->fields + i;
        int repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        if (!repeated && !field_present (msg, f))
            continue;
        /* ,"name": (a .proto name: letters, digits and '_', nothing to escape) */
        size_t name_len = strlen (f->name);
        char *o = loa_buf_extend (b, name_len + 3 + !first);
        if (!o)
            return -1;
        if (!first)
            *o++ = ',';
        first = 0;
        *o++ = '"';
        memcpy (o, f->name, name_len);
        o[name_len] = '"';
        o[name_len + 1] = ':';
        if ((repeated ? write_repeated (b, msg, f, depth)
                      : write_value (b, f, member (msg, f), depth)) != 0)
            return -1;
    }
    loa_buf_add (b, "}", 1);
    return 0;
}

int loa_pbjson_write (const ProtobufCMessage *msg, loa_buf *out)
{
    if (!msg)
        return -1;
    size_t start = out->len;
    if (write_message (out, msg, 0) != 0 || out->failed) {
        if (!out->failed && out->data) { /* drop the partial document */
            out->len = start;
            out->data[start] = '\0';
        }
        return -1;
    }
    return 0;
}
