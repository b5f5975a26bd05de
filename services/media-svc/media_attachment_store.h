/* media_attachment_store: the SQL of private attachments (table
 * private_attachments): citizens' files for feedback (docs/decisions/0030-
 * citizen-attachments.md) and staff's files for plan activity reports
 * (0034-report-attachments.md), whose bytes are blobs of the media volume,
 * named under the blob's lock like any asset's, never served as an asset. */
#ifndef MEDIA_ATTACHMENT_STORE_H
#define MEDIA_ATTACHMENT_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "loa_store.h"
#include "media.pb-c.h"

int media_attachment_store_prepare (PGconn *db);

typedef struct {
    const char *sha256, *mime;
    int64_t size;
    const char *client_addr; /* where it came from */
    int64_t uploaded_by; /* 0: a citizen's (kind feedback); else a report's, by this user */
} media_attachment_new;

/* A new attachment of the blob `sha256` (which must be on the volume: the
 * check and the row under the blob's lock, as media_store_asset_register
 * does). OK, NOT_READY (the blob is gone), ERROR. *out is the caller's to
 * free (loa_store_free_message). */
loa_store_status media_attachment_store_create (PGconn *db, const media_attachment_new *in,
                                                Loa__Media__CitizenAttachment *out);

/* Who claims: a feedback item (feedback_id), or a report (report_id) for
 * the member of staff user_id. */
typedef struct {
    int64_t feedback_id, report_id, user_id;
} media_attachment_owner;

/* In one transaction: the attachments among `ids` that exist, locked;
 * when every id exists and each is of the owner's kind and the owner's
 * already or nobody's (a report's file then uploaded by owner->user_id),
 * all of them become the owner's. *out lists the rows found as they are
 * after the call (feedback_id / report_id tell the caller which were
 * refused: missing from the list, or not the owner's). OK or ERROR. */
loa_store_status media_attachment_store_claim (PGconn *db, const int64_t *ids, size_t n,
                                               const media_attachment_owner *owner,
                                               Loa__Media__CitizenAttachmentList *out);

/* Removes up to `max` attachments no item used, uploaded more than
 * `older_than_s` seconds ago, each in its own transaction under its blob's
 * lock; the blob goes with it when no other row names it (remove is called
 * then, as media_store_blob_remove_orphan does). The number of rows
 * removed, or -1 (logged). */
int media_attachment_store_sweep (PGconn *db, long older_than_s, int max,
                                  int (*remove) (const char *sha256, void *arg), void *arg);

#endif
