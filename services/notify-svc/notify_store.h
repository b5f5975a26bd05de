/* notify_store: every statement of notify-svc (schema notify, migrations/):
 * the deliveries, made by the event handlers (notify_events.c), worked
 * through by the senders (notify_send.c), listed and retried by admins
 * (notify_rpc.c). */
#ifndef NOTIFY_STORE_H
#define NOTIFY_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "loa_store.h"
#include "notify.pb-c.h"

/* Prepares a connection's statements (RPC workers, senders). 0 or -1. */
int notify_store_prepare (PGconn *db);

/* A delivery to queue; every field a borrowed string. */
typedef struct {
    const char *key; /* "<source>.<seq>.<channel>.<recipient>", [a-z0-9._-] */
    const char *kind; /* "feedback.received" */
    const char *channel; /* email | sms | webhook */
    const char *recipient;
    const char *subject;
    const char *body_text;
    const char *body_html; /* "" for none */
} notify_new;

/* Queues `d` unless its key is there already (a replayed event). On any
 * connection (the subscriber's statements are not prepared), inside the
 * caller's transaction. 1 queued, 0 there already, -1 (logged), or
 * LOA_DB_RETRY. */
int notify_store_enqueue (PGconn *db, const notify_new *d);

/* A delivery taken by a sender, its strings its own. */
typedef struct {
    int64_t id;
    char *key, *recipient, *subject, *body_text, *body_html;
    int attempts; /* before this one */
    int64_t created_unix;
    int64_t broadcaster_id; /* a webhook's, else 0 */
} notify_claimed;

/* Inside the sender's transaction: locks the oldest due delivery of
 * `channel` that no other sender holds (SKIP LOCKED: replicas share the
 * queue). 1 with it in *out, 0 when none is due, -1 (logged). */
int notify_store_claim (PGconn *db, const char *channel, notify_claimed *out);
void notify_store_claimed_free (notify_claimed *c);

/* What became of a claimed delivery, in the same transaction. 0 or -1. */
int notify_store_sent (PGconn *db, int64_t id, const char *response);
int notify_store_later (PGconn *db, int64_t id, long delay_ms, const char *error);
int notify_store_failed (PGconn *db, int64_t id, const char *error);

/* A page of deliveries, newest first, of `status` and `channel` ("" any)
 * and of broadcaster `broadcaster_id` (0 any). */
loa_store_status notify_store_list (PGconn *db, const char *status, const char *channel,
                                    int64_t broadcaster_id, int page, int per_page,
                                    Loa__Notify__DeliveryList *out);
void notify_store_free_list (Loa__Notify__DeliveryList *list);

/* A failed delivery queued again, attempts from zero: OK with it in *out;
 * NOT_FOUND; WRONG_STATE (queued or sent: nothing to retry); ERROR. */
loa_store_status notify_store_retry (PGconn *db, int64_t id, Loa__Notify__Delivery *out);
void notify_store_free_delivery (Loa__Notify__Delivery *d);

/* ------------------------------------------------------------ webhooks */

/* Broadcaster `broadcaster_id`'s webhook made or replaced, with `secret`
 * (32 bytes): OK with it in *out (no secret: the caller shows its own);
 * ERROR. */
loa_store_status notify_store_webhook_put (PGconn *db, int64_t broadcaster_id, const char *url,
                                           const uint8_t secret[32], int64_t created_by,
                                           Loa__Notify__Webhook *out);
/* OK with it in *out; NOT_FOUND; ERROR. */
loa_store_status notify_store_webhook_get (PGconn *db, int64_t broadcaster_id,
                                           Loa__Notify__Webhook *out);
/* OK; NOT_FOUND; ERROR. Its queued deliveries fail when their turn comes. */
loa_store_status notify_store_webhook_delete (PGconn *db, int64_t broadcaster_id);
void notify_store_free_webhook (Loa__Notify__Webhook *w);

/* For a sender: the webhook's URL now (*url, the caller's) and secret. 1;
 * 0 when the broadcaster has none any more; -1 (logged). */
int notify_store_webhook_secret (PGconn *db, int64_t broadcaster_id, char **url,
                                 uint8_t secret[32]);

/* Queues `body` for broadcaster `broadcaster_id`'s webhook, if it has one,
 * under `key` (on any connection, as notify_store_enqueue): 1 queued, 0
 * none (no webhook, or the key there already), -1, LOA_DB_RETRY. */
int notify_store_enqueue_webhook (PGconn *db, const char *key, const char *kind,
                                  int64_t broadcaster_id, const char *body);

/* The delivery of `key`: OK, NOT_FOUND, ERROR. */
loa_store_status notify_store_delivery_by_key (PGconn *db, const char *key,
                                               Loa__Notify__Delivery *out);

/* ------------------------------------------------------------ staff */

/* An account from the gateway, unless a newer version is here: 1 applied,
 * 0 older (nothing changed), -1. */
int notify_store_user_sync (PGconn *db, const Loa__Notify__StaffUser *u);

/* A page of `user_id`'s notifications, newest first (unread only when
 * `unread_only`), with the unread count: OK, ERROR. */
loa_store_status notify_store_notes (PGconn *db, int64_t user_id, int unread_only, int page,
                                     int per_page, Loa__Notify__NotificationList *out);
/* One of the user's marked read (already read: kept as it was): OK;
 * NOT_FOUND (none, or another's); ERROR. */
loa_store_status notify_store_note_read (PGconn *db, int64_t id, int64_t user_id,
                                         Loa__Notify__Notification *out);
/* Every unread one of the user marked read: how many, or -1. */
long long notify_store_notes_read_all (PGconn *db, int64_t user_id);

/* The user's e-mail choice for each of `kinds` (n_kinds) into email[] and
 * the address the gateway gave into `address` ("" for none). 0 or -1. */
int notify_store_prefs (PGconn *db, int64_t user_id, const char **kinds, size_t n_kinds, int *email,
                        char *address, size_t address_len);
/* 0 or -1. */
int notify_store_pref_put (PGconn *db, int64_t user_id, const char *kind, int email);

/* A moment to tell staff of: one notification per member it concerns
 * (active, holding one of `roles`, of unit `unit_id` when > 0, or user
 * `user_id` when > 0), keyed `<key_base>.<kind>.u<user>`, and an e-mail to
 * those who chose mail for `kind` and have an address (`text` "" : none). */
typedef struct {
    const char *key_base; /* "<source>.<seq>" */
    const char *kind;
    const char *roles; /* a text[] literal ("{handler}"), NULL: any role */
    int64_t unit_id, user_id;
    const char *title, *body, *link;
    const char *subject, *text, *html; /* the e-mail, rendered */
} notify_note;

/* On any connection (the subscribers'), inside the caller's transaction:
 * 0, -1 (logged) or LOA_DB_RETRY. */
int notify_store_fan_out (PGconn *db, const notify_note *n);

#endif
