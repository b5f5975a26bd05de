/* loa_curve: CURVE (CurveZMQ, ZeroMQ RFC 26) on every ZeroMQ socket of Loa.
 *
 * Each program has its own key pair. The public keys of an installation's
 * programs sit in one directory, LOA_KEYS_DIR, one file <name>.pub each
 * ("gateway.pub", "content-svc.pub", "loa-rpc.pub"): it is at once where a
 * client finds a server's key and the allow-list of the servers. A
 * service's ROUTER (RPC) and PUB (events) sockets are CURVE servers; a ZAP
 * handler (ZeroMQ RFC 27) in the service admits a connection only when the
 * client's public key is one of those files, and names the client after
 * the file (the ZAP user id, logged with each refusal). Anything else that
 * reaches the ports, with no key or another, completes no handshake: it can
 * neither call a method nor read an event. Traffic is encrypted as well.
 *
 * Settings (docs/configuration.md, docs/security.md):
 *   LOA_KEYS_DIR         the public keys, and this program's <name>.key
 *                        unless LOA_SECRET_KEY_FILE says where it is
 *   LOA_SECRET_KEY_FILE  this program's secret key (e.g. a container secret)
 *   LOA_CURVE=off        no CURVE at all: a development switch, warned about
 * A program with neither LOA_KEYS_DIR nor LOA_CURVE=off refuses to start.
 * Key files hold the 40-character Z85 text of a key (tools/loa-keygen.c).
 *
 * loa_curve_setup runs once at a program's start, before any thread; what
 * it sets is read-only afterwards, so sockets of any thread may use it. */
#ifndef LOA_CURVE_H
#define LOA_CURVE_H

#include <stddef.h>

/* What a peer may send: ZMQ_MAXMSGSIZE of Loa's sockets. A message (an
 * RPC request or reply, an event) up to LOA_ZMQ_MAX_MSG bytes, 64 MiB by
 * default: far above the largest body the gateway takes (LOA_BODY_LIMIT,
 * 1 MiB) and the largest reply (a page of events.since). A PUB only ever
 * receives subscriptions: 64 KiB. Past its bound, ZeroMQ drops the
 * connection instead of buffering. */
#define LOA_ZMQ_MAX_MSG_DEFAULT (64L << 20)
#define LOA_ZMQ_PUB_MAX_IN (64L << 10)
long loa_zmq_max_msg (void);

/* Reads the settings and this program's key pair for `self` (its key name:
 * "gateway", "content-svc", "loa-rpc"). 0, or -1 with the reason logged. */
int loa_curve_setup (const char *self);

/* Forgets the setup (the unit tests, between cases). */
void loa_curve_clear (void);

/* 1 when sockets use CURVE (set up with keys), 0 when off or not set up. */
int loa_curve_on (void);

/* The server side of a socket about to bind (a ROUTER or a PUB): its
 * secret key, and the ZAP domain its connections are checked in. Does
 * nothing when CURVE is off. 0 or -1 (logged). */
int loa_curve_server (void *sock);

/* The client side of a socket about to connect (a DEALER or a SUB) to
 * `server`: a program ("content-svc") or a service's events source
 * ("content"), whose public key is <program>.pub in LOA_KEYS_DIR. Does
 * nothing when CURVE is off. 0 or -1 (logged: the key is missing). */
int loa_curve_client (void *sock, const char *server);

/* The ZAP handler of a ZeroMQ context whose sockets are CURVE servers: a
 * thread answering on inproc://zeromq.zap.01. Start it before the first
 * bind and stop it before zmq_ctx_term. 0 (with *out NULL when CURVE is
 * off) or -1 (logged). */
typedef struct loa_zap loa_zap;
int loa_zap_start (void *zmq_ctx, loa_zap **out);
void loa_zap_stop (loa_zap **pself);

/* Makes the key pair of `name` in `dir` (made 0700 when missing) unless it
 * is there: <name>.key (0600) and <name>.pub (0644). 1 when made, 0 when
 * both were there already, -1 on failure (errno set; a half-made pair is
 * removed). */
int loa_curve_keygen (const char *dir, const char *name);

/* Whether `z85` (public key text) is in the allow-list, `who` (cap bytes)
 * receiving the name of its file. 1, 0, or -1 when the folder cannot be
 * read. */
int loa_curve_allowed (const char *z85, char *who, size_t cap);

#endif
