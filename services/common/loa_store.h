/* loa_store: what services' stores (content-svc's content_store.c,
 * article_store.c, catalog_store.c; feedback-svc's) share to run prepared
 * statements and copy rows into protobuf messages. */
#ifndef LOA_STORE_UTIL_H
#define LOA_STORE_UTIL_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

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

/* Fills row `row` of a result into `item`, a protobuf message (a list's
 * item: zeroed) that fill initialises first; sets *oom when memory runs out
 * (as loa_store_dup does). */
typedef void (*loa_store_fill_fn) (const PGresult *res, int row, void *item, int *oom);

/* Every statement below runs through loa_db_run (loa_db.h): inside a
 * pipelined transaction too. */

/* Runs prepared `stmt`. A result other than `expect` is logged (with
 * `who`), unless it is a taken unique key (23505) or a retryable failure,
 * which the caller handles. The caller looks at the result and clears it. */
PGresult *loa_store_run (PGconn *db, const char *who, const char *stmt, int n,
                         const char *const *vals, ExecStatusType expect);

/* Runs prepared `stmt`, expecting at most one row, and fills it into
 * `item` with `fill` (which initialises it). OK; NOT_FOUND (no row: item
 * untouched); CONFLICT (a unique key is taken: a write returning its row);
 * ERROR (the statement failed, or memory ran out: then item is freed). */
loa_store_status loa_store_one (PGconn *db, const char *who, const char *stmt, int n,
                                const char *const *vals, loa_store_fill_fn fill, void *item);

/* Runs `fn` in a transaction (loa_db_tx), fn setting *status to what it
 * came to; a transaction that did not commit (fn failed, or COMMIT did)
 * turns OK into ERROR. Returns *status. */
loa_store_status loa_store_tx (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg,
                               loa_store_status *status);

/* loa_store_tx with loa_db_tx_pipelined (loa_db.h): fn's statements through
 * the functions of this file, its changes that only succeed or fail
 * through loa_store_defer. */
loa_store_status loa_store_tx_pipelined (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg,
                                         loa_store_status *status);

/* Runs prepared `stmt`, a change whose rows, if any, do not matter: 0;
 * LOA_DB_RETRY after a serialization failure or deadlock (not logged: the
 * caller's transaction is retried); -1 on any other failure (logged with
 * `who`). */
int loa_store_change (PGconn *db, const char *who, const char *stmt, int n,
                      const char *const *vals);

/* loa_store_change, deferred (loa_db_defer): in a pipelined transaction
 * queued to travel with the next round trip (usually the COMMIT's): 0, or
 * -1 when it cannot be sent; its failure (logged with `who`) fails the
 * transaction, retried after a serialization failure or deadlock.
 * Elsewhere run at once, with loa_store_change's results. */
int loa_store_defer (PGconn *db, const char *who, const char *stmt, int n, const char *const *vals);

/* Runs `sql` (not prepared: for connections whose statements are not
 * prepared, such as a subscriber's) with `n` text parameters, expecting no
 * rows or rows it ignores. 0; LOA_DB_RETRY (db.h) after a serialization
 * failure or deadlock (not logged: the caller's transaction is retried);
 * -1 on any other failure (logged with `who`). */
int loa_store_exec (PGconn *db, const char *who, const char *sql, int n, const char *const *vals);

/* A copy of a column. Out of memory it gives protobuf_c_empty_string (so
 * that the message stays packable and freeable) and sets *oom (may be NULL). */
char *loa_store_dup (const PGresult *res, int row, int col, int *oom);

/* A timestamptz column, as PostgreSQL writes it to a Loa session (TimeZone
 * UTC, DateStyle ISO: "2026-12-05 11:16:04.123456+00"), turned into the
 * contract's RFC 3339 time in Vietnam ("2026-12-05T18:16:04+07:00",
 * seconds cut, as the SQL function rfc3339() of the migrations gives it).
 * Done here rather than by rfc3339() in the statement: PostgreSQL's
 * to_char costs about 7 µs a call, three per article, sixty per page of
 * twenty. A text it does not know (infinity, a year before 1 or past 9999)
 * is copied as it is; NULL gives "". Out of memory as loa_store_dup. */
