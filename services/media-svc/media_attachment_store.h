/* media_attachment_store: the SQL of citizens' attachments to feedback
 * (table citizen_attachments; docs/decisions/0030-citizen-attachments.md):
 * a private kind of asset whose bytes are blobs of the media volume, named
 * under the blob's lock like any asset's, never served as an asset. */
#ifndef MEDIA_ATTACHMENT_STORE_H
#define MEDIA_ATTACHMENT_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "loa_store.h"
#include "media.pb-c.h"

int media_attachment_store_prepare (PGconn *db);

/* A new attachment of the blob `sha256` (which must be on the volume: the
 * check and the row under the blob's lock, as media_store_asset_register
 * does), uploaded from `client_addr`. OK, NOT_READY (the blob is gone),
 * ERROR. *out is the caller's to free (loa_store_free_message). */
loa_store_status media_attachment_store_create (PGconn *db, const char *sha256, int64_t size,
                                                const char *mime, const char *client_addr,
                                                Loa__Media__CitizenAttachment *out);

/* In one transaction: the attachments among `ids` that exist, locked;
 * when every id exists and none belongs to another item, all of them
 * become item `feedback_id`'s. *out lists the rows found as they are after
 * the call (feedback_id tells the caller which were refused: missing from
 * the list, or another item's). OK or ERROR. */
loa_store_status media_attachment_store_claim (PGconn *db, const int64_t *ids, size_t n,
                                               int64_t feedback_id,
                                               Loa__Media__CitizenAttachmentList *out);

/* Removes up to `max` attachments no item used, uploaded more than
 * `older_than_s` seconds ago, each in its own transaction under its blob's
 * lock; the blob goes with it when no other row names it (remove is called
 * then, as media_store_blob_remove_orphan does). The number of rows
 * removed, or -1 (logged). */
int media_attachment_store_sweep (PGconn *db, long older_than_s, int max,
                                  int (*remove) (const char *sha256, void *arg), void *arg);

#endif
