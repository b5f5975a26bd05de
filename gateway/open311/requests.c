/* requests: GET requests.{format} and requests/{id}.{format}
 * (open311.h): feedback.public_list and feedback.track, as the public may
 * see them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispatch.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "loa_config.h"
#include "loa_log.h"
#include "loa_text.h"
#include "open311/open311_int.h"
#include "open311/open311_map.h"

#define MAX_IDS 100 /* service_request_id values in one GET requests (feedback-svc's bound) */

/* One request as the public may see it: never the submitter, never the
 * content (its title is the description). */
static json_t *request_json (gw_request *req, const Loa__Feedback__FeedbackPublic *p)
{
    const char *status = o311_status (p->status);
    if (!status) {
        loa_warn (req->request_id, "open311: %s has a status unknown here: %s", p->tracking_code,
                  p->status);
        status = "open";
    }
    const char *answer = p->maybe_answer_case == LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_ANSWER_ANSWER
                             ? p->answer
                             : NULL;
    char note[600];
    o311_status_notes (p->status, NULL, p->unit_name, p->forwarded_to, note, sizeof note);
    const o311_service *s = o311_service_find (p->kind);
    /* "For requests with status=closed, this will be the date the request
     * was closed." */
    const char *updated = p->updated_at;
    if (p->maybe_closed_at_case == LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_CLOSED_AT_CLOSED_AT)
        updated = p->closed_at;
    else if (p->maybe_published_at_case ==
                 LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_PUBLISHED_AT_PUBLISHED_AT &&
             strcmp (status, "closed") == 0)
        updated = p->published_at;
    const char *agency = p->unit_name && *p->unit_name ? p->unit_name : NULL;
    if (!agency && p->status && strcmp (p->status, "forwarded") == 0)
        agency = p->forwarded_to;
    json_t *o = json_object ();
    /* The tracking code when the caller gave it (feedback-svc sends no
     * other), else the public number: the list never shows another
     * citizen's code (issue 16). */
    char number[24];
    snprintf (number, sizeof number, "%lld", (long long) p->id);
    json_object_set_new (
        o, "service_request_id",
        o311_jstr (p->tracking_code && *p->tracking_code ? p->tracking_code : number));
    json_object_set_new (o, "status", json_string (status));
    json_object_set_new (o, "status_notes", o311_jstr (answer && *answer ? answer : note));
    json_object_set_new (o, "service_name", o311_jstr (s ? s->name : p->kind));
    json_object_set_new (o, "service_code", o311_jstr (p->kind));
    json_object_set_new (o, "description", o311_jstr (p->title));
    json_object_set_new (o, "agency_responsible", o311_jstr (agency));
    json_object_set_new (o, "requested_datetime", o311_jstr (p->received_at));
    json_object_set_new (o, "updated_datetime", o311_jstr (updated));
    json_object_set_new (o, "expected_datetime", o311_jstr (p->due_at));
    return o;
}

typedef struct {
    char *lists[3]; /* service_request_id, service_code, status: comma-joined */
    const char *start_date, *end_date, *page, *page_size;
    json_t *errors;
    int oom;
} list_query;

static const char *const list_keys[] = {"service_request_id", "service_code", "status"};

/* Query arguments: the lists may come comma-separated, repeated, or both;
 * the others count once (the first). Empty ones are not given. */
static enum MHD_Result on_list_arg (void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void) kind;
    list_query *q = cls;
    if (!value || !*value)
        return MHD_YES;
    const char **single = strcmp (key, "start_date") == 0  ? &q->start_date
                          : strcmp (key, "end_date") == 0  ? &q->end_date
                          : strcmp (key, "page") == 0      ? &q->page
                          : strcmp (key, "page_size") == 0 ? &q->page_size
                                                           : NULL;
    int list = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp (key, list_keys[i]) == 0)
            list = i;
    if (!single && list < 0)
        return MHD_YES; /* jurisdiction_id and cache busters */
    if (!loa_utf8_valid (value)) {
        o311_add_error (q->errors, 400, "%s: phải là văn bản UTF-8 hợp lệ", key);
        return MHD_YES;
    }
    if (single) {
        if (!*single)
            *single = value;
        return MHD_YES;
    }
    size_t have = q->lists[list] ? strlen (q->lists[list]) : 0;
    char *grown = realloc (q->lists[list], have + strlen (value) + 2);
    if (!grown) {
        q->oom = 1;
        return MHD_NO;
    }
    snprintf (grown + have, strlen (value) + 2, "%s%s", have ? "," : "", value);
    q->lists[list] = grown;
    return MHD_YES;
}

