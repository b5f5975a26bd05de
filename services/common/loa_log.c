#include "loa_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "loa_config.h"
#include "loa_text.h"

static char log_svc[64] = "loa";
static loa_log_level log_min = LOA_LOG_INFO;

static const char *level_names[] = {"debug", "info", "warn", "error"};

void loa_log_init (const char *svc)
{
    snprintf (log_svc, sizeof log_svc, "%s", svc);
    const char *lvl = loa_env ("LOA_LOG_LEVEL", "info");
    for (int i = 0; i < 4; i++)
        if (strcasecmp (lvl, level_names[i]) == 0)
            log_min = (loa_log_level) i;
}

size_t loa_log_escape (char *buf, size_t cap, const char *s)
{
    size_t o = 0;
    if (cap == 0)
        return 0;
    const unsigned char *p = (const unsigned char *) (s ? s : "");
    while (*p) {
        char tmp[8];
        const char *piece = tmp;
        size_t len;
        size_t u = loa_utf8_seq ((const char *) p);
        if (u == 0) {
            piece = "\xEF\xBF\xBD"; /* U+FFFD */
            len = 3;
            u = 1;
        } else if (*p == '"' || *p == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char) *p;
            len = 2;
        } else if (*p == '\n') {
            piece = "\\n";
            len = 2;
        } else if (*p < 0x20 || *p == 0x7f) {
            len = (size_t) snprintf (tmp, sizeof tmp, "\\u%04x", *p);
        } else {
            piece = (const char *) p;
            len = u;
        }
        if (o + len >= cap)
            break;
        memcpy (buf + o, piece, len);
        o += len;
        p += u;
    }
    buf[o] = '\0';
    return o;
}

int loa_log_enabled (loa_log_level level) { return level >= log_min; }

__attribute__ ((format (printf, 4, 0))) static void
vlog (loa_log_level level, const char *request_id, const char *fields, const char *fmt, va_list ap)
{
    if (level < log_min)
        return;
    char msg[2048], esc_msg[4096], esc_rid[160], line[6144];
    vsnprintf (msg, sizeof msg, fmt, ap);
    loa_log_escape (esc_msg, sizeof esc_msg, msg);
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r (&ts.tv_sec, &tm);
    char when[32];
    strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    esc_rid[0] = '\0';
    if (request_id && *request_id)
        loa_log_escape (esc_rid, sizeof esc_rid, request_id);
    /* Fields of the caller's beyond 1 KB are left out rather than cut. */
    int with = fields && *fields && strlen (fields) < 1024;
    int n = snprintf (line, sizeof line,
                      "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"svc\":\"%s\"%s%s%s%s%s,"
                      "\"msg\":\"%s\"}\n",
                      when, ts.tv_nsec / 1000000, level_names[level], log_svc,
                      esc_rid[0] ? ",\"request_id\":\"" : "", esc_rid, esc_rid[0] ? "\"" : "",
                      with ? "," : "", with ? fields : "", esc_msg);
    if (n < 0)
        return;
    if ((size_t) n >= sizeof line) /* cannot happen: the parts are bounded above */
        n = sizeof line - 1;
    ssize_t w = write (STDERR_FILENO, line, (size_t) n);
    (void) w;
}

void loa_log (loa_log_level level, const char *request_id, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    vlog (level, request_id, NULL, fmt, ap);
    va_end (ap);
}

void loa_log_fields (loa_log_level level, const char *request_id, const char *fields,
                     const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    vlog (level, request_id, fields, fmt, ap);
    va_end (ap);
}
