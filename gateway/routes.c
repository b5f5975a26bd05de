/* routes: the gateway's route table, the matcher, and the generic RPC
 * route (JSON <-> protobuf by descriptors, see services/common/pbjson.h).
 * To add a route: one line in gw_routes below; if it calls a service
 * method, gw_rpc_route does the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.pb-c.h"
#include "articles_edit.pb-c.h"
#include "calendar.pb-c.h"
#include "catalog.pb-c.h"
#include "catalog_edit.pb-c.h"
#include "common.pb-c.h"
#include "content.pb-c.h"
#include "content_edit.pb-c.h"
#include "core/cache.h"
#include "core/metrics.h"
#include "core/services.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "gw.h"
#include "loa_config.h"
#include "loa_log.h"
#include "loa_pbjson.h"
#include "media.pb-c.h"
#include "media_edit.pb-c.h"
#include "media_pkg.pb-c.h"
#include "open311/open311.h"
#include "plan.pb-c.h"
#include "plan_edit.pb-c.h"
#include "quota.pb-c.h"
#include "quota_edit.pb-c.h"
#include "quota_ops.pb-c.h"

#define RPC(svc, name, in, out) .service = svc, .rpc = name, .input = in, .output = out

/* The authorisation table is the `allow` column: GW_ANYONE, GW_STAFF (any
 * logged-in user), roles (GW_R_*), or API key kinds. Services check again. */
#define ADMIN GW_R_ADMIN
#define EDITOR GW_R_EDITOR
#define REVIEWER GW_R_REVIEWER
#define INSPECTOR GW_R_INSPECTOR
#define LEADER GW_R_LEADER
#define HANDLER GW_R_HANDLER
#define FB(name) &loa__feedback__##name##__descriptor
#define PL(name) &loa__quota__##name##__descriptor

#define MP(name) &loa__media__##name##__descriptor
#define MP_PATH "/api/v1/media/packages/{id}/versions/{v}"