/* An integer query argument within [min, max] into *out (def when absent). */
static void int_arg (list_query *q, const char *name, const char *v, long def, long min, long max,
                     int32_t *out)
{
    *out = (int32_t) def;
    if (!v)
        return;
    char *end;
    long n = strtol (v, &end, 10);
    if (*end || end == v || n < min || n > max) {
        o311_add_error (q->errors, 400, "%s: phải là số nguyên từ %ld đến %ld", name, min, max);
        return;
    }
    *out = (int32_t) n;
}

/* A lookup by code the lookups throttle refuses: 429 the spec's way, or
 * 0 to go on. */
static int lookup_refused (gw_request *req, o311_fmt f, enum MHD_Result *rc)
{
    long wait_s = gw_dispatch_lookup (req);
    if (!wait_s)
        return 0;
    *rc = o311_respond_error (req, f, 429, 429, GW_TOO_MANY_DETAIL, wait_s);
    return 1;
}

enum MHD_Result gw_open311_requests (gw_request *req)
{
    o311_fmt f;
    if (!o311_format_of (req, &f))
        return o311_unknown_format (req);
    list_query q = {.errors = json_array ()};
    MHD_get_connection_values (req->conn, MHD_GET_ARGUMENT_KIND, on_list_arg, &q);
    enum MHD_Result rc;
    char *ids = NULL;
    Loa__Feedback__PublicListRequest in = LOA__FEEDBACK__PUBLIC_LIST_REQUEST__INIT;
    char from[40], to[40];
    if (q.oom) {
        o311_add_error (q.errors, 500, "Không đủ bộ nhớ để đọc yêu cầu");
        goto refuse;
    }
    in.has_page = in.has_page_size = 1;
    int_arg (&q, "page", q.page, 1, 1, 1000000, &in.page);
    int_arg (&q, "page_size", q.page_size, MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE, &in.page_size);

    /* service_request_id overrides every other filter (the spec). */
    char *items[MAX_IDS];
    size_t total, n = o311_split (q.lists[0], items, MAX_IDS, &total);
    if (total > MAX_IDS)
        o311_add_error (q.errors, 400, "service_request_id: tối đa %d mã trong một lần tra cứu",
                        MAX_IDS);
    if (n > 0 && lookup_refused (req, f, &rc)) { /* codes: a lookup, however many */
        json_decref (q.errors);
        goto out;
    }
    if (n > 0) {
        ids = malloc (n * (O311_MAX_CODE + 1) + 1);
        if (!ids) {
            o311_add_error (q.errors, 500, "Không đủ bộ nhớ để đọc yêu cầu");
            goto refuse;
        }
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            char code[O311_MAX_CODE + 1];
            if (!o311_tracking_code (items[i], code, sizeof code)) {
                o311_add_error (q.errors, 400, "service_request_id: \"%s\" không phải mã tra cứu",
                                o311_quoted (items[i]));
                continue;
            }
            o += (size_t) sprintf (ids + o, "%s%s", o ? "," : "", code);
        }
        in.service_request_id = ids;
    } else {
        char *codes[8], *statuses[8];
        size_t n_codes = o311_split (q.lists[1], codes, 8, &total);
        if (total > n_codes)
            o311_add_error (q.errors, 400, "service_code: quá nhiều giá trị");
        unsigned code_bits = 0, status_bits = 0;
        for (size_t i = 0; i < n_codes; i++) {
            const o311_service *s = o311_service_find (codes[i]);
            if (!s)
                o311_add_error (q.errors, 400, "service_code: không có dịch vụ \"%s\"",
                                o311_quoted (codes[i]));
            else
                code_bits |= 1u << (s - o311_services);
        }
        size_t n_statuses = o311_split (q.lists[2], statuses, 8, &total);
        if (total > n_statuses)
            o311_add_error (q.errors, 400, "status: quá nhiều giá trị");
        for (size_t i = 0; i < n_statuses; i++) {
            if (strcmp (statuses[i], "open") == 0)
                status_bits |= 1;
            else if (strcmp (statuses[i], "closed") == 0)
                status_bits |= 2;
            else
                o311_add_error (q.errors, 400, "status: \"%s\" không hợp lệ (open hoặc closed)",
                                o311_quoted (statuses[i]));
        }
        /* One value filters; every value is no filter at all. */
        for (size_t i = 0; i < o311_n_services; i++)
            if (code_bits == 1u << i)
                in.service_code = (char *) o311_services[i].code;
        if (status_bits == 1 || status_bits == 2)
            in.status = (char *) (status_bits == 1 ? "open" : "closed");
        char why[200];
        const char *bad =
            o311_window (q.start_date, q.end_date, loa_now_ms () * 1000, from, to, why, sizeof why);
        if (bad)
            o311_add_error (q.errors, 400, "%s: %s", bad, why);
        in.start_date = from;
        in.end_date = to;
    }
    if (json_array_size (q.errors))
        goto refuse;

    o311_failure how = {f, 0, NULL};
    gw_reply reply;
    if (o311_call (req, "feedback.public_list", &in.base,
                   &loa__feedback__feedback_public_list__descriptor, NULL, &how, &reply) != 0) {
        rc = reply.rc;
        json_decref (q.errors);
        goto out;
    }
    Loa__Feedback__FeedbackPublicList *list = (Loa__Feedback__FeedbackPublicList *) reply.msg;
    json_t *out = json_array ();
    for (size_t i = 0; i < list->n_items; i++)
        json_array_append_new (out, request_json (req, list->items[i]));
    gw_reply_free (&reply);
    json_decref (q.errors);
    rc = o311_respond (req, f, 200, out, "service_requests", NULL);
    goto out;
