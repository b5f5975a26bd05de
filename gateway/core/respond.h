/* respond: every answer the gateway sends goes out through here: JSON,
 * RFC 9457 problems, documents and files, with ETag and 304, and the
 * headers every answer carries (X-Request-Id, Retry-After when throttled).
 * Each function queues one response on the request's connection and
 * returns what queuing it returned (MHD_NO when it could not be made). */
#ifndef GW_RESPOND_H
#define GW_RESPOND_H

#include "core/encode.h"
#include "gw.h"

/* The strong ETag of a body (quoted hex of a 64-bit FNV-1a). */
void gw_etag (const char *text, size_t len, char out[24]);

/* 1 when an If-None-Match value lists `etag` (or "*"); weak comparison
 * (RFC 9110). */
int gw_etag_matches (const char *header, const char *etag);

/* 1 when the request's If-None-Match lists `etag`: answer 304. */
int gw_not_modified (gw_request *req, const char *etag);

/* Sends JSON text (malloc'ed; ownership taken). With `etag` (a public
 * read) adds ETag and Cache-Control and answers 304 when If-None-Match
 * matches; without, Cache-Control: no-store. */
enum MHD_Result gw_respond_text (gw_request *req, unsigned status, char *text, size_t len,
                                 const char *etag);

/* gw_respond_text of JSON `data` that is not the response's to free: it is
 * sent from where it is, and `release (cls)` is called once it is no longer
 * needed (at once for a 304 or a failure), from the thread that ends the
 * response. A cached body shared with the cache (gw_cache_share). */
enum MHD_Result gw_respond_text_shared (gw_request *req, unsigned status, const char *data,
                                        size_t len, const char *etag, void (*release) (void *),
                                        void *cls);

/* The form of `v` (core/encode.h) that the request's Accept-Encoding
 * prefers, as `type`, sent from where it is: Content-Encoding when
 * compressed, Vary: Accept-Encoding whenever `v` has a compressed form, and
 * the form's own ETag (gw_encoding_etag of `etag`, which may be NULL: none);
 * 304 when If-None-Match lists that ETag. Cache-Control is `cache`;
 * `headers` as for gw_respond_doc. `release (cls)` (NULL: nothing to
 * release) is called once the bytes are no longer needed (at once for a 304
 * or a failure). */
enum MHD_Result gw_respond_variants (gw_request *req, unsigned status, const char *type,
                                     const gw_variants *v, const char *etag, const char *cache,
                                     const char *const *headers, void (*release) (void *),
                                     void *cls);

/* The general form of the above: `text` (malloc'ed; ownership taken) as
 * `content_type`; `etag` as for gw_respond_text; `location` (may be NULL)
 * adds a Location header. */
enum MHD_Result gw_respond_body (gw_request *req, unsigned status, const char *content_type,
                                 char *text, size_t len, const char *etag, const char *location);

/* Sends `json` (reference stolen) with `status`. For GW_PUBLIC routes adds
 * a strong ETag and answers 304 when If-None-Match matches. */
enum MHD_Result gw_respond_json (gw_request *req, unsigned status, json_t *json);

/* Sends `msg` (borrowed) as JSON with `status`, the same as
 * gw_respond_json (req, status, loa_pbjson_encode (msg)) but written
 * straight into the response's buffer (loa_pbjson_write). */
enum MHD_Result gw_respond_message (gw_request *req, unsigned status, const ProtobufCMessage *msg);

/* 201 Created with `json` (stolen) and a Location header when non-empty. */
enum MHD_Result gw_respond_created (gw_request *req, json_t *json, const char *location);

/* A document (`text` malloc'ed, taken) for one reader: with `etag`,
 * "private, no-cache" and 304 on If-None-Match, else no-store; `headers`
 * is NULL or name, value, ..., NULL (a NULL value skips that header), sent
 * on a 304 too (Vary, Link). */
enum MHD_Result gw_respond_doc (gw_request *req, const char *type, char *text, size_t len,
                                const char *etag, const char *const *headers);

/* Sends `len` bytes of `data` as they are, never copied: they must outlive
 * the HTTP daemon (the portal's files); `type` may be NULL (none), `data`
 * NULL with `len` 0 (no body: 304, 301); `headers` as for gw_respond_doc. */
enum MHD_Result gw_respond_bytes (gw_request *req, unsigned status, const char *type,
                                  const void *data, size_t len, const char *const *headers);

/* Sends `count` bytes of the file `fd` (taken: closed once sent, or here)
 * from `offset`, with sendfile, as `type`; `headers` as for gw_respond_doc.
 * When the response cannot be made, answers 500 instead. */
enum MHD_Result gw_respond_fd (gw_request *req, unsigned status, const char *type, int fd,
                               uint64_t offset, uint64_t count, const char *const *headers);

/* Sends a buffer as-is (copied) with a content type. */
enum MHD_Result gw_respond_raw (gw_request *req, unsigned status, const char *content_type,
                                const char *data, size_t len);

/* Sends `data` (copied) as a download: `content_type`, and with a
 * `filename` (may be NULL or empty; used only when it is printable ASCII
 * without quotes or backslashes) Content-Disposition: attachment. */
enum MHD_Result gw_respond_file (gw_request *req, unsigned status, const char *content_type,
                                 const char *filename, const void *data, size_t len);

/* 204 No Content (or another status without a body). */
enum MHD_Result gw_respond_empty (gw_request *req, unsigned status);

/* Sends an RFC 9457 problem: `errors` (stolen, may be NULL) is an array of
 * {field, message} (gw_field_error); `detail` may be NULL (the title).
 * 503 adds Retry-After: 5, 401 WWW-Authenticate; 5xx are logged. */
enum MHD_Result gw_respond_problem (gw_request *req, unsigned status, const char *detail,
                                    json_t *errors);

/* The same with one more response header (e.g. Allow, Content-Range). */
enum MHD_Result gw_respond_problem_with (gw_request *req, unsigned status, const char *detail,
                                         json_t *errors, const char *header, const char *value);

/* A problem with one field error: `detail`, and {field, message}. */
enum MHD_Result gw_respond_invalid (gw_request *req, unsigned status, const char *detail,
                                    const char *field, const char *message);

#endif
