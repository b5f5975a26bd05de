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

/* Milliseconds since the epoch (CLOCK_REALTIME) and a monotonic clock. */
int64_t loa_now_ms (void);
int64_t loa_mono_ms (void);

#endif
