#include "notify_sms.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_config.h"
#include "loa_log.h"
#include "notify_http.h"

#define DEFAULT_TIMEOUT_MS 10000
#define GSM_CHARS 160
#define UCS2_CHARS 70

static char *env_dup (const char *name)
{
    const char *v = loa_env (name, NULL);
    return v && *v ? strdup (v) : NULL;
}

int notify_sms_config_env (notify_sms_config *cfg)
{
    memset (cfg, 0, sizeof *cfg);
    cfg->url = env_dup ("LOA_SMS_URL");
    cfg->token = env_dup ("LOA_SMS_TOKEN");
    cfg->content_type = strdup (loa_env ("LOA_SMS_CONTENT_TYPE", "application/json"));
    cfg->unicode = loa_env_bool ("LOA_SMS_UNICODE", 0);
    cfg->timeout_ms = loa_env_int ("LOA_SMS_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 100, 600000);
    if (!cfg->content_type)
        return -1;
    if (cfg->url && strncmp (cfg->url, "https://", 8) != 0 &&
        strncmp (cfg->url, "http://", 7) != 0) {
        loa_error (NULL, "notify: LOA_SMS_URL must start with https:// or http:// (got %.40s)",
                   cfg->url);
        return -1;
    }
    return 0;
}

void notify_sms_config_free (notify_sms_config *cfg)
{
    free (cfg->url);
    free (cfg->token);
    free (cfg->content_type);
    memset (cfg, 0, sizeof *cfg);
}

int notify_sms_phone (const char *in, char *out, size_t out_len)
{
    char digits[32];
    size_t n = 0;
    int plus = 0;
    for (const char *p = in; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof digits)
                return -1;
            digits[n++] = *p;
        } else if (*p == '+' && n == 0 && !plus)
            plus = 1;
        else if (!strchr (" .-()", *p))
            return -1;
    }
    digits[n] = '\0';
    const char *national; /* the number without its country code or leading 0 */
    if (digits[0] == '8' && digits[1] == '4' && (plus || n == 11))
        national = digits + 2;
    else if (!plus && digits[0] == '0')
        national = digits + 1;
    else
        return -1;
    size_t len = strlen (national);
    if (len < 9 || len > 10 || national[0] == '0' || out_len < 4 + len)
        return -1;
    snprintf (out, out_len, "+84%s", national);
    return len == 9 && strchr ("35789", national[0]) ? 1 : 0;
}

char *notify_sms_text (const char *text, int unicode, int *cut)
{
    *cut = 0;
    char *s;
    if (unicode)
        s = g_strdup (text);
    else {
        /* glib's transliteration knows every Vietnamese letter but Đ. */
        GString *pre = g_string_new (NULL);
        for (const char *p = text; *p; p++) {
            if ((unsigned char) p[0] == 0xC4 &&
                ((unsigned char) p[1] == 0x90 || (unsigned char) p[1] == 0x91)) {
                g_string_append_c (pre, (unsigned char) p[1] == 0x90 ? 'D' : 'd');
                p++;
            } else
                g_string_append_c (pre, *p);
        }
        s = g_str_to_ascii (pre->str, "C");
        g_string_free (pre, TRUE);
    }
    size_t max = unicode ? UCS2_CHARS : GSM_CHARS;
    if ((size_t) g_utf8_strlen (s, -1) > max) {
        *cut = 1;
        char *end = g_utf8_offset_to_pointer (s, (glong) max);
        *end = '\0';
        char *space = strrchr (s, ' ');
        if (space && space > s + max / 2)
            *space = '\0';
    }
    char *out = strdup (s);
    g_free (s);
    return out;
}

notify_outcome notify_sms_send (const notify_sms_config *cfg, const char *body, char *response,
                                size_t response_len)
{
    struct curl_slist *headers = NULL;
    char ct[200], auth[1100];
    snprintf (ct, sizeof ct, "Content-Type: %s", cfg->content_type);
    headers = curl_slist_append (headers, ct);
    if (cfg->token) {
        snprintf (auth, sizeof auth, "Authorization: Bearer %s", cfg->token);
        headers = curl_slist_append (headers, auth);
    }
    long status = 0;
    int rc = headers ? notify_http_post (cfg->url, headers, NULL, cfg->timeout_ms, body, &status,
                                         response, response_len)
                     : -1;
    if (!headers)
        snprintf (response, response_len, "out of memory");
    curl_slist_free_all (headers);
    if (rc != 0)
        return NOTIFY_RETRY;
    if (status >= 200 && status < 300)
        return NOTIFY_SENT;
    return status == 408 || status == 429 || status >= 500 ? NOTIFY_RETRY : NOTIFY_REFUSED;
}
