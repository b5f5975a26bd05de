/* notify_webhook: broadcasters' webhooks, by the Standard Webhooks
 * specification (docs/notifications.md, "Webhooks"): each POST carries
 * webhook-id (the delivery's key, the same on every attempt),
 * webhook-timestamp (the attempt's, Unix seconds) and webhook-signature
 * ("v1," and the base64 of HMAC-SHA256 over "id.timestamp.body" with the
 * secret). A URL is taken only with https, and never when its host is an
 * address of a private, reserved or this machine's own network (no SSRF),
 * checked when it is set and again at each attempt, the connection pinned
 * to the address checked; LOA_WEBHOOK_ALLOW names host:port exceptions
 * (a receiver of the installation's own, the tests'), http allowed there. */
#ifndef NOTIFY_WEBHOOK_H
#define NOTIFY_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "notify_channel.h"

#define NOTIFY_WEBHOOK_SECRET_BYTES 32
/* "whsec_" and the base64 of the secret, with its NUL. */
#define NOTIFY_WEBHOOK_SECRET_TEXT 52

/* The secret as the receiver is given it: "whsec_<base64>". */
void notify_webhook_secret_text (const uint8_t secret[NOTIFY_WEBHOOK_SECRET_BYTES],
                                 char out[NOTIFY_WEBHOOK_SECRET_TEXT]);

/* webhook-signature's value for `id`, `ts`, `body` signed with `secret`
 * (`secret_len` bytes): "v1,<base64>" into out (at least 48 bytes). */
void notify_webhook_sign (const uint8_t *secret, size_t secret_len, const char *id, long long ts,
                          const char *body, char *out, size_t out_len);

/* 1 when `sa` is an address a webhook must never reach: loopback,
 * private (RFC 1918, unique-local), link-local, carrier-grade NAT,
 * benchmarking, documentation, multicast, reserved or unspecified, an
 * IPv4-mapped or NAT64 IPv6 address of one, or one of this machine's own
 * interfaces. */
int notify_webhook_address_refused (const struct sockaddr *sa);

/* Checks `url` for a webhook: 0 with *pin set to "host:port:address"
 * (libcurl's CURLOPT_RESOLVE: the connection goes to the address checked,
 * whatever DNS says a moment later), or -1 with the reason in Vietnamese
 * in `why` (not https, no host, cannot be resolved, an address of the
 * installation's own network). */
int notify_webhook_url_check (const char *url, char *pin, size_t pin_len, char *why,
                              size_t why_len);

/* POSTs `body` to `url` (checked again first), signed as above with
 * webhook-id `id`. SENT on a 2xx; REFUSED on 410 Gone (the receiver says
 * it wants no more) or a URL no longer allowed; RETRY otherwise (the
 * specification's: any other answer, or none, is tried again). */
notify_outcome notify_webhook_send (const char *url, const char *id, const uint8_t *secret,
                                    size_t secret_len, const char *body, char *response,
                                    size_t response_len);

#endif
