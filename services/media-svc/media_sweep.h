/* media_sweep: removes orphan blobs from the media volume: files under
 * LOA_MEDIA_DIR/sha256/ab/cd/<hex> that no asset, bag or manifest names and
 * that are older than a given age (an upload or a bag is named by its row
 * within seconds of being written; the age leaves that time, and a failed
 * registration's retry, alone). Each removal happens under the blob's lock
 * after checking, under it, that no row names the blob
 * (media_store_blob_remove_orphan); whoever makes a row name a blob takes
 * the same lock and checks that the blob is there. Files whose name is not
 * a digest in its place are never touched. Run by media-svc's ticker. */
#ifndef MEDIA_SWEEP_H
#define MEDIA_SWEEP_H

#include <libpq-fe.h>

/* One sweep of the volume for blobs older than `older_than_s` seconds.
 * The number removed, or -1 (database error, logged; what was done stays). */
int media_sweep_orphans (PGconn *db, long older_than_s);

/* Removes citizens' attachments that no feedback item used, uploaded more
 * than `unused_s` seconds ago, and their blobs when no other row names
 * them (media_attachment_store_sweep). The number of attachments removed,
 * or -1 (logged). */
int media_sweep_attachments (PGconn *db, long unused_s);

#endif
