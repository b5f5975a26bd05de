/* portal: the web portal's files (web/, docs/web.md), served at `/` as
 * the dispatcher's fallback (core/dispatch.h): what no route matches.
 *
 * The whole directory is read into memory once at start-up (it is small:
 * plain HTML, CSS, JS modules, a few images) into a sorted table of
 * (URL path, bytes, type, ETag). A request is answered by an exact lookup in
 * that table: the bytes of a URL never reach the file system, so no path,
 * percent-encoding or symlink trick can reach outside the directory.
 * Walking the directory at start-up skips dot files, symbolic links and
 * anything that is not a regular file or a directory, and opens every entry
 * relative to its parent's descriptor (openat, O_NOFOLLOW).
 *
 * Shared parts: a page may hold `<!--#include NAME -->` (NAME in a-z, 0-9,
 * '-'), replaced at start-up by web/_parts/NAME.html, so the header,
 * navigation and footer are written once and pages still need no script
 * and no build step. The navigation link to the page itself gets
 * `aria-current="page"` there. web/_parts/ itself is never served.
 *
 * Templates: web/_templates/NAME.html (their includes expanded the same
 * way) are the pages the gateway renders from the services' data
 * (page.c, decision 0035); kept apart from the table, never served. The
 * home page, web/index.html, is its own template (its address is always
 * rendered, never sent as it is).
 *
 * Caching: every file has a strong ETag (the first 128 bits of its SHA-256)
 * and If-None-Match answers 304. HTML, CSS, JavaScript and JSON are
 * `no-cache` (always revalidated: a page must never run with a stale
 * module); images and fonts may be kept a day (`max-age=86400`). Editing
 * web/ takes a gateway restart.
 *
 * Content hashes without a build step (decision 0042): at start every
 * stylesheet and script gets a version, the first 64 bits of its SHA-256 in
 * hex, and every page and template that links it by its address
 * (`href="/css/site.css"`, `src="/js/x.js"`) links `/css/site.css?v=VERSION`
 * instead. Asked with its current version, a file is `immutable` for a year;
 * by its bare address, or with a version that is not its own (a page from
 * before a restart), it keeps revalidating.
 *
 * Compression: every text file of at least GW_ENC_MIN_BYTES is compressed
 * at start, gzip 9 and Brotli 10, each form kept only when smaller, and
 * sent to whoever accepts it (core/encode.h), with its own ETag. */
#include "portal/portal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/encode.h"
#include "core/respond.h"
#include "loa_buf.h"
#include "loa_config.h"
#include "loa_log.h"
#include "portal/portal_int.h"

#define MAX_DEPTH 8
#define MAX_PATH 512

typedef struct {
    char *path; /* the URL path: "/index.html" */
    unsigned char *data;
    size_t len;
    const char *type;
    const char *cache_control;
    int html;
    int text; /* compressible */
    gw_encoded enc; /* its compressed forms */
    char version[17]; /* a stylesheet's or script's: 16 hex, else "" */
    char etag[36]; /* "\"" + 32 hex + "\"" */
} web_file;

#define IMMUTABLE "public, max-age=31536000, immutable"

static web_file *files;
static size_t n_files, cap_files;
/* The templates (web/_templates/), sorted, each ended by a NUL. */
static web_file *tpls;
static size_t n_tpls;
static char public_url[256];
static size_t total_bytes, max_total = 64u << 20, max_file = 8u << 20;

/* long_cache: a day; text: compressed at start; versioned: linked by
 * pages with its content hash. */
