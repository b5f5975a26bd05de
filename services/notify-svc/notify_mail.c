#include "notify_mail.h"

#include <curl/curl.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loa_config.h"
#include "loa_log.h"
#include "loa_text.h"

#define DEFAULT_TIMEOUT_MS 30000

static char *env_dup (const char *name)
{
    const char *v = loa_env (name, NULL);
    return v && *v ? strdup (v) : NULL;
}

/* The host of an smtp:// URL is this machine's (127.x, ::1, localhost). */
static int url_is_local (const char *url)
{
    const char *h = strstr (url, "://");
    h = h ? h + 3 : url;
    const char *at = strchr (h, '@'); /* user:password@ */
    if (at && at < h + strcspn (h, "/"))
        h = at + 1;
    return strncmp (h, "127.", 4) == 0 || strncmp (h, "[::1]", 5) == 0 ||
           (strncmp (h, "localhost", 9) == 0 && strchr (":/", h[9] ? h[9] : '/'));
}

int notify_mail_config_env (notify_mail_config *cfg)
{
    memset (cfg, 0, sizeof *cfg);
    cfg->url = env_dup ("LOA_SMTP_URL");
    cfg->user = env_dup ("LOA_SMTP_USER");
    cfg->password = env_dup ("LOA_SMTP_PASSWORD");
    cfg->from = strdup (loa_env ("LOA_MAIL_FROM", "Cổng thông tin CCHC <no-reply@localhost>"));
    cfg->reply_to = env_dup ("LOA_MAIL_REPLY_TO");
    cfg->ca_file = env_dup ("LOA_SMTP_CA_FILE");
    cfg->timeout_ms = loa_env_int ("LOA_SMTP_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 100, 600000);
    if (!cfg->from)
        return -1;
    if (cfg->url && strncmp (cfg->url, "smtp://", 7) != 0 &&
        strncmp (cfg->url, "smtps://", 8) != 0) {
        loa_error (NULL, "notify: LOA_SMTP_URL must start with smtp:// or smtps:// (got %.40s)",
                   cfg->url);
        return -1;
    }
    const char *tls = loa_env ("LOA_SMTP_TLS", NULL);
    if (!tls || !*tls)
        cfg->starttls = cfg->url ? !url_is_local (cfg->url) : 1;
    else if (strcmp (tls, "starttls") == 0)
        cfg->starttls = 1;
    else if (strcmp (tls, "none") == 0)
        cfg->starttls = 0;
    else {
        loa_error (NULL, "notify: LOA_SMTP_TLS is starttls or none (got %.40s)", tls);
        return -1;
    }
    InternetAddressList *l = internet_address_list_parse (NULL, cfg->from);
    InternetAddress *a = l && internet_address_list_length (l) == 1
                             ? internet_address_list_get_address (l, 0)
                             : NULL;
    const char *addr = a && INTERNET_ADDRESS_IS_MAILBOX (a)
                           ? internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a))
                           : NULL;
    int ok = addr && loa_email_ok (addr) &&
             (size_t) snprintf (cfg->from_addr, sizeof cfg->from_addr, "%s", addr) <
                 sizeof cfg->from_addr;
    if (ok)
        snprintf (cfg->domain, sizeof cfg->domain, "%s", strchr (cfg->from_addr, '@') + 1);
    if (l)
        g_object_unref (l);
    if (!ok) {
        loa_error (NULL,
                   "notify: LOA_MAIL_FROM must be one address, \"Name <addr@domain>\" (got "
                   "%.80s)",
                   cfg->from);
        return -1;
    }
    return 0;
}

void notify_mail_config_free (notify_mail_config *cfg)
{
    free (cfg->url);
    free (cfg->user);
    free (cfg->password);
    free (cfg->from);
    free (cfg->reply_to);
    free (cfg->ca_file);
    memset (cfg, 0, sizeof *cfg);
}

