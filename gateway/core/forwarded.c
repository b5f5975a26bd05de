/* forwarded: who the client is behind reverse proxies (forwarded.h). */
#include "core/forwarded.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A textual IPv4 or IPv6 address as 16 bytes (IPv4 mapped): 1, or 0. */
static int to16 (const char *s, unsigned char out[16])
{
    struct in_addr a4;
    if (inet_pton (AF_INET, s, &a4) == 1) {
        memset (out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy (out + 12, &a4, 4);
        return 1;
    }
    return inet_pton (AF_INET6, s, out) == 1;
}

static int is_v4 (const unsigned char a[16])
{
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp (a, prefix, 12) == 0;
}

static int in_cidr (const gw_cidr *c, const unsigned char a[16])
{
    int full = c->bits / 8, rest = c->bits % 8;
    if (memcmp (c->addr, a, (size_t) full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    unsigned char mask = (unsigned char) (0xff << (8 - rest));
    return (c->addr[full] & mask) == (a[full] & mask);
}

int gw_proxies_parse (const char *spec, gw_proxies *out, char *err, size_t errcap)
{
    memset (out, 0, sizeof *out);
    if (!spec || !*spec)
        return 0;
    size_t cap = 1;
    for (const char *p = spec; *p; p++)
        cap += *p == ',';
    out->list = calloc (cap, sizeof *out->list);
    char *copy = strdup (spec);
    if (!out->list || !copy) {
        snprintf (err, errcap, "out of memory");
        free (copy);
        gw_proxies_free (out);
        return -1;
    }
    char *save = NULL;
    for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        size_t len = strlen (t);
        while (len && t[len - 1] == ' ')
            t[--len] = '\0';
        if (!len)
            continue;
        gw_cidr *c = &out->list[out->n];
        char *slash = strchr (t, '/');
        if (slash)
            *slash = '\0';
        int ok = len < 64 && to16 (t, c->addr);
        int v4 = ok && is_v4 (c->addr);
        int max = v4 ? 32 : 128;
        long bits = max;
        if (ok && slash) {
            char *end;
            bits = strtol (slash + 1, &end, 10);
            ok = *end == '\0' && end != slash + 1 && bits >= 0 && bits <= max;
        }
        if (!ok) {
            if (slash)
                *slash = '/';
            snprintf (err, errcap, "\"%.80s\" is not an address or a CIDR block", t);
            free (copy);
            gw_proxies_free (out);
            return -1;
        }
        c->bits = (int) (v4 ? bits + 96 : bits);
        /* The host part does not matter: 10.1.2.3/8 is 10.0.0.0/8. */
        for (int b = c->bits; b < 128; b++)
            c->addr[b / 8] &= (unsigned char) ~(0x80 >> (b % 8));
        out->n++;
    }
    free (copy);
    return 0;
}

void gw_proxies_free (gw_proxies *p)
{
    free (p->list);
    memset (p, 0, sizeof *p);
}

int gw_proxies_has (const gw_proxies *p, const char *addr)
{
    unsigned char a[16];
    if (!addr || !to16 (addr, a))
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (in_cidr (&p->list[i], a))
            return 1;
    return 0;
}

void gw_client_address (const gw_proxies *p, const char *peer, const char *xff, char *out,
                        size_t cap)
{
    snprintf (out, cap, "%s", peer ? peer : "");
    if (!xff || !(p->any || gw_proxies_has (p, peer)))
        return;
    /* From the right: each entry is what the proxy after it saw. */
    size_t end = strlen (xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        size_t a = start, b = end;
        while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
            a++;
        while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
            b--;
        char addr[64];
        unsigned char bin[16];
        if (b - a == 0 || b - a >= sizeof addr)
            return;
        memcpy (addr, xff + a, b - a);
        addr[b - a] = '\0';
        if (!to16 (addr, bin))
            return;
        snprintf (out, cap, "%s", addr);
        if (p->any || !gw_proxies_has (p, addr))
            return; /* the client */
        end = start > 0 ? start - 1 : 0;
    }
}
