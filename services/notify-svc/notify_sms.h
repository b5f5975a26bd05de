/* notify_sms: SMS through a provider's HTTP gateway, as Vietnamese
 * SMS-brandname providers offer (docs/notifications.md, "SMS"): one HTTPS
 * POST a message, its body made from a template (sms.request.json in the
 * templates' folder: {{to}}, {{text}}, {{id}}, JSON-escaped) so that
 * another provider needs no code. */
#ifndef NOTIFY_SMS_H
#define NOTIFY_SMS_H

#include <stddef.h>

#include "notify_channel.h"

typedef struct {
    char *url; /* LOA_SMS_URL; NULL: SMS is not configured, none is queued */
    char *token; /* LOA_SMS_TOKEN(_FILE): sent as "Authorization: Bearer <token>"; NULL: none */
    char *content_type; /* LOA_SMS_CONTENT_TYPE, default application/json */
    int unicode; /* LOA_SMS_UNICODE: 1 keeps the diacritics (UCS-2, 70 characters) */
    long timeout_ms; /* LOA_SMS_TIMEOUT_MS */
} notify_sms_config;

/* Reads the settings. 0, or -1 (logged, naming the setting): a URL that is
 * not http(s). */
int notify_sms_config_env (notify_sms_config *cfg);
void notify_sms_config_free (notify_sms_config *cfg);

/* A Vietnamese phone number in the +84 form into out (at least 16 bytes):
 * "0912 345 678", "84912345678", "+84 (912) 345-678" all give
 * "+84912345678". 1 when it is a mobile number (+84 then 3, 5, 7, 8 or 9
 * and eight more digits: the networks' prefixes since 2018), 0 when it is
 * a number but not a mobile one (a landline: no SMS), -1 when it is not a
 * Vietnamese number. */
int notify_sms_phone (const char *in, char *out, size_t out_len);

/* The SMS's text from the rendered template: without diacritics ("Đã tiếp
 * nhận" -> "Da tiep nhan"), and no longer than one GSM segment (160
 * characters), unless `unicode` (then at most 70 characters, one UCS-2
 * segment); a longer text is cut at a space (*cut set). A new string (the
 * caller's), NULL when memory runs out. */
char *notify_sms_text (const char *text, int unicode, int *cut);

/* POSTs `body` (rendered from sms.request.json) to the gateway. `response`
 * gets the status and the start of the gateway's answer. SENT on a 2xx;
 * RETRY when the gateway is down, busy (408, 429, 5xx) or late; REFUSED on
 * another 4xx (the request will not pass by trying again). */
notify_outcome notify_sms_send (const notify_sms_config *cfg, const char *body, char *response,
                                size_t response_len);

#endif
