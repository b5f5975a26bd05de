#include "media/media_feed.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xml.h"

static const unsigned char cursor_key[16] = "loa-feed-cursor";

static void check_of (const unsigned char pos[8], unsigned char out[4])
{
    crypto_generichash (out, 4, pos, 8, cursor_key, sizeof cursor_key);
}

void gw_feed_cursor_encode (int64_t pos, char out[GW_FEED_CURSOR_MAX])
{
    unsigned char raw[12];
    uint64_t v = (uint64_t) (pos < 0 ? 0 : pos);
    for (int i = 7; i >= 0; i--, v >>= 8)
        raw[i] = (unsigned char) (v & 0xff);
    check_of (raw, raw + 8);
    sodium_bin2base64 (out, GW_FEED_CURSOR_MAX, raw, sizeof raw,
                       sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int gw_feed_cursor_decode (const char *cursor, int64_t *pos)
{
    *pos = 0;
    if (!cursor || !*cursor)
        return 0;
    unsigned char raw[12], check[4];
    size_t n = 0;
    const char *end = NULL;
    /* Only the URL-safe alphabet: libsodium 1.0.18 reads any byte from
     * 0x80 up as a base64 digit, so "AAAAAAAAACoWtZ\xb3l" decoded as the
     * cursor "AAAAAAAAACoWtZ_l" (one position, many spellings). */
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if (strlen (cursor) != 16 || strspn (cursor, alphabet) != 16 ||
        sodium_base642bin (raw, sizeof raw, cursor, 16, NULL, &n, &end,
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != sizeof raw || (end && *end))
        return -1;
    check_of (raw, check);
    if (sodium_memcmp (check, raw + 8, 4) != 0)
        return -1;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | raw[i];
    if (v > INT64_MAX)
        return -1;
    *pos = (int64_t) v;
    return 0;
}

int gw_feed_rfc822 (const char *s, char *out, size_t cap)
{
    int y, mo, d, h, mi, sec;
    char zone[8] = "";
    /* Digits where RFC 3339 has them: sscanf alone took "-022" for a year
     * (and a sign or blanks in any field), and a negative year made a
     * negative day of the week, an index before days[]. */
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    for (size_t i = 0; s && i < sizeof shape - 1; i++)
        if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
            return -1;
    if (!s || sscanf (s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6 ||
        strlen (s) < 20 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    const char *z = s + 19;
    if (*z == '.')
        for (z++; *z >= '0' && *z <= '9'; z++)
            ;
    if (*z == 'Z' || *z == 'z')
        snprintf (zone, sizeof zone, "+0000");
    else if ((*z == '+' || *z == '-') && strlen (z) == 6 && z[3] == ':')
        snprintf (zone, sizeof zone, "%c%c%c%c%c", z[0], z[1], z[2], z[4], z[5]);
    else
        return -1;
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    /* Sakamoto's day of the week. */
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int yy = (mo < 3 ? y - 1 : y) + 400; /* same days of the week, never negative (year 0) */
    int wd = (yy + yy / 4 - yy / 100 + yy / 400 + t[mo - 1] + d) % 7;
    snprintf (out, cap, "%s, %02d %s %04d %02d:%02d:%02d %s", days[wd], d, months[mo - 1], y, h, mi,
              sec, zone);
    return 0;
}

static const char *str (const json_t *o, const char *key)
{
    const char *s = json_string_value (json_object_get (o, key));
    return s ? s : "";
}

/* The first value of an array of {value} (headlines, descriptions). */
static const char *first_value (const json_t *doc, const char *key)
{
    return str (json_array_get (json_object_get (doc, key), 0), "value");
}

/* The ninjs document's own URL. */
static void doc_url (const json_t *doc, const gw_feed_links *l, char *out, size_t cap)
{
    const char *uri = str (doc, "uri"), *id = strrchr (uri, ':');
    snprintf (out, cap, "%s/api/v1/media/packages/%s/versions/%s", l->base_url, id ? id + 1 : "0",
              str (doc, "version"));
}

static void entry_id (const json_t *doc, char *out, size_t cap)
{
    snprintf (out, cap, "%s:v%s", str (doc, "uri"), str (doc, "version"));
}

static void link_el (gw_xml *x, const char *name, const char *rel, const char *href,
                     const char *type, const char *length)
{
    const char *a[] = {"rel", rel, "href", href, "type", type, "length", length, NULL};
    gw_xml_open_attrs (x, name, a, 1);
}

/* An entry's summary: a canceled version's reason, else its description. */
static const char *summary_of (const json_t *doc)
{
    return strcmp (str (doc, "pubStatus"), "canceled") == 0 ? str (doc, "edNote")
                                                            : first_value (doc, "descriptions");
}

/* A rendition's sizeInBytes as text (an attribute's value). */
static void size_text (const json_t *r, char out[24])
{
    snprintf (out, 24, "%lld", (long long) json_integer_value (json_object_get (r, "sizeInBytes")));
}

char *gw_feed_atom (const json_t *items, const gw_feed_links *l, size_t *len)
{
    gw_xml *x = gw_xml_new ();
    if (!x)
        return NULL;
    char url[1024];
    const char *root[] = {"xmlns", "http://www.w3.org/2005/Atom", NULL};
    gw_xml_open_attrs (x, "feed", root, 0);
    gw_xml_text (x, "id", l->feed_id);
    gw_xml_text (x, "title", "Loa: gói tin cho đơn vị nhận tin");
    size_t n = json_array_size (items);
    gw_xml_text (x, "updated",
                 n ? str (json_array_get (items, n - 1), "versionCreated") : l->updated);
    gw_xml_open (x, "author");
    gw_xml_text (x, "name", "Loa");
    gw_xml_close (x);
    snprintf (url, sizeof url, "%s%s", l->base_url, l->self);
    link_el (x, "link", "self", url, "application/atom+xml", NULL);
    snprintf (url, sizeof url, "%s%s", l->base_url, l->next);
    link_el (x, "link", "next", url, "application/atom+xml", NULL);
    for (size_t i = 0; i < n; i++) {
        const json_t *doc = json_array_get (items, i);
        char id[512];
        gw_xml_open (x, "entry");
        entry_id (doc, id, sizeof id);
        gw_xml_text (x, "id", id);
        gw_xml_text (x, "title", first_value (doc, "headlines"));
        gw_xml_text (x, "updated", str (doc, "versionCreated"));
        doc_url (doc, l, url, sizeof url);
        link_el (x, "link", "alternate", url, "application/json", NULL);
        const char *summary = summary_of (doc);
        if (*summary)
            gw_xml_text (x, "summary", summary);
        const json_t *r;
        size_t k;
        json_array_foreach (json_object_get (doc, "renditions"), k, r)
        {
            char size[24];
            size_text (r, size);
            link_el (x, "link", "enclosure", str (r, "href"), str (r, "contentType"), size);
        }
        gw_xml_close (x);
    }
    return gw_xml_finish (&x, len);
}

char *gw_feed_rss (const json_t *items, const gw_feed_links *l, size_t *len)
{
    gw_xml *x = gw_xml_new ();
    if (!x)
        return NULL;
    char url[1024], date[64];
    const char *root[] = {"version",     "2.0",
                          "xmlns:media", "http://search.yahoo.com/mrss/",
                          "xmlns:atom",  "http://www.w3.org/2005/Atom",
                          NULL};
    gw_xml_open_attrs (x, "rss", root, 0);
    gw_xml_open (x, "channel");
    gw_xml_text (x, "title", "Loa: gói tin cho đơn vị nhận tin");
    snprintf (url, sizeof url, "%s%s", l->base_url, l->self);
    gw_xml_text (x, "link", url);
    gw_xml_text (x, "description", "Các phiên bản gói tin dành cho đơn vị, cũ nhất trước");
    gw_xml_text (x, "language", "vi");
    link_el (x, "atom:link", "self", url, "application/rss+xml", NULL);
    snprintf (url, sizeof url, "%s%s", l->base_url, l->next);
    link_el (x, "atom:link", "next", url, "application/rss+xml", NULL);
    size_t n = json_array_size (items);
    for (size_t i = 0; i < n; i++) {
        const json_t *doc = json_array_get (items, i);
        char id[512];
        gw_xml_open (x, "item");
        gw_xml_text (x, "title", first_value (doc, "headlines"));
        doc_url (doc, l, url, sizeof url);
        gw_xml_text (x, "link", url);
        entry_id (doc, id, sizeof id);
        const char *g[] = {"isPermaLink", "false", NULL};
        gw_xml_text_attrs (x, "guid", g, id);
        if (gw_feed_rfc822 (str (doc, "versionCreated"), date, sizeof date) == 0)
            gw_xml_text (x, "pubDate", date);
        const char *summary = summary_of (doc);
        if (*summary)
            gw_xml_text (x, "description", summary);
        const json_t *r;
        size_t k;
        json_array_foreach (json_object_get (doc, "renditions"), k, r)
        {
            char size[24];
            size_text (r, size);
            const char *a[] = {
                "url", str (r, "href"), "type", str (r, "contentType"), "fileSize", size, NULL};
            gw_xml_open_attrs (x, "media:content", a, 1);
        }
        gw_xml_close (x);
    }
    return gw_xml_finish (&x, len);
}

/* ------------------------------------------------------------ ninjs versions */

static const struct {
    const char *name, *schema;
} ninjs_versions[] = {
    {"3.2", "http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json#"},
    {"2.3", "http://www.iptc.org/std/ninjs/ninjs-schema_2.3.json#"},
};

const char *gw_ninjs_name (gw_ninjs_version v)
{
    return v == GW_NINJS_2_3 ? ninjs_versions[1].name : ninjs_versions[0].name;
}

const char *gw_ninjs_schema (gw_ninjs_version v)
{
    return v == GW_NINJS_2_3 ? ninjs_versions[1].schema : ninjs_versions[0].schema;
}

/* The version named `s` (n bytes), or -1. */
static int version_named (const char *s, size_t n)
{
    for (int i = 0; i < 2; i++)
        if (strlen (ninjs_versions[i].name) == n && strncmp (s, ninjs_versions[i].name, n) == 0)
            return i;
    return -1;
}

/* The version whose schema $id is the URI `s` (n bytes): http or https,
 * with or without the trailing "#"; else -1. */
static int version_of_profile (const char *s, size_t n)
{
    if (n >= 8 && strncasecmp (s, "https://", 8) == 0)
        s += 8, n -= 8;
    else if (n >= 7 && strncasecmp (s, "http://", 7) == 0)
        s += 7, n -= 7;
    else
        return -1;
    if (n && s[n - 1] == '#')
        n--;
    for (int i = 0; i < 2; i++) {
        const char *id = ninjs_versions[i].schema + 7; /* after "http://" */
        if (strlen (id) - 1 == n && strncmp (s, id, n) == 0)
            return i;
    }
    return -1;
}

static const char *skip_ows (const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* The end of a token or quoted string starting at p (quotes kept). */
static const char *value_end (const char *p, const char *end)
{
    if (p < end && *p == '"') {
        for (p++; p < end && *p != '"'; p++)
            if (*p == '\\' && p + 1 < end)
                p++;
        return p < end ? p + 1 : end;
    }
    while (p < end && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
        p++;
    return p;
}

/* One media range [p, end): whether it is JSON, its q (0..1000), and the
 * version it names: -1 none, -2 only versions not served, else 0 or 1. */
static void media_range (const char *p, const char *end, int *json, int *q, int *version)
{
    p = skip_ows (p, end);
    const char *t = p;
    while (p < end && *p != ';' && *p != ' ' && *p != '\t')
        p++;
    size_t tn = (size_t) (p - t);
    *json = (tn == 16 && strncasecmp (t, "application/json", 16) == 0) ||
            (tn == 13 && strncasecmp (t, "application/*", 13) == 0) ||
            (tn == 3 && strncmp (t, "*/*", 3) == 0);
    *q = 1000;
    *version = -1;
    while (p < end) {
        p = skip_ows (p, end);
        if (p >= end || *p != ';')
            break;
        p = skip_ows (p + 1, end);
        const char *k = p;
        while (p < end && *p != '=' && *p != ';')
            p++;
        size_t kn = (size_t) (p - k);
        while (kn && (k[kn - 1] == ' ' || k[kn - 1] == '\t'))
            kn--;
        if (p >= end || *p != '=')
            continue;
        const char *v = skip_ows (p + 1, end);
        p = value_end (v, end);
        size_t vn = (size_t) (p - v);
        if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
            v++, vn -= 2;
        if (kn == 1 && (k[0] == 'q' || k[0] == 'Q')) {
            /* "0", "0.5", "1", "1.000": thousandths. */
            int val = 0, scale = 1000;
            size_t i = 0;
            if (i < vn && (v[i] == '0' || v[i] == '1'))
                val = (v[i++] - '0') * 1000;
            if (i < vn && v[i] == '.')
                for (i++; i < vn && v[i] >= '0' && v[i] <= '9' && scale > 1; i++)
                    scale /= 10, val += (v[i] - '0') * scale;
            *q = val > 1000 ? 1000 : val;
        } else if (kn == 7 && strncasecmp (k, "version", 7) == 0) {
            int found = version_named (v, vn);
            *version = found >= 0 ? found : *version >= 0 ? *version : -2;
        } else if (kn == 7 && strncasecmp (k, "profile", 7) == 0) {
            /* RFC 6906: a space-separated list of URIs. */
            for (const char *u = v, *ve = v + vn; u < ve;) {
                while (u < ve && *u == ' ')
                    u++;
                const char *ue = u;
                while (ue < ve && *ue != ' ')
                    ue++;
                if (ue > u) {
                    int found = version_of_profile (u, (size_t) (ue - u));
                    if (found >= 0 && *version < 0)
                        *version = found;
                    else if (found < 0 && *version == -1)
                        *version = -2;
                }
                u = ue;
            }
        }
    }
}

gw_ninjs_version gw_ninjs_negotiate (const char *query, const char *accept)
{
    if (query) {
        int v = version_named (query, strlen (query));
        return v == 1 ? GW_NINJS_2_3 : v == 0 ? GW_NINJS_3_2 : GW_NINJS_BAD_QUERY;
    }
    if (!accept)
        return GW_NINJS_3_2;
    int best = -1, best_q = 0, plain_q = 0, named_unserved = 0;
    const char *p = accept, *end = accept + strlen (accept);
    while (p < end) {
        /* A range ends at a comma outside quotes. */
        const char *r = p;
        int quoted = 0;
        for (; p < end && (quoted || *p != ','); p++)
            if (*p == '"')
                quoted = !quoted;
            else if (*p == '\\' && quoted && p + 1 < end)
                p++;
        int json, q, version;
        media_range (r, p, &json, &q, &version);
        if (p < end)
            p++;
        if (!json || q == 0)
            continue;
        if (version == -2)
            named_unserved = 1;
        else if (version < 0)
            plain_q = q > plain_q ? q : plain_q;
        else if (q > best_q)
            best = version, best_q = q;
    }
    if (best >= 0 && best_q >= plain_q)
        return best == 1 ? GW_NINJS_2_3 : GW_NINJS_3_2;
    if (plain_q > 0 || !named_unserved)
        return GW_NINJS_3_2;
    return GW_NINJS_NOT_ACCEPTABLE;
}
