/* secret: passwords, tokens and keys (auth_int.h). */
#include <stdio.h>
#include <string.h>

#include "auth/auth_int.h"

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
