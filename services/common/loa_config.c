#include "loa_config.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "loa_log.h"

const char *loa_env (const char *name, const char *def)
{
    const char *v = getenv (name);
    return (v && *v) ? v : def;
}

/* The passwords, the database URL that carries one, the metrics' token. */
const char *const loa_secret_settings[] = {"LOA_DB_URL",        "LOA_ADMIN_PASSWORD",
                                           "LOA_METRICS_TOKEN", "LOA_SMTP_PASSWORD",
                                           "LOA_SMS_TOKEN",     NULL};

#define SECRET_MAX 4096

int loa_env_from_files (const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        char file_var[128];
        snprintf (file_var, sizeof file_var, "%s_FILE", names[i]);
        const char *path = getenv (file_var);
        if (!path || !*path)
            continue;
        if (getenv (names[i]) && *getenv (names[i])) {
            loa_error (NULL, "config: both %s and %s are set: give one", names[i], file_var);
            return -1;
        }
        FILE *f = fopen (path, "re");
        if (!f) {
            loa_error (NULL, "config: %s=%s cannot be read: %s", file_var, path, strerror (errno));
            return -1;
        }
        char buf[SECRET_MAX + 2];
        size_t n = fread (buf, 1, sizeof buf - 1, f);
        int err = ferror (f);
        fclose (f);
        if (n > 0 && buf[n - 1] == '\n')
            n--;
        if (n > 0 && buf[n - 1] == '\r')
            n--;
        int rc = 0;
        if (err || n == 0 || n > SECRET_MAX || memchr (buf, '\0', n)) {
            loa_error (NULL, "config: %s=%s %s", file_var, path,
                       err              ? "cannot be read"
                       : n == 0         ? "is empty"
                       : n > SECRET_MAX ? "is longer than 4 KB"
                                        : "holds a NUL byte");
            rc = -1;
        } else {
            buf[n] = '\0';
            if (setenv (names[i], buf, 1) != 0) {
                loa_error (NULL, "config: cannot set %s: %s", names[i], strerror (errno));
                rc = -1;
            } else /* read: a second call (notify-svc's main, then the service's) finds
                    * the value alone, not both forms */
                unsetenv (file_var);
        }
        explicit_bzero (buf, sizeof buf);
        if (rc != 0)
            return -1;
    }
    return 0;
}

long loa_env_int (const char *name, long def, long min, long max)
{
    const char *v = getenv (name);
    if (!v || !*v)
        return def;
    char *end;
    errno = 0;
    long n = strtol (v, &end, 10);
    if (errno || *end || n < min || n > max) {
        fprintf (stderr, "config: %s=%s is not an integer in [%ld, %ld]; using %ld\n", name, v, min,
                 max, def);
        return def;
    }
    return n;
}

int loa_env_bool (const char *name, int def)
{
    const char *v = getenv (name);
    if (!v || !*v)
        return def;
    static const char *yes[] = {"1", "true", "yes", "on"};
    static const char *no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp (v, yes[i]) == 0)
            return 1;
        if (strcasecmp (v, no[i]) == 0)
            return 0;
    }
    fprintf (stderr, "config: %s=%s is not a boolean; using %d\n", name, v, def);
    return def;
}

static int64_t clock_ms (clockid_t id)
{
    struct timespec ts;
    clock_gettime (id, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t loa_now_ms (void) { return clock_ms (CLOCK_REALTIME); }
int64_t loa_mono_ms (void) { return clock_ms (CLOCK_MONOTONIC); }

int loa_malloc_arenas_for (long cores) { return cores < 2 ? 2 : cores > 64 ? 64 : (int) cores; }

int loa_malloc_arenas (void)
{
    if (getenv ("MALLOC_ARENA_MAX"))
        return 0;
    int n = loa_malloc_arenas_for (sysconf (_SC_NPROCESSORS_ONLN));
    return mallopt (M_ARENA_MAX, n) == 1 ? n : -1;
}

static char public_url[512];
static pthread_once_t public_url_once = PTHREAD_ONCE_INIT;

static void read_public_url (void)
{
    snprintf (public_url, sizeof public_url, "%s",
              loa_env ("LOA_PUBLIC_URL", "http://localhost:8080"));
    size_t n = strlen (public_url);
    while (n && public_url[n - 1] == '/')
        public_url[--n] = '\0';
}

const char *loa_public_url (void)
{
    pthread_once (&public_url_once, read_public_url);
    return public_url;
}
