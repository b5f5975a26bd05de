/* intake: POST requests.{format} (open311.h): a form-urlencoded request
 * with an api_key of an open311_client becomes feedback.create. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/cache.h"
#include "core/router.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "loa_config.h"
#include "loa_log.h"
#include "open311/form.h"
#include "open311/open311_int.h"
#include "open311/open311_map.h"

#define FORM_LIMIT (256 * 1024) /* 20,000 characters of Vietnamese, percent-encoded */
#define TITLE_MAX 300

const char *const o311_form_fields[] = {
    "api_key",    "jurisdiction_id", "service_code", "lat",        "long",       "address_string",
    "address_id", "email",           "device_id",    "account_id", "first_name", "last_name",
    "phone",      "description",     "media_url",    NULL,
};

/* A field's value; NULL when absent or empty ("Optional" in the spec: an
 * empty parameter is one not sent). */
static const char *field (const gw_form *form, const char *name)
{
    const char *v = gw_form_get (form, name);
    return v && *v ? v : NULL;
}

static const char *attribute (const gw_form *form, const char *code)
{
    char name[GW_FORM_MAX_NAME + 1];
    snprintf (name, sizeof name, "attribute[%s]", code);
    return field (form, name);
}

/* Checks the fields: each at most once, attributes of the definition only.
 * Errors are added to `errors`. */
static void check_fields (const gw_form *form, json_t *errors)
{
    for (size_t i = 0; i < gw_form_size (form); i++) {
        const char *name = gw_form_name (form, i);
        int known = 0;
        for (int k = 0; o311_form_fields[k]; k++)
            known |= strcmp (o311_form_fields[k], name) == 0;
        if (!known && strncmp (name, "attribute[", 10) == 0) {
            size_t n = strlen (name);
            char code[GW_FORM_MAX_NAME];
            snprintf (code, sizeof code, "%.*s", (int) (n > 11 ? n - 11 : 0), name + 10);
            if (name[n - 1] != ']' || !o311_attribute_find (code)) {
                o311_add_error (errors, 400,
                                "%s: không có trong định nghĩa dịch vụ (attribute[title], "
                                "attribute[procedure_code], attribute[regulation_ref], "
                                "attribute[organization])",
                                name);
                continue;
            }
            known = 1;
        }
        if (!known)
            continue; /* other clients' extensions: left alone */
        int first = 1;
        for (size_t k = 0; k < i; k++)
            first &= strcmp (gw_form_name (form, k), name) != 0;
        if (first && gw_form_count (form, name) > 1)
            o311_add_error (errors, 400, "%s: chỉ được gửi một lần", name);
    }
}

/* "15/02/2022" of an RFC 3339 time, or "" when it does not start with a date. */
static void date_vn (const char *t, char out[16])
{
    int ok = t && strlen (t) >= 10 && t[4] == '-' && t[7] == '-';
    for (int i = 0; ok && i < 10; i++)
        ok = i == 4 || i == 7 || isdigit ((unsigned char) t[i]);
    if (ok)
        snprintf (out, 16, "%.2s/%.2s/%.4s", t + 8, t + 5, t);
    else
        out[0] = '\0';
}

/* The created request's answer: [{service_request_id, service_notice,
 * account_id}] and its Location. */
static enum MHD_Result created (gw_request *req, o311_fmt f,
                                const Loa__Feedback__FeedbackReceipt *r)
{
    char due[16], notice[400], location[200];
    date_vn (r->due_at, due);
    int n = snprintf (notice, sizeof notice,
                      "Đã tiếp nhận phản ánh, kiến nghị với mã %s, dùng để tra cứu kết quả.",
                      r->tracking_code);
    if (*due && n > 0 && (size_t) n < sizeof notice)
        snprintf (notice + n, sizeof notice - (size_t) n, " Thời hạn trả lời: ngày %s.", due);
    snprintf (location, sizeof location, "/open311/v2/requests/%s.%s", r->tracking_code,
              f == FMT_XML ? "xml" : "json");
    json_t *doc = json_pack ("[{s:s, s:s, s:n}]", "service_request_id", r->tracking_code,
                             "service_notice", notice, "account_id");
    return o311_respond (req, f, 201, doc, "service_requests", location);
}

static gw_throttle *apps; /* per client application; NULL: off */

void gw_open311_set_throttle (gw_throttle *t) { apps = t; }

enum MHD_Result gw_open311_create (gw_request *req)
{
    o311_fmt f;
    if (!o311_format_of (req, &f))
        return o311_unknown_format (req);
    if (!o311_form_type (gw_header (req, MHD_HTTP_HEADER_CONTENT_TYPE)))
        return o311_respond_error (
            req, f, 400, 400, "Nội dung phải là application/x-www-form-urlencoded; charset=utf-8");
    if (req->body_len > FORM_LIMIT)
        return o311_respond_error (req, f, 400, 413, "Nội dung vượt quá giới hạn %d KiB",
                                   FORM_LIMIT / 1024);
    gw_form_error ferr;
    gw_form *form = gw_form_parse (req->body ? req->body : "", req->body_len, &ferr);
    if (!form && !ferr.message[0])
        return o311_respond_error (req, f, 400, 500, "Không đủ bộ nhớ để đọc yêu cầu");
    if (!form)
        return o311_respond_error (req, f, 400, 400, "%s: %s", o311_quoted (ferr.field),
                                   ferr.message);

