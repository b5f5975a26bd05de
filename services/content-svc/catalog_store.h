/* catalog_store: the SQL of public notices and of the procedures catalogue
 * (content-svc). PGresult never leaves this file; rows are copied into
 * protobuf messages that the caller frees with the matching *_free
 * function (which also re-initialises them, so freeing twice is harmless).
 * Every write and its event (outbox) commit in one transaction. */
#ifndef CATALOG_STORE_H
#define CATALOG_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "catalog.pb-c.h"
#include "catalog_edit.pb-c.h"
#include "loa_store.h"

/* Prepares the catalogue's statements on a worker's connection. 0 or -1. */
int catalog_store_prepare (PGconn *db);

/* ------------------------------------------------------------ notices */

/* What notices.list asks for, already validated: kind and q are "" when
 * not given. */
typedef struct {
    const char *kind;
    const char *q; /* diacritic-insensitive, every word must match */
    int include_inactive; /* the caller is an admin */
    int page, per_page;
} catalog_notice_filter;

/* A page of notices, newest first, into *out (free with
 * catalog_store_free_notices). */
loa_store_status catalog_store_list_notices (PGconn *db, const catalog_notice_filter *f,
                                             Loa__Content__NoticeList *out);
void catalog_store_free_notices (Loa__Content__NoticeList *list);

/* One notice; an inactive one is LOA_STORE_NOT_FOUND unless include_inactive. */
loa_store_status catalog_store_get_notice (PGconn *db, int64_t id, int include_inactive,
                                           Loa__Content__Notice *out);

/* Creates a notice (body_html: the body rendered, borrowed) and its
 * notice.created event in one transaction. */
loa_store_status catalog_store_create_notice (PGconn *db,
                                              const Loa__Content__CreateNoticeRequest *in,
                                              const char *body_html, Loa__Content__Notice *out);

/* Changes the fields present (body_html is the new body rendered, or NULL
 * when the body does not change) and emits notice.updated. */
loa_store_status catalog_store_update_notice (PGconn *db,
                                              const Loa__Content__UpdateNoticeRequest *in,
                                              const char *body_html, Loa__Content__Notice *out);
void catalog_store_free_notice (Loa__Content__Notice *notice);

/* ------------------------------------------------------------ procedures */

/* What procedures.list asks for, already validated ("" = not given). */
typedef struct {
    const char *q;
    const char *field;
    const char *status;
    int page, per_page;
} catalog_procedure_filter;

/* A page of procedures: with q, the matches best first (see the statement
 * for the ranking); without, by code. */
loa_store_status catalog_store_list_procedures (PGconn *db, const catalog_procedure_filter *f,
                                                Loa__Content__ProcedureList *out);
void catalog_store_free_procedures (Loa__Content__ProcedureList *list);

loa_store_status catalog_store_get_procedure (PGconn *db, int64_t id, Loa__Content__Procedure *out);

/* Every earlier version of procedure `id`, newest first; LOA_STORE_NOT_FOUND
 * when there is no such procedure. */
loa_store_status catalog_store_list_versions (PGconn *db, int64_t id,
                                              Loa__Content__ProcedureVersionList *out);
void catalog_store_free_versions (Loa__Content__ProcedureVersionList *list);

/* Creates a procedure (version 1) and its procedure.created event.
 * LOA_STORE_CONFLICT when the code is taken. */
loa_store_status catalog_store_create_procedure (PGconn *db,
                                                 const Loa__Content__CreateProcedureRequest *in,
                                                 Loa__Content__Procedure *out);

/* An amendment, in one transaction: locks the procedure, copies it as it
 * is into the versions (with in->reason), changes the fields present,
 * version + 1, and emits procedure.amended. LOA_STORE_NOT_FOUND, or
 * LOA_STORE_CONFLICT when the new code is taken. */
loa_store_status catalog_store_amend_procedure (PGconn *db,
                                                const Loa__Content__AmendProcedureRequest *in,
                                                Loa__Content__Procedure *out);
void catalog_store_free_procedure (Loa__Content__Procedure *procedure);

#endif
