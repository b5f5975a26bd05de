/* auth: staff accounts, sessions and API keys (schema gateway, auth/store.h)
 * and who may call which route (docs/api/auth.md). Passwords are argon2id
 * strings (libsodium crypto_pwhash_str); tokens and keys are 256 random
 * bits, base64url, and only their SHA-256 is stored
 * (docs/decisions/0011-passwords-and-tokens.md). Nothing here ever logs a
 * secret. */
#ifndef GW_AUTH_H
#define GW_AUTH_H

#include <libpq-fe.h>
#include <stddef.h>

#include "gw.h"

/* Reads the settings, prepares libsodium and starts the hash pool
 * (LOA_HASH_THREADS, LOA_HASH_QUEUE: auth/secret.c). 0 or -1. */
int gw_auth_init (void);

/* Stops the hash pool (after the HTTP loops: their requests' jobs are
 * given up). Idempotent. */
void gw_auth_done (void);

/* Creates the first admin when no active admin exists (at start-up), with
 * LOA_ADMIN_PASSWORD (or LOA_ADMIN_PASSWORD_FILE); without one it makes
 * none and logs how to: a password is never made up and shown. */
int gw_auth_bootstrap (void);

/* `gateway --create-admin [USERNAME]` (auth/admin_cli.c): an admin account
 * on `db` (migrated, statements not yet prepared), its password read from
 * the terminal (twice, no echo) or one line of standard input; messages on
 * stderr, never the password. The exit status: 0 made, 1 refused or
 * failed, 2 a bad username. */
int gw_auth_create_admin (PGconn *db, const char *username);

/* Deletes ended sessions (a day after they ended, expired or idle) and
 * stale login throttle rows every LOA_AUTH_SWEEP_S (an hour), on a thread
 * of its own (auth/sweep.c). 0 or -1; stop is idempotent. */
int gw_auth_sweep_start (const char *db_url);
void gw_auth_sweep_stop (void);

/* Hands every account changed since it was last handed to notify-svc
 * (users.sync), every LOA_USER_SYNC_MS (2 s), on a thread of its own
 * (auth/notify_sync.c): staff notifications go by role and unit, and mail
 * to the address an admin set. 0 or -1; stop is idempotent. */
int gw_user_sync_start (const char *db_url);
void gw_user_sync_stop (void);

/* The dispatcher's authentication hook (core/dispatch.h): identifies the
 * caller (bearer token, X-Api-Key, or on the routes broadcasters may call
 * HTTP Basic with the API key as the password: feed readers send no other
 * header), then applies the route's `allow` (gw_auth_decide). 0 to go on;
 * 1 when it has answered 401, 403 or 503 (*rc set). A 401 of a route
 * broadcasters may call carries WWW-Authenticate: Basic. */
int gw_auth_check (gw_request *req, enum MHD_Result *rc);

/* The password of HTTP Basic `credentials` (what follows "Basic "): the
 * base64 of "user:password", the user ignored. 0 with it in `out` (`cap`
 * bytes), or -1: malformed, no colon, an empty or too long password, a
 * NUL inside. */
int gw_auth_basic_password (const char *credentials, char *out, size_t cap);

/* What a route's `allow` says of a caller: 0 allowed, 401 (no credentials
 * where they are needed) or 403 (not allowed). `auth_kind` is GW_AUTH_*;
 * `roles` the GW_R_* of a staff caller; `key_kind` the kind of an API key
 * caller ("broadcaster", "open311_client"), else NULL. */
int gw_auth_decide (unsigned allow, int auth_kind, unsigned roles, const char *key_kind);

/* Verifies an API key given in the request itself (Open311's `api_key`
 * field) and, when it is live and of `kind`, makes the request's caller
 * that key, as an X-Api-Key header would. Without `key` (NULL or ""), a key
 * already verified from the header counts when of `kind`. 1 accepted, 0
 * missing, unknown, revoked, expired or of another kind, -1 when the
 * database cannot answer. */
int gw_auth_api_key (gw_request *req, const char *key, const char *kind);

/* A new API key ("loa_" + 43 characters of base64url, `cap` >= 48) into
 * `key`, its SHA-256 (what is stored) and its first 12 characters. */
void gw_auth_new_key (char *key, size_t cap, unsigned char hash[32], char prefix[16]);

/* The routes (login.c, users.c, keys.c). */
enum MHD_Result gw_login (gw_request *req);
enum MHD_Result gw_logout (gw_request *req);
enum MHD_Result gw_password_change (gw_request *req);
enum MHD_Result gw_me (gw_request *req);
enum MHD_Result gw_users_list (gw_request *req);
enum MHD_Result gw_users_create (gw_request *req);
enum MHD_Result gw_users_get (gw_request *req);
enum MHD_Result gw_users_update (gw_request *req);
enum MHD_Result gw_users_password_reset (gw_request *req);
enum MHD_Result gw_staff_names (gw_request *req);
enum MHD_Result gw_api_keys_list (gw_request *req);
enum MHD_Result gw_api_keys_create (gw_request *req);
enum MHD_Result gw_api_keys_revoke (gw_request *req);
/* GET /api/v1/audit (audit.c): the whole trail, admins and inspectors. */
enum MHD_Result gw_audit_list (gw_request *req);

/* The audit trail (audit.c, decision 0031): the gateway names the request's
 * caller and `action` (e.g. "users.update") on `db` before its own write
 * and forgets it after (gw_audit_done); the tables' triggers record the
 * change. gw_audit_note records what no row change says (`action`
 * "login", "login_failed", "logout") about user `user_id` (0: unknown),
 * with `changes_json` (NULL, or JSON such as the username tried). NULL
 * `db` does nothing. */
void gw_audit_as (gw_request *req, PGconn *db, const char *action);
void gw_audit_done (PGconn *db);
void gw_audit_note (gw_request *req, PGconn *db, const char *action, int64_t user_id,
                    const char *changes_json);

#endif
