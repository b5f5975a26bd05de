/* discovery: the documents that describe the endpoint (open311.h): the
 * Service Discovery document, the services and their definitions. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "loa_config.h"
#include "loa_text.h"
#include "open311/open311_int.h"
#include "open311/open311_map.h"

/* When the discovery document, the services or their attributes last
 * changed: clients refresh what they cache when it moves. */
#define CHANGESET "2026-11-27T00:00:00+07:00"

static int valid_host (const char *h)
{
    size_t n = h ? strlen (h) : 0;
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum ((unsigned char) h[i]) && !strchr (".-:[]_", h[i]))
            return 0;
    return 1;
}

/* scheme://host of this gateway as the client reached it. */
static void base_url (gw_request *req, char *out, size_t cap)
{
    const char *host = gw_header (req, MHD_HTTP_HEADER_HOST);
    const char *proto = req->via_proxy ? gw_header (req, "X-Forwarded-Proto") : NULL;
    snprintf (out, cap, "%s://%s", proto && strcasecmp (proto, "https") == 0 ? "https" : "http",
              valid_host (host) ? host : "localhost");
}

/* A setting of free text: the environment's when valid UTF-8, else `def`. */
static const char *text_setting (const char *name, const char *def)
{
    const char *v = loa_env (name, NULL);
    return v && loa_utf8_valid (v) ? v : def;
}

enum MHD_Result gw_open311_discovery (gw_request *req)
{
    o311_fmt f;
    if (!o311_format_of (req, &f))
        return o311_unknown_format (req);
    char base[300], url[340], contact[700];
    base_url (req, base, sizeof base);
    snprintf (url, sizeof url, "%s/open311/v2", base);
    snprintf (contact, sizeof contact,
              "Thanh tra Sở Kế hoạch và Đầu tư tiếp nhận, theo dõi phản ánh, kiến nghị về quy định "
              "hành chính. Đường dây nóng và thư điện tử: %s/api/v1/notices?kind=hotline",
              base);
    const char *key_service = text_setting (
        "LOA_OPEN311_KEY_SERVICE",
        "Khóa API (api_key) do quản trị viên hệ thống của Sở cấp cho từng ứng dụng (loại "
        "open311_client), theo đề nghị bằng văn bản gửi Thanh tra Sở.");
    json_t *doc =
        json_pack ("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", CHANGESET,
                   "contact", text_setting ("LOA_OPEN311_CONTACT", contact), "key_service",
                   key_service, "endpoints", "specification", SPEC_URL, "url", url, "changeset",
                   CHANGESET, "type", "production", "formats", "text/xml", "application/json");
    return o311_respond (req, f, 200, doc, "discovery", NULL);
}

enum MHD_Result gw_open311_services (gw_request *req)
{
    o311_fmt f;
    if (!o311_format_of (req, &f))
        return o311_unknown_format (req);
    json_t *list = json_array ();
    for (size_t i = 0; i < o311_n_services; i++) {
        const o311_service *s = &o311_services[i];
        json_array_append_new (list,
                               json_pack ("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code",
                                          s->code, "service_name", s->name, "description",
                                          s->description, "metadata", o311_n_attributes > 0, "type",
                                          "realtime", "keywords", s->keywords, "group", s->group));
    }
    return o311_respond (req, f, 200, list, "services", NULL);
}

enum MHD_Result gw_open311_definition (gw_request *req)
{
    o311_fmt f;
    if (!o311_format_of (req, &f))
        return o311_unknown_format (req);
    const char *code = gw_param (req, "service_code");
    const o311_service *s = o311_service_find (code);
    if (!s)
        return o311_respond_error (req, f, 404, 404, "Không có dịch vụ (service_code) \"%s\"",
                                   o311_quoted (code));
    json_t *attributes = json_array ();
    for (size_t i = 0; i < o311_n_attributes; i++) {
        const o311_attribute *a = &o311_attributes[i];
        json_array_append_new (
            attributes,
            json_pack ("{s:b, s:s, s:s, s:b, s:s, s:i, s:s}", "variable", 1, "code", a->code,
                       "datatype", a->datatype, "required", a->required, "datatype_description",
                       a->datatype_description, "order", a->order, "description", a->description));
    }
    return o311_respond (
        req, f, 200, json_pack ("{s:s, s:o}", "service_code", s->code, "attributes", attributes),
        "service_definition", NULL);
}
