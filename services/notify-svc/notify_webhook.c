#include "notify_webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loa_config.h"
#include "loa_log.h"
#include "notify_http.h"

#define DEFAULT_TIMEOUT_MS 10000

void notify_webhook_secret_text (const uint8_t secret[NOTIFY_WEBHOOK_SECRET_BYTES],
                                 char out[NOTIFY_WEBHOOK_SECRET_TEXT])
{
    memcpy (out, "whsec_", 6);
    sodium_bin2base64 (out + 6, NOTIFY_WEBHOOK_SECRET_TEXT - 6, secret, NOTIFY_WEBHOOK_SECRET_BYTES,
                       sodium_base64_VARIANT_ORIGINAL);
}

void notify_webhook_sign (const uint8_t *secret, size_t secret_len, const char *id, long long ts,
                          const char *body, char *out, size_t out_len)
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char t[24];
    snprintf (t, sizeof t, "%lld", ts);
    crypto_auth_hmacsha256_init (&st, secret, secret_len);
    crypto_auth_hmacsha256_update (&st, (const unsigned char *) id, strlen (id));
    crypto_auth_hmacsha256_update (&st, (const unsigned char *) ".", 1);
    crypto_auth_hmacsha256_update (&st, (const unsigned char *) t, strlen (t));
    crypto_auth_hmacsha256_update (&st, (const unsigned char *) ".", 1);
    crypto_auth_hmacsha256_update (&st, (const unsigned char *) body, strlen (body));
    crypto_auth_hmacsha256_final (&st, mac);
    char b64[sodium_base64_ENCODED_LEN (crypto_auth_hmacsha256_BYTES,
                                        sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64 (b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    snprintf (out, out_len, "v1,%s", b64);
}

/* IPv4 `a` (host order) in a/bits. */
static int in4 (uint32_t a, const char *net, int bits)
{
    struct in_addr n;
    inet_pton (AF_INET, net, &n);
    uint32_t mask = bits ? 0xFFFFFFFFu << (32 - bits) : 0;
    return (a & mask) == (ntohl (n.s_addr) & mask);
}

static int v4_refused (uint32_t a)
{
    static const struct {
        const char *net;
        int bits;
    } nets[] = {
        {"0.0.0.0", 8},      {"10.0.0.0", 8},    {"100.64.0.0", 10},   {"127.0.0.0", 8},
        {"169.254.0.0", 16}, {"172.16.0.0", 12}, {"192.0.0.0", 24},    {"192.0.2.0", 24},
        {"192.168.0.0", 16}, {"198.18.0.0", 15}, {"198.51.100.0", 24}, {"203.0.113.0", 24},
        {"224.0.0.0", 4},    {"240.0.0.0", 4},
    };
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
        if (in4 (a, nets[i].net, nets[i].bits))
            return 1;
    return 0;
}

static int v6_refused (const struct in6_addr *a)
{
    const uint8_t *b = a->s6_addr;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static const uint8_t nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    if (memcmp (b, mapped, 12) == 0 || memcmp (b, nat64, 12) == 0)
        return v4_refused ((uint32_t) b[12] << 24 | (uint32_t) b[13] << 16 | (uint32_t) b[14] << 8 |
                           b[15]);
    static const uint8_t zero[16] = {0};
    if (memcmp (b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) /* :: and ::1 */
        return 1;
    return (b[0] & 0xFE) == 0xFC /* fc00::/7 unique-local */ ||
           (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) /* fe80::/10 link-local */ ||
           b[0] == 0xFF /* multicast */ ||
           (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) /* documentation */ ||
           (b[0] == 0x01 && b[1] == 0 && memcmp (b + 2, zero, 6) == 0) /* 100::/64 discard */;
}

/* 1 when `sa` is one of this machine's own addresses. */
static int own_address (const struct sockaddr *sa)
{
    struct ifaddrs *ifs = NULL, *i;
    int own = 0;
    if (getifaddrs (&ifs) != 0)
        return 0;
    for (i = ifs; i && !own; i = i->ifa_next) {
        const struct sockaddr *ia = i->ifa_addr;
        if (!ia || ia->sa_family != sa->sa_family)
            continue;
        if (sa->sa_family == AF_INET)
            own = ((const struct sockaddr_in *) ia)->sin_addr.s_addr ==
                  ((const struct sockaddr_in *) sa)->sin_addr.s_addr;
        else if (sa->sa_family == AF_INET6)
            own = memcmp (&((const struct sockaddr_in6 *) ia)->sin6_addr,
                          &((const struct sockaddr_in6 *) sa)->sin6_addr, 16) == 0;
    }
    freeifaddrs (ifs);
    return own;
}

int notify_webhook_address_refused (const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        if (v4_refused (ntohl (((const struct sockaddr_in *) sa)->sin_addr.s_addr)))
            return 1;
    } else if (sa->sa_family == AF_INET6) {
        if (v6_refused (&((const struct sockaddr_in6 *) sa)->sin6_addr))
            return 1;
    } else
        return 1;
    return own_address (sa);
}

/* 1 when "host:port" is in LOA_WEBHOOK_ALLOW (comma- or space-separated). */
static int allowed_exception (const char *host, const char *port)
{
    const char *list = loa_env ("LOA_WEBHOOK_ALLOW", "");
    char want[300];
    snprintf (want, sizeof want, "%s:%s", host, port);
    size_t n = strlen (want);
    for (const char *p = list; *p;) {
        p += strspn (p, ", ");
        size_t len = strcspn (p, ", ");
        if (len == n && strncmp (p, want, n) == 0)
            return 1;
        p += len;
    }
    return 0;
}

int notify_webhook_url_check (const char *url, char *pin, size_t pin_len, char *why, size_t why_len)
{
    int rc = -1;
    char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
    struct addrinfo *res = NULL;
    CURLU *u = curl_url ();
    if (!u || curl_url_set (u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get (u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get (u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        snprintf (why, why_len, "không phải một địa chỉ URL đầy đủ (https://máy-chủ/đường-dẫn)");
        goto out;
    }
    if (curl_url_get (u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
        snprintf (why, why_len, "không được chứa tên người dùng hay mật khẩu");
        goto out;
    }
    /* A bracketed IPv6 literal is looked up without its brackets. */
    char name[256];
    size_t hl = strlen (host);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']')
        snprintf (name, sizeof name, "%.*s", (int) (hl - 2), host + 1);
    else
        snprintf (name, sizeof name, "%s", host);
    int exception = allowed_exception (host, port);
    if (strcmp (scheme, "https") != 0 && !(exception && strcmp (scheme, "http") == 0)) {
        snprintf (why, why_len, "phải dùng https");
        goto out;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC};
    int gai = getaddrinfo (name, port, &hints, &res);
    if (gai != 0 || !res) {
        snprintf (why, why_len, "không phân giải được tên máy chủ %s", name);
        goto out;
    }
    /* Every address the name has must be allowed: the connection is pinned
     * to the first, and a name that also points inside is refused whole. */
    for (struct addrinfo *a = res; a && !exception; a = a->ai_next)
        if (notify_webhook_address_refused (a->ai_addr)) {
            snprintf (why, why_len,
                      "trỏ tới một địa chỉ của mạng nội bộ hoặc của chính hệ thống (%s)", name);
            goto out;
        }
    char addr[INET6_ADDRSTRLEN + 2] = "";
    if (res->ai_family == AF_INET)
        inet_ntop (AF_INET, &((struct sockaddr_in *) res->ai_addr)->sin_addr, addr, sizeof addr);
    else {
        char a6[INET6_ADDRSTRLEN];
        inet_ntop (AF_INET6, &((struct sockaddr_in6 *) res->ai_addr)->sin6_addr, a6, sizeof a6);
        snprintf (addr, sizeof addr, "[%s]", a6);
    }
    snprintf (pin, pin_len, "%s:%s:%s", name, port, addr);
    rc = 0;
out:
    if (res)
        freeaddrinfo (res);
    curl_free (scheme);
    curl_free (host);
    curl_free (port);
    curl_free (user);
    curl_url_cleanup (u);
    return rc;
}

notify_outcome notify_webhook_send (const char *url, const char *id, const uint8_t *secret,
                                    size_t secret_len, const char *body, char *response,
                                    size_t response_len)
{
    char pin[600], why[200];
    if (notify_webhook_url_check (url, pin, sizeof pin, why, sizeof why) != 0) {
        snprintf (response, response_len, "URL refused: %s", why);
        return NOTIFY_REFUSED;
    }
    long long ts = (long long) time (NULL);
    char sig[128], h_id[300], h_ts[64], h_sig[160];
    notify_webhook_sign (secret, secret_len, id, ts, body, sig, sizeof sig);
    snprintf (h_id, sizeof h_id, "webhook-id: %s", id);
    snprintf (h_ts, sizeof h_ts, "webhook-timestamp: %lld", ts);
    snprintf (h_sig, sizeof h_sig, "webhook-signature: %s", sig);
    struct curl_slist *headers = NULL, *resolve = NULL;
    headers = curl_slist_append (headers, "Content-Type: application/json");
    headers = curl_slist_append (headers, "User-Agent: Loa-Webhooks/" LOA_VERSION);
    headers = curl_slist_append (headers, h_id);
    headers = curl_slist_append (headers, h_ts);
    headers = curl_slist_append (headers, h_sig);
    resolve = curl_slist_append (resolve, pin);
    long status = 0;
    int rc = headers && resolve ? notify_http_post (url, headers, resolve,
                                                    loa_env_int ("LOA_WEBHOOK_TIMEOUT_MS",
                                                                 DEFAULT_TIMEOUT_MS, 100, 600000),
                                                    body, &status, response, response_len)
                                : -1;
    if (!headers || !resolve)
        snprintf (response, response_len, "out of memory");
    curl_slist_free_all (headers);
    curl_slist_free_all (resolve);
    if (rc != 0)
        return NOTIFY_RETRY;
    if (status >= 200 && status < 300)
        return NOTIFY_SENT;
    return status == 410 ? NOTIFY_REFUSED : NOTIFY_RETRY;
}
