#include "loa_metrics.h"

#include <dirent.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "loa_config.h"
#include "loa_log.h"

#ifndef LOA_VERSION
#define LOA_VERSION "unknown"
#endif

struct loa_metrics {
    struct MHD_Daemon *daemon;
    char program[64];
    loa_metrics_fn fn;
    void *arg;
    unsigned char token_hash[crypto_hash_sha256_BYTES]; /* of LOA_METRICS_TOKEN */
    int has_token;
};

static time_t started_at;

void loa_metrics_process (loa_buf *b, const char *program)
{
    if (!started_at)
        started_at = time (NULL);
    struct rusage ru;
    double cpu = 0;
    if (getrusage (RUSAGE_SELF, &ru) == 0)
        cpu = (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec / 1e6 +
              (double) ru.ru_stime.tv_sec + (double) ru.ru_stime.tv_usec / 1e6;
    unsigned long long pages_virt = 0, pages_res = 0;
    FILE *f = fopen ("/proc/self/statm", "re");
    if (f) {
        if (fscanf (f, "%llu %llu", &pages_virt, &pages_res) != 2)
            pages_virt = pages_res = 0;
        fclose (f);
    }
    long page = sysconf (_SC_PAGESIZE);
    long fds = 0;
    DIR *d = opendir ("/proc/self/fd");
    if (d) {
        for (struct dirent *e; (e = readdir (d));)
            fds += e->d_name[0] != '.';
        closedir (d);
        fds--; /* the directory's own */
    }
    struct rlimit rl = {0};
    getrlimit (RLIMIT_NOFILE, &rl);
    loa_buf_printf (b,
                    "# HELP process_cpu_seconds_total CPU time used, user and system.\n"
                    "# TYPE process_cpu_seconds_total counter\n"
                    "process_cpu_seconds_total %.3f\n"
                    "# HELP process_resident_memory_bytes Resident memory.\n"
                    "# TYPE process_resident_memory_bytes gauge\n"
                    "process_resident_memory_bytes %llu\n"
                    "# HELP process_virtual_memory_bytes Virtual memory.\n"
                    "# TYPE process_virtual_memory_bytes gauge\n"
                    "process_virtual_memory_bytes %llu\n"
                    "# HELP process_open_fds Open file descriptors.\n"
                    "# TYPE process_open_fds gauge\n"
                    "process_open_fds %ld\n"
                    "# HELP process_max_fds The limit of open file descriptors.\n"
                    "# TYPE process_max_fds gauge\n"
                    "process_max_fds %llu\n"
                    "# HELP process_start_time_seconds When the process started, in Unix time.\n"
                    "# TYPE process_start_time_seconds gauge\n"
                    "process_start_time_seconds %lld\n"
                    "# HELP loa_build_info The program and its version.\n"
                    "# TYPE loa_build_info gauge\n"
                    "loa_build_info{program=\"%s\",version=\"%s\"} 1\n",
                    cpu, pages_res * (unsigned long long) page,
                    pages_virt * (unsigned long long) page, fds > 0 ? fds : 0,
                    (unsigned long long) rl.rlim_cur, (long long) started_at, program, LOA_VERSION);
}

static enum MHD_Result answer (struct MHD_Connection *conn, unsigned status, const char *type,
                               char *text, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer (len, text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free (text);
        return MHD_NO;
    }
    MHD_add_response_header (r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header (r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == 401)
        MHD_add_response_header (r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"loa\"");
    enum MHD_Result rc = MHD_queue_response (conn, status, r);
    MHD_destroy_response (r);
    return rc;
}

static enum MHD_Result on_request (void *cls, struct MHD_Connection *conn, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_size, void **con_cls)
{
    (void) version;
    (void) upload_data;
    loa_metrics *m = cls;
    if (!*con_cls) { /* the headers: the body (none expected) comes next */
        *con_cls = m;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* a body is read and ignored */
        return MHD_YES;
    }
    if (strcmp (url, "/metrics") != 0)
        return answer (conn, 404, "text/plain; charset=utf-8", strdup ("not found\n"), 10);
    if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
        return answer (conn, 405, "text/plain; charset=utf-8", strdup ("GET only\n"), 9);
    if (m->has_token) {
        const char *authz =
            MHD_lookup_connection_value (conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        unsigned char given[crypto_hash_sha256_BYTES];
        int ok = authz && strncmp (authz, "Bearer ", 7) == 0;
        if (ok) {
            crypto_hash_sha256 (given, (const unsigned char *) authz + 7, strlen (authz + 7));
            ok = sodium_memcmp (given, m->token_hash, sizeof given) == 0;
        }
        if (!ok)
            return answer (conn, 401, "text/plain; charset=utf-8", strdup ("unauthorized\n"), 13);
    }
    loa_buf b = {0};
    if (m->fn)
        m->fn (&b, m->arg);
    loa_metrics_process (&b, m->program);
    size_t len = 0;
    char *text = loa_buf_take (&b, &len);
    if (!text)
        return answer (conn, 500, "text/plain; charset=utf-8", strdup ("out of memory\n"), 14);
    return answer (conn, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}

int loa_metrics_start (const char *program, loa_metrics_fn fn, void *arg, loa_metrics **out)
{
    *out = NULL;
    if (!started_at)
        started_at = time (NULL);
    long port = loa_env_int ("LOA_METRICS_PORT", 0, 0, 65535);
    if (port == 0)
        return 0;
    loa_metrics *m = calloc (1, sizeof *m);
    if (!m)
        return -1;
    snprintf (m->program, sizeof m->program, "%s", program);
    m->fn = fn;
    m->arg = arg;
    const char *token = loa_env ("LOA_METRICS_TOKEN", NULL);
    if (token && *token) {
        crypto_hash_sha256 (m->token_hash, (const unsigned char *) token, strlen (token));
        m->has_token = 1;
    }
    m->daemon =
        MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t) port,
                          NULL, NULL, on_request, m, MHD_OPTION_CONNECTION_LIMIT, (unsigned) 16,
                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 10, MHD_OPTION_END);
    if (!m->daemon) {
        loa_error (NULL, "%s: cannot serve metrics on port %ld", program, port);
        free (m);
        return -1;
    }
    loa_info (NULL, "%s: metrics on http://localhost:%ld/metrics", program, port);
    *out = m;
    return 0;
}

void loa_metrics_stop (loa_metrics **pm)
{
    loa_metrics *m = *pm;
    if (!m)
        return;
    MHD_stop_daemon (m->daemon);
    free (m);
    *pm = NULL;
}
