/* loa_log: structured logging, one JSON object per line on stderr:
 *   {"ts":"2022-02-15T01:00:00.123Z","level":"info","svc":"content-svc",
 *    "request_id":"...","msg":"..."}
 * Never log a password, token or key. Thread-safe (one write(2) per line). */
#ifndef LOA_LOG_H
#define LOA_LOG_H

#include <stddef.h>

typedef enum { LOA_LOG_DEBUG, LOA_LOG_INFO, LOA_LOG_WARN, LOA_LOG_ERROR } loa_log_level;

/* Sets the program's name and the level from LOA_LOG_LEVEL (default info). */
void loa_log_init (const char *svc);

/* Logs one line when `level` is enabled. request_id may be NULL. */
void loa_log (loa_log_level level, const char *request_id, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Logs one line with fields of its own before "msg": `fields` is JSON
 * object members without braces ("\"status\":200,\"route\":\"/x\""), the
 * caller's strings escaped with loa_log_escape; NULL or "" is none. */
void loa_log_fields (loa_log_level level, const char *request_id, const char *fields,
                     const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));

/* 1 when `level` is logged (so a caller can skip building fields). */
int loa_log_enabled (loa_log_level level);

/* Writes `s` JSON-escaped (without quotes) into buf; always NUL-terminates.
 * Returns the length written. Invalid UTF-8 bytes become U+FFFD. */
size_t loa_log_escape (char *buf, size_t cap, const char *s);

#define loa_debug(rid, ...) loa_log (LOA_LOG_DEBUG, rid, __VA_ARGS__)
#define loa_info(rid, ...) loa_log (LOA_LOG_INFO, rid, __VA_ARGS__)
#define loa_warn(rid, ...) loa_log (LOA_LOG_WARN, rid, __VA_ARGS__)
#define loa_error(rid, ...) loa_log (LOA_LOG_ERROR, rid, __VA_ARGS__)

#endif
