/* fuzz target: who the client is behind the operator's proxies
 * (gateway/core/forwarded.c): LOA_TRUSTED_PROXIES parsed, then a peer and
 * its X-Forwarded-For header. The input is three lines: the proxies, the
 * peer, the header; the first byte's low bit is LOA_TRUST_PROXY=1.
 * Properties: a parsed list has prefixes of 0..128 bits; the client is the
 * peer when the peer is not a trusted proxy, else the peer or an address
 * of the header that reads as IPv4 or IPv6; the answer always fits. */
#include <arpa/inet.h>
#include <string.h>

#include "core/forwarded.h"
#include "fuzz.h"

static int readable (const char *a)
{
    unsigned char bin[16];
    return inet_pton (AF_INET, a, bin) == 1 || inet_pton (AF_INET6, a, bin) == 1;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = fuzz_strndup (data + 1, size - 1);
    char *lines[3] = {text, NULL, NULL};
    for (int i = 1; i < 3 && lines[i - 1]; i++) {
        char *nl = strchr (lines[i - 1], '\n');
        if (nl) {
            *nl = '\0';
            lines[i] = nl + 1;
        }
    }
    gw_proxies p = {0};
    char err[128];
    if (gw_proxies_parse (lines[0], &p, err, sizeof err) == 0) {
        for (size_t i = 0; i < p.n; i++)
            FUZZ_CHECK (p.list[i].bits >= 0 && p.list[i].bits <= 128);
    } else {
        FUZZ_CHECK (p.n == 0 && memchr (err, '\0', sizeof err));
    }
    p.any = data[0] & 1;
    const char *peer = lines[1] ? lines[1] : "192.0.2.7", *xff = lines[2];
    char out[64];
    memset (out, 'x', sizeof out);
    gw_client_address (&p, peer, xff, out, sizeof out);
    FUZZ_CHECK (memchr (out, '\0', sizeof out) != NULL);
    int trusted = p.any || gw_proxies_has (&p, peer);
    if (strlen (peer) < sizeof out && (!trusted || !xff))
        FUZZ_CHECK (strcmp (out, peer) == 0);
    if (trusted && xff && strncmp (out, peer, sizeof out - 1) != 0)
        FUZZ_CHECK (readable (out) && strstr (xff, out) != NULL);
    gw_proxies_free (&p);
    free (text);
    return 0;
}
