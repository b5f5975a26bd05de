/* loa_store: what services' stores (content-svc's content_store.c,
 * article_store.c, catalog_store.c; feedback-svc's) share to run prepared
 * statements and copy rows into protobuf messages. */
#ifndef LOA_STORE_UTIL_H
#define LOA_STORE_UTIL_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* What a store call came to: the one result every service's store gives
 * (besides plain 0 / -1 where only success or failure can happen). The RPC
 * status each fails a call with is loa_rpc_store_status's (loa_rpc_server.h);
 * the words are the caller's. */
typedef enum {
    LOA_STORE_OK = 0,
    LOA_STORE_ERROR, /* the database failed or memory ran out (logged where it happened) */
    LOA_STORE_NOT_FOUND, /* no such row */
    LOA_STORE_INVALID, /* a value the store refused: a row it names is missing, or PostgreSQL
                        * cannot read it */
    LOA_STORE_FORBIDDEN, /* not the caller's, or the caller's proof does not match */
    LOA_STORE_CONFLICT, /* a unique key is taken, done once already, or changed meanwhile */
    LOA_STORE_WRONG_STATE, /* the change does not apply in the row's current state */
    LOA_STORE_GONE, /* no longer served */
    LOA_STORE_WITHHELD, /* held back until it is corrected */
    LOA_STORE_NOT_READY, /* not possible now; worth trying again later */
    LOA_STORE_FAILED, /* could not be made, and will not be by trying again */
    LOA_STORE_ANSWERED, /* a guard refused and has failed the call itself */
} loa_store_status;

/* Runs prepared `stmt`. A result other than `expect` is logged (with
 * `who`), unless it is a taken unique key (23505) or a retryable failure,
 * which the caller handles. The caller looks at the result and clears it. */
PGresult *loa_store_run (PGconn *db, const char *who, const char *stmt, int n,
                         const char *const *vals, ExecStatusType expect);

/* Runs `sql` (not prepared: for connections whose statements are not
 * prepared, such as a subscriber's) with `n` text parameters, expecting no
 * rows or rows it ignores. 0; LOA_DB_RETRY (db.h) after a serialization
 * failure or deadlock (not logged: the caller's transaction is retried);
 * -1 on any other failure (logged with `who`). */
int loa_store_exec (PGconn *db, const char *who, const char *sql, int n, const char *const *vals);

/* A copy of a column. Out of memory it gives protobuf_c_empty_string (so
 * that the message stays packable and freeable) and sets *oom (may be NULL). */
char *loa_store_dup (const PGresult *res, int row, int col, int *oom);

/* Frees a string of a message: init'ed messages point string fields at
 * protobuf_c_empty_string, which is not freed. */
void loa_store_free_str (char *s);

/* The total of a paged list: the window count in column `col` of the
 * page's first row or, for a page past the end, `count_stmt` run with the
 * same n filter parameters. -1 on error. */
long long loa_store_page_total (PGconn *db, const char *who, const PGresult *res, int col,
                                const char *count_stmt, int n, const char *const *vals);

/* `v` as a text parameter. */
void loa_store_int_param (char buf[24], long long v);

/* One block holding n + 1 item pointers (NULL-terminated) then the n items
 * (zeroed), so that a list owns exactly one allocation besides its items'
 * strings: free(*items) releases it, whatever n (0 included). NULL when
 * memory runs out. */
void *loa_store_list_block (size_t n, size_t item_size, void ***items);

/* Fills a row of a result into a list item (zeroed, of the list's type). */
typedef void (*loa_store_fill_fn) (const PGresult *res, int row, void *item);

/* The rows of `res` as one loa_store_list_block of items, each filled by
 * `fill`, into *items and *n_items. 0, or -1 when memory runs out (then
 * nothing is allocated). */
int loa_store_fill_rows (const PGresult *res, size_t item_size, loa_store_fill_fn fill,
                         void ***items, size_t *n_items);

/* Frees what a store allocated inside `msg`, by its descriptor: every
 * string that is not protobuf_c_empty_string (a oneof member only when it
 * is the one set), repeated scalar arrays, singular submessages (their
 * insides, then themselves), and repeated messages laid out by
 * loa_store_list_block (each item's insides, then the one block); then
 * initialises `msg` again. `msg` itself is not freed. For messages filled
 * the stores' way only: every pointer owned, lists in one block. */
void loa_store_free_message (ProtobufCMessage *msg);

#endif