int notify_mail_global_init (void)
{
    g_mime_init ();
    return curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void notify_mail_global_shutdown (void)
{
    curl_global_cleanup ();
    g_mime_shutdown ();
}

/* The Subject's raw value, RFC 2047 B-encoded words of at most 39 bytes of
 * UTF-8 each (73 characters a line), each cut at a character's boundary
 * and, where one is near, at a multiple of 3 bytes: a word then needs no
 * base64 padding. GMime's own encoder pads words in the middle of a
 * subject, and decoders that join adjacent words before decoding them
 * (GMime's own among them, so mail clients built on it) stop at the first
 * padding and lose the rest ("... kiến [nghị] PAKN..."). NULL when memory
 * runs out; the caller g_free()s it. */
#define WORD_BYTES 39
static char *subject_raw (const char *subject)
{
    GString *raw = g_string_new (NULL);
    size_t len = strlen (subject), pos = 0;
    while (pos < len) {
        size_t take = len - pos, fallback = 0;
        if (take > WORD_BYTES) {
            take = 0;
            for (size_t n = WORD_BYTES; n > 0 && !take; n--) {
                if (((unsigned char) subject[pos + n] & 0xC0) == 0x80)
                    continue; /* inside a character */
                if (!fallback)
                    fallback = n;
                if (n % 3 == 0)
                    take = n;
            }
            if (!take || take < WORD_BYTES / 2)
                take = fallback;
        }
        gchar *b64 = g_base64_encode ((const guchar *) subject + pos, take);
        g_string_append_printf (raw, " =?UTF-8?B?%s?=\n", b64);
        g_free (b64);
        pos += take;
    }
    return g_string_free (raw, FALSE);
}

static int ascii (const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s >= 0x80)
            return 0;
    return 1;
}

/* A text part of `subtype`, UTF-8, encoded to fit 7-bit transport. */
static GMimeObject *text_part (const char *subtype, const char *text)
{
    GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);
    g_mime_text_part_set_text (part, text); /* sets charset=utf-8 when not ASCII */
    g_mime_text_part_set_charset (part, "utf-8");
    g_mime_object_encode (GMIME_OBJECT (part), GMIME_ENCODING_CONSTRAINT_7BIT);
    return GMIME_OBJECT (part);
}

char *notify_mail_build (const notify_mail_config *cfg, const notify_mail_msg *m, size_t *len)
{
    if (!loa_email_ok (m->to_addr))
        return NULL;
    GMimeMessage *msg = g_mime_message_new (TRUE);
    InternetAddressList *from = internet_address_list_parse (NULL, cfg->from);
    if (from) {
        internet_address_list_append (g_mime_message_get_from (msg), from);
        g_object_unref (from);
    }
    if (cfg->reply_to) {
        InternetAddressList *rt = internet_address_list_parse (NULL, cfg->reply_to);
        if (rt) {
            internet_address_list_append (g_mime_message_get_reply_to (msg), rt);
            g_object_unref (rt);
        }
    }
    g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_TO, m->to_name ? m->to_name : "",
                                m->to_addr);
    g_mime_message_set_subject (msg, m->subject, "utf-8");
    if (!ascii (m->subject)) {
        GMimeHeader *h = g_mime_header_list_get_header (
            g_mime_object_get_header_list (GMIME_OBJECT (msg)), "Subject");
        char *raw = subject_raw (m->subject);
        if (h && raw)
            g_mime_header_set_raw_value (h, raw);
        g_free (raw);
    }
    g_mime_message_set_message_id (msg, m->message_id);
    GDateTime *utc = g_date_time_new_from_unix_utc (m->date_unix);
    GTimeZone *vn = g_time_zone_new_identifier ("+07:00");
    GDateTime *local = utc && vn ? g_date_time_to_timezone (utc, vn) : NULL;
    if (local)
        g_mime_message_set_date (msg, local);
    GMimeObject *text = text_part ("plain", m->text);
    if (m->html && *m->html) {
        GMimeMultipart *alt = g_mime_multipart_new_with_subtype ("alternative");
        GMimeObject *html = text_part ("html", m->html);
        g_mime_multipart_add (alt, text);
        g_mime_multipart_add (alt, html);
        g_object_unref (text);
        g_object_unref (html);
        g_mime_message_set_mime_part (msg, GMIME_OBJECT (alt));
        g_object_unref (alt);
    } else {
        g_mime_message_set_mime_part (msg, text);
        g_object_unref (text);
    }
    GMimeFormatOptions *opts = g_mime_format_options_new ();
    g_mime_format_options_set_newline_format (opts, GMIME_NEWLINE_FORMAT_DOS);
    char *g = g_mime_object_to_string (GMIME_OBJECT (msg), opts);
    char *out = g ? strdup (g) : NULL;
    if (out && len)
        *len = strlen (out);
    g_free (g);
    g_mime_format_options_free (opts);
    if (local)
        g_date_time_unref (local);
    if (utc)
        g_date_time_unref (utc);
    if (vn)
        g_time_zone_unref (vn);
    g_object_unref (msg);
    return out;
}

/* ------------------------------------------------------------ sending */

struct notify_mailer {
    const notify_mail_config *cfg;
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
    char last_line[256]; /* the server's last answer but QUIT's */
    char refusal[256]; /* its first 4xx or 5xx answer: why it failed */
};

