/* loa_config: settings from the environment (12-factor). Every setting is an
 * environment variable with the LOA_ prefix; see the README for the list. */
#ifndef LOA_CONFIG_H
#define LOA_CONFIG_H

#include <stdint.h>

/* The value of `name`, or `def` when unset or empty. Borrowed. */
const char *loa_env (const char *name, const char *def);

/* The integer value of `name`, or `def` when unset or empty. A value that is
 * not an integer within [min, max] is reported (stderr) and `def` is used. */
long loa_env_int (const char *name, long def, long min, long max);

/* 1 for "1", "true", "yes", "on"; 0 for "0", "false", "no", "off"; else def. */
int loa_env_bool (const char *name, int def);

/* LOA_PUBLIC_URL (default http://localhost:8080), the address citizens and
 * staff reach the portal at, without a trailing slash: links in mails,
 * feeds and webhooks are it followed by a path. Read once. */
const char *loa_public_url (void);

/* The settings that are secrets, each of which may instead be given as a
 * file: NAME_FILE names a file whose content (one trailing newline
 * dropped) is the value, as Docker and Kubernetes secrets are mounted. */
extern const char *const loa_secret_settings[];

/* For each NAME of `names` (NULL-terminated) whose NAME_FILE is set: reads
 * that file (at most 4 KB) into NAME, for loa_env and libraries alike,
 * and unsets NAME_FILE (so that calling it again changes nothing).
 * Refused (-1, logged without the value) when NAME is set too, or the file
 * cannot be read, is empty or too long; 0 otherwise. Call it first thing
 * in main, before any thread. */
int loa_env_from_files (const char *const *names);

/* glibc's malloc gives a thread that allocates while another holds an
 * arena one of its own, up to 8 per core; each keeps what its threads
 * freed. No more run at once than there are cores, so the gateway keeps
 * one arena per core (at least 2, at most 64): measured at load, 2.5-3 MB
 * less resident and the same rates (docs/performance.md, stop 35). The
 * services, whose 16 workers each hold a database connection, keep
 * glibc's default: with 2 arenas their reads past the cache were as fast
 * or up to 5 % slower, within the noise, for memory they do not need.
 * loa_malloc_arenas_for gives that count; loa_malloc_arenas applies it
 * (mallopt M_ARENA_MAX) unless MALLOC_ARENA_MAX is set, which glibc then
 * applies itself: the count, 0 (the environment's), -1 (refused, as under
 * a sanitizer's allocator). First thing in main, before any thread. */
int loa_malloc_arenas_for (long cores);
int loa_malloc_arenas (void);

/* Milliseconds since the epoch (CLOCK_REALTIME) and a monotonic clock. */
int64_t loa_now_ms (void);
int64_t loa_mono_ms (void);

#endif
