#include "media_bag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "loa_blob.h"
#include "loa_config.h"
#include "loa_log.h"

static char media_dir[512];
static int init_rc = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int make_dir (const char *path)
{
    return mkdir (path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Bags and manifests of a media-svc that died while writing them (tmp/bag-*,
 * tmp/text-*, and libzip's own bag-*.XXXXXX): removed once a day old. */
static void sweep_tmp (void)
{
    char path[sizeof media_dir + 16];
    snprintf (path, sizeof path, "%s/tmp", media_dir);
    DIR *d = opendir (path);
    if (!d)
        return;
    time_t old = time (NULL) - 86400;
    struct dirent *e;
    struct stat st;
    while ((e = readdir (d)))
        if ((strncmp (e->d_name, "bag-", 4) == 0 || strncmp (e->d_name, "text-", 5) == 0) &&
            fstatat (dirfd (d), e->d_name, &st, 0) == 0 && st.st_mtime < old &&
            unlinkat (dirfd (d), e->d_name, 0) == 0)
            loa_info (NULL, "media: removed the stale tmp/%s", e->d_name);
    closedir (d);
}

static void init_once (void)
{
    snprintf (media_dir, sizeof media_dir, "%s", loa_env ("LOA_MEDIA_DIR", "/var/lib/loa/media"));
    char p[sizeof media_dir + 16];
    int rc = make_dir (media_dir);
    snprintf (p, sizeof p, "%s/tmp", media_dir);
    rc |= make_dir (p);
    snprintf (p, sizeof p, "%s/sha256", media_dir);
    rc |= make_dir (p);
    if (sodium_init () < 0)
        rc = -1;
    if (rc != 0)
        loa_error (NULL, "media: cannot use LOA_MEDIA_DIR %s: %s", media_dir, strerror (errno));
    else
        sweep_tmp ();
    init_rc = rc ? -1 : 0;
}

int media_bag_init (void)
{
    pthread_once (&once, init_once);
    return init_rc;
}

const char *media_volume_dir (void)
{
    media_bag_init ();
    return media_dir;
}

int media_blob_exists (const char *hex)
{
    char rel[96], path[sizeof media_dir + 100];
    if (media_bag_init () != 0 || loa_blob_path (hex, rel, sizeof rel) != 0)
        return -1;
    snprintf (path, sizeof path, "%s/%s", media_dir, rel);
    struct stat st;
    if (stat (path, &st) == 0)
        return S_ISREG (st.st_mode) ? 1 : 0;
    return errno == ENOENT ? 0 : -1;
}

void media_bag_oxum (char *out, size_t cap, uint64_t octets, size_t files)
{
    snprintf (out, cap, "%llu.%zu", (unsigned long long) octets, files);
}

char *media_bag_info (const char *uri, const char *date, uint64_t octets, size_t files)
{
    char oxum[48];
    media_bag_oxum (oxum, sizeof oxum, octets, files);
    size_t cap = strlen (uri) + strlen (date) + 160;
    char *s = malloc (cap);
    if (s)
        snprintf (s, cap,
                  "Source-Organization: Loa\nExternal-Identifier: %s\nBagging-Date: %s\n"
                  "Payload-Oxum: %s\n",
                  uri, date, oxum);
    return s;
}

char *media_bag_manifest (const media_bag_file *files, size_t n)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += MEDIA_HEX + 2 + 5 + strlen (files[i].path) + 1;
    char *s = malloc (cap), *p = s;
    if (!s)
        return NULL;
    *p = '\0';
    for (size_t i = 0; i < n; i++)
        p += sprintf (p, "%s  data/%s\n", files[i].sha256, files[i].path);
    return s;
}

static void hex_of (const unsigned char d[32], char out[MEDIA_HEX + 1])
{
    sodium_bin2hex (out, MEDIA_HEX + 1, d, 32);
}

static void sha_text (const char *text, size_t len, char out[MEDIA_HEX + 1])
{
    unsigned char d[32];
    crypto_hash_sha256 (d, (const unsigned char *) text, len);
    hex_of (d, out);
}

void media_bag_sha256_text (const char *text, size_t len, char out[MEDIA_HEX + 1])
{
    sha_text (text, len, out);
}

/* The SHA-256 and size of the file at `path`. 0 or -1. */
static int sha_file (const char *path, char out[MEDIA_HEX + 1], int64_t *size)
{
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init (&st);
    static __thread unsigned char buf[65536];
    int64_t total = 0;
    ssize_t n;
    while ((n = read (fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) {
            crypto_hash_sha256_update (&st, buf, (size_t) n);
            total += n;
        }
    int rc = n == 0 && fsync (fd) == 0 ? 0 : -1;
    close (fd);
    unsigned char d[32];
    crypto_hash_sha256_final (&st, d);
    hex_of (d, out);
    *size = total;
    return rc;
}

/* Moves the finished file `tmp` to its blob path (the same bytes may be
 * there already: identical, replaced atomically). 0 or -1 (logged). */
static int keep_blob (const char *tmp, const char *hex)
{
    char rel[96], path[sizeof media_dir + 100];
    if (loa_blob_path (hex, rel, sizeof rel) != 0)
        return -1;
    snprintf (path, sizeof path, "%s/%.9s", media_dir, rel);
    int rc = make_dir (path);
    snprintf (path, sizeof path, "%s/%.12s", media_dir, rel);
    rc |= make_dir (path);
    char dir[sizeof path];
    snprintf (dir, sizeof dir, "%s", path);
    snprintf (path, sizeof path, "%s/%s", media_dir, rel);
    /* A fresh mtime: the orphan sweeper leaves young blobs alone, so this
     * one has time to be named by its row. */
    utimensat (AT_FDCWD, tmp, NULL, 0);
    if (rc != 0 || rename (tmp, path) != 0) {
        loa_error (NULL, "media: cannot store %s: %s", rel, strerror (errno));
        return -1;
    }
    int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync (dfd);
        close (dfd);
    }
    return 0;
}

/* A fresh name in tmp/ for `what`. */
static void tmp_name (char *out, size_t cap, const char *what)
{
    unsigned char r[8];
    char hex[17];
    randombytes_buf (r, sizeof r);
    sodium_bin2hex (hex, sizeof hex, r, sizeof r);
    snprintf (out, cap, "%s/tmp/%s-%s", media_dir, what, hex);
}

/* Stores `text` as a blob. 0 or -1. */
static int store_text (const char *text, size_t len, char hex[MEDIA_HEX + 1], int64_t *size)
{
    char tmp[sizeof media_dir + 64];
    tmp_name (tmp, sizeof tmp, "text");
    int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write (fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t) w;
    }
    int ok = done == len && fsync (fd) == 0;
    close (fd);
    sha_text (text, len, hex);
    *size = (int64_t) len;
    if (!ok || keep_blob (tmp, hex) != 0) {
        unlink (tmp);
        return -1;
    }
    return 0;
}

/* Adds `name` with bytes from `src` (taken); text files deflated,
 * renditions stored. 0 or -1. */
static int add_entry (zip_t *za, const char *name, zip_source_t *src, int store)
{
    if (!src)
        return -1;
    zip_int64_t idx = zip_file_add (za, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free (src);
        return -1;
    }
    return zip_set_file_compression (za, (zip_uint64_t) idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                     0) == 0
               ? 0
               : -1;
}

static int add_text (zip_t *za, const char *top, const char *name, const char *text, size_t len)
{
    char full[512];
    snprintf (full, sizeof full, "%s/%s", top, name);
    return add_entry (za, full, zip_source_buffer (za, text, len, 0), 0);
}

int media_bag_build (const char *top, const char *uri, const char *date, media_bag_file *files,
                     size_t n, char (*hex_buf)[MEDIA_HEX + 1], media_bag_result *out, char *err,
                     size_t err_cap)
{
    snprintf (err, err_cap, "không ghi được bag vào LOA_MEDIA_DIR");
    if (media_bag_init () != 0)
        return -1;
    static const char bagit[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    uint64_t octets = 0;
    for (size_t i = 0; i < n; i++) {
        if (files[i].text) {
            sha_text (files[i].text, files[i].text_len, hex_buf[i]);
            files[i].sha256 = hex_buf[i];
            files[i].size = (int64_t) files[i].text_len;
        }
        octets += (uint64_t) files[i].size;
    }
    char *manifest = media_bag_manifest (files, n);
    char *info = media_bag_info (uri, date, octets, n);
    char *tagmanifest = NULL, tmp[sizeof media_dir + 64];
    tmp_name (tmp, sizeof tmp, "bag");
    int rc = -1, zerr = 0;
    zip_t *za = NULL;
    if (!manifest || !info)
        goto out;
    /* A rendition's blob that is missing: said by name, before any work. */
    for (size_t i = 0; i < n; i++) {
        char rel[96], path[sizeof media_dir + 100];
        if (files[i].text)
            continue;
        if (loa_blob_path (files[i].sha256, rel, sizeof rel) != 0)
            goto out;
        snprintf (path, sizeof path, "%s/%s", media_dir, rel);
        if (access (path, R_OK) != 0) {
            loa_error (NULL, "media: the bag %s lacks %s: %s", top, rel, strerror (errno));
            snprintf (err, err_cap, "thiếu tệp %s trên kho media", files[i].path);
            goto out;
        }
    }
    char h_bagit[MEDIA_HEX + 1], h_info[MEDIA_HEX + 1], h_manifest[MEDIA_HEX + 1];
    sha_text (bagit, strlen (bagit), h_bagit);
    sha_text (info, strlen (info), h_info);
    sha_text (manifest, strlen (manifest), h_manifest);
    size_t tcap = 3 * (MEDIA_HEX + 40);
    if (!(tagmanifest = malloc (tcap)))
        goto out;
    snprintf (tagmanifest, tcap, "%s  bagit.txt\n%s  bag-info.txt\n%s  manifest-sha256.txt\n",
              h_bagit, h_info, h_manifest);
    if (!(za = zip_open (tmp, ZIP_CREATE | ZIP_EXCL, &zerr))) {
        loa_error (NULL, "media: cannot make the bag %s (libzip error %d)", tmp, zerr);
        goto out;
    }
    if (add_text (za, top, "bagit.txt", bagit, strlen (bagit)) != 0 ||
        add_text (za, top, "bag-info.txt", info, strlen (info)) != 0 ||
        add_text (za, top, "manifest-sha256.txt", manifest, strlen (manifest)) != 0 ||
        add_text (za, top, "tagmanifest-sha256.txt", tagmanifest, strlen (tagmanifest)) != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        char name[512];
        snprintf (name, sizeof name, "%s/data/%s", top, files[i].path);
        if (files[i].text) {
            if (add_entry (za, name, zip_source_buffer (za, files[i].text, files[i].text_len, 0),
                           0) != 0)
                goto fail;
            continue;
        }
        char rel[96], path[sizeof media_dir + 100];
        if (loa_blob_path (files[i].sha256, rel, sizeof rel) != 0)
            goto fail;
        snprintf (path, sizeof path, "%s/%s", media_dir, rel);
        /* libzip reads the file only at zip_close, a piece at a time. */
        if (add_entry (za, name, zip_source_file (za, path, 0, -1), 1) != 0) {
            loa_error (NULL, "media: the bag cannot take %s: %s", rel, zip_strerror (za));
            goto fail;
        }
    }
    if (zip_close (za) != 0) {
        loa_error (NULL, "media: cannot write the bag %s: %s", tmp, zip_strerror (za));
        goto fail;
    }
    za = NULL;
    if (sha_file (tmp, out->bag_sha256, &out->bag_size) != 0 ||
        keep_blob (tmp, out->bag_sha256) != 0 ||
        store_text (manifest, strlen (manifest), out->manifest_sha256, &out->manifest_size) != 0) {
        unlink (tmp);
        goto out;
    }
    rc = 0;
    err[0] = '\0';
    goto out;
fail:
    if (za)
        zip_discard (za);
    za = NULL;
    unlink (tmp);
out:
    free (manifest);
    free (info);
    free (tagmanifest);
    return rc;
}
