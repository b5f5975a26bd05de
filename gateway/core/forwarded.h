/* forwarded: who the client is behind reverse proxies (X-Forwarded-For).
 *
 * The operator names the proxies it runs (LOA_TRUSTED_PROXIES: addresses
 * and CIDR blocks). A request whose TCP peer is one of them is believed
 * about X-Forwarded-For: walked from the right (each proxy appends the
 * address it saw), skipping the trusted proxies of a chain, the first
 * address that is not one of them is the client. Any other peer is the
 * client itself, whatever the header says: a client reaching the gateway
 * directly cannot choose its address (and so its throttles). The older
 * LOA_TRUST_PROXY=1 believes every peer and takes the last address. */
#ifndef GW_FORWARDED_H
#define GW_FORWARDED_H

#include <stddef.h>

typedef struct {
    unsigned char addr[16]; /* IPv4 in its IPv4-mapped IPv6 form */
    int bits; /* of the 128 */
} gw_cidr;

typedef struct {
    gw_cidr *list;
    size_t n;
    int any; /* LOA_TRUST_PROXY=1: every peer, the last address */
} gw_proxies;

/* Parses "10.0.0.0/8, 192.0.2.1, 2001:db8::/32" (an address alone is one
 * host; NULL or "" is none). 0, or -1 with what is wrong in `err` (and
 * *out empty). */
int gw_proxies_parse (const char *spec, gw_proxies *out, char *err, size_t errcap);

void gw_proxies_free (gw_proxies *p);

/* Whether the textual address `addr` is one of the proxies. */
int gw_proxies_has (const gw_proxies *p, const char *addr);

/* The client's address into `out`: `peer`, or when `peer` is a trusted
 * proxy, what `xff` (NULL when absent) says, as above. An unreadable entry
 * of the header ends the walk: the last address read stands. */
void gw_client_address (const gw_proxies *p, const char *peer, const char *xff, char *out,
                        size_t cap);

#endif
