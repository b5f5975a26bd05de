/* fuzz target: the XML writer's escaping (gateway/core/xml.c), which every
 * Open311 XML answer and the Atom and RSS feeds go through, with libxml2
 * as the judge. Two inputs (the first byte chooses):
 * - two texts (split at the first NUL) written as element content and as
 *   attribute values: the document must parse, and each value must read
 *   back as written, but for what XML 1.0 cannot carry (C0 controls other
 *   than tab, newline and CR, U+FFFE, U+FFFF, invalid UTF-8), which reads
 *   back as U+FFFD, one per byte of an invalid sequence;
 * - a JSON array of ninjs documents made into the Atom and RSS feeds
 *   (gw_feed_atom, gw_feed_rss, gateway/media/media_feed.c): both must be
 *   well-formed, whatever strings the documents hold. */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "core/xml.h"
#include "fuzz.h"
#include "loa_text.h"
#include "media/media_feed.h"

static void quiet (void *ctx, const char *msg, ...) { (void) ctx, (void) msg; }

int LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc, (void) argv;
    xmlInitParser ();
    xmlSetGenericErrorFunc (NULL, quiet);
    return 0;
}

static xmlDocPtr parse (const char *doc, size_t len)
{
    return xmlReadMemory (doc, (int) len, "fuzz.xml", "UTF-8",
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* What `s` must read back as: each character XML 1.0 allows as itself,
 * anything else U+FFFD (an invalid sequence one per byte). */
static char *expected (const char *s)
{
    char *out = malloc (3 * strlen (s) + 1);
    FUZZ_CHECK (out != NULL);
    size_t o = 0;
    while (*s) {
        unsigned char c = (unsigned char) *s;
        size_t n = loa_utf8_seq (s);
        uint32_t cp = c;
        if (n == 2)
            cp = (uint32_t) (c & 0x1F) << 6 | ((unsigned char) s[1] & 0x3F);
        else if (n == 3)
            cp = (uint32_t) (c & 0x0F) << 12 | (uint32_t) ((unsigned char) s[1] & 0x3F) << 6 |
                 ((unsigned char) s[2] & 0x3F);
        int allowed = n > 0 && (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && n != 3) ||
                                (n == 3 && cp != 0xFFFE && cp != 0xFFFF));
        if (allowed) {
            memcpy (out + o, s, n);
            o += n;
            s += n;
        } else {
            memcpy (out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            s += n ? n : 1;
        }
    }
    out[o] = '\0';
    return out;
}

static xmlNodePtr child (xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp ((const char *) n->name, name) == 0)
            return n;
    return NULL;
}

static void check_same (xmlChar *got, const char *want, const char *what)
{
    if (!got || strcmp ((const char *) got, want) != 0) {
        fprintf (stderr, "%s reads back as \"%s\", not \"%s\"\n", what,
                 got ? (const char *) got : "(none)", want);
        FUZZ_CHECK (!"the value reads back as written");
    }
    xmlFree (got);
}

static void texts (const uint8_t *data, size_t size)
{
    char *all = fuzz_strndup (data, size);
    const char *a = all, *b = "";
    size_t la = strlen (a);
    if (la < size)
        b = all + la + 1;
    gw_xml *x = gw_xml_new ();
    FUZZ_CHECK (x != NULL);
    const char *root_attrs[] = {"a", a, "skipped", NULL, NULL};
    gw_xml_open_attrs (x, "root", root_attrs, 0);
    gw_xml_text (x, "t", b);
    const char *u_attrs[] = {"b", b, NULL};
    gw_xml_text_attrs (x, "u", u_attrs, a);
    gw_xml_open (x, "deeper");
    gw_xml_int (x, "n", (long long) size);
    gw_xml_bool (x, "yes", 1);
    size_t len = 0;
    char *doc = gw_xml_finish (&x, &len);
    FUZZ_CHECK (doc != NULL && x == NULL && strlen (doc) == len);
    xmlDocPtr d = parse (doc, len);
    if (!d) {
        fprintf (stderr, "not well-formed:\n%s\n", doc);
        FUZZ_CHECK (!"the document is well-formed");
    }
    char *ea = expected (a), *eb = expected (b);
    xmlNodePtr root = xmlDocGetRootElement (d);
    FUZZ_CHECK (root && strcmp ((const char *) root->name, "root") == 0);
    check_same (xmlGetProp (root, (const xmlChar *) "a"), ea, "root's attribute");
    FUZZ_CHECK (!xmlHasProp (root, (const xmlChar *) "skipped"));
    check_same (xmlNodeGetContent (child (root, "t")), eb, "<t>");
    check_same (xmlGetProp (child (root, "u"), (const xmlChar *) "b"), eb, "<u>'s attribute");
    check_same (xmlNodeGetContent (child (root, "u")), ea, "<u>");
    FUZZ_CHECK (child (child (root, "deeper"), "yes") != NULL);
    free (ea);
    free (eb);
    xmlFreeDoc (d);
    free (doc);
    free (all);
}

/* A feed document (Atom or RSS) must parse. */
static void check_feed (char *doc, size_t len)
{
    FUZZ_CHECK (doc != NULL && strlen (doc) == len);
    xmlDocPtr d = parse (doc, len);
    if (!d) {
        fprintf (stderr, "not well-formed:\n%s\n", doc);
        FUZZ_CHECK (!"the feed is well-formed");
    }
    xmlFreeDoc (d);
    free (doc);
}

static void feeds (const uint8_t *data, size_t size)
{
    json_t *items = json_loadb ((const char *) data, size, JSON_ALLOW_NUL, NULL);
    if (!json_is_array (items)) {
        json_decref (items);
        return;
    }
    gw_feed_links links = {"https://loa.example.vn", "/api/v1/media/feed?cursor=AAAA",
                           "/api/v1/media/feed?cursor=BBBB",
                           "urn:loa.example.vn:feed:broadcaster:3", "2022-02-15T08:00:00+07:00"};
    size_t len = 0;
    char *atom = gw_feed_atom (items, &links, &len);
    check_feed (atom, len);
    char *rss = gw_feed_rss (items, &links, &len);
    check_feed (rss, len);
    json_decref (items);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        feeds (data + 1, size - 1);
    else
        texts (data + 1, size - 1);
    return 0;
}
