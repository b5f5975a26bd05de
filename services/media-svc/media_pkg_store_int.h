/* What media_pkg_store.c, media_pkg_bag_store.c and media_pkg_view.c (one
 * store, in three files) share: the prepared statements are all in
 * media_pkg_store.c's table. Not for other modules. */
#ifndef MEDIA_PKG_STORE_INT_H
#define MEDIA_PKG_STORE_INT_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#define WHO "media package store"

/* Runs prepared `stmt` expecting rows (loa_store_run). */
PGresult *pk_run (PGconn *db, const char *stmt, int n, const char *const *vals);

/* Renders the ninjs 2.3 text of a version from its 3.2 text and stores it
 * where the row has none yet. 0, LOA_DB_RETRY or -1 (logged); *text (when
 * not NULL) gets the text, which the caller frees. */
int pk_save_2_3 (PGconn *db, const char *id_s, const char *ver_s, const char *ninjs, char **text);

#endif