static const struct {
    const char *ext, *type;
    int long_cache, text, versioned;
} types[] = {
    {".html", "text/html; charset=utf-8", 0, 1, 0},
    {".css", "text/css; charset=utf-8", 0, 1, 1},
    {".js", "text/javascript; charset=utf-8", 0, 1, 1},
    {".mjs", "text/javascript; charset=utf-8", 0, 1, 1},
    {".json", "application/json; charset=utf-8", 0, 1, 0},
    {".webmanifest", "application/manifest+json; charset=utf-8", 0, 1, 0},
    {".txt", "text/plain; charset=utf-8", 0, 1, 0},
    {".xml", "application/xml; charset=utf-8", 0, 1, 0},
    {".svg", "image/svg+xml", 1, 1, 0},
    /* Already compressed: sent as they are. */
    {".png", "image/png", 1, 0, 0},
    {".jpg", "image/jpeg", 1, 0, 0},
    {".jpeg", "image/jpeg", 1, 0, 0},
    {".webp", "image/webp", 1, 0, 0},
    {".ico", "image/x-icon", 1, 0, 0},
    {".woff2", "font/woff2", 1, 0, 0},
};

/* The type of a file name by its extension, or -1: not served. */
static int type_of (const char *name)
{
    size_t n = strlen (name);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen (types[i].ext);
        if (n > e && strcmp (name + n - e, types[i].ext) == 0)
            return (int) i;
    }
    return -1;
}

static int cmp_files (const void *a, const void *b)
{
    return strcmp (((const web_file *) a)->path, ((const web_file *) b)->path);
}

static int add_file (int dirfd, const char *name, const char *url_path)
{
    int t = type_of (name);
    if (t < 0)
        return 0;
    int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        loa_warn (NULL, "portal: cannot open %s: %s", url_path, strerror (errno));
        return 0;
    }
    struct stat st;
    unsigned char *data = NULL;
    int rc = -1;
    if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
        rc = 0;
        goto out;
    }
    size_t len = (size_t) st.st_size;
    if (len > max_file || total_bytes + len > max_total) {
        loa_warn (NULL, "portal: %s skipped: %zu bytes is over the limits", url_path, len);
        rc = 0;
        goto out;
    }
    data = malloc (len ? len : 1);
    if (!data)
        goto out;
    size_t got = 0;
    while (got < len) {
        ssize_t r = read (fd, data + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t) r;
    }
    if (got != len) {
        loa_warn (NULL, "portal: %s changed while being read", url_path);
        rc = 0;
        goto out;
    }
    if (n_files == cap_files) {
        size_t cap = cap_files ? cap_files * 2 : 64;
        web_file *grown = realloc (files, cap * sizeof *files);
        if (!grown)
            goto out;
        files = grown;
        cap_files = cap;
    }
    web_file *f = &files[n_files];
    memset (f, 0, sizeof *f);
    f->path = strdup (url_path);
    if (!f->path)
        goto out;
    f->data = data;
    f->len = len;
    f->type = types[t].type;
    f->cache_control = types[t].long_cache ? "public, max-age=86400" : "no-cache";
    f->html = strcmp (types[t].ext, ".html") == 0;
    f->text = types[t].text;
    f->version[0] = types[t].versioned ? '?' : '\0'; /* set in finish () */
    data = NULL; /* the table owns it now */
    n_files++;
    total_bytes += len;
    rc = 0;
out:
    free (data);
    close (fd);
    return rc;
}