    enum MHD_Result rc;
    json_t *errors = json_array ();
    char *name = NULL;
    check_fields (form, errors);
    if (json_array_size (errors)) {
        rc = o311_respond_errors (req, f, 400, errors);
        goto out;
    }
    /* The key: the spec's api_key field (in the body), or the X-Api-Key
     * header that gw_auth_check has verified already; never in the address,
     * which proxies, logs and browser histories keep (issue 16). */
    if (gw_query (req, "api_key")) {
        o311_add_error (errors, 400,
                        "api_key: gửi trong nội dung yêu cầu (body) hoặc tiêu đề X-Api-Key, "
                        "không gửi trên địa chỉ (query); hãy đổi khóa này vì nó có thể đã bị "
                        "lưu lại trong nhật ký");
        rc = o311_respond_errors (req, f, 400, errors);
        goto out;
    }
    const char *key = field (form, "api_key");
    int ok = gw_auth_api_key (req, key, "open311_client");
    if (ok < 0) {
        o311_add_error (errors, 503, "Không kiểm tra được api_key lúc này; vui lòng thử lại sau");
        rc = o311_respond_errors (req, f, 400, errors);
        goto out;
    }
    if (!ok) {
        o311_add_error (errors, 403,
                        key && *key ? "api_key không hợp lệ, đã bị thu hồi hoặc hết hạn"
                                    : "Thiếu api_key: cần khóa API do Sở cấp cho ứng dụng");
        rc = o311_respond_errors (req, f, 403, errors);
        goto out;
    }
    long wait_s = apps ? gw_throttle_hit_client (apps, (unsigned) gw_route_index (req->route),
                                                 req->caller.api_key_id, loa_mono_ms ())
                       : 0;
    if (wait_s) {
        req->retry_after_s = wait_s; /* every answer now carries Retry-After */
        o311_add_error (errors, 429, GW_TOO_MANY_DETAIL, wait_s);
        rc = o311_respond_errors (req, f, 429, errors);
        goto out;
    }
    const char *code = field (form, "service_code");
    const o311_service *service = o311_service_find (code);
    if (!service) {
        if (code)
            o311_add_error (errors, 404, "service_code: không có dịch vụ \"%s\"",
                            o311_quoted (code));
        else
            o311_add_error (errors, 400, "service_code: là bắt buộc (report hoặc recommendation)");
        rc = o311_respond_errors (req, f, code ? 404 : 400, errors);
        goto out;
    }

    const char *first = field (form, "first_name"), *last = field (form, "last_name");
    size_t name_cap = (first ? strlen (first) : 0) + (last ? strlen (last) : 0) + 2;
    name = malloc (name_cap);
    if (!name) {
        o311_add_error (errors, 500, "Không đủ bộ nhớ để đọc yêu cầu");
        rc = o311_respond_errors (req, f, 400, errors);
        goto out;
    }
    o311_full_name (first, last, name, name_cap);
    const char *description = field (form, "description");
    const char *title = attribute (form, "title");
    char derived[4 * TITLE_MAX + 1];
    if (!title && description) {
        o311_title (description, TITLE_MAX, derived, sizeof derived);
        title = *derived ? derived : NULL;
    }

    Loa__Feedback__SubmitterInput sub = LOA__FEEDBACK__SUBMITTER_INPUT__INIT;
    sub.name = *name ? name : NULL;
    sub.address = (char *) field (form, "address_string");
    sub.phone = (char *) field (form, "phone");
    sub.email = (char *) field (form, "email");
    sub.organization = (char *) attribute (form, "organization");
    Loa__Feedback__CreateFeedbackRequest in = LOA__FEEDBACK__CREATE_FEEDBACK_REQUEST__INIT;
    in.kind = (char *) service->code;
    in.title = (char *) title;
    in.content = (char *) description;
    in.submitter = &sub;
    in.procedure_code = (char *) attribute (form, "procedure_code");
    in.regulation_ref = (char *) attribute (form, "regulation_ref");
    in.channel = (char *) "open311";

    json_decref (errors); /* every check is done: from here on, one error at most */
    o311_failure how = {f, attribute (form, "title") != NULL, NULL};
    gw_reply reply;
    if (o311_call (req, "feedback.create", &in.base, &loa__feedback__feedback_receipt__descriptor,
                   gw_header (req, "Idempotency-Key"), &how, &reply) != 0) {
        rc = reply.rc;
        goto out;
    }
    gw_cache_invalidate (GW_FEEDBACK); /* the client reads its own write at once */
    Loa__Feedback__FeedbackReceipt *receipt = (Loa__Feedback__FeedbackReceipt *) reply.msg;
    if (!receipt->tracking_code || !*receipt->tracking_code) {
        loa_error (req->request_id, "open311: the reply of feedback.create has no tracking code");
        gw_reply_free (&reply);
        rc = o311_respond_error (req, f, 400, 500, "Câu trả lời của dịch vụ không đọc được");
        goto out;
    }
    loa_info (req->request_id, "open311: %s received from api key %lld", receipt->tracking_code,
              (long long) req->caller.api_key_id);
    rc = created (req, f, receipt);
    gw_reply_free (&reply);
out:
    free (name);
    gw_form_destroy (&form);
    return rc;
}
