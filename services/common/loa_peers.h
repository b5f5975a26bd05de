/* loa_peers: a ZeroMQ socket connected to every replica of a service, as
 * replicas come and go.
 *
 * An endpoint list is one endpoint or several separated by commas
 * ("tcp://content-svc:7101", "tcp://10.0.0.5:7101,tcp://10.0.0.6:7101").
 * An endpoint whose host is a name (not an IP literal) stands for every
 * address the name resolves to (getaddrinfo: /etc/hosts, then DNS; a
 * Kubernetes headless Service answers one address per ready replica): the
 * socket is connected to each, as tcp://ADDRESS:PORT. A DEALER then spreads
 * its requests over the replicas (ZeroMQ's round robin over connected
 * peers); a SUB hears every replica's PUB, whichever of them relays.
 *
 * One thread per process, started by the first name, resolves every name
 * again every LOA_DISCOVERY_MS (5000 ms), and sooner when asked
 * (loa_peers_hurry: a call found no replica connected), at most every
 * HURRY_MIN_MS. The sockets' own threads apply what changed at their next
 * loa_peers_sync: they connect new addresses and disconnect those that are
 * gone (whatever a gone peer still had queued is dropped; callers retry
 * what is safe to retry). A name that stops resolving keeps its last
 * addresses (logged once): a DNS hiccup does not cut a running system off
 * its replicas. A name that does not resolve at start is tried again at
 * every interval; meanwhile the socket has no peer and calls answer
 * UNAVAILABLE.
 *
 * ipc://, inproc:// and endpoints with an IP literal are used as written;
 * a list of only those starts no thread. Names are resolved outside every
 * socket's thread: loa_peers_sync never blocks on DNS (except
 * loa_peers_new's first resolution of a name not seen before). */
#ifndef LOA_PEERS_H
#define LOA_PEERS_H

#include <stddef.h>

typedef struct loa_peers loa_peers;

/* The peers of `endpoints` for a socket; `what` names them in logs (e.g.
 * "content-svc"). NULL when out of memory or the list is empty. */
loa_peers *loa_peers_new (const char *what, const char *endpoints);

/* Connects `sock` (the caller's, on its own thread) to the current
 * addresses: the first call connects every one, later calls only what
 * changed since. Cheap when nothing changed (an atomic load per name).
 * The number of addresses the socket is connected to. */
size_t loa_peers_sync (loa_peers *self, void *sock);

/* The socket was closed: the next sync connects a new one to every
 * address. */
void loa_peers_forget (loa_peers *self);

/* Asks for the names to be resolved again now (no replica answered). */
void loa_peers_hurry (loa_peers *self);

/* Frees the peers (the socket is the caller's, left as it is). */
void loa_peers_free (loa_peers **pself);

/* The addresses the socket is connected to, for logs and tests: the
 * i-th, or NULL past the last. Borrowed until the next sync. */
const char *loa_peers_address (const loa_peers *self, size_t i);

/* Stops the resolving thread and frees what it resolved; for the end of
 * main, once every socket is closed (a later loa_peers_new starts anew). */
void loa_peers_shutdown (void);

#endif