refuse:
    rc = o311_respond_errors (req, f, 400, q.errors);
out:
    for (int i = 0; i < 3; i++)
        free (q.lists[i]);
    free (ids);
    return rc;
}

/* GET requests/{id} by a public number (digits): an item whose answer is
 * published, as the list shows it; 404 otherwise. */
static enum MHD_Result request_by_number (gw_request *req, o311_fmt f, char *number,
                                          const char *not_found)
{
    Loa__Feedback__PublicListRequest in = LOA__FEEDBACK__PUBLIC_LIST_REQUEST__INIT;
    in.service_request_id = number;
    o311_failure how = {f, 0, not_found};
    gw_reply reply;
    if (o311_call (req, "feedback.public_list", &in.base,
                   &loa__feedback__feedback_public_list__descriptor, NULL, &how, &reply) != 0)
        return reply.rc;
    Loa__Feedback__FeedbackPublicList *list = (Loa__Feedback__FeedbackPublicList *) reply.msg;
    enum MHD_Result rc;
    if (list->n_items == 0) {
        rc = o311_respond_error (req, f, 404, 404, "%s", not_found);
    } else {
        json_t *one = json_array ();
        json_array_append_new (one, request_json (req, list->items[0]));
        rc = o311_respond (req, f, 200, one, "service_requests", NULL);
    }
    gw_reply_free (&reply);
    return rc;
}

enum MHD_Result gw_open311_request (gw_request *req)
{
    o311_fmt f;
    if (!o311_format_of (req, &f))
        return o311_unknown_format (req);
    enum MHD_Result refused;
    if (lookup_refused (req, f, &refused))
        return refused;
    const char *given = gw_param (req, "service_request_id");
    char code[O311_MAX_CODE + 1], not_found[200];
    snprintf (not_found, sizeof not_found,
              "Không tìm thấy phản ánh, kiến nghị có mã (service_request_id) \"%s\"",
              o311_quoted (given));
    if (!o311_tracking_code (given, code, sizeof code))
        return o311_respond_error (req, f, 404, 404, "%s", not_found);
    if (strspn (code, "0123456789") == strlen (code)) /* a public number */
        return request_by_number (req, f, code, not_found);
    Loa__Feedback__TrackRequest in = LOA__FEEDBACK__TRACK_REQUEST__INIT;
    in.tracking_code = code;
    o311_failure how = {f, 0, not_found}; /* an INVALID code is one not found */
    gw_reply reply;
    if (o311_call (req, "feedback.track", &in.base, &loa__feedback__feedback_public__descriptor,
                   NULL, &how, &reply) != 0)
        return reply.rc;
    Loa__Feedback__FeedbackPublic *p = (Loa__Feedback__FeedbackPublic *) reply.msg;
    json_t *one = json_array ();
    json_array_append_new (one, request_json (req, p));
    gw_reply_free (&reply);
    return o311_respond (req, f, 200, one, "service_requests", NULL);
}