/* Reads the directory open at `dirfd` (taken: closed here) as `prefix`. */
static int walk (int dirfd, const char *prefix, int depth)
{
    DIR *d = fdopendir (dirfd);
    if (!d) {
        close (dirfd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir (d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and dot files are never served */
        char url_path[MAX_PATH];
        if ((size_t) snprintf (url_path, sizeof url_path, "%s/%s", prefix, e->d_name) >=
            sizeof url_path)
            continue;
        if (!gw_portal_path_ok (url_path))
            continue; /* a name the URL checks would refuse is never served */
        struct stat st;
        if (fstatat (dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR (st.st_mode) && depth < MAX_DEPTH) {
            int sub = openat (dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                rc = walk (sub, url_path, depth + 1);
        } else if (S_ISREG (st.st_mode)) {
            rc = add_file (dirfd, e->d_name, url_path);
        }
    }
    closedir (d); /* closes dirfd */
    return rc;
}

/* ------------------------------------------------------------ shared parts */

#define PARTS_DIR "/_parts/"
#define TEMPLATES_DIR "/_templates/"
static const char include_open[] = "<!--#include ";
static const char include_close[] = " -->";

static const web_file *find (const char *path);

static int is_part (const web_file *f)
{
    return strncmp (f->path, PARTS_DIR, sizeof PARTS_DIR - 1) == 0;
}

static int is_template (const web_file *f)
{
    return strncmp (f->path, TEMPLATES_DIR, sizeof TEMPLATES_DIR - 1) == 0;
}

/* Moves a template out of the table into `tpls`, its text ended by a NUL
 * (the templates come sorted, as the table is). */
static int keep_template (web_file *f)
{
    unsigned char *data = realloc (f->data, f->len + 1);
    web_file *grown = realloc (tpls, (n_tpls + 1) * sizeof *tpls);
    if (grown)
        tpls = grown;
    if (!data || !grown) {
        free (data ? data : f->data);
        free (f->path);
        return -1;
    }
    data[f->len] = '\0';
    f->data = data;
    total_bytes -= f->len;
    tpls[n_tpls++] = *f;
    return 0;
}

/* Appends a part; the first link in its <nav> to `self` is marked as the
 * current page (returns 1 then). */
static int add_part (loa_buf *out, const web_file *part, const char *self)
{
    char href[MAX_PATH + 16];
    snprintf (href, sizeof href, "href=\"%s\"", self);
    const unsigned char *data = part->data, *end = data + part->len;
    const unsigned char *nav = memmem (data, part->len, "<nav", 4);
    const unsigned char *at = nav ? memmem (nav, (size_t) (end - nav), href, strlen (href)) : NULL;
    if (!at) {
        loa_buf_add (out, data, part->len);
        return 0;
    }
    at += strlen (href);
    loa_buf_add (out, data, (size_t) (at - data));
    static const char current[] = " aria-current=\"page\"";
    loa_buf_add (out, current, sizeof current - 1);
    loa_buf_add (out, at, (size_t) (end - at));
    return 1;
}

/* Replaces the include directives of one HTML page. A directive naming no
 * part is logged and left as it is (an HTML comment: harmless). */
static int expand (web_file *f)
{
    const size_t open_n = sizeof include_open - 1, close_n = sizeof include_close - 1;
    if (!memmem (f->data, f->len, include_open, open_n))
        return 0;
    /* The page's own address as its navigation links write it. */
    char self[MAX_PATH];
    size_t n = strlen (f->path);
    static const char index[] = "/index.html";
    if (n >= sizeof index - 1 && strcmp (f->path + n - (sizeof index - 1), index) == 0)
        snprintf (self, sizeof self, "%.*s/", (int) (n - (sizeof index - 1)), f->path);
    else
        snprintf (self, sizeof self, "%s", f->path);
    loa_buf out = {0};
    const unsigned char *p = f->data, *end = f->data + f->len;
    const unsigned char *q;
    int marked = 0;
    while ((q = memmem (p, (size_t) (end - p), include_open, open_n)) != NULL) {
        loa_buf_add (&out, p, (size_t) (q - p));
        const unsigned char *name = q + open_n, *c = name;
        while (c < end && c - name < 64 &&
               ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            c++;
        char path[MAX_PATH];
        const web_file *part = NULL;
        if (c > name && (size_t) (end - c) >= close_n && memcmp (c, include_close, close_n) == 0) {
            snprintf (path, sizeof path, PARTS_DIR "%.*s.html", (int) (c - name),
                      (const char *) name);
            part = find (path);
        }
        if (!part) {
            loa_warn (NULL, "portal: %s: an include names no part in " PARTS_DIR, f->path);
            loa_buf_add (&out, q, open_n);
            p = q + open_n;
            continue;
        }
        if (marked)
            loa_buf_add (&out, part->data, part->len);
        else
            marked = add_part (&out, part, self);
        p = c + close_n;
    }
    loa_buf_add (&out, p, (size_t) (end - p));
    size_t len;
    unsigned char *data = (unsigned char *) loa_buf_take (&out, &len);
    if (!data)
        return -1;
    total_bytes += len - f->len;
    free (f->data);
    f->data = data;
    f->len = len;
    return 0;
}

/* ------------------------------------------------------------ versions */

/* A stylesheet's or script's version: the first 64 bits of its SHA-256. */
static void set_version (web_file *f)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256 (digest, f->data, f->len);
    sodium_bin2hex (f->version, sizeof f->version, digest, 8);
}

/* Links of a page (or template) to a versioned file by its address, as
 * `href="/..."` or `src="/..."`, get `?v=VERSION`. */
static int add_versions (web_file *f)
{
    static const char *const attrs[] = {"href=\"/", "src=\"/"};
    loa_buf out = {0};
    const unsigned char *p = f->data, *end = f->data + f->len;
    int changed = 0;
    while (p < end) {
        /* The nearest link of either kind. */
        const unsigned char *at = NULL;
        size_t attr_n = 0;
        for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
            size_t n = strlen (attrs[i]);
            const unsigned char *q = memmem (p, (size_t) (end - p), attrs[i], n);
            if (q && (!at || q < at)) {
                at = q;
                attr_n = n;
            }
        }
        if (!at)
            break;
        const unsigned char *path = at + attr_n - 1; /* the '/' */
        const unsigned char *quote = memchr (path, '"', (size_t) (end - path));
        if (!quote)
            break;
        char url[MAX_PATH];
        const web_file *target = NULL;
        if ((size_t) (quote - path) < sizeof url) {
            memcpy (url, path, (size_t) (quote - path));
            url[quote - path] = '\0';
            target = find (url);
        }
        loa_buf_add (&out, p, (size_t) (quote - p));
        if (target && target->version[0]) {
            loa_buf_printf (&out, "?v=%s", target->version);
            changed = 1;
        }
        p = quote;
    }
    if (!changed) {
        loa_buf_free (&out);
        return 0;
    }
    loa_buf_add (&out, p, (size_t) (end - p));
    size_t len;
    unsigned char *data = (unsigned char *) loa_buf_take (&out, &len);
    if (!data)
        return -1;
    total_bytes += len - f->len;
    free (f->data);
    f->data = data;
    f->len = len;
    return 0;
}

/* After the walk: sorted table, pages assembled, parts dropped, versions
 * linked, ETags, compressed forms. */
static int finish (void)
{
    if (!n_files)
        return 0;
    qsort (files, n_files, sizeof *files, cmp_files);
    for (size_t i = 0; i < n_files; i++)
        if (files[i].html && !is_part (&files[i]) && expand (&files[i]) != 0)
            return -1;
    /* Versions first (stylesheets and scripts are no pages), then the
     * pages and templates that link them. */
    for (size_t i = 0; i < n_files; i++)
        if (files[i].version[0])
            set_version (&files[i]);
    for (size_t i = 0; i < n_files; i++)
        if (files[i].html && !is_part (&files[i]) && add_versions (&files[i]) != 0)
            return -1;
    size_t kept = 0;
    int rc = 0;
    for (size_t i = 0; i < n_files; i++) {
        if (is_template (&files[i]) && files[i].html) {
            if (keep_template (&files[i]) != 0)
                rc = -1;
            continue;
        }
        if (is_part (&files[i]) || is_template (&files[i])) {
            total_bytes -= files[i].len;
            free (files[i].path);
            free (files[i].data);
            continue;
        }
        /* Every page's text ends with a NUL (not counted, never sent): a
         * page the gateway renders (the home page) is its own template. */
        if (files[i].html) {
            unsigned char *data = realloc (files[i].data, files[i].len + 1);
            if (data) {
                data[files[i].len] = '\0';
                files[i].data = data;
            } else {
                rc = -1;
            }
        }
        files[kept++] = files[i];
    }
    n_files = kept;
    for (size_t i = 0; i < n_files; i++) {
        web_file *f = &files[i];
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256 (digest, f->data, f->len);
        f->etag[0] = '"';
        sodium_bin2hex (f->etag + 1, 33, digest, 16);
        f->etag[33] = '"';
        f->etag[34] = '\0';
        if (f->text) {
            gw_encode ((const char *) f->data, f->len, GW_ENC_BEST, &f->enc);
            total_bytes += f->enc.len[GW_ENC_GZIP] + f->enc.len[GW_ENC_BR];
        }
    }
    return rc;
}

int gw_portal_path_ok (const char *path)
{
    size_t n = strlen (path);
    if (n == 0 || n >= MAX_PATH || path[0] != '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) path[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '/';
        if (!ok)
            return 0;
        /* Every segment starts with neither '.' (no "..", no dot files)
         * nor another '/' (no empty segment). */
        if (c == '/' && (path[i + 1] == '.' || path[i + 1] == '/'))
            return 0;
    }
    return 1;
}

int gw_portal_init (void)
{
    const char *dir = loa_env ("LOA_WEB_DIR", "/usr/share/loa/web");
    snprintf (public_url, sizeof public_url, "%s", loa_env ("LOA_PUBLIC_URL", ""));
    size_t url_len = strlen (public_url);
    while (url_len && public_url[url_len - 1] == '/')
        public_url[--url_len] = '\0';
    max_total = (size_t) loa_env_int ("LOA_WEB_MAX_BYTES", 64L << 20, 1024, 1L << 30);
    if (sodium_init () < 0)
        return -1;
    char real[PATH_MAX];
    if (!realpath (dir, real)) {
        loa_warn (NULL, "portal: no web portal: LOA_WEB_DIR %s: %s", dir, strerror (errno));
        return 0;
    }
    int fd = open (real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        loa_warn (NULL, "portal: no web portal: %s: %s", real, strerror (errno));
        return 0;
    }
    if (walk (fd, "", 0) != 0) {
        loa_error (NULL, "portal: cannot read %s", real);
        gw_portal_done ();
        return -1;
    }
    if (finish () != 0) {
        loa_error (NULL, "portal: out of memory assembling the pages of %s", real);
        gw_portal_done ();
        return -1;
    }
    /* Brotli's encoder at its higher qualities takes megabytes for its
     * hash tables, freed but kept by malloc (the large blocks raise its
     * mmap threshold): given back, or they would stay in the resident set
     * for good (3.7 MB measured). */
    malloc_trim (0);
    loa_info (NULL, "portal: the web portal from %s: %zu files, %zu bytes in memory", real, n_files,
              total_bytes);
    return 0;
}

void gw_portal_done (void)
{
    for (size_t i = 0; i < n_files; i++) {
        free (files[i].path);
        free (files[i].data);
        gw_encoded_free (&files[i].enc);
    }
    free (files);
    files = NULL;
    n_files = cap_files = 0;
    for (size_t i = 0; i < n_tpls; i++) {
        free (tpls[i].path);
        free (tpls[i].data);
    }
    free (tpls);
    tpls = NULL;
    n_tpls = 0;
    total_bytes = 0;
}

size_t gw_portal_count (void) { return n_files; }

const char *gw_portal_page_at (size_t i)
{
    return i < n_files && files[i].html ? files[i].path : NULL;
}

static const web_file *find (const char *path)
{
    if (!n_files)
        return NULL;
    web_file key = {.path = (char *) path};
    return bsearch (&key, files, n_files, sizeof *files, cmp_files);
}

const char *portal_template (const char *name)
{
    char path[MAX_PATH];
    snprintf (path, sizeof path, TEMPLATES_DIR "%s.html", name);
    web_file key = {.path = path};
    const web_file *t = n_tpls ? bsearch (&key, tpls, n_tpls, sizeof *tpls, cmp_files) : NULL;
    return t ? (const char *) t->data : NULL;
}

const char *portal_page_template (const char *path)
{
    const web_file *f = find (path);
    return f && f->html ? (const char *) f->data : NULL;
}

const char *portal_public_url (void) { return public_url; }

int gw_portal_owns (const char *path)
{
    static const char *const api[] = {"/api", "/open311"};
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
        size_t n = strlen (api[i]);
        if (strncmp (path, api[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
            return 0;
    }
    return 1;
}

static enum MHD_Result not_found (gw_request *req, unsigned status)
{
    static const char text[] = "Không tìm thấy trang này.\n";
    const web_file *page = find ("/404.html");
    /* The security headers are core/respond.c's, as for every response. */
    const char *const headers[] = {MHD_HTTP_HEADER_CACHE_CONTROL, "no-store", NULL};
    if (page)
        return gw_respond_bytes (req, status, page->type, page->data, page->len, headers);
    return gw_respond_bytes (req, status, "text/plain; charset=utf-8", text, sizeof text - 1,
                             headers);
}

/* A file (200), or 304, in the form the client accepts; the table outlives
 * the daemon (gw_portal_done runs after MHD_stop_daemon): the bytes are
 * sent as they are, not copied. A versioned file asked by its version is
 * immutable. */
static enum MHD_Result send_file (gw_request *req, const web_file *f)
{
    const char *v = f->version[0] ? gw_query (req, "v") : NULL;
    const char *cache = v && strcmp (v, f->version) == 0 ? IMMUTABLE : f->cache_control;
    gw_variants forms = {{(const char *) f->data}, {f->len}};
    for (int e = GW_ENC_GZIP; e < GW_N_ENC; e++) {
        forms.data[e] = f->enc.data[e];
        forms.len[e] = f->enc.len[e];
    }
    return gw_respond_variants (req, 200, f->type, &forms, f->etag, cache, NULL, NULL, NULL);
}

enum MHD_Result gw_portal_serve (gw_request *req)
{
    const char *url = req->url;
    int get = strcmp (req->method, "GET") == 0 || req->head;
    enum MHD_Result rc;
    if (portal_page (req, &rc))
        return rc;
    if (!gw_portal_path_ok (url))
        return get ? not_found (req, strstr (url, "/.") ? 400 : 404)
                   : gw_respond_problem (req, 404, "Không có tài nguyên nào ở địa chỉ này", NULL);
    size_t n = strlen (url);
    char path[MAX_PATH + 16];
    const web_file *f = NULL;
    if (url[n - 1] == '/') {
        snprintf (path, sizeof path, "%sindex.html", url);
        f = find (path);
    } else {
        f = find (url);
        if (!f) {
            /* A folder without its slash: to the folder, so that relative
             * links work. */
            snprintf (path, sizeof path, "%s/index.html", url);
            if (find (path)) {
                if (!get)
                    goto method;
                snprintf (path, sizeof path, "%s/", url);
                const char *const location[] = {MHD_HTTP_HEADER_LOCATION, path, NULL};
                return gw_respond_bytes (req, 301, NULL, NULL, 0, location);
            }
            /* A page without its extension: /tim-kiem is /tim-kiem.html. */
            snprintf (path, sizeof path, "%s.html", url);
            f = find (path);
        }
    }
    if (!f)
        return get ? not_found (req, 404)
                   : gw_respond_problem (req, 404, "Không có tài nguyên nào ở địa chỉ này", NULL);
    if (get)
        return send_file (req, f);
method:
    return gw_respond_problem_with (req, 405, "Trang web chỉ đọc được bằng GET hoặc HEAD", NULL,
                                    MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
}
