/* notify_http: one HTTP POST through libcurl, for the channels that speak
 * HTTP (notify_sms.c, notify_webhook.c): no redirects followed, http and
 * https only, the start of the answer kept for the delivery's row. */
#ifndef NOTIFY_HTTP_H
#define NOTIFY_HTTP_H

#include <curl/curl.h>
#include <stddef.h>

/* POSTs `body` to `url` with `headers` and, when not NULL, `resolve`
 * (CURLOPT_RESOLVE: the address to connect to), within `timeout_ms`. 0
 * when the server answered (its status in *status, "<status> <the answer's
 * first 200 bytes>" in `response`); -1 when it did not (no connection, a
 * timeout, out of memory: the reason in `response`). */
int notify_http_post (const char *url, struct curl_slist *headers, struct curl_slist *resolve,
                      long timeout_ms, const char *body, long *status, char *response,
                      size_t response_len);

#endif
