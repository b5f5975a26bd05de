/* track: the tracking page, /tra-cuu.html?code=CODE, answered on the server
 * (portal_int.h, decision 0040): its form is a plain GET form, so without
 * JavaScript the server answers with the item's public status, the fields
 * GET /api/v1/feedback/track/{code} gives (feedback.track: never a personal
 * detail of the submitter, nor the content), rendered into
 * web/tra-cuu.html, the page's own template. An unknown code is the same
 * page with a message and 404, a code not of the form PAKN.YYYYMMDD.XXXXXX
 * 400. A lookup counts against the same throttle as the API's, under the
 * API's route (LOA_LOOKUP_LIMIT per client address): 429 beyond. Never
 * cached (one citizen's item: no-store) and never indexed (noindex). The
 * page's script (track.js) still enhances it: the rating form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispatch.h"
#include "core/respond.h"
#include "core/router.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "portal/portal_int.h"

#define CODE_LEN 20 /* PAKN.YYYYMMDD.XXXXXX */
#define MAX_STEPS 32
#define MAX_TYPED 64 /* bytes of a code kept to show back in the field */

static const char *status_word (const char *s)
{
    static const struct {
        const char *status, *word;
    } words[] = {
        {"received", "Đã tiếp nhận"},
        {"assigned", "Đang xử lý"},
        {"answered", "Đã có kết quả, đang chờ phê duyệt"},
        {"published", "Đã công khai kết quả trả lời"},
        {"closed", "Đã kết thúc"},
        {"forwarded", "Đã chuyển cơ quan có thẩm quyền"},
        {"rejected", "Không tiếp nhận"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp (words[i].status, s) == 0)
            return words[i].word;
    return s;
}

/* `in` as a tracking code (upper case, in `out`): 1 when it is of the form
 * feedback-svc issues, else 0. */
static int code_of (const char *in, char out[CODE_LEN + 1])
{
    if (strlen (in) != CODE_LEN)
        return 0;
    for (size_t i = 0; i < CODE_LEN; i++)
        out[i] = (char) (in[i] >= 'a' && in[i] <= 'z' ? in[i] - 32 : in[i]);
    out[CODE_LEN] = '\0';
    if (strncmp (out, "PAKN.", 5) != 0 || out[13] != '.')
        return 0;
    for (int i = 5; i < 13; i++)
        if (out[i] < '0' || out[i] > '9')
            return 0;
    for (int i = 14; i < CODE_LEN; i++)
        if (!strchr ("0123456789ABCDEFGHJKMNPQRSTVWXYZ", out[i]))
            return 0;
    return 1;
}

/* The page with `status`: the form holding `typed`, then either the item
 * `f` or the message (`heading`, `detail`); no-store. */
static enum MHD_Result track_page (gw_request *req, unsigned status, const char *typed,
                                   const Loa__Feedback__FeedbackPublic *f, const char *heading,
                                   const char *detail, int field_error)
{
    char received[40] = "", due[40] = "", published[40] = "", rating[80] = "";
    loa_template_var step_vars[MAX_STEPS][4];
    loa_template_scope steps[MAX_STEPS];
    char step_at[MAX_STEPS][40];
    size_t n_steps = 0;
    const char *kind = "", *answer = "", *published_at = "";
    if (f) {
        portal_time (f->received_at, 1, received, sizeof received);
        portal_time (f->due_at, 0, due, sizeof due);
        kind = strcmp (f->kind, "report") == 0           ? "Phản ánh"
               : strcmp (f->kind, "recommendation") == 0 ? "Kiến nghị"
                                                         : f->kind;
        if (f->maybe_answer_case)
            answer = f->answer;
        if (f->maybe_published_at_case) {
            published_at = f->published_at;
            portal_time (published_at, 0, published, sizeof published);
        }
        if (f->maybe_rating_case)
            snprintf (rating, sizeof rating, "%d", (int) f->rating);
        for (size_t i = 0; i < f->n_steps && n_steps < MAX_STEPS; i++) {
            portal_time (f->steps[i]->at, 1, step_at[n_steps], sizeof step_at[n_steps]);
            step_vars[n_steps][0] = (loa_template_var){"status", status_word (f->steps[i]->status)};
            step_vars[n_steps][1] = (loa_template_var){"at", f->steps[i]->at};
            step_vars[n_steps][2] = (loa_template_var){"at_shown", step_at[n_steps]};
            step_vars[n_steps][3] = (loa_template_var){NULL, NULL};
            steps[n_steps] = (loa_template_scope){.vars = step_vars[n_steps]};
            n_steps++;
        }
    }
    const loa_template_var vars[] = {
        {"code", typed},
        {"asked", *typed ? "1" : ""},
        {"found", f ? "1" : ""},
        {"heading", heading},
        {"detail", detail},
        {"field_error", field_error ? "1" : ""},
        {"tracking_code", f ? f->tracking_code : ""},
        {"kind", kind},
        {"title", f ? f->title : ""},
        {"status", f ? status_word (f->status) : ""},
        {"received", received},
        {"received_at", f ? f->received_at : ""},
        {"due", due},
        {"due_at", f ? f->due_at : ""},
        {"unit_name", f ? f->unit_name : ""},
        {"forwarded_to", f ? f->forwarded_to : ""},
        {"procedure_code", f ? f->procedure_code : ""},
        {"answer", answer},
        {"published", published},
        {"published_at", published_at},
        {"rating", rating},
        {"can_rate", f && f->can_rate ? "1" : ""},
        {"has_steps", n_steps ? "1" : ""},
        {NULL, NULL},
    };
    const loa_template_list lists[] = {{"steps", steps, n_steps}, {NULL, NULL, 0}};
    const loa_template_scope scope = {.vars = vars, .lists = lists};
    char *html = portal_render (req, "/tra-cuu.html", &scope);
    if (!html)
        return portal_problem_page (req, 500, "Không tải được trang",
                                    "Máy chủ không dựng được trang này; lỗi đã được ghi lại.");
    /* No ETag: Cache-Control: no-store. */
    return gw_respond_body (req, status, PORTAL_HTML, html, strlen (html), NULL, NULL);
}

/* feedback.track did not say yes: the page with the message. */
static enum MHD_Result track_failed (gw_request *req, const gw_failure *f, void *arg)
{
    const char *typed = arg;
    if (f->status == LOA__STATUS__NOT_FOUND || f->status == LOA__STATUS__INVALID)
        return track_page (req, 404, typed, NULL, "Không tìm thấy hồ sơ với mã số này",
                           "Vui lòng kiểm tra lại mã số hồ sơ đã nhận khi gửi phản ánh, kiến nghị.",
                           0);
    return track_page (req, f->http >= 500 ? f->http : 503, typed, NULL, "Không tra cứu được",
                       "Hệ thống đang bận hoặc tạm thời gián đoạn; vui lòng thử lại sau ít phút.",
                       0);
}

/* The API's route of lookups by code, whose throttle the page shares. */
static const gw_route *track_route (void)
{
    for (size_t i = 0; i < gw_route_count (); i++) {
        const gw_route *r = gw_route_at (i);
        if (strcmp (r->method, "GET") == 0 &&
            strcmp (r->pattern, "/api/v1/feedback/track/{tracking_code}") == 0)
            return r;
    }
    return NULL;
}

enum MHD_Result portal_track_page (gw_request *req)
{
    const char *q = gw_query (req, "code");
    q = q ? q : "";
    while (*q == ' ')
        q++;
    char typed[MAX_TYPED + 1];
    snprintf (typed, sizeof typed, "%s", q);
    size_t n = strlen (typed);
    while (n && typed[n - 1] == ' ')
        typed[--n] = '\0';
    if (!*typed)
        return track_page (req, 200, "", NULL, "", "", 0);
    char code[CODE_LEN + 1];
    if (strlen (q) > MAX_TYPED || !code_of (typed, code))
        return track_page (req, 400, typed, NULL, "Mã số hồ sơ không đúng dạng",
                           "Mã số hồ sơ có dạng PAKN.YYYYMMDD.XXXXXX (ví dụ PAKN.20240115.7K3M9Q), "
                           "nhận được khi gửi phản ánh, kiến nghị.",
                           1);
    /* Counted as a lookup of the API's route: the page is no way around
     * its limit. */
    const gw_route *own = req->route;
    req->route = track_route ();
    long wait_s = req->route ? gw_dispatch_lookup (req) : 0;
    req->route = own;
    if (wait_s) {
        char detail[160];
        snprintf (detail, sizeof detail,
                  "Bạn đã tra cứu quá nhiều lần; vui lòng thử lại sau %ld giây.", wait_s);
        return track_page (req, 429, typed, NULL, "Tra cứu quá nhiều lần", detail, 0);
    }
    Loa__Feedback__TrackRequest in = LOA__FEEDBACK__TRACK_REQUEST__INIT;
    in.tracking_code = code;
    gw_call_spec spec = {
        .service = GW_FEEDBACK,
        .method = "feedback.track",
        .in = &in.base,
        .out = &loa__feedback__feedback_public__descriptor,
        .read = 1,
        .fail = track_failed,
        .fail_arg = typed,
    };
    gw_reply reply = {0};
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    enum MHD_Result rc =
        track_page (req, 200, typed, (const Loa__Feedback__FeedbackPublic *) reply.msg, "", "", 0);
    gw_reply_free (&reply);
    return rc;
}
