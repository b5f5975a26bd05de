/* loa_audit: who makes the changes a program writes, for the audit trail
 * (decision 0031, docs/api/audit.md). The trail itself is PostgreSQL's: schema
 * `audit`, made by db-init (deploy/db-admin.sh), written only by the
 * trigger audit.record() on the tables of staff-managed things and by
 * audit.note(); no program's role may change or delete a row of it.
 *
 * A program names the caller on its connection before a write (the
 * session setting loa.audit, JSON) and clears it after: the trigger reads
 * it in the same transaction as the change. Without a caller named, a
 * change is the program's own ("system": an event, a sweep). The RPC
 * server does this for every call whose caller `writes` (loa_rpc_server.c);
 * the gateway for its own writes (users, keys, logins). Reads cost
 * nothing. */
#ifndef LOA_AUDIT_H
#define LOA_AUDIT_H

#include <libpq-fe.h>
#include <stdint.h>

#include "envelope.pb-c.h"

/* "staff", "api_key" or "anonymous" for `caller`. */
const char *loa_audit_kind (const Loa__Caller *caller);

/* Names the caller (kind, id: the user's or the key's), its address, the
 * request id and the action (e.g. the RPC method, "articles.publish") on
 * `db` until loa_audit_clear. 0, or -1 (logged; the write goes on, named
 * "system"). */
int loa_audit_set (PGconn *db, const char *kind, int64_t id, const char *client_addr,
                   const char *request_id, const char *action);

/* The same for an RPC caller. */
int loa_audit_set_caller (PGconn *db, const Loa__Caller *caller, const char *request_id,
                          const char *action);

/* Forgets the caller named on `db`. */
void loa_audit_clear (PGconn *db);

/* Writes one entry of the trail that no row change says (a login, a failed
 * one), with the caller named on `db`: audit.note(entity, entity_id,
 * action, changes JSON or NULL). 0 or -1 (logged). */
int loa_audit_note (PGconn *db, const char *entity, const char *entity_id, const char *action,
                    const char *changes_json);

#endif
