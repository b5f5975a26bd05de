#include "loa_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *loa_env (const char *name, const char *def)
{
    const char *v = getenv (name);
    return (v && *v) ? v : def;
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
