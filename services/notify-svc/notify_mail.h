/* notify_mail: e-mail out, one message at a time (docs/notifications.md).
 * The message is built by GMime (MIME, RFC 2047 headers, quoted-printable
 * or base64 bodies, CRLF lines) and sent over SMTP by libcurl (STARTTLS or
 * implicit TLS, authentication). GMime and libcurl are set up once by
 * notify_mail_global_init, before any thread; nothing of either appears
 * in this header. */
#ifndef NOTIFY_MAIL_H
#define NOTIFY_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "notify_channel.h"

/* Where and as whom mail goes: from the environment (notify_mail_config_env). */
typedef struct {
    char *url; /* LOA_SMTP_URL: smtp://host:port or smtps://host; NULL: mail is not configured */
    char *user, *password; /* LOA_SMTP_USER, LOA_SMTP_PASSWORD(_FILE); NULL: no AUTH */
    char *from; /* LOA_MAIL_FROM: "Name <addr>" */
    char *reply_to; /* LOA_MAIL_REPLY_TO; NULL: none */
    int starttls; /* smtp:// only: 1 requires STARTTLS (LOA_SMTP_TLS=starttls, the default
                   * unless the host is this machine's), 0 plain (LOA_SMTP_TLS=none) */
    long timeout_ms; /* LOA_SMTP_TIMEOUT_MS, a whole message's */
    char *ca_file; /* LOA_SMTP_CA_FILE: the CAs the server's certificate is checked against
                    * (a private CA); NULL: the system's */
    char from_addr[256]; /* from's address alone (the envelope sender) */
    char domain[256]; /* its domain: the Message-IDs' right side */
} notify_mail_config;

/* Reads the settings above. 0; -1 (logged, naming the setting) when one is
 * set but wrong (LOA_MAIL_FROM without an address, LOA_SMTP_TLS unknown, a
 * URL of another scheme). Without LOA_SMTP_URL, cfg->url is NULL and mail
 * stays queued (logged once). */
int notify_mail_config_env (notify_mail_config *cfg);
void notify_mail_config_free (notify_mail_config *cfg);

/* GMime and libcurl, once per process, before any thread; and their end. */
int notify_mail_global_init (void);
void notify_mail_global_shutdown (void);

typedef struct {
    const char *message_id; /* without the brackets: "<key>@<domain>" is made by the caller */
    const char *to_name; /* may be "" */
    const char *to_addr;
    const char *subject;
    const char *text; /* the text/plain part */
    const char *html; /* the text/html alternative; "" for none */
    int64_t date_unix; /* the Date header (when the message was made), shown at +07:00 */
} notify_mail_msg;

/* The message's bytes (RFC 5322, CRLF), a new string (the caller's free()),
 * *len its length; NULL when memory runs out or an address is refused. */
char *notify_mail_build (const notify_mail_config *cfg, const notify_mail_msg *m, size_t *len);

typedef struct notify_mailer notify_mailer;

/* A sender's SMTP client: it keeps its connection from one message to the
 * next. NULL when out of memory. */
notify_mailer *notify_mailer_new (const notify_mail_config *cfg);
void notify_mailer_destroy (notify_mailer **pself);

/* Sends `msg` (len bytes, from notify_mail_build) to `to`. The server's
 * answer, or the error, goes to `response` ("250 ...", "couldn't connect
 * ..."). SENT; RETRY when the server is down, busy (4xx), the network
 * failed or it refused our login; REFUSED when it refused the message for
 * good (5xx). */
notify_outcome notify_mailer_send (notify_mailer *self, const char *to, const char *msg, size_t len,
                                   char *response, size_t response_len);

#endif
