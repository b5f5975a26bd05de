#include "media_sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "loa_blob.h"
#include "loa_log.h"
#include "media_attachment_store.h"
#include "media_bag.h"
#include "media_store.h"

typedef struct {
    int dir; /* the sha256/ab/cd folder */
    time_t cutoff;
} leaf;

/* Under the blob's lock, no row naming it: removed if still old. */
static int remove_blob (const char *hex, void *arg)
{
    const leaf *l = arg;
    struct stat st;
    if (fstatat (l->dir, hex, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode) ||
        st.st_mtime >= l->cutoff)
        return 0;
    if (unlinkat (l->dir, hex, 0) != 0) {
        loa_warn (NULL, "media: cannot remove the orphan blob %s: %s", hex, strerror (errno));
        return 0;
    }
    loa_info (NULL, "media: removed the orphan blob %s (%lld bytes, named by no asset or bag)", hex,
              (long long) st.st_size);
    return 1;
}

/* The blobs of one sha256/ab/cd folder. The number removed, or -1. */
static int sweep_leaf (PGconn *db, int dirfd_, const char *ab, const char *cd, time_t cutoff)
{
    int fd = openat (dirfd_, cd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    DIR *d = fdopendir (fd);
    if (!d) {
        close (fd);
        return 0;
    }
    leaf l = {dirfd (d), cutoff};
    int removed = 0;
    struct dirent *e;
    struct stat st;
    while ((e = readdir (d))) {
        /* Only <64 hex> in its own ab/cd place: anything else is not ours. */
        if (!loa_blob_is_hex (e->d_name, MEDIA_HEX) || strncmp (e->d_name, ab, 2) != 0 ||
            strncmp (e->d_name + 2, cd, 2) != 0)
            continue;
        if (fstatat (l.dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode) ||
            st.st_mtime >= cutoff)
            continue;
        int ref = media_store_blob_referenced (db, e->d_name);
        if (ref == 0)
            ref = media_store_blob_remove_orphan (db, e->d_name, remove_blob, &l) == 1 ? 2 : 0;
        if (ref < 0) {
            removed = -1;
            break;
        }
        removed += ref == 2;
    }
    closedir (d);
    return removed;
}

int media_sweep_orphans (PGconn *db, long older_than_s)
{
    char root[600];
    if (media_bag_init () != 0)
        return -1;
    snprintf (root, sizeof root, "%s/sha256", media_volume_dir ());
    DIR *top = opendir (root);
    if (!top)
        return 0;
    time_t cutoff = time (NULL) - older_than_s;
    int removed = 0;
    struct dirent *a;
    while (removed >= 0 && (a = readdir (top))) {
        if (!loa_blob_is_hex (a->d_name, 2))
            continue;
        int fd = openat (dirfd (top), a->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *mid = fd >= 0 ? fdopendir (fd) : NULL;
        if (!mid) {
            if (fd >= 0)
                close (fd);
            continue;
        }
        struct dirent *b;
        while ((b = readdir (mid))) {
            if (!loa_blob_is_hex (b->d_name, 2))
                continue;
            int n = sweep_leaf (db, dirfd (mid), a->d_name, b->d_name, cutoff);
            if (n < 0) {
                removed = -1;
                break;
            }
            removed += n;
        }
        closedir (mid);
    }
    closedir (top);
    return removed;
}

/* An unused attachment's blob, named by no row any more: removed whatever
 * its age (the row was a day old). */
static int remove_unnamed (const char *hex, void *arg)
{
    (void) arg;
    char rel[LOA_BLOB_PATH_MAX], path[700];
    if (loa_blob_path (hex, rel, sizeof rel) != 0)
        return 0;
    snprintf (path, sizeof path, "%s/%s", media_volume_dir (), rel);
    if (unlink (path) != 0) {
        if (errno != ENOENT)
            loa_warn (NULL, "media: cannot remove the blob %s: %s", hex, strerror (errno));
        return 0;
    }
    return 1;
}

int media_sweep_attachments (PGconn *db, long unused_s)
{
    if (media_bag_init () != 0)
        return -1;
    int total = 0, n;
    /* In batches, so that one run never holds the ticker for long. */
    do {
        n = media_attachment_store_sweep (db, unused_s, 100, remove_unnamed, NULL);
        if (n < 0)
            return -1;
        total += n;
    } while (n == 100);
    return total;
}
