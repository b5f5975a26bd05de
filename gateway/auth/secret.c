/* secret: passwords, tokens and keys (auth_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth_int.h"
#include "loa_config.h"
#include "loa_log.h"

/* How long a job may wait for the pool before its request is answered
 * 503: far more than a full queue takes, a guard only. */
#define PW_WAIT_MS 30000
/* Retry-After of a refusal: a full queue drains in about a second. */
#define PW_RETRY_S 2

static gw_pool *pool;

static char dummy_hash[crypto_pwhash_STRBYTES]; /* verifies unknown users in the same time */

const auth_role auth_roles[] = {
    {"admin", GW_R_ADMIN},         {"reviewer", GW_R_REVIEWER}, {"editor", GW_R_EDITOR},
    {"inspector", GW_R_INSPECTOR}, {"handler", GW_R_HANDLER},   {"leader", GW_R_LEADER},
};
const size_t auth_n_roles = sizeof auth_roles / sizeof auth_roles[0];

int auth_hash_password (const char *password, char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str (out, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int auth_secret_init (void)
{
    if (sodium_init () < 0)
        return -1;
    /* Each hash takes 64 MiB and a core while it runs: few threads (one per
     * four cores, the rest for the loops and the database), a short queue. */
    long cores = sysconf (_SC_NPROCESSORS_ONLN);
    long def = cores < 4 ? 1 : (cores > 16 ? 4 : cores / 4);
    long threads = loa_env_int ("LOA_HASH_THREADS", def, 1, 64);
    long queue = loa_env_int ("LOA_HASH_QUEUE", 16, 0, 10000);
    auth_pool_stop ();
    pool = gw_pool_new ("hash pool", (unsigned) threads, (unsigned) queue);
    if (!pool)
        return -1;
    loa_info (NULL, "auth: password hashing on %ld threads, %ld jobs queued at most", threads,
              queue);
    unsigned char rnd[32];
    randombytes_buf (rnd, sizeof rnd);
    return crypto_pwhash_str (dummy_hash, (const char *) rnd, sizeof rnd,
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int auth_password_ok (const char *hash, const char *password)
{
    return crypto_pwhash_str_verify (hash ? hash : dummy_hash, password, strlen (password)) == 0;
}

void auth_new_secret (const char *prefix, char *out, size_t cap)
{
    unsigned char rnd[32];
    randombytes_buf (rnd, sizeof rnd);
    size_t n = strlen (prefix);
    memcpy (out, prefix, n);
    sodium_bin2base64 (out + n, cap - n, rnd, sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero (rnd, sizeof rnd);
}

void auth_secret_hash (const char *secret, unsigned char out[32])
{
    crypto_hash_sha256 (out, (const unsigned char *) secret, strlen (secret));
}

void gw_auth_new_key (char *key, size_t cap, unsigned char hash[32], char prefix[16])
{
    auth_new_secret ("loa_", key, cap);
    auth_secret_hash (key, hash);
    snprintf (prefix, 16, "%.12s", key);
}

void auth_pool_stop (void) { gw_pool_destroy (&pool); }

static void pw_work (gw_job *job)
{
    auth_pw_job *j = (auth_pw_job *) job;
    j->matched = j->check ? auth_password_ok (j->hash[0] ? j->hash : NULL, j->check) : 1;
    j->ok = j->matched;
    if (j->ok && j->make)
        j->ok = auth_hash_password (j->make, j->made) == 0;
}

static void wipe (char *s)
{
    if (s) {
        sodium_memzero (s, strlen (s));
        free (s);
    }
}

void auth_pw_free (auth_pw_job *j)
{
    if (!j)
        return;
    wipe (j->check);
    wipe (j->make);
    sodium_memzero (j->hash, sizeof j->hash);
    sodium_memzero (j->made, sizeof j->made);
    free (j);
}

static void pw_drop (gw_job *job) { auth_pw_free ((auth_pw_job *) job); }

auth_pw_job *auth_pw_new (size_t size, const char *check, const char *hash, const char *make)
{
    auth_pw_job *j = calloc (1, size < sizeof *j ? sizeof *j : size);
    if (!j)
        return NULL;
    j->job.work = pw_work;
    j->job.drop = pw_drop;
    j->check = check ? strdup (check) : NULL;
    j->make = make ? strdup (make) : NULL;
    if ((check && !j->check) || (make && !j->make)) {
        auth_pw_free (j);
        return NULL;
    }
    if (hash)
        snprintf (j->hash, sizeof j->hash, "%s", hash);
    return j;
}

int auth_pw_run (gw_request *req, auth_pw_job *j, gw_handler then, enum MHD_Result *rc)
{
    if (j && pool && gw_pool_run (pool, req, &j->job, PW_WAIT_MS, then) == 0) {
        *rc = MHD_YES; /* suspended: `then` answers */
        return 0;
    }
    auth_pw_free (j);
    *rc = gw_pool_busy (req, PW_RETRY_S); /* logged there, and counted in /metrics */
    return -1;
}

int auth_pw_room (gw_request *req, enum MHD_Result *rc)
{
    if (pool && gw_pool_room (pool))
        return 0;
    *rc = gw_pool_busy (req, PW_RETRY_S);
    return -1;
}

auth_pw_job *auth_pw_take (gw_request *req, enum MHD_Result *rc)
{
    gw_job *job = gw_pool_take (req);
    if (!job) {
        loa_warn (req->request_id, "auth: a password job did not run in time");
        *rc = gw_pool_busy (req, PW_RETRY_S);
    }
    return (auth_pw_job *) job;
}
