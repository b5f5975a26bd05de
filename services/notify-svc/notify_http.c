#include "notify_http.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    char buf[200];
    size_t len;
} answer;

static size_t keep_answer (char *data, size_t size, size_t n, void *arg)
{
    answer *a = arg;
    size_t len = size * n, room = sizeof a->buf - 1 - a->len, take = len < room ? len : room;
    memcpy (a->buf + a->len, data, take);
    a->len += take;
    a->buf[a->len] = '\0';
    return len;
}

int notify_http_post (const char *url, struct curl_slist *headers, struct curl_slist *resolve,
                      long timeout_ms, const char *body, long *status, char *response,
                      size_t response_len)
{
    *status = 0;
    CURL *c = curl_easy_init ();
    if (!c) {
        snprintf (response, response_len, "out of memory");
        return -1;
    }
    char err[CURL_ERROR_SIZE] = "";
    answer a = {.len = 0};
    a.buf[0] = '\0';
    curl_easy_setopt (c, CURLOPT_URL, url);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 0L);
    if (resolve)
        curl_easy_setopt (c, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, keep_answer);
    curl_easy_setopt (c, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt (c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, timeout_ms);
    CURLcode rc = curl_easy_perform (c);
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup (c);
    if (rc != CURLE_OK) {
        snprintf (response, response_len, "%s", err[0] ? err : curl_easy_strerror (rc));
        return -1;
    }
    snprintf (response, response_len, "%ld %s", *status, a.buf);
    return 0;
}
