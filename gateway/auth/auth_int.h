/* auth_int: what the files of auth/ share and nothing else uses. */
#ifndef GW_AUTH_INT_H
#define GW_AUTH_INT_H

#include <sodium.h>

#include "auth/auth.h"

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
 * of UTF-8); an error naming `field` is recorded. */
void auth_check_password (auth_fields *f, const char *field, const char *pw);

/* Answers `status` with the errors found (400 for a wrong type or an
 * unknown field, 422 for values) and frees `f`. */
enum MHD_Result auth_fields_refuse (gw_request *req, auth_fields *f, unsigned status,
                                    const char *detail);

#endif
