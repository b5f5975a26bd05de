#include "media_ninjs.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int media_ninjs_uri (char *out, size_t cap, const char *domain, int64_t id)
{
    int n = snprintf (out, cap, "urn:%s:package:%lld", domain, (long long) id);
    return n > 0 && (size_t) n < cap ? 0 : -1;
}

int64_t media_ninjs_uri_id (const char *uri, const char *domain)
{
    size_t dl = strlen (domain);
    if (!uri || strncmp (uri, "urn:", 4) != 0 || strncmp (uri + 4, domain, dl) != 0 ||
        strncmp (uri + 4 + dl, ":package:", 9) != 0)
        return 0;
    const char *d = uri + 4 + dl + 9;
    if (!*d || *d == '0' || strlen (d) > 18)
        return 0;
    for (const char *p = d; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return atoll (d);
}

static const char *extension (const char *mime)
{
    static const struct {
        const char *mime, *ext;
    } map[] = {
        {"image/jpeg", "jpg"},  {"image/png", "png"},  {"image/gif", "gif"},
        {"image/webp", "webp"}, {"video/mp4", "mp4"},  {"video/quicktime", "mov"},
        {"video/webm", "webm"}, {"audio/mpeg", "mp3"},
    };
    for (size_t i = 0; mime && i < sizeof map / sizeof map[0]; i++)
        if (strcmp (mime, map[i].mime) == 0)
            return map[i].ext;
    return "bin";
}

void media_ninjs_rendition_name (char *out, size_t cap, int position, int64_t asset_id,
                                 const char *mime)
{
    snprintf (out, cap, "%d-asset-%lld.%s", position, (long long) asset_id, extension (mime));
}

const char *media_ninjs_type (const media_rendition *r, size_t n)
{
    if (n == 0)
        return "text";
    int pictures = 0, videos = 0;
    for (size_t i = 0; i < n; i++) {
        pictures += strncmp (r[i].mime, "image/", 6) == 0;
        videos += strncmp (r[i].mime, "video/", 6) == 0;
    }
    return (size_t) pictures == n ? "picture" : (size_t) videos == n ? "video" : "composite";
}

static int set_str (json_t *o, const char *key, const char *v)
{
    return json_object_set_new (o, key, json_string (v ? v : ""));
}

/* [{"role": role, "contentType": type, "value": v}] with only the parts given. */
static json_t *one_text (const char *role, const char *type, const char *v)
{
    json_t *o = json_object ();
    if (role)
        set_str (o, "role", role);
    if (type)
        set_str (o, "contentType", type);
    set_str (o, "value", v);
    json_t *a = json_array ();
    json_array_append_new (a, o);
    return a;
}

char *media_ninjs_build (const media_ninjs_input *in)
{
    json_t *doc = json_object ();
    if (!doc)
        return NULL;
    char version[16], id[24];
    snprintf (version, sizeof version, "%d", in->version);
    snprintf (id, sizeof id, "%lld", (long long) in->article_id);
    set_str (doc, "uri", in->uri);
    set_str (doc, "type", media_ninjs_type (in->renditions, in->n_renditions));
    set_str (doc, "profile", "loa-package");
    set_str (doc, "version", version);
    set_str (doc, "firstCreated", in->first_created);
    set_str (doc, "versionCreated", in->version_created);
    set_str (doc, "pubStatus", in->pub_status);
    if (in->embargo_until && *in->embargo_until)
        set_str (doc, "embargoedUntil", in->embargo_until);
    set_str (doc, "language", "vi");
    if (in->note && *in->note)
        set_str (doc, "edNote", in->note);
    json_object_set_new (doc, "headlines", one_text (NULL, "text/plain", in->title));
    if (in->summary && *in->summary)
        json_object_set_new (doc, "descriptions", one_text ("summary", "text/plain", in->summary));
    if (in->body_html && *in->body_html)
        json_object_set_new (doc, "bodies", one_text ("main", "text/html", in->body_html));
    json_t *alt = json_array ();
    json_array_append_new (alt, json_pack ("{s:s, s:s}", "role", "article", "value", id));
    if (in->slug && *in->slug)
        json_array_append_new (alt, json_pack ("{s:s, s:s}", "role", "slug", "value", in->slug));
    json_object_set_new (doc, "altIds", alt);
    if (in->n_renditions) {
        json_t *rs = json_array ();
        for (size_t i = 0; i < in->n_renditions; i++) {
            const media_rendition *r = &in->renditions[i];
            size_t cap = strlen (in->base_url) + strlen (r->name) + 96;
            char *href = malloc (cap);
            if (!href)
                continue;
            snprintf (href, cap, "%s/api/v1/media/packages/%lld/versions/%d/files/%s", in->base_url,
                      (long long) in->package_id, in->version, r->name);
            json_array_append_new (rs, json_pack ("{s:s, s:s, s:s, s:I}", "name", r->name, "href",
                                                  href, "contentType", r->mime, "sizeInBytes",
                                                  (json_int_t) r->size));
            free (href);
        }
        json_object_set_new (doc, "renditions", rs);
    }
    char *text = json_dumps (doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref (doc);
    return text;
}

/* ------------------------------------------------------------ ninjs 2.3 */

/* A 3.2 property and its 2.3 name; `items`: the fields of the objects of
 * an array property (NULL: the value is copied as it is). */
typedef struct ninjs_field {
    const char *from, *to;
    const struct ninjs_field *items;
} ninjs_field;

static const ninjs_field text_fields[] = {
    {"role", "role", NULL},           {"contentType", "contenttype", NULL},
    {"charCount", "charcount", NULL}, {"wordCount", "wordcount", NULL},
    {"value", "value", NULL},         {NULL, NULL, NULL},
};

static const ninjs_field alt_id_fields[] = {
    {"role", "role", NULL},
    {"value", "value", NULL},
    {NULL, NULL, NULL},
};

static const ninjs_field rendition_fields[] = {
    {"name", "name", NULL},
    {"href", "href", NULL},
    {"contentType", "contenttype", NULL},
    {"title", "title", NULL},
    {"height", "height", NULL},
    {"width", "width", NULL},
    {"sizeInBytes", "sizeinbytes", NULL},
    {"duration", "duration", NULL},
    {"format", "format", NULL},
    {NULL, NULL, NULL},
};

/* In the order of media_ninjs_build's keys, which is the 2.3 order too. */
static const ninjs_field document_fields[] = {
    {"uri", "uri", NULL},
    {"type", "type", NULL},
    {"profile", "profile", NULL},
    {"version", "version", NULL},
    {"firstCreated", "firstcreated", NULL},
    {"versionCreated", "versioncreated", NULL},
    {"contentCreated", "contentcreated", NULL},
    {"pubStatus", "pubstatus", NULL},
    {"embargoedUntil", "embargoed", NULL},
    {"urgency", "urgency", NULL},
    {"language", "language", NULL},
    {"edNote", "ednote", NULL},
    {"title", "title", NULL},
    {"slugline", "slugline", NULL},
    {"by", "by", NULL},
    {"located", "located", NULL},
    {"headlines", "headlines", text_fields},
    {"descriptions", "descriptions", text_fields},
    {"bodies", "bodies", text_fields},
    {"altIds", "altids", alt_id_fields},
    {"renditions", "renditions", rendition_fields},
    {NULL, NULL, NULL},
};

static json_t *rename_object (const json_t *in, const ninjs_field *fields);

/* An array of objects, each renamed; anything else in it is left out.
 * NULL when memory runs out (never a part of the array). */
static json_t *rename_array (const json_t *in, const ninjs_field *fields)
{
    json_t *out = json_array ();
    const json_t *item;
    size_t i;
    json_array_foreach (in, i, item)
    {
        if (out && json_is_object (item) &&
            json_array_append_new (out, rename_object (item, fields)) != 0) {
            json_decref (out);
            out = NULL;
        }
    }
    return out;
}

/* The fields of `in` named in `fields`, renamed, in the table's order;
 * NULL when memory runs out. */
static json_t *rename_object (const json_t *in, const ninjs_field *fields)
{
    json_t *out = json_object ();
    for (const ninjs_field *f = fields; out && f->from; f++) {
        json_t *v = json_object_get (in, f->from);
        if (!v)
            continue;
        if (f->items && !json_is_array (v))
            continue;
        json_t *copy = f->items ? rename_array (v, f->items) : json_deep_copy (v);
        if (json_object_set_new (out, f->to, copy) != 0) {
            json_decref (out);
            out = NULL;
        }
    }
    return out;
}

char *media_ninjs_2_3 (const char *ninjs_3_2)
{
    json_t *in = ninjs_3_2 ? json_loads (ninjs_3_2, 0, NULL) : NULL;
    if (!json_is_object (in)) {
        json_decref (in);
        return NULL;
    }
    json_t *out = rename_object (in, document_fields);
    json_decref (in);
    char *text = out ? json_dumps (out, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref (out);
    return text;
}
