/* portal_int: what the files of portal/ share and nothing else uses. */
#ifndef GW_PORTAL_INT_H
#define GW_PORTAL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/call.h"
#include "loa_template.h"
#include "portal/portal.h"

/* ------------------------------------------------------------ portal.c */

/* The template web/_templates/NAME.html (its includes expanded, ended by
 * a NUL), borrowed from the table; NULL when there is none. Templates are
 * loaded with the files and never served. */
const char *portal_template (const char *name);

/* The text of the page at `path` ("/index.html"), its includes expanded,
 * ended by a NUL: a page that is its own template. NULL when there is none. */
const char *portal_page_template (const char *path);

/* LOA_PUBLIC_URL without its final slash ("" when unset): canonical links. */
const char *portal_public_url (void);

/* ------------------------------------------------------------ page.c */

#define PORTAL_HTML "text/html; charset=utf-8"
#define PORTAL_ARTICLES "/tin-tuc/"
#define PORTAL_MAX_REF 200

/* The pages rendered on the server (decision 0035): /tin-tuc/{slug}, the
 * lists (/tin-tuc, /tin-tuc/chu-de/{id}, /tin-tuc/don-vi/{id},
 * /cai-cach-hanh-chinh), the home page (/ and /index.html), and the old /bai-viet.html?slug=|?id=
 * moved to /tin-tuc/{slug} (301). 1 when `req` was one of them (answered, *rc set), else 0. */
int portal_page (gw_request *req, enum MHD_Result *rc);

/* 1 when `s` can be a slug or an id in an address: 1..PORTAL_MAX_REF of
 * [A-Za-z0-9_-] (content-svc makes slugs of [a-z0-9-]). */
int portal_ref_ok (const char *s);

/* `s` as an id (1 to 15 decimal digits), else 0. */
int64_t portal_id (const char *s);

struct Loa__Content__Article;

/* The cache key of a page that shows media-svc's descriptions (its
 * pictures' captions and types, decision 0044): `base` with media-svc's
 * generation, so that any media-svc event makes the page a new key. */
void portal_media_key (char *key, size_t cap, const char *base);

/* The first picture (an image/ type, as media-svc describes the files) of
 * article `a`, at its absolute address, into `out` ("" when none): 0, or
 * -1 when media-svc could not describe them all (media-svc away, or a file
 * not yet public): the page is then not kept. */
int portal_first_picture (gw_request *req, const struct Loa__Content__Article *a, char *out,
                          size_t cap);

/* `s` percent-encoded (all but RFC 3986's unreserved characters) into
 * `out` of `cap` bytes; a text too long is cut short, never inside a
 * %XX. */
void portal_url_encode (char *out, size_t cap, const char *s);

/* "HH:MM DD/MM/YYYY" (or "DD/MM/YYYY" without `with_time`) of a contract
 * time ("YYYY-MM-DDTHH:MM:SS+07:00", in Vietnam's time already, as
 * loa_store_time writes it), as the portal's script shows it (vi-VN); the
 * text as it is when it is not one. */
void portal_time (const char *t, int with_time, char *out, size_t cap);

/* 301 to `location`. */
enum MHD_Result portal_moved (gw_request *req, const char *location);

/* web/_templates/NAME.html (or the page NAME, "/index.html") rendered with `scope`, every value
 * escaped for HTML: a new string (the caller's), or NULL (logged). */
char *portal_render (gw_request *req, const char *name, const loa_template_scope *scope);

/* The page saying what could not be shown (khong-tim-thay.html), with
 * `status`; never cached (Cache-Control: no-store). */
enum MHD_Result portal_problem_page (gw_request *req, unsigned status, const char *heading,
                                     const char *detail);

/* gw_call of content-svc's read `method` as an anonymous reader; a failure
 * is answered as a page (404 headed `not_found`, or 503). 0 or -1. */
int portal_call (gw_request *req, const char *method, const ProtobufCMessage *in,
                 const ProtobufCMessageDescriptor *out, const char *not_found, gw_reply *reply);

/* The same of `svc`'s read (feedback-svc's published answers). */
int portal_call_in (gw_request *req, gw_service svc, const char *method, const ProtobufCMessage *in,
                    const ProtobufCMessageDescriptor *out, const char *not_found, gw_reply *reply);

/* Answers from the cache when it holds a fresh page for `key` (1, *rc
 * set); else 0 with *gen the generation to store the page under. */
int portal_cached (gw_request *req, const char *key, uint64_t *gen, enum MHD_Result *rc);

/* Sends `html` (taken; NULL: it could not be made, 500) with its ETag,
 * stored for `key` when `gen` is still current. */
enum MHD_Result portal_send (gw_request *req, const char *key, uint64_t gen, char *html);

/* portal_cached and portal_send for a page made from `svc`'s data, kept
 * under that service's generation (portal_cached/portal_send: content-svc). */
int portal_cached_in (gw_request *req, gw_service svc, const char *key, uint64_t *gen,
                      enum MHD_Result *rc);
enum MHD_Result portal_send_in (gw_request *req, gw_service svc, const char *key, uint64_t gen,
                                char *html);

/* ------------------------------------------------------------ article.c */

/* /tin-tuc/REF: the article (REF checked by portal_ref_ok); an id or a
 * reference other than its slug moves (301) to /tin-tuc/{slug}. */
enum MHD_Result portal_article_page (gw_request *req, const char *ref);

/* ------------------------------------------------------------ lists.c */

typedef enum { PORTAL_LIST_ALL, PORTAL_LIST_CCHC, PORTAL_LIST_TOPIC, PORTAL_LIST_UNIT } portal_list;

/* A page (?trang=N) of the published articles: all, CCHC, of the topic or
 * the unit `id` (0: unknown, 404). */
enum MHD_Result portal_list_page (gw_request *req, portal_list kind, int64_t id);

/* ------------------------------------------------------------ catalog.c */

/* The procedures catalogue, /thu-tuc.html?q=&trang=N (web/thu-tuc.html as
 * its template). */
enum MHD_Result portal_catalogue_page (gw_request *req);

/* /thu-tuc/{code}: one procedure, found by its code. */
enum MHD_Result portal_procedure_page (gw_request *req, const char *code);

/* ------------------------------------------------------------ notices.c */

/* /thong-bao.html?trang=N: the public notices grouped by kind
 * (web/thong-bao.html as its template). */
enum MHD_Result portal_notices_page (gw_request *req);

/* /thong-bao/{id}: one public notice. */
enum MHD_Result portal_notice_page (gw_request *req, const char *id);

/* ------------------------------------------------------------ answers.c */

/* /hoi-dap.html?q=&unit_id=&page=N: the published answers (web/hoi-dap.html
 * as its template); /hoi-dap.html?id=N: one of them. */
enum MHD_Result portal_answers_page (gw_request *req);

/* ------------------------------------------------------------ track.c */

/* /tra-cuu.html?code=CODE: the tracking form, answered with the item's
 * public status (web/tra-cuu.html as its template); never cached. */
enum MHD_Result portal_track_page (gw_request *req);

/* ------------------------------------------------------------ search.c */

/* /tim-kiem.html?q=&loai=&trang=: the results of every kind grouped
 * (web/tim-kiem.html as its template), or of one kind paged; never cached. */
enum MHD_Result portal_search_page (gw_request *req);

/* ------------------------------------------------------------ lists.c (home) */

/* The home page, web/index.html as its template: the newest articles and
 * the newest CCHC ones. */
enum MHD_Result portal_home_page (gw_request *req);

#endif
