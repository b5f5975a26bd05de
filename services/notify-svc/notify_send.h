/* notify_send: the senders, one ticker per channel (loa_service_tick), each
 * working through its channel's due deliveries (docs/notifications.md):
 * a delivery is taken under a row lock (SKIP LOCKED: replicas share the
 * queue), sent, and its outcome stored in the same transaction: sent;
 * again later, after a backoff that doubles from LOA_NOTIFY_RETRY_MS
 * (5 s) up to LOA_NOTIFY_RETRY_MAX_MS (6 h); or failed, when the provider
 * refuses it for good or after LOA_NOTIFY_ATTEMPTS (16) attempts. */
#ifndef NOTIFY_SEND_H
#define NOTIFY_SEND_H

#include <libpq-fe.h>
#include <stddef.h>

/* Reads the channels' settings (notify_mail_config_env, ...), once, before
 * the tickers start. 0, or -1 (logged): the service does not start. */
int notify_send_init (void);
void notify_send_shutdown (void);

/* The e-mail and SMS senders' ticks (loa_tick_fn); a channel that is not
 * configured sends nothing (its deliveries, if any, wait). */
int notify_send_email_tick (PGconn *db, void *arg);
int notify_send_sms_tick (PGconn *db, void *arg);
int notify_send_webhook_tick (PGconn *db, void *arg);

/* 1 when SMS is configured (LOA_SMS_URL), *unicode (may be NULL) its
 * LOA_SMS_UNICODE. */
int notify_send_sms_configured (int *unicode);

/* The SMS gateway's request for one message: sms.request.json rendered
 * with {{to}}, {{text}}, {{id}} (JSON-escaped). A new string (the
 * caller's), NULL (logged) when the template is missing or broken. */
char *notify_send_sms_body (const char *to, const char *text, const char *id);

/* The delay before attempt `attempts` + 1, after `attempts` failed ones
 * (>= 1): base * 2^(attempts - 1), at most `max_ms`, less up to a quarter
 * at random (`jitter` in [0, 1)) so that a queue held back by an outage
 * does not all come back in the same second. */
long notify_send_backoff_ms (int attempts, long base_ms, long max_ms, double jitter);

/* An e-mail delivery's Message-ID, without brackets: "<key>@<domain of
 * LOA_MAIL_FROM>", the same on every attempt, so that a copy sent twice
 * (a crash between the server's answer and the commit) is recognisable. */
void notify_send_message_id (const char *key, char *out, size_t out_len);

#endif
