#include "notify_send.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_config.h"
#include "loa_db.h"
#include "loa_log.h"
#include "notify_mail.h"
#include "notify_sms.h"
#include "notify_store.h"
#include "notify_templates.h"
#include "notify_webhook.h"

#define DEFAULT_RETRY_MS 5000L
#define DEFAULT_RETRY_MAX_MS (6L * 3600 * 1000)
#define DEFAULT_ATTEMPTS 16
/* A tick sends for at most this long, so that a stop is never long in
 * coming; the next tick goes on. */
#define TICK_BUDGET_MS 2000

static notify_mail_config mail;
static notify_sms_config sms;
static long retry_ms, retry_max_ms, max_attempts;

int notify_send_init (void)
{
    if (notify_mail_config_env (&mail) != 0 || notify_sms_config_env (&sms) != 0)
        return -1;
    retry_ms = loa_env_int ("LOA_NOTIFY_RETRY_MS", DEFAULT_RETRY_MS, 1, 86400000);
    retry_max_ms = loa_env_int ("LOA_NOTIFY_RETRY_MAX_MS", DEFAULT_RETRY_MAX_MS, 1, 7 * 86400000L);
    max_attempts = loa_env_int ("LOA_NOTIFY_ATTEMPTS", DEFAULT_ATTEMPTS, 1, 100);
    if (mail.url)
        loa_info (NULL, "notify: e-mail through %s%s as %s", mail.url,
                  mail.starttls && strncmp (mail.url, "smtp:", 5) == 0 ? " (STARTTLS)" : "",
                  mail.from_addr);
    else
        loa_warn (NULL, "notify: LOA_SMTP_URL is not set: e-mails stay queued until it is");
    if (sms.url) {
        loa_info (NULL, "notify: SMS through %s (%s)", sms.url,
                  sms.unicode ? "with diacritics, 70 characters"
                              : "without diacritics, 160 characters");
        /* The request's template must render (a start-up check). */
        char *body = notify_send_sms_body ("+84912345678", "Kiem tra", "check");
        if (!body)
            return -1;
        free (body);
    }
    return 0;
}

void notify_send_shutdown (void)
{
    notify_mail_config_free (&mail);
    notify_sms_config_free (&sms);
}

long notify_send_backoff_ms (int attempts, long base_ms, long max_ms, double jitter)
{
    long d = base_ms;
    for (int i = 1; i < attempts && d < max_ms; i++)
        d *= 2;
    if (d > max_ms)
        d = max_ms;
    return d - (long) ((double) d / 4 * jitter);
}

void notify_send_message_id (const char *key, char *out, size_t out_len)
{
    snprintf (out, out_len, "%s@%s", key, mail.domain);
}

/* The sender thread's SMTP client, kept from one tick to the next and
 * freed when the thread ends. */
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t mailer_key;
static int key_made;

static void mailer_free (void *m)
{
    notify_mailer *mailer = m;
    notify_mailer_destroy (&mailer);
}

static void make_key (void) { key_made = pthread_key_create (&mailer_key, mailer_free) == 0; }

static notify_mailer *thread_mailer (void)
{
    pthread_once (&key_once, make_key);
    if (!key_made)
        return NULL;
    notify_mailer *m = pthread_getspecific (mailer_key);
    if (!m && (m = notify_mailer_new (&mail)) && pthread_setspecific (mailer_key, m) != 0)
        notify_mailer_destroy (&m);
    return m;
}

/* Stores what became of `d`: 0 or -1. */
static int settle (PGconn *db, const notify_claimed *d, notify_outcome out, const char *response)
{
    if (out == NOTIFY_SENT)
        return notify_store_sent (db, d->id, response);
    int attempts = d->attempts + 1;
    if (out == NOTIFY_REFUSED || attempts >= max_attempts) {
        loa_warn (NULL, "notify: %s failed for good after %d attempt%s: %s", d->key, attempts,
                  attempts > 1 ? "s" : "", response);
        return notify_store_failed (db, d->id, response);
    }
    long delay = notify_send_backoff_ms (attempts, retry_ms, retry_max_ms,
                                         (double) (random () % 1000) / 1000.0);
    loa_info (NULL, "notify: %s not sent (attempt %d), again in %ld ms: %s", d->key, attempts,
              delay, response);
    return notify_store_later (db, d->id, delay, response);
}

/* A channel's way of sending one claimed delivery. */
typedef notify_outcome (*send_fn) (PGconn *db, const notify_claimed *d, char *response, size_t len);