typedef struct {
    const char *data;
    size_t left;
} upload;

static size_t read_cb (char *buf, size_t size, size_t n, void *arg)
{
    upload *u = arg;
    size_t want = size * n, take = u->left < want ? u->left : want;
    memcpy (buf, u->data, take);
    u->data += take;
    u->left -= take;
    return take;
}

/* libcurl hands the SMTP server's answers to the header callback: the
 * provider's response kept in the delivery's row is its first refusal, if
 * any (a 550 to RCPT, not the 221 of the QUIT that follows), else its last
 * answer (the 250 that took the message). */
static size_t header_cb (char *buf, size_t size, size_t n, void *arg)
{
    notify_mailer *self = arg;
    size_t len = size * n, keep = len;
    while (keep && (buf[keep - 1] == '\n' || buf[keep - 1] == '\r'))
        keep--;
    if (keep >= sizeof self->last_line)
        keep = sizeof self->last_line - 1;
    if (keep >= 3 && strncmp (buf, "221", 3) == 0)
        return len;
    char *into =
        (buf[0] == '4' || buf[0] == '5') && !self->refusal[0] ? self->refusal : self->last_line;
    memcpy (into, buf, keep);
    into[keep] = '\0';
    return len;
}

notify_mailer *notify_mailer_new (const notify_mail_config *cfg)
{
    notify_mailer *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->curl = curl_easy_init ();
    if (!self->curl) {
        free (self);
        return NULL;
    }
    return self;
}

void notify_mailer_destroy (notify_mailer **pself)
{
    if (!pself || !*pself)
        return;
    curl_easy_cleanup ((*pself)->curl);
    free (*pself);
    *pself = NULL;
}

notify_outcome notify_mailer_send (notify_mailer *self, const char *to, const char *msg, size_t len,
                                   char *response, size_t response_len)
{
    const notify_mail_config *cfg = self->cfg;
    CURL *c = self->curl;
    char rcpt_text[300];
    snprintf (rcpt_text, sizeof rcpt_text, "<%s>", to);
    char from[300];
    snprintf (from, sizeof from, "<%s>", cfg->from_addr);
    struct curl_slist *rcpt = curl_slist_append (NULL, rcpt_text);
    if (!rcpt) {
        snprintf (response, response_len, "out of memory");
        return NOTIFY_RETRY;
    }
    upload u = {msg, len};
    self->errbuf[0] = '\0';
    self->last_line[0] = '\0';
    self->refusal[0] = '\0';
    curl_easy_setopt (c, CURLOPT_URL, cfg->url);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt (c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt (c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt (c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt (c, CURLOPT_READDATA, &u);
    curl_easy_setopt (c, CURLOPT_INFILESIZE_LARGE, (curl_off_t) len);
    curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt (c, CURLOPT_HEADERDATA, self);
    curl_easy_setopt (c, CURLOPT_ERRORBUFFER, self->errbuf);
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS,
                      cfg->timeout_ms < 10000 ? cfg->timeout_ms : 10000L);
    curl_easy_setopt (c, CURLOPT_USE_SSL,
                      cfg->starttls || strncmp (cfg->url, "smtps:", 6) == 0
                          ? (long) CURLUSESSL_ALL
                          : (long) CURLUSESSL_NONE);
    if (cfg->ca_file)
        curl_easy_setopt (c, CURLOPT_CAINFO, cfg->ca_file);
    if (cfg->user) {
        curl_easy_setopt (c, CURLOPT_USERNAME, cfg->user);
        curl_easy_setopt (c, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
    }
    CURLcode rc = curl_easy_perform (c);
    long code = 0;
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt (c, CURLOPT_MAIL_RCPT, NULL);
    curl_slist_free_all (rcpt);
    if (rc == CURLE_OK) {
        snprintf (response, response_len, "%s", self->last_line[0] ? self->last_line : "250");
        return NOTIFY_SENT;
    }
    const char *said = self->refusal[0] ? self->refusal : self->last_line;
    snprintf (response, response_len, "%s%s%s", said, *said ? " — " : "",
              self->errbuf[0] ? self->errbuf : curl_easy_strerror (rc));
    /* A 5xx is the server's final word on this message (a mailbox that
     * does not exist, a message refused); anything else may pass later. */
    if (rc == CURLE_LOGIN_DENIED) /* ours, not the message's: every message waits for a fix */
        return NOTIFY_RETRY;
    return code >= 500 && code < 600 ? NOTIFY_REFUSED : NOTIFY_RETRY;
}
