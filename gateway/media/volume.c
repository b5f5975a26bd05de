/* volume: the media volume, LOA_MEDIA_DIR (media_int.h): blobs under
 * sha256/ by their digest (media/blob.h,
 * docs/decisions/0014-blobs-by-sha256.md), uploads on their way in tmp/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "loa_config.h"
#include "loa_log.h"
#include "media/media_int.h"

#define DEFAULT_UPLOAD_LIMIT (2LL << 30)

static char media_dir[512];
static int dir_fd = -1;
static long long upload_limit = DEFAULT_UPLOAD_LIMIT;
static magic_t magic;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER; /* magic_t is not thread-safe */

int media_volume_fd (void) { return dir_fd; }
const char *media_volume_path (void) { return media_dir; }
long long media_upload_limit (void) { return upload_limit; }

int media_make_dir (const char *rel)
{
    return mkdirat (dir_fd, rel, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

void media_detect_type (const unsigned char *head, size_t len, char *out, size_t cap)
{
    pthread_mutex_lock (&magic_lock);
    const char *t = magic_buffer (magic, head, len);
    snprintf (out, cap, "%s", t ? t : "application/octet-stream");
    pthread_mutex_unlock (&magic_lock);
}

/* Named temporary files (file systems without O_TMPFILE) of a gateway that
 * died mid-upload: removed once a day old (no upload lasts that long). */
static void sweep_tmp (void)
{
    int fd = openat (dir_fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close (fd);
        return;
    }
    time_t old = time (NULL) - 86400;
    struct dirent *e;
    struct stat st;
    while ((e = readdir (d)))
        if (strncmp (e->d_name, "upload-", 7) == 0 && fstatat (fd, e->d_name, &st, 0) == 0 &&
            st.st_mtime < old && unlinkat (fd, e->d_name, 0) == 0)
            loa_info (NULL, "media: removed the stale upload tmp/%s", e->d_name);
    closedir (d); /* closes fd */
}

int gw_media_init (void)
{
    snprintf (media_dir, sizeof media_dir, "%s", loa_env ("LOA_MEDIA_DIR", "/var/lib/loa/media"));
    upload_limit = loa_env_int ("LOA_UPLOAD_LIMIT", DEFAULT_UPLOAD_LIMIT, 1, 1LL << 40);
    if (mkdir (media_dir, 0700) != 0 && errno != EEXIST) {
        loa_error (NULL, "media: cannot make LOA_MEDIA_DIR %s: %s", media_dir, strerror (errno));
        return -1;
    }
    dir_fd = open (media_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0 || media_make_dir ("tmp") != 0 || media_make_dir ("sha256") != 0) {
        loa_error (NULL, "media: cannot use LOA_MEDIA_DIR %s: %s", media_dir, strerror (errno));
        return -1;
    }
    sweep_tmp ();
    magic = magic_open (MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (!magic || magic_load (magic, NULL) != 0) {
        loa_error (NULL, "media: cannot load libmagic's database: %s",
                   magic ? magic_error (magic) : "out of memory");
        return -1;
    }
    loa_info (NULL, "media: volume %s, uploads up to %lld bytes", media_dir, upload_limit);
    return 0;
}

void gw_media_done (void)
{
    if (magic)
        magic_close (magic);
    magic = NULL;
    if (dir_fd >= 0)
        close (dir_fd);
    dir_fd = -1;
}
