/* apidocs: GET /api/docs (ops.h), the OpenAPI document for people: a page
 * that loads Swagger UI (swagger-ui-dist from npm, copied by make into the
 * web portal's /api-docs/vendor/, decision 0043) and web/api-docs/init.js,
 * which points it at /api/v1/openapi.json. The page is a constant here, so
 * that it is served only at this address and only with its own
 * Content-Security-Policy: scripts, styles, fonts and images from the
 * gateway itself (and data: images, Swagger UI's icons), requests to the
 * gateway (the document, "Try it out"); no inline script or style (Swagger
 * UI sets its styles through the DOM, which the policy allows), nothing from
 * elsewhere, no framing, no plug-ins (tests/browser/apidocs.mjs: no console
 * error under it). */
#include <string.h>

#include "core/respond.h"
#include "ops/ops.h"

static const char page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"vi\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Tài liệu API — Loa</title>\n"
    "<meta name=\"description\" content=\"Tài liệu giao diện lập trình (REST, OpenAPI 3.1) của "
    "hệ thống Loa\">\n"
    "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n"
    "<link rel=\"stylesheet\" href=\"/api-docs/vendor/swagger-ui.css\">\n"
    "<link rel=\"stylesheet\" href=\"/api-docs/api-docs.css\">\n"
    "</head>\n"
    "<body>\n"
    "<header class=\"api-docs-header\"><h1>Tài liệu API của Loa</h1>\n"
    "<p>Giao diện lập trình REST (OpenAPI 3.1): <a "
    "href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>. The contract's conventions: "
    "JSON in UTF-8, RFC 3339 times, errors as application/problem+json.</p></header>\n"
    "<main id=\"swagger-ui\"><noscript>Trang này cần JavaScript để hiển thị tài liệu; tài liệu "
    "gốc ở <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</noscript></main>\n"
    "<script src=\"/api-docs/vendor/swagger-ui-bundle.js\"></script>\n"
    "<script src=\"/api-docs/init.js\"></script>\n"
    "</body>\n"
    "</html>\n";

#define API_DOCS_CSP                                                                               \
    "default-src 'none'; script-src 'self'; style-src 'self'; "                                    \
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "                 \
    "form-action 'self'; frame-ancestors 'none'; object-src 'none'"

enum MHD_Result gw_api_docs (gw_request *req)
{
    char etag[24];
    gw_etag (page, sizeof page - 1, etag);
    const char *const headers[] = {MHD_HTTP_HEADER_ETAG, etag, MHD_HTTP_HEADER_CACHE_CONTROL,
                                   "no-cache", NULL};
    req->csp = API_DOCS_CSP;
    if (gw_not_modified (req, etag))
        return gw_respond_bytes (req, 304, NULL, NULL, 0, headers);
    return gw_respond_bytes (req, 200, "text/html; charset=utf-8", page, sizeof page - 1, headers);
}