char *loa_store_time (const PGresult *res, int row, int col, int *oom);

/* The conversion of loa_store_time: `utc` as PostgreSQL writes it in UTC
 * into out (at least 26 bytes). 0, or -1 when `utc` is not such a text. */
int loa_store_time_text (const char *utc, char *out);

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

/* An optional id or count as a text parameter: `v` written into buf, or
 * NULL (SQL NULL: "any", "none") when v <= 0. */
const char *loa_store_opt_int (char buf[24], long long v);

/* ------------------------------------------------------------ lists of ids */

/* The integers of `text`, a PostgreSQL array as text ("{1,2,3}") or a
 * comma-separated list ("1,2,3"), in a new array (the caller's; NULL when
 * there are none), *n their count. When memory runs out: NULL, *n 0 and
 * *oom set (oom may be NULL). */
int64_t *loa_store_ids (const char *text, size_t *n, int *oom);

/* The same into int32 (versions, positions). */
int32_t *loa_store_int32s (const char *text, size_t *n, int *oom);

/* A bigint[] parameter of n ids, "{1,2,3}" ("{}" for none): digits only,
 * so nothing a client sends is ever parsed as an array. A new string (the
 * caller's), NULL when memory runs out. */
char *loa_store_ids_literal (const int64_t *ids, size_t n);

/* A text[] parameter of n strings, {"a","b"}: each quoted, with '"' and
 * '\' escaped by a '\'. A new string (the caller's), NULL when memory runs
 * out. */
char *loa_store_strings_literal (const char *const *strs, size_t n);

/* One block holding n + 1 item pointers (NULL-terminated) then the n items
 * (zeroed), so that a list owns exactly one allocation besides its items'
 * strings: free(*items) releases it, whatever n (0 included). NULL when
 * memory runs out. */
void *loa_store_list_block (size_t n, size_t item_size, void ***items);

/* The rows of `res` as one loa_store_list_block of items, each filled by
 * `fill`, into *items and *n_items. 0, or -1 when memory runs out (then
 * nothing is left allocated). */
int loa_store_fill_rows (const PGresult *res, size_t item_size, loa_store_fill_fn fill,
                         void ***items, size_t *n_items);

/* Every row of prepared `stmt` (n `vals`) as a list, filled as
 * loa_store_fill_rows does. OK or ERROR (then nothing is left allocated). */
loa_store_status loa_store_rows (PGconn *db, const char *who, const char *stmt, int n,
                                 const char *const *vals, size_t item_size, loa_store_fill_fn fill,
                                 void ***items, size_t *n_items);

/* A paged list's query. `stmt` takes the n `vals` (filters) then LIMIT and
 * OFFSET, and gives count(*) OVER () in column `count_col` of each row;
 * `count_stmt` takes the n filters and counts the rows (the total of a page
 * past the end). Rows become items of `item_size` filled by `fill`. */
typedef struct {
    const char *stmt;
    const char *count_stmt;
    int count_col;
    int n;
    const char *const *vals;
    size_t item_size;
    loa_store_fill_fn fill;
} loa_store_page_query;

/* Page `page` (from 1) of `per_page` rows of q into *items, *n_items (one
 * loa_store_list_block) and *total. OK; INVALID when PostgreSQL cannot read
 * a filter (SQLSTATE class 22, a data exception); ERROR. Nothing is left
 * allocated unless OK. */
loa_store_status loa_store_page (PGconn *db, const char *who, const loa_store_page_query *q,
                                 int page, int per_page, void ***items, size_t *n_items,
                                 int64_t *total);

/* Frees what a store allocated inside `msg`, by its descriptor: every
 * string that is not protobuf_c_empty_string (a oneof member only when it
 * is the one set), repeated scalar arrays, singular submessages (their
 * insides, then themselves), and repeated messages laid out by
 * loa_store_list_block (each item's insides, then the one block); then
 * initialises `msg` again. `msg` itself is not freed. For messages filled
 * the stores' way only: every pointer owned, lists in one block. */
void loa_store_free_message (ProtobufCMessage *msg);

#endif