static notify_outcome send_email (PGconn *db, const notify_claimed *d, char *response, size_t len)
{
    (void) db;
    notify_mailer *mailer = thread_mailer ();
    if (!mailer) {
        snprintf (response, len, "out of memory");
        return NOTIFY_RETRY;
    }
    char message_id[512];
    notify_send_message_id (d->key, message_id, sizeof message_id);
    notify_mail_msg m = {message_id,   "",           d->recipient,   d->subject,
                         d->body_text, d->body_html, d->created_unix};
    size_t n = 0;
    char *bytes = notify_mail_build (&mail, &m, &n);
    if (!bytes) {
        snprintf (response, len, "the message cannot be built (recipient %.100s)", d->recipient);
        return NOTIFY_REFUSED;
    }
    notify_outcome out = notify_mailer_send (mailer, d->recipient, bytes, n, response, len);
    free (bytes);
    return out;
}

static notify_outcome send_sms (PGconn *db, const notify_claimed *d, char *response, size_t len)
{
    (void) db;
    char *body = notify_send_sms_body (d->recipient, d->body_text, d->key);
    if (!body) {
        snprintf (response, len, "the request cannot be made from %s/sms.request.json",
                  loa_env ("LOA_NOTIFY_TEMPLATES", "/usr/share/loa/notify"));
        return NOTIFY_RETRY; /* the operator's to mend: nothing is lost meanwhile */
    }
    notify_outcome out = notify_sms_send (&sms, body, response, len);
    free (body);
    return out;
}

/* A webhook: to the broadcaster's URL and with its secret as they are now
 * (a changed URL or a new secret applies to what is still queued). */
static notify_outcome send_webhook (PGconn *db, const notify_claimed *d, char *response, size_t len)
{
    uint8_t secret[NOTIFY_WEBHOOK_SECRET_BYTES];
    char *url = NULL;
    int got = notify_store_webhook_secret (db, d->broadcaster_id, &url, secret);
    if (got <= 0) {
        snprintf (response, len, "%s",
                  got == 0 ? "the broadcaster's webhook was removed"
                           : "the webhook's secret cannot be read");
        return got == 0 ? NOTIFY_REFUSED : NOTIFY_RETRY;
    }
    notify_outcome out =
        notify_webhook_send (url, d->key, secret, sizeof secret, d->body_text, response, len);
    sodium_memzero (secret, sizeof secret);
    free (url);
    return out;
}

/* One delivery of `channel`: 1 handled, 0 none due, -1. Its transaction
 * holds the row from the claim to the outcome: a sender that dies in
 * between leaves it queued (rolled back), to be sent again by whichever
 * sender comes next. */
static int send_one (PGconn *db, const char *channel, send_fn send)
{
    if (loa_db_exec (db, "BEGIN") != 0)
        return -1;
    /* The outcome need not wait for the WAL flush: a crash of this process
     * loses nothing (PostgreSQL keeps the commit), and a crash of
     * PostgreSQL itself at worst sends one message again, with the same
     * Message-ID. Not waiting narrows the window between the provider's
     * answer and the commit, in which a kill of notify-svc means a copy. */
    notify_claimed d;
    int rc = loa_db_exec (db, "SET LOCAL synchronous_commit = off") == 0
                 ? notify_store_claim (db, channel, &d)
                 : -1;
    if (rc != 1) {
        loa_db_exec (db, rc == 0 ? "COMMIT" : "ROLLBACK");
        return rc;
    }
    char response[512];
    notify_outcome out = send (db, &d, response, sizeof response);
    rc = settle (db, &d, out, response) == 0 && loa_db_exec (db, "COMMIT") == 0 ? 1 : -1;
    if (rc < 0)
        loa_db_exec (db, "ROLLBACK");
    notify_store_claimed_free (&d);
    return rc;
}

/* Sends what is due on `channel`, for at most TICK_BUDGET_MS. */
static int run_channel (PGconn *db, const char *channel, send_fn send)
{
    int64_t end = loa_mono_ms () + TICK_BUDGET_MS;
    while (loa_mono_ms () < end) {
        int rc = send_one (db, channel, send);
        if (rc <= 0)
            return rc;
    }
    return 0;
}

int notify_send_email_tick (PGconn *db, void *arg)
{
    (void) arg;
    return mail.url ? run_channel (db, "email", send_email) : 0;
}

int notify_send_sms_tick (PGconn *db, void *arg)
{
    (void) arg;
    return sms.url ? run_channel (db, "sms", send_sms) : 0;
}

int notify_send_webhook_tick (PGconn *db, void *arg)
{
    (void) arg;
    return run_channel (db, "webhook", send_webhook);
}

int notify_send_sms_configured (int *unicode)
{
    if (unicode)
        *unicode = sms.unicode;
    return sms.url != NULL;
}

char *notify_send_sms_body (const char *to, const char *text, const char *id)
{
    const loa_template_var vars[] = {{"to", to}, {"text", text}, {"id", id}, {NULL, NULL}};
    return notify_templates_render_one ("sms.request.json", LOA_ESC_JSON, vars);
}
