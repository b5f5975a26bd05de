/* store: all of the gateway's SQL (schema gateway: users, sessions, API
 * keys, login throttle). PGresult never leaves store.c. Every function runs
 * on the calling thread's connection (gw_thread_db) with prepared
 * statements. Return values: 1 found / 0 not found, or GW_STORE_* codes;
 * -1 (GW_STORE_ERROR) on a database error (logged). */
#ifndef GW_STORE_H
#define GW_STORE_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdint.h>

enum { GW_STORE_ERROR = -1, GW_STORE_OK = 0, GW_STORE_NOT_FOUND = 1, GW_STORE_CONFLICT = 2 };

typedef struct {
    int64_t id;
    char username[72];
    char full_name[808]; /* 200 characters of up to 4 bytes */
    int64_t unit_id; /* 0: none */
    char roles[96]; /* comma-separated, e.g. "editor,reviewer" */
    int active;
    char created_at[40], updated_at[40];
    char email[256]; /* "" for none */
    int must_change_password; /* a one-time password: its sessions may only change it */
} gw_user;

/* Optional changes of a user: a NULL pointer or has_ = 0 leaves it. */
typedef struct {
    const char *full_name;
    int has_unit_id;
    int64_t unit_id; /* 0: no unit */
    const char *roles; /* PostgreSQL array literal, e.g. "{editor}" */
    int has_active;
    int active;
    const char *password_hash;
    const char *email; /* "" clears it */
} gw_user_change;

int gw_store_prepare (PGconn *db);

/* The sweep of old sessions and throttle rows, on a connection of its own
 * (its statements prepared by gw_store_prepare_sweep): how many rows of
 * each went. GW_STORE_OK or -1. */
int gw_store_prepare_sweep (PGconn *db);
int gw_store_sweep (PGconn *db, long idle_s, long long *sessions, long long *throttle);

/* The user as JSON {id, username, full_name, email ("" for none), unit_id
 * (null when none), roles [..], active, created_at, updated_at,
 * must_change_password} (new reference). */
json_t *gw_user_json (const gw_user *u);

int gw_store_user_by_name (PGconn *db, const char *username, gw_user *u, char *hash, size_t cap);
int gw_store_user_get (PGconn *db, int64_t id, gw_user *u);
/* The user `id` with its password hash (into `hash`): 1, 0 or -1. */
int gw_store_user_password (PGconn *db, int64_t id, gw_user *u, char *hash, size_t cap);
/* Sets an active user's password hash to `new_hash` if it is still
 * `old_hash`, and ends every session of the user but `keep_session`, in
 * one statement: GW_STORE_OK, GW_STORE_CONFLICT (changed or disabled
 * meanwhile) or -1. */
int gw_store_password_change (PGconn *db, int64_t id, const char *old_hash, const char *new_hash,
                              const unsigned char keep_session[32]);
/* An admin's reset: the user's password hash becomes `new_hash` (a
 * one-time password), marked to be changed at the next login, and every
 * session of the user ends, in one statement: GW_STORE_OK (*out the user),
 * GW_STORE_NOT_FOUND or -1. */
int gw_store_password_reset (PGconn *db, int64_t id, const char *new_hash, gw_user *out);
int gw_store_user_create (PGconn *db, const char *username, const char *full_name, int64_t unit_id,
                          const char *roles, const char *password_hash, const char *email,
                          gw_user *out);
int gw_store_user_update (PGconn *db, int64_t id, const gw_user_change *ch, gw_user *out);
/* Active admins other than `except_id`, or -1. */
long long gw_store_other_admins (PGconn *db, int64_t except_id);
/* A page of users as JSON items (new reference) and the total. */
int gw_store_users_list (PGconn *db, int page, int per_page, json_t **items, long long *total);

/* The staff directory: {id, full_name, unit_id} of the users whose ids are
 * in `ids` (a PostgreSQL array literal of integers), by id. */
int gw_store_staff_names (PGconn *db, const char *ids, json_t **items);

/* Sessions, by the SHA-256 of their token. */
int gw_store_session_create (PGconn *db, const unsigned char hash[32], int64_t user_id, long ttl_s,
                             const char *client_addr, char expires_at[40]);
/* The user of a live session (not revoked, not expired, used within the
 * last `idle_s` seconds unless 0): 1, 0 or -1; marks the session used
 * (at most every minute, or a quarter of a shorter idle period). */
int gw_store_session_user (PGconn *db, const unsigned char hash[32], long idle_s, gw_user *u);
int gw_store_session_revoke (PGconn *db, const unsigned char hash[32]);
/* Ends every session of a user (disabled or new password). */
int gw_store_sessions_end (PGconn *db, int64_t user_id);

/* API keys. */
int gw_store_api_key_create (PGconn *db, const char *name, const char *kind,
                             const unsigned char hash[32], const char *prefix,
                             const char *expires_at, int64_t created_by, json_t **out);
int gw_store_api_keys_list (PGconn *db, json_t **items);
int gw_store_api_key_revoke (PGconn *db, int64_t id);
/* Removes a key that was never shown (its broadcaster could not be made). */
int gw_store_api_key_delete (PGconn *db, int64_t id);
/* The live key with this hash: its id and kind. */
int gw_store_api_key_find (PGconn *db, const unsigned char hash[32], int64_t *id, char kind[24]);

/* 1 when `when` (RFC 3339 text) is in the future, 0 when not, -1 when it
 * is not a valid time. */
int gw_store_time_future (PGconn *db, const char *when);

/* Login throttle. One attempt of `key`, counted atomically before the
 * password is checked: 0 when admitted, else the seconds until it may try
 * again (the key is blocked; the attempt is not counted), or -1. The count
 * reaching `threshold` within 15 minutes blocks the key for `base_s`
 * seconds, doubled for each attempt beyond, at most 15 minutes. */
long gw_store_throttle_take (PGconn *db, const char *key, int threshold, int base_s);
/* Takes back an admitted attempt (it succeeded, or another key refused
 * it), lifting the block it set. */
int gw_store_throttle_undo (PGconn *db, const char *key, int threshold);
/* A successful login from an address: the failures counted for its
 * username from that address (`pair_key`) are forgotten, and taken off the
 * address's and the account's counts too, their blocks lifted below their
 * thresholds. Failures from other addresses stay counted. */
int gw_store_throttle_forgive (PGconn *db, const char *pair_key, const char *addr_key,
                               int addr_threshold, const char *account_key, int account_threshold);

#endif