const gw_route gw_routes[] = {
    /* Operations */
    {"GET", "/healthz", gw_healthz, 0, GW_ANYONE},
    {"GET", "/readyz", gw_readyz, 0, GW_ANYONE},
    {"GET", "/metrics", gw_metrics, 0, GW_ANYONE},
    {"GET", "/api/v1/openapi.json", gw_openapi, GW_PUBLIC, GW_ANYONE},

    /* Auth and users (the gateway itself) */
    {"POST", "/api/v1/auth/login", gw_login, GW_BODY, GW_ANYONE},
    {"POST", "/api/v1/auth/logout", gw_logout, 0, GW_STAFF},
    {"GET", "/api/v1/auth/me", gw_me, 0, GW_STAFF},
    {"GET", "/api/v1/users", gw_users_list, 0, ADMIN},
    {"POST", "/api/v1/users", gw_users_create, GW_BODY | GW_CREATES, ADMIN},
    {"GET", "/api/v1/users/{id}", gw_users_get, 0, ADMIN},
    {"PATCH", "/api/v1/users/{id}", gw_users_update, GW_BODY, ADMIN},
    {"GET", "/api/v1/staff", gw_staff_names, 0, GW_STAFF},
    {"GET", "/api/v1/api-keys", gw_api_keys_list, 0, ADMIN},
    {"POST", "/api/v1/api-keys", gw_api_keys_create, GW_BODY | GW_CREATES, ADMIN},
    {"DELETE", "/api/v1/api-keys", gw_api_keys_revoke, 0, ADMIN},
    {"DELETE", "/api/v1/api-keys/{id}", gw_api_keys_revoke, 0, ADMIN},

    /* Content (content-svc) */
    {"GET", "/api/v1/units", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "units.list", &loa__content__list_request__descriptor,
          &loa__content__unit_list__descriptor)},
    {"POST", "/api/v1/units", gw_rpc_route, GW_BODY | GW_CREATES, ADMIN,
     RPC (GW_CONTENT, "units.create", &loa__content__create_unit_request__descriptor,
          &loa__content__unit__descriptor),
     .location = "/api/v1/units/{id}"},
    {"GET", "/api/v1/units/{id}", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "units.get", &loa__content__id_request__descriptor,
          &loa__content__unit__descriptor)},
    {"PATCH", "/api/v1/units/{id}", gw_rpc_route, GW_BODY, ADMIN,
     RPC (GW_CONTENT, "units.update", &loa__content__update_unit_request__descriptor,
          &loa__content__unit__descriptor)},
    {"GET", "/api/v1/topics", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "topics.list", &loa__content__list_request__descriptor,
          &loa__content__topic_list__descriptor)},

    /* Articles: the service applies the unit, status and four-eyes rules. */
    {"GET", "/api/v1/articles", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "articles.list", &loa__content__article_list_request__descriptor,
          &loa__content__article_list__descriptor)},
    {"POST", "/api/v1/articles", gw_articles_write, GW_BODY | GW_CREATES, EDITOR,
     RPC (GW_CONTENT, "articles.create", &loa__content__create_article_request__descriptor,
          &loa__content__article__descriptor),
     .location = "/api/v1/articles/{id}"},
    {"GET", "/api/v1/articles/{ref}", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "articles.get", &loa__content__article_ref__descriptor,
          &loa__content__article__descriptor)},
    {"PATCH", "/api/v1/articles/{id}", gw_articles_write, GW_BODY | GW_IF_MATCH, EDITOR,
     RPC (GW_CONTENT, "articles.update", &loa__content__update_article_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/submit", gw_rpc_route, GW_BODY_OPT | GW_IF_MATCH, EDITOR,
     RPC (GW_CONTENT, "articles.submit", &loa__content__article_action_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/publish", gw_rpc_route, GW_BODY_OPT | GW_IF_MATCH, REVIEWER,
     RPC (GW_CONTENT, "articles.publish", &loa__content__article_action_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/reject", gw_rpc_route, GW_BODY | GW_IF_MATCH, REVIEWER,
     RPC (GW_CONTENT, "articles.reject", &loa__content__article_action_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/retract", gw_rpc_route, GW_BODY | GW_IF_MATCH, REVIEWER,
     RPC (GW_CONTENT, "articles.retract", &loa__content__article_action_request__descriptor,
          &loa__content__article__descriptor)},
    {"GET", "/api/v1/articles/{ref}/history", gw_rpc_route, 0, GW_STAFF,
     RPC (GW_CONTENT, "articles.history", &loa__content__article_ref__descriptor,
          &loa__content__article_history__descriptor)},
    /* Notices and procedures */
    {"GET", "/api/v1/notices", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "notices.list", &loa__content__notice_list_request__descriptor,
          &loa__content__notice_list__descriptor)},
    {"POST", "/api/v1/notices", gw_rpc_route, GW_BODY | GW_CREATES, ADMIN,
     RPC (GW_CONTENT, "notices.create", &loa__content__create_notice_request__descriptor,
          &loa__content__notice__descriptor),
     .location = "/api/v1/notices/{id}"},
    {"GET", "/api/v1/notices/{id}", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "notices.get", &loa__content__notice_id_request__descriptor,
          &loa__content__notice__descriptor)},
    {"PATCH", "/api/v1/notices/{id}", gw_rpc_route, GW_BODY, ADMIN,
     RPC (GW_CONTENT, "notices.update", &loa__content__update_notice_request__descriptor,
          &loa__content__notice__descriptor)},
    {"GET", "/api/v1/procedures", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "procedures.list", &loa__content__procedure_list_request__descriptor,
          &loa__content__procedure_list__descriptor)},
    {"POST", "/api/v1/procedures", gw_rpc_route, GW_BODY | GW_CREATES, ADMIN,
     RPC (GW_CONTENT, "procedures.create", &loa__content__create_procedure_request__descriptor,
          &loa__content__procedure__descriptor),
     .location = "/api/v1/procedures/{id}"},
    {"GET", "/api/v1/procedures/{id}", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "procedures.get", &loa__content__procedure_id_request__descriptor,
          &loa__content__procedure__descriptor)},
    {"PATCH", "/api/v1/procedures/{id}", gw_rpc_route, GW_BODY, ADMIN,
     RPC (GW_CONTENT, "procedures.amend", &loa__content__amend_procedure_request__descriptor,
          &loa__content__procedure__descriptor)},
    {"GET", "/api/v1/procedures/{id}/versions", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "procedures.versions", &loa__content__procedure_id_request__descriptor,
          &loa__content__procedure_version_list__descriptor)},

    /* Calendar and deadlines (feedback-svc). /calendar/add before
     * /calendar/{year}, /feedback/deadlines before any /feedback/{id}. */
    {"GET", "/api/v1/calendar/add", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "calendar.add", &loa__feedback__calendar_add_request__descriptor,
          &loa__feedback__calendar_add__descriptor)},
    {"GET", "/api/v1/calendar/{year}", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "calendar.get", &loa__feedback__calendar_year_request__descriptor,
          &loa__feedback__calendar_year__descriptor)},
    {"PUT", "/api/v1/calendar/{year}", gw_rpc_route, GW_BODY, ADMIN,
     RPC (GW_FEEDBACK, "calendar.put", &loa__feedback__calendar_put_request__descriptor,
          &loa__feedback__calendar_year__descriptor)},
    {"GET", "/api/v1/feedback/deadlines", gw_rpc_route, 0, GW_STAFF,
     RPC (GW_FEEDBACK, "deadlines.get", NULL, &loa__feedback__deadline_rules_reply__descriptor)},
    {"PUT", "/api/v1/feedback/deadlines", gw_rpc_route, GW_BODY, ADMIN,
     RPC (GW_FEEDBACK, "deadlines.put", &loa__feedback__deadline_rules_input__descriptor,
          &loa__feedback__deadline_rules_reply__descriptor)},

    /* Quota (quota-svc): tallies from content events, rules with history. */
    {"GET", "/api/v1/quota/rules", gw_rpc_route, 0, GW_STAFF,
     RPC (GW_QUOTA, "quota.rules.get", NULL, &loa__quota__quota_rules_reply__descriptor)},
    {"PUT", "/api/v1/quota/rules", gw_rpc_route, GW_BODY, ADMIN,
     RPC (GW_QUOTA, "quota.rules.put", &loa__quota__quota_rules_input__descriptor,
          &loa__quota__quota_rules_reply__descriptor)},
    {"GET", "/api/v1/quota/summary", gw_rpc_route, 0, GW_STAFF,
     RPC (GW_QUOTA, "quota.summary", &loa__quota__quota_summary_request__descriptor,
          &loa__quota__quota_summary__descriptor)},
    /* ?year= and CSV go to other methods of quota-svc (gateway/quota.c). */
    {"GET", "/api/v1/quota/report", gw_quota_report, 0, GW_STAFF,
     .alternatives = gw_quota_report_alternatives,
     RPC (GW_QUOTA, "quota.report", &loa__quota__quota_report_request__descriptor,
          &loa__quota__quota_report__descriptor)},
    {"POST", "/api/v1/quota/rebuild", gw_rpc_route, 0, ADMIN,
     RPC (GW_QUOTA, "quota.rebuild", NULL, &loa__quota__quota_rebuild_reply__descriptor)},
    /* The year's plan (quota-svc): staff read, the inspector writes; staff
     * of an activity's lead or partner unit report on it (the service
     * checks the unit). */
    {"GET", "/api/v1/plans", gw_rpc_route, 0, GW_STAFF,
     RPC (GW_QUOTA, "plans.list", PL (plan_list_request), PL (plan_list))},
    {"POST", "/api/v1/plans", gw_rpc_route, GW_BODY | GW_CREATES, INSPECTOR,
     RPC (GW_QUOTA, "plans.create", PL (create_plan_request), PL (plan)),
     .location = "/api/v1/plans/{id}"},
    {"GET", "/api/v1/plans/{id}", gw_rpc_route, 0, GW_STAFF,
     RPC (GW_QUOTA, "plans.get", PL (plan_id_request), PL (plan))},
    {"PATCH", "/api/v1/plans/{id}", gw_rpc_route, GW_BODY, INSPECTOR,
     RPC (GW_QUOTA, "plans.update", PL (update_plan_request), PL (plan))},
    {"GET", "/api/v1/plans/{id}/activities/{aid}/reports", gw_rpc_route, 0, GW_STAFF,
     RPC (GW_QUOTA, "plans.reports.list", PL (activity_report_request), PL (activity_report_list))},
    {"POST", "/api/v1/plans/{id}/activities/{aid}/reports", gw_rpc_route, GW_BODY | GW_CREATES,
     GW_STAFF,
     RPC (GW_QUOTA, "plans.reports.create", PL (create_activity_report_request),
          PL (activity_report)),
     .location = "/api/v1/plans/{plan_id}/activities/{activity_id}/reports/{id}"},
    {"GET", "/api/v1/plans/{id}/activities/{aid}/reports/{rid}", gw_rpc_route, 0, GW_STAFF,
     RPC (GW_QUOTA, "plans.reports.get", PL (activity_report_request), PL (activity_report))},

    /* Media (media-svc; the gateway streams the bytes, media.c). An
     * upload's body is raw (GW_UPLOAD), up to LOA_UPLOAD_LIMIT. */
    {"POST", "/api/v1/assets", gw_assets_create, GW_UPLOAD | GW_CREATES, EDITOR | REVIEWER,
     RPC (GW_MEDIA, "assets.create", NULL, &loa__media__asset__descriptor),
     .location = "/api/v1/assets/{id}"},
    {"GET", "/api/v1/assets/{id}", gw_assets_get, 0, GW_ANYONE,
     RPC (GW_MEDIA, "assets.get", NULL, NULL)},
    {"GET", "/api/v1/broadcasters", gw_rpc_route, 0, ADMIN | REVIEWER | INSPECTOR | LEADER,
     RPC (GW_MEDIA, "broadcasters.list", &loa__media__broadcaster_list_request__descriptor,
          &loa__media__broadcaster_list__descriptor)},
    {"POST", "/api/v1/broadcasters", gw_broadcasters_create, GW_BODY | GW_CREATES, ADMIN,
     RPC (GW_MEDIA, "broadcasters.create", &loa__media__broadcaster_input__descriptor,
          &loa__media__broadcaster__descriptor),
     .location = "/api/v1/broadcasters/{id}"},
    {"GET", "/api/v1/broadcasters/{id}", gw_rpc_route, 0, ADMIN,
     RPC (GW_MEDIA, "broadcasters.get", &loa__media__broadcaster_id_request__descriptor,
          &loa__media__broadcaster__descriptor)},
    {"POST", "/api/v1/broadcasters/{id}/key", gw_broadcasters_new_key, GW_BODY_OPT, ADMIN},
    {"PATCH", "/api/v1/broadcasters/{id}", gw_rpc_route, GW_BODY, ADMIN,
     RPC (GW_MEDIA, "broadcasters.update", &loa__media__update_broadcaster_request__descriptor,
          &loa__media__broadcaster__descriptor)},
    /* Packages (media-svc builds them; media_pkg.c serves broadcasters). */
    {"GET", "/api/v1/media/packages", gw_rpc_route, 0, REVIEWER | INSPECTOR | LEADER,
     RPC (GW_MEDIA, "packages.list", MP (package_list_request), MP (package_list))},
    {"POST", "/api/v1/media/packages", gw_rpc_route, GW_BODY | GW_CREATES, REVIEWER,
     RPC (GW_MEDIA, "packages.create", MP (create_package_request), MP (package)),
     .location = "/api/v1/media/packages/{id}"},
    {"GET", "/api/v1/media/packages/{id}", gw_media_package_get, GW_NINJS,
     REVIEWER | INSPECTOR | LEADER | GW_BROADCASTER,
     RPC (GW_MEDIA, "packages.get", MP (package_id_request), MP (package))},
    {"POST", "/api/v1/media/packages/{id}/versions", gw_rpc_route, GW_BODY | GW_CREATES, REVIEWER,
     RPC (GW_MEDIA, "packages.correct", MP (correct_package_request), MP (package)),
     .location = "/api/v1/media/packages/{id}"},
    {"POST", "/api/v1/media/packages/{id}/cancel", gw_rpc_route, GW_BODY | GW_CREATES, REVIEWER,
     RPC (GW_MEDIA, "packages.cancel", MP (cancel_package_request), MP (package)),
     .location = "/api/v1/media/packages/{id}"},
    {"GET", MP_PATH, gw_media_version_get, GW_NINJS, GW_BROADCASTER,
     RPC (GW_MEDIA, "packages.ninjs", NULL, NULL)},
    {"GET", MP_PATH "/bag.zip", gw_media_bag, GW_FILE, GW_BROADCASTER, .service = GW_MEDIA,
     .file_type = "application/zip"},
    {"GET", MP_PATH "/files/{name}", gw_media_file, GW_FILE, GW_BROADCASTER, .service = GW_MEDIA,
     .file_type = "application/octet-stream"},
    {"GET", MP_PATH "/manifest-sha256.txt", gw_media_manifest, GW_FILE, GW_BROADCASTER,
     .service = GW_MEDIA, .file_type = "text/plain"},
    {"GET", "/api/v1/media/feed", gw_media_feed, GW_NINJS, GW_BROADCASTER,
     RPC (GW_MEDIA, "feed.list", NULL, NULL)},
    {"GET", "/api/v1/media/feed.atom", gw_media_feed_atom, GW_FILE, GW_BROADCASTER,
     .service = GW_MEDIA, .file_type = "application/atom+xml"},
    {"GET", "/api/v1/media/feed.rss", gw_media_feed_rss, GW_FILE, GW_BROADCASTER,
     .service = GW_MEDIA, .file_type = "application/rss+xml"},
    {"POST", "/api/v1/media/receipts", gw_rpc_route, GW_BODY | GW_CREATES, GW_BROADCASTER,
     RPC (GW_MEDIA, "receipts.create", MP (receipt_input), MP (receipt))},

    /* Feedback (feedback-svc): the service applies the workflow and the
     * handler's own-unit rule; citizens need no account, so their POSTs are
     * GW_THROTTLED per client address (LOA_INTAKE_LIMIT, throttle.h). */
    {"POST", "/api/v1/feedback", gw_rpc_route, GW_BODY | GW_CREATES | GW_THROTTLED, GW_ANYONE,
     RPC (GW_FEEDBACK, "feedback.create", FB (create_feedback_request), FB (feedback_receipt)),
     .location = "/api/v1/feedback/track/{tracking_code}"},
    {"GET", "/api/v1/feedback/track/{tracking_code}", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "feedback.track", FB (track_request), FB (feedback_public))},
    {"POST", "/api/v1/feedback/track/{tracking_code}/rating", gw_rpc_route,
     GW_BODY | GW_CREATES | GW_THROTTLED, GW_ANYONE,
     RPC (GW_FEEDBACK, "feedback.rate", FB (rate_request), FB (feedback_public)),
     .location = "/api/v1/feedback/track/{tracking_code}"},
    {"GET", "/api/v1/feedback", gw_rpc_route, 0, INSPECTOR | LEADER | HANDLER,
     RPC (GW_FEEDBACK, "feedback.list", FB (feedback_list_request), FB (feedback_list))},
    {"GET", "/api/v1/feedback/stats", gw_rpc_route, 0, INSPECTOR | LEADER,
     RPC (GW_FEEDBACK, "feedback.stats", FB (period_request), FB (stats))},
    {"GET", "/api/v1/feedback/{id}", gw_rpc_route, 0, INSPECTOR | LEADER | HANDLER,
     RPC (GW_FEEDBACK, "feedback.get", FB (feedback_id_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/accept", gw_rpc_route, GW_BODY, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.accept", FB (accept_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/forward", gw_rpc_route, GW_BODY, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.forward", FB (forward_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/reject", gw_rpc_route, GW_BODY, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.reject", FB (reject_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/answer", gw_rpc_route, GW_BODY, HANDLER | INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.answer", FB (answer_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/approve", gw_rpc_route, GW_BODY_OPT, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.approve", FB (reason_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/return", gw_rpc_route, GW_BODY, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.return", FB (reason_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/close", gw_rpc_route, GW_BODY_OPT, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.close", FB (reason_request), FB (feedback))},
    /* One-stop desk ratings */
    {"POST", "/api/v1/ratings", gw_rpc_route, GW_BODY | GW_CREATES | GW_THROTTLED, GW_ANYONE,
     RPC (GW_FEEDBACK, "ratings.create", FB (create_desk_rating_request), FB (desk_rating))},
    {"GET", "/api/v1/ratings/summary", gw_rpc_route, GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "ratings.summary", FB (period_request), FB (rating_summary))},

    /* Open311 GeoReport v2 (feedback-svc): XML or JSON by the extension,
     * the spec's own errors; a POST carries its key as the form's api_key
     * (checked in open311.c, so the route itself is open). */
    {"GET", "/open311/v2/discovery.{format}", gw_open311_discovery, GW_PUBLIC, GW_ANYONE},
    {"GET", "/open311/v2/services.{format}", gw_open311_services, GW_PUBLIC, GW_ANYONE},
    {"GET", "/open311/v2/services/{service_code}.{format}", gw_open311_definition, GW_PUBLIC,
     GW_ANYONE},
    {"POST", "/open311/v2/requests.{format}", gw_open311_create, GW_CREATES | GW_THROTTLED_APP,
     GW_ANYONE, .service = GW_FEEDBACK},
    {"GET", "/open311/v2/requests.{format}", gw_open311_requests, GW_PUBLIC, GW_ANYONE,
     .service = GW_FEEDBACK},
    {"GET", "/open311/v2/requests/{service_request_id}.{format}", gw_open311_request, GW_PUBLIC,
     GW_ANYONE, .service = GW_FEEDBACK},
};
const size_t gw_n_routes = sizeof gw_routes / sizeof gw_routes[0];

/* ------------------------------------------------------------ matching */

/* The length of a {param}'s value at `u`, when the pattern goes on with
 * `after` (just past the '}'): up to the end of the path segment, or, when
 * a literal follows in the same segment ("{code}.{format}"), up to that
 * literal's last occurrence in the segment, so that the value may hold it
 * ("PAKN.20220325.7KQ2ZD.json": code "PAKN.20220325.7KQ2ZD"). 0: no value. */
static size_t param_length (const char *u, const char *after)
{
    size_t seg = strcspn (u, "/");
    size_t lit = strcspn (after, "{/");
    if (lit == 0)
        return seg;
    for (size_t k = seg >= lit ? seg - lit : 0; k >= 1; k--)
        if (memcmp (u + k, after, lit) == 0)
            return k;
    return 0;
}

/* 1 when `path` fits `pattern`, capturing {name} segments into req. */
static int match_pattern (const char *pattern, const char *path, gw_request *req)
{
    const char *p = pattern, *u = path;
    int n = 0;
    while (*p && *u) {
        if (*p == '{') {
            const char *close = strchr (p, '}');
            size_t vlen = close ? param_length (u, close + 1) : 0;
            if (!close || vlen == 0 || vlen >= sizeof req->params[0].value || n >= GW_MAX_PARAMS)
                return 0;
            if (req) {
                req->params[n].name = p + 1; /* up to '}' : see param_name */
                memcpy (req->params[n].value, u, vlen);
                req->params[n].value[vlen] = '\0';
            }
            n++;
            p = close + 1;
            u += vlen;
            continue;
        }
        if (*p != *u)
            return 0;
        p++;
        u++;
    }
    if (*p || *u)
        return 0;
    if (req)
        req->n_params = n;
    return 1;
}

/* The name of a captured parameter ("id" of "{id}..."), into buf. */
static const char *param_name (const char *start, char *buf, size_t cap)
{
    size_t n = strcspn (start, "}");
    if (n >= cap)
        n = cap - 1;
    memcpy (buf, start, n);
    buf[n] = '\0';
    return buf;
}

const gw_route *gw_route_match (const char *method, const char *path, gw_request *req, char *allow,
                                size_t allow_cap)
{
    allow[0] = '\0';
    for (size_t i = 0; i < gw_n_routes; i++) {
        const gw_route *r = &gw_routes[i];
        if (!match_pattern (r->pattern, path, NULL))
            continue;
        if (strcmp (r->method, method) == 0) {
            match_pattern (r->pattern, path, req);
            return r;
        }
        if (!strstr (allow, r->method)) {
            size_t len = strlen (allow);
            snprintf (allow + len, allow_cap - len, "%s%s%s", len ? ", " : "", r->method,
                      strcmp (r->method, "GET") == 0 ? ", HEAD" : "");
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ generic RPC route */

typedef struct {
    ProtobufCMessage *msg;
    json_t *errors;
} query_ctx;

static json_t *field_error (const char *field, const char *message)
{
    return json_pack ("{s:s, s:s}", "field", field, "message", message);
}

/* Query parameters that name a field of the input set it; others are
 * ignored (clients add cache-busters and the like). */
static enum MHD_Result on_query_arg (void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void) kind;
    query_ctx *q = cls;
    if (!protobuf_c_message_descriptor_get_field_by_name (q->msg->descriptor, key))
        return MHD_YES;
    loa_pbjson_error err;
    if (loa_pbjson_set_string (q->msg, key, value ? value : "", &err) != 0)
        json_array_append_new (q->errors, field_error (err.field, err.message));
    return MHD_YES;
}

/* 1 when the Content-Type is JSON (application/json or any +json). */
static int is_json_type (const char *ct)
{
    if (!ct)
        return 1; /* absent: we read it as JSON */
    size_t n = strcspn (ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    return (n == 16 && strncasecmp (ct, "application/json", 16) == 0) ||
           (n > 5 && strncasecmp (ct + n - 5, "+json", 5) == 0);
}

/* Builds the route's input from body, path and query; on failure queues
 * the 4xx itself and returns NULL with *rc set. */
static ProtobufCMessage *build_input (gw_request *req, enum MHD_Result *rc)
{
    const gw_route *r = req->route;
    ProtobufCMessage *msg = NULL;
    loa_pbjson_error err;
    int with_body = (r->flags & GW_BODY) || ((r->flags & GW_BODY_OPT) && req->body_len > 0);
    if (with_body) {
        if (!is_json_type (gw_header (req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
            *rc = gw_respond_problem (req, 415,
                                      "Nội dung phải là JSON (Content-Type: application/json)",
                                      json_pack ("[o]", field_error ("body", "phải là JSON")));
            return NULL;
        }
        if (req->body_len == 0) {
            *rc = gw_respond_problem (req, 400, "Thiếu nội dung JSON",
                                      json_pack ("[o]", field_error ("body", "là bắt buộc")));
            return NULL;
        }
        json_error_t jerr;
        json_t *json = json_loadb (req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
        if (!json || !json_is_object (json)) {
            char msg_text[300];
            if (json)
                snprintf (msg_text, sizeof msg_text, "phải là một đối tượng JSON");
            else
                snprintf (msg_text, sizeof msg_text, "JSON không hợp lệ (dòng %d, cột %d): %s",
                          jerr.line, jerr.column, jerr.text);
            json_decref (json);
            *rc = gw_respond_problem (req, 400, "Nội dung JSON không hợp lệ",
                                      json_pack ("[o]", field_error ("body", msg_text)));
            return NULL;
        }
        msg = loa_pbjson_decode (r->input, json, &err);
        json_decref (json);
        if (!msg) {
            *rc = gw_respond_problem (req, 400, "Dữ liệu gửi lên không hợp lệ",
                                      json_pack ("[o]", field_error (err.field, err.message)));
            return NULL;
        }
    } else {
        msg = loa_pbjson_new (r->input);
        if (!msg) {
            *rc = gw_respond_problem (req, 500, NULL, NULL);
            return NULL;
        }
    }
    json_t *errors = json_array ();
    for (int i = 0; i < req->n_params; i++) {
        char name[32];
        param_name (req->params[i].name, name, sizeof name);
        if (loa_pbjson_set_string (msg, name, req->params[i].value, &err) != 0)
            json_array_append_new (errors, field_error (name, err.message));
    }
    const char *if_match = (r->flags & GW_IF_MATCH) ? gw_header (req, "If-Match") : NULL;
    if (if_match && loa_pbjson_set_string (msg, "if_match", if_match, &err) != 0)
        json_array_append_new (errors, field_error ("If-Match", err.message));
    query_ctx q = {msg, errors};
    MHD_get_connection_values (req->conn, MHD_GET_ARGUMENT_KIND, on_query_arg, &q);
    if (json_array_size (errors)) {
        protobuf_c_message_free_unpacked (msg, NULL);
        *rc = gw_respond_problem (req, 400, "Tham số không hợp lệ", errors);
        return NULL;
    }
    json_decref (errors);
    return msg;
}

/* The Location of a created resource: the route's template with {id} (or
 * any {field}) taken from the reply. */
static void location_of (const char *tmpl, json_t *reply, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < cap;) {
        if (*p == '{') {
            char name[32];
            param_name (p + 1, name, sizeof name);
            json_t *v = json_object_get (reply, name);
            if (json_is_integer (v))
                o += (size_t) snprintf (out + o, cap - o, "%lld",
                                        (long long) json_integer_value (v));
            else if (json_is_string (v))
                o += (size_t) snprintf (out + o, cap - o, "%s", json_string_value (v));
            const char *close = strchr (p, '}');
            p = close ? close + 1 : p + strlen (p);
            if (o >= cap)
                break;
            continue;
        }
        out[o++] = *p++;
    }
    out[o < cap ? o : cap - 1] = '\0';
}

/* ------------------------------------------------------------ cache */

typedef struct {
    char *key;
    size_t len, cap;
    int ok;
} key_builder;

static enum MHD_Result add_key_arg (void *cls, enum MHD_ValueKind kind, const char *k,
                                    const char *v)
{
    (void) kind;
    key_builder *b = cls;
    int n =
        snprintf (b->key + b->len, b->cap - b->len, "%c%s=%s", b->len ? '&' : '?', k, v ? v : "");
    if (n < 0 || (size_t) n >= b->cap - b->len) {
        b->ok = 0;
        return MHD_NO;
    }
    b->len += (size_t) n;
    return MHD_YES;
}

/* The cache key of an anonymous public read (path and query as given), or
 * 0 when the request may not use the cache. */
static int cache_key (gw_request *req, char *key, size_t cap)
{
    if (!(req->route->flags & GW_PUBLIC) || gw_header (req, MHD_HTTP_HEADER_AUTHORIZATION) ||
        gw_header (req, "X-Api-Key"))
        return 0;
    int n = snprintf (key, cap, "%s", req->url);
    if (n < 0 || (size_t) n >= cap)
        return 0;
    key_builder b = {key + n, 0, cap - (size_t) n, 1};
    MHD_get_connection_values (req->conn, MHD_GET_ARGUMENT_KIND, add_key_arg, &b);
    return b.ok;
}

typedef struct {
    char *body;
    size_t len;
    char etag[24];
} cached_copy;

static void copy_cached (const char *body, size_t len, const char *etag, void *arg)
{
    cached_copy *cc = arg;
    cc->body = malloc (len ? len : 1);
    if (cc->body)
        memcpy (cc->body, body, len);
    cc->len = len;
    snprintf (cc->etag, sizeof cc->etag, "%s", etag);
}

/* Answers from the cache when it holds a fresh entry for `key`: 1 with
 * *rc set, else 0. */
static int from_cache (gw_request *req, const char *key, enum MHD_Result *rc)
{
    cached_copy cc = {0};
    if (gw_cache_with (key, req->route->service, copy_cached, &cc) && cc.body) {
        *rc = gw_respond_text (req, 200, cc.body, cc.len, cc.etag);
        return 1;
    }
    return 0;
}

static enum MHD_Result call_service (gw_request *req, const char *key, uint64_t gen);

enum MHD_Result gw_rpc_route (gw_request *req)
{
    char key[1024];
    if (!cache_key (req, key, sizeof key))
        return call_service (req, NULL, 0);
    /* A client's "Cache-Control: no-cache" asks for the origin (RFC 9111
     * §5.2.1.4): it neither reads the cache nor waits for another fill. */
    const char *cc_header = gw_header (req, MHD_HTTP_HEADER_CACHE_CONTROL);
    int ticket = -1;
    enum MHD_Result rc;
    if (!(cc_header && strcasestr (cc_header, "no-cache"))) {
        if (from_cache (req, key, &rc))
            return rc;
        if (gw_cache_generation (req->route->service)) /* else nothing would be stored */
            ticket = gw_cache_fill_begin (key, req->route->service, gw_rpc_timeout_ms ());
        if (ticket == 0 && from_cache (req, key, &rc))
            return rc; /* another request filled it while this one waited */
    }
    /* The generation before the call: a change during it wins. */
    rc = call_service (req, key, gw_cache_generation (req->route->service));
    gw_cache_fill_end (ticket);
    return rc;
}

/* Asks the service; with `key` (an anonymous public read) stores a 200 in
 * the cache when `gen` is still current. */
static enum MHD_Result call_service (gw_request *req, const char *key, uint64_t gen)
{
    const gw_route *r = req->route;
    enum MHD_Result rc = MHD_NO;
    ProtobufCMessage *in = NULL;
    int cacheable = key != NULL;
    if (r->input && !(in = build_input (req, &rc)))
        return rc;

    loa_rpc_client *client = gw_service_client (r->service);
    if (!client) {
        if (in)
            protobuf_c_message_free_unpacked (in, NULL);
        return gw_respond_problem (req, 503, "Không kết nối được dịch vụ", NULL);
    }
    loa_rpc_result res;
    int64_t t0 = loa_mono_ms ();
    Loa__Status st =
        loa_rpc_call (client, r->rpc, &req->caller, req->request_id,
                      (r->flags & GW_CREATES) ? gw_header (req, "Idempotency-Key") : NULL, in,
                      gw_rpc_timeout_ms (), &res);
    gw_metrics_rpc (r->service, st, loa_mono_ms () - t0);
    if (in)
        protobuf_c_message_free_unpacked (in, NULL);

    char detail[200];
    unsigned http = gw_http_status (st);
    if (st == LOA__STATUS__DEADLINE || st == LOA__STATUS__UNAVAILABLE) {
        snprintf (detail, sizeof detail,
                  st == LOA__STATUS__DEADLINE ? "Dịch vụ %s không trả lời trong thời hạn"
                                              : "Dịch vụ %s tạm thời không sẵn sàng",
                  gw_service_name (r->service));
        if (res.reply && res.reply->error && *res.reply->error)
            snprintf (detail, sizeof detail, "%s", res.reply->error);
        loa_rpc_result_clear (&res);
        return gw_respond_problem (req, http, detail, NULL);
    }
    if (st != LOA__STATUS__OK && st != LOA__STATUS__CREATED) {
        json_t *errors = json_array ();
        for (size_t i = 0; i < res.reply->n_field_errors; i++)
            json_array_append_new (errors, field_error (res.reply->field_errors[i]->field,
                                                        res.reply->field_errors[i]->message));
        if (st == LOA__STATUS__INVALID && !json_array_size (errors))
            http = 400;
        rc = gw_respond_problem (req, http, *res.reply->error ? res.reply->error : NULL, errors);
        loa_rpc_result_clear (&res);
        return rc;
    }
    if (strcmp (r->method, "GET") != 0)
        gw_cache_invalidate (r->service); /* the caller reads its own write at once */
    if (!r->output) {
        loa_rpc_result_clear (&res);
        return gw_respond_empty (req, 204);
    }
    ProtobufCMessage *out =
        protobuf_c_message_unpack (r->output, NULL, res.reply->body.len, res.reply->body.data);
    loa_rpc_result_clear (&res);
    if (!out) {
        loa_error (req->request_id, "%s: reply of %s is not a %s", r->pattern, r->rpc,
                   r->output->name);
        return gw_respond_problem (req, 500, "Câu trả lời của dịch vụ không đọc được", NULL);
    }
    if ((r->flags & GW_FILE) && r->output == &loa__file__descriptor) {
        const Loa__File *file = (const Loa__File *) out;
        rc = gw_respond_file (req, 200, file->content_type, file->filename, file->body.data,
                              file->body.len);
        protobuf_c_message_free_unpacked (out, NULL);
        return rc;
    }
    json_t *json = loa_pbjson_encode (out);
    protobuf_c_message_free_unpacked (out, NULL);
    if (!json)
        return gw_respond_problem (req, 500, NULL, NULL);
    if (st == LOA__STATUS__CREATED) {
        char location[256] = "";
        if (r->location)
            location_of (r->location, json, location, sizeof location);
        return gw_respond_created (req, json, location);
    }
    if (!cacheable)
        return gw_respond_json (req, 200, json);
    char *text = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    if (!text)
        return gw_respond_problem (req, 500, NULL, NULL);
    size_t len = strlen (text);
    char etag[24];
    gw_etag (text, len, etag);
    gw_cache_put (key, r->service, gen, text, len, etag);
    return gw_respond_text (req, 200, text, len, etag);
}
