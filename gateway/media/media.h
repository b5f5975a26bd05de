/* media: the gateway's half of media distribution (docs/api/media.md;
 * media-svc keeps the rows, builds the ninjs documents and the bags). The
 * gateway moves the bytes: uploads streamed to the media volume
 * (assets.c), files sent from it with sendfile (send.c), broadcasters'
 * API keys (broadcasters.c), packages, their files and feeds
 * (packages.c, feeds.c). */
#ifndef GW_MEDIA_H
#define GW_MEDIA_H

#include "gw.h"

/* Reads LOA_MEDIA_DIR and LOA_UPLOAD_LIMIT, makes the volume's folders and
 * loads libmagic. 0 or -1 (logged). */
int gw_media_init (void);
void gw_media_done (void);

/* POST /api/v1/assets: the begin hook takes the raw body to a temporary
 * file of the volume as it comes (401/403 were answered before it, 413
 * over LOA_UPLOAD_LIMIT, 503 when the volume cannot be written); the
 * handler keeps it under its SHA-256 and registers it with media-svc. */
int gw_assets_begin (gw_request *req, enum MHD_Result *rc);
enum MHD_Result gw_assets_create (gw_request *req);

/* GET/HEAD /api/v1/assets/{id}: the bytes, when media-svc lets the caller
 * read them. */
enum MHD_Result gw_assets_get (gw_request *req);

/* POST /api/v1/feedback/attachments (anyone, throttled): a citizen's file,
 * streamed like an asset's upload but at most 10 MB and only JPEG, PNG or
 * PDF by its bytes, registered with media-svc (attachments.create) ->
 * 201 {id, mime, size}. GET /api/v1/feedback/attachments/{id}: the bytes,
 * when feedback-svc lets the caller see the item that holds the file. */
int gw_feedback_attachments_begin (gw_request *req, enum MHD_Result *rc);
enum MHD_Result gw_feedback_attachments_create (gw_request *req);
enum MHD_Result gw_feedback_attachments_get (gw_request *req);

/* POST /api/v1/plans/attachments (staff): a file for a plan activity
 * report, with the citizens' rules (gw_feedback_attachments_begin, 10 MB,
 * JPEG, PNG or PDF by its bytes), registered with media-svc
 * (report_attachments.create) -> 201 {id, mime, size}; quota-svc claims it
 * when a report names it. GET /api/v1/plans/attachments/{id} (staff): the
 * bytes of a report's file (quota-svc's plans.attachments.get). */
enum MHD_Result gw_report_attachments_create (gw_request *req);
enum MHD_Result gw_report_attachments_get (gw_request *req);

/* POST /api/v1/broadcasters, POST /api/v1/broadcasters/{id}/key (admin):
 * a broadcaster and its API key, a new key. */
enum MHD_Result gw_broadcasters_create (gw_request *req);
enum MHD_Result gw_broadcasters_new_key (gw_request *req);

/* Packages: staff and broadcasters' views, their files (each download
 * logged with media-svc once sent), and the feeds. */
enum MHD_Result gw_media_package_get (gw_request *req);
enum MHD_Result gw_media_version_get (gw_request *req);
enum MHD_Result gw_media_bag (gw_request *req);
enum MHD_Result gw_media_file (gw_request *req);
enum MHD_Result gw_media_manifest (gw_request *req);
enum MHD_Result gw_media_feed (gw_request *req);
enum MHD_Result gw_media_feed_atom (gw_request *req);
enum MHD_Result gw_media_feed_rss (gw_request *req);

#endif
