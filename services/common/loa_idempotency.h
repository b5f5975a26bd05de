/* loa_idempotency: replays the reply of a creating RPC called again with the
 * same Idempotency-Key (by the same caller, for the same method and the same
 * request), instead of creating twice. Used by rpc_server for every call
 * that carries a key (the gateway sends one only for routes that create).
 *
 * The call runs under a session advisory lock on (caller, method, key), so
 * two concurrent repeats never both run; a successful reply is stored (table
 * `idempotency`, services/common/sql/0000_idempotency.sql) after the handler
 * committed, and kept 24 hours. A crash between the handler's commit and the
 * store would let one repeat run again: the window is milliseconds.
 *
 * Keys belong to their caller: a user (by id), else a client application
 * (by API key), else, for anonymous callers, the client address; two
 * citizens who happen to send the same key never see each other's reply. */
#ifndef LOA_IDEMPOTENCY_H
#define LOA_IDEMPOTENCY_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "envelope.pb-c.h"

typedef enum {
    LOA_IDEM_NEW, /* run the handler, then loa_idem_finish */
    LOA_IDEM_REPLAY, /* *status and *reply hold the stored answer */
    LOA_IDEM_MISMATCH, /* the key was used for another request */
    LOA_IDEM_BAD_KEY, /* not 1..255 visible ASCII characters */
    LOA_IDEM_ERROR, /* the database failed */
} loa_idem_result;

typedef struct {
    char lock_key[24]; /* the advisory lock held, "" when none */
    unsigned char hash[32];
    int64_t user_id;
    const char *method;
    char key[352]; /* the key, prefixed by its owner when that is not a user */
} loa_idem;

/* Looks the key up (taking the lock). For LOA_IDEM_REPLAY, *reply is a new
 * buffer (free()) of *reply_len bytes. */
loa_idem_result loa_idem_begin (PGconn *db, loa_idem *st, const Loa__Caller *caller,
                                const char *method, const char *key, const uint8_t *request,
                                size_t request_len, int *status, uint8_t **reply,
                                size_t *reply_len);

/* Stores a successful reply (status_ok non-zero) and releases the lock. */
void loa_idem_finish (PGconn *db, loa_idem *st, int status_ok, int status, const uint8_t *reply,
                      size_t reply_len);

#endif
