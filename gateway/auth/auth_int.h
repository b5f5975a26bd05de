/* auth_int: what the files of auth/ share and nothing else uses. */
#ifndef GW_AUTH_INT_H
#define GW_AUTH_INT_H

#include <sodium.h>

#include "auth/auth.h"
#include "core/pool.h"

#define MIN_PASSWORD 10
#define MAX_PASSWORD 256

/* How long a session lasts (LOA_SESSION_TTL_S), and how long it may go
 * unused (LOA_SESSION_IDLE_S, 0: no limit); identity.c reads them. */
extern long auth_session_ttl_s;
extern long auth_session_idle_s;

/* ------------------------------------------------------------ secret.c */

/* Prepares libsodium and the dummy hash: 0 or -1. */
int auth_secret_init (void);

/* The role names and their GW_R_* bits. */
typedef struct {
    const char *name;
    unsigned bit;
} auth_role;
extern const auth_role auth_roles[];
extern const size_t auth_n_roles;

/* 256 random bits as base64url without padding (43 characters), after
 * `prefix`, into `out`. */
void auth_new_secret (const char *prefix, char *out, size_t cap);

/* The SHA-256 of a token or key: what is stored. */
void auth_secret_hash (const char *secret, unsigned char out[32]);

/* An argon2id string of `password`: 0 or -1. */
int auth_hash_password (const char *password, char out[crypto_pwhash_STRBYTES]);

/* 1 when `password` is the one of `hash`; NULL `hash` (an unknown user)
 * costs the same verification against a dummy, so timing tells nothing. */
int auth_password_ok (const char *hash, const char *password);

/* ------------------------------------------------------------ the hash pool
 *
 * argon2id never runs on an HTTP loop: a handler makes a password job and
 * runs it on the hash pool (LOA_HASH_THREADS threads, LOA_HASH_QUEUE
 * waiting; core/pool.h) with its connection suspended; its continuation
 * takes the job back and answers. A handler keeps what its continuation
 * needs in a struct of its own that begins with the auth_pw_job. */
typedef struct {
    gw_job job; /* first */
    char *check; /* verify this password against `hash` (NULL: no check) */
    char *make; /* then, when it matched (or nothing was checked), hash this one */
    char hash[crypto_pwhash_STRBYTES]; /* the stored hash ("": the dummy's) */
    char made[crypto_pwhash_STRBYTES]; /* `make`'s hash */
    int matched; /* the check matched (1 when nothing was checked) */
    int ok; /* it matched, and `make` was hashed when asked */
} auth_pw_job;

/* A zeroed job of `size` bytes (at least sizeof (auth_pw_job)) with copies
 * of `check` (may be NULL) and `make` (may be NULL) and `hash` (NULL: an
 * unknown user, checked against the dummy). NULL when out of memory. */
auth_pw_job *auth_pw_new (size_t size, const char *check, const char *hash, const char *make);

/* Runs the job for `req` and suspends it; `then` runs when it is done
 * (auth_pw_take). 0 (*rc MHD_YES: the handler returns it); or -1 when the
 * pool refuses it (queue full): the job is freed and 503 with Retry-After
 * is answered (*rc set). */
int auth_pw_run (gw_request *req, auth_pw_job *job, gw_handler then, enum MHD_Result *rc);

/* Before any work a password job would need (a login's throttle and
 * lookup): 0 when the hash pool has room; -1 with 503 and Retry-After
 * answered (*rc set) when it is full. */
int auth_pw_room (gw_request *req, enum MHD_Result *rc);

/* In `then`: the job, done (free it with auth_pw_free), or NULL with 503
 * answered (*rc set) when it did not run in time. */
auth_pw_job *auth_pw_take (gw_request *req, enum MHD_Result *rc);

/* Wipes the passwords and hashes and frees the job. NULL is ignored. */
void auth_pw_free (auth_pw_job *job);

/* Stops the hash pool (after the HTTP loops). */
void auth_pool_stop (void);

/* ------------------------------------------------------------ fields.c */

/* A handler's reading of its JSON body (req->json, borrowed) and query:
 * the field errors found so far. */
typedef struct {
    json_t *json;
    json_t *errors;
} auth_fields;

void auth_fields_init (auth_fields *f, gw_request *req);
void auth_fields_free (auth_fields *f);
void auth_fields_error (auth_fields *f, const char *field, const char *message);
int auth_fields_failed (const auth_fields *f);

/* Refuses keys of the body not in `allowed` (NULL-terminated): a typo must
 * not be silently ignored. */
void auth_fields_known (auth_fields *f, const char *const *allowed);

/* A string field: NULL when absent (or null, then an error when
 * `required`); a type error is recorded. */
const char *auth_fields_string (auth_fields *f, const char *field, int required);

/* An integer query argument in [min, max] into *out (`def` when absent);
 * an error naming it is recorded. */
void auth_fields_query_int (gw_request *req, auth_fields *f, const char *name, int def, int min,
                            int max, int *out);

/* A new password's rules (MIN_PASSWORD characters to MAX_PASSWORD bytes
 * of UTF-8): NULL when `pw` keeps them, else what is wrong (Vietnamese). */
const char *auth_password_problem (const char *pw);

/* The same, as an error naming `field` recorded in `f`. */
void auth_check_password (auth_fields *f, const char *field, const char *pw);

/* A username's rules: 3 to 64 of a-z, 0-9, '.', '_', '-'. 1 or 0. */
int auth_valid_username (const char *s);

/* Answers `status` with the errors found (400 for a wrong type or an
 * unknown field, 422 for values) and frees `f`. */
enum MHD_Result auth_fields_refuse (gw_request *req, auth_fields *f, unsigned status,
                                    const char *detail);

#endif
