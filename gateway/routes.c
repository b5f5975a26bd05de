/* routes: the gateway's route table, and nothing else. Each line is a
 * route: method, path pattern ({name} fills that field of the input),
 * flags (gw.h), who may call it (`allow`), then what answers it: RPC (the
 * generic handler: a service method and its messages), RPC_AS (a handler
 * of its own whose main call is that method) or DO (a handler of its own).
 * main hands the table to the router (core/router.h), which checks it at
 * start. How to add a route: docs/gateway.md. */
#include "routes.h"
#include "articles.pb-c.h"
#include "articles_edit.pb-c.h"
#include "auth/auth.h"
#include "calendar.pb-c.h"
#include "catalog.pb-c.h"
#include "catalog_edit.pb-c.h"
#include "common.pb-c.h"
#include "content.pb-c.h"
#include "content_edit.pb-c.h"
#include "core/rpc_route.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "media.pb-c.h"
#include "media/media.h"
#include "media_edit.pb-c.h"
#include "media_pkg.pb-c.h"
#include "notify.pb-c.h"
#include "notify_edit.pb-c.h"
#include "open311/open311.h"
#include "ops/ops.h"
#include "plan.pb-c.h"
#include "plan_edit.pb-c.h"
#include "portal/search.h"
#include "portal/seo.h"
#include "quota.pb-c.h"
#include "quota/quota.h"
#include "quota_edit.pb-c.h"
#include "quota_ops.pb-c.h"

/* A generic route: the service method and its input and output messages,
 * in one place; gw_rpc_route does the rest (core/rpc_route.h). */
#define RPC(svc, name, in, out)                                                                    \
    .handler = gw_rpc_route, .service = svc, .rpc = name, .input = in, .output = out
/* A route of its own handler whose main call is that method. */
#define RPC_AS(fn, svc, name, in, out)                                                             \
    .handler = fn, .service = svc, .rpc = name, .input = in, .output = out
/* A route of its own handler. */
#define DO(fn) .handler = fn

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
#define NT(name) &loa__notify__##name##__descriptor
#define MP_PATH "/api/v1/media/packages/{id}/versions/{v}"

const gw_route gw_routes[] = {
    /* Operations */
    {"GET", "/healthz", 0, GW_ANYONE, DO (gw_healthz)},
    {"GET", "/readyz", 0, GW_ANYONE, DO (gw_readyz)},
    {"GET", "/metrics", GW_OWN_AUTH, GW_ANYONE, DO (gw_metrics)},
    {"GET", "/api/v1/openapi.json", GW_PUBLIC, GW_ANYONE, DO (gw_openapi)},
    {"GET", "/api/v1/status", 0, ADMIN, DO (gw_status)},
    {"GET", "/api/docs", GW_NOT_API, GW_ANYONE, DO (gw_api_docs)},

    /* The portal found and shared (portal/seo.h): for crawlers and feed
     * readers, made from content-svc's public reads, cached. */
    {"GET", "/robots.txt", GW_NOT_API, GW_ANYONE, DO (gw_robots_txt)},
    {"GET", "/sitemap.xml", GW_PUBLIC | GW_NOT_API, GW_ANYONE, DO (gw_sitemap)},
    {"GET", "/sitemap-{n}.xml", GW_PUBLIC | GW_NOT_API, GW_ANYONE, DO (gw_sitemap_part)},
    {"GET", "/tin-tuc.atom", GW_PUBLIC | GW_NOT_API, GW_ANYONE, DO (gw_atom_articles)},
    {"GET", "/tin-tuc/chu-de/{topic_id}.atom", GW_PUBLIC | GW_NOT_API, GW_ANYONE,
     DO (gw_atom_topic)},

    /* Auth and users (the gateway itself) */
    {"POST", "/api/v1/auth/login", GW_BODY, GW_ANYONE, DO (gw_login)},
    {"POST", "/api/v1/auth/logout", GW_ONE_TIME_OK, GW_STAFF, DO (gw_logout)},
    {"POST", "/api/v1/auth/password", GW_BODY | GW_ONE_TIME_OK, GW_STAFF, DO (gw_password_change)},
    {"GET", "/api/v1/auth/me", GW_ONE_TIME_OK, GW_STAFF, DO (gw_me)},
    {"GET", "/api/v1/users", 0, ADMIN, DO (gw_users_list)},
    {"POST", "/api/v1/users", GW_BODY | GW_CREATES, ADMIN, DO (gw_users_create)},
    {"GET", "/api/v1/users/{id}", 0, ADMIN, DO (gw_users_get)},
    {"PATCH", "/api/v1/users/{id}", GW_BODY, ADMIN, DO (gw_users_update)},
    {"POST", "/api/v1/users/{id}/password-reset", 0, ADMIN, DO (gw_users_password_reset)},
    {"GET", "/api/v1/staff", 0, GW_STAFF, DO (gw_staff_names)},
    {"GET", "/api/v1/api-keys", 0, ADMIN, DO (gw_api_keys_list)},
    {"POST", "/api/v1/api-keys", GW_BODY | GW_CREATES, ADMIN, DO (gw_api_keys_create)},
    {"DELETE", "/api/v1/api-keys", 0, ADMIN, DO (gw_api_keys_revoke)},
    {"DELETE", "/api/v1/api-keys/{id}", 0, ADMIN, DO (gw_api_keys_revoke)},
    /* The audit trail of every program (audit.c, decision 0031). */
    {"GET", "/api/v1/audit", 0, ADMIN | INSPECTOR, DO (gw_audit_list)},

    /* Content (content-svc) */
    {"GET", "/api/v1/units", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "units.list", &loa__content__list_request__descriptor,
          &loa__content__unit_list__descriptor)},
    {"POST", "/api/v1/units", GW_BODY | GW_CREATES, ADMIN,
     RPC (GW_CONTENT, "units.create", &loa__content__create_unit_request__descriptor,
          &loa__content__unit__descriptor),
     .location = "/api/v1/units/{id}"},
    {"GET", "/api/v1/units/{id}", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "units.get", &loa__content__id_request__descriptor,
          &loa__content__unit__descriptor)},
    {"PATCH", "/api/v1/units/{id}", GW_BODY, ADMIN,
     RPC (GW_CONTENT, "units.update", &loa__content__update_unit_request__descriptor,
          &loa__content__unit__descriptor)},
    {"GET", "/api/v1/topics", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "topics.list", &loa__content__list_request__descriptor,
          &loa__content__topic_list__descriptor)},

    /* Articles: the service applies the unit, status and four-eyes rules. */
    {"GET", "/api/v1/articles", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "articles.list", &loa__content__article_list_request__descriptor,
          &loa__content__article_list__descriptor)},
    {"POST", "/api/v1/articles", GW_BODY | GW_CREATES, EDITOR,
     RPC (GW_CONTENT, "articles.create", &loa__content__create_article_request__descriptor,
          &loa__content__article__descriptor),
     .location = "/api/v1/articles/{id}"},
    {"GET", "/api/v1/articles/{ref}", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "articles.get", &loa__content__article_ref__descriptor,
          &loa__content__article__descriptor)},
    {"PATCH", "/api/v1/articles/{id}", GW_BODY | GW_IF_MATCH, EDITOR,
     RPC (GW_CONTENT, "articles.update", &loa__content__update_article_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/submit", GW_BODY_OPT | GW_IF_MATCH, EDITOR,
     RPC (GW_CONTENT, "articles.submit", &loa__content__article_action_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/publish", GW_BODY_OPT | GW_IF_MATCH, REVIEWER,
     RPC (GW_CONTENT, "articles.publish", &loa__content__article_action_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/reject", GW_BODY | GW_IF_MATCH, REVIEWER,
     RPC (GW_CONTENT, "articles.reject", &loa__content__article_action_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/retract", GW_BODY | GW_IF_MATCH, REVIEWER,
     RPC (GW_CONTENT, "articles.retract", &loa__content__article_action_request__descriptor,
          &loa__content__article__descriptor)},
    {"POST", "/api/v1/articles/{id}/revisions", GW_BODY | GW_CREATES, EDITOR,
     RPC (GW_CONTENT, "articles.revise", &loa__content__create_revision_request__descriptor,
          &loa__content__article__descriptor),
     .location = "/api/v1/articles/{id}"},
    {"GET", "/api/v1/articles/{ref}/history", 0, GW_STAFF,
     RPC (GW_CONTENT, "articles.history", &loa__content__article_ref__descriptor,
          &loa__content__article_history__descriptor)},
    /* Notices and procedures */
    {"GET", "/api/v1/notices", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "notices.list", &loa__content__notice_list_request__descriptor,
          &loa__content__notice_list__descriptor)},
    {"POST", "/api/v1/notices", GW_BODY | GW_CREATES, ADMIN,
     RPC (GW_CONTENT, "notices.create", &loa__content__create_notice_request__descriptor,
          &loa__content__notice__descriptor),
     .location = "/api/v1/notices/{id}"},
    {"POST", "/api/v1/notices/preview", GW_BODY, ADMIN,
     RPC (GW_CONTENT, "notices.preview", &loa__content__notice_preview_request__descriptor,
          &loa__content__notice_preview__descriptor)},
    {"GET", "/api/v1/notices/{id}", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "notices.get", &loa__content__notice_id_request__descriptor,
          &loa__content__notice__descriptor)},
    {"PATCH", "/api/v1/notices/{id}", GW_BODY, ADMIN,
     RPC (GW_CONTENT, "notices.update", &loa__content__update_notice_request__descriptor,
          &loa__content__notice__descriptor)},
    {"GET", "/api/v1/procedures", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "procedures.list", &loa__content__procedure_list_request__descriptor,
          &loa__content__procedure_list__descriptor)},
    {"POST", "/api/v1/procedures", GW_BODY | GW_CREATES, ADMIN,
     RPC (GW_CONTENT, "procedures.create", &loa__content__create_procedure_request__descriptor,
          &loa__content__procedure__descriptor),
     .location = "/api/v1/procedures/{id}"},
    {"GET", "/api/v1/procedures/{id}", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "procedures.get", &loa__content__procedure_id_request__descriptor,
          &loa__content__procedure__descriptor)},
    {"PATCH", "/api/v1/procedures/{id}", GW_BODY, ADMIN,
     RPC (GW_CONTENT, "procedures.amend", &loa__content__amend_procedure_request__descriptor,
          &loa__content__procedure__descriptor)},
    {"GET", "/api/v1/procedures/{id}/versions", GW_PUBLIC, GW_ANYONE,
     RPC (GW_CONTENT, "procedures.versions", &loa__content__procedure_id_request__descriptor,
          &loa__content__procedure_version_list__descriptor)},

    /* Calendar and deadlines (feedback-svc). /calendar/add before
     * /calendar/{year}, /feedback/deadlines before any /feedback/{id}. */
    {"GET", "/api/v1/calendar/add", GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "calendar.add", &loa__feedback__calendar_add_request__descriptor,
          &loa__feedback__calendar_add__descriptor)},
    {"GET", "/api/v1/calendar/{year}", GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "calendar.get", &loa__feedback__calendar_year_request__descriptor,
          &loa__feedback__calendar_year__descriptor)},
    {"PUT", "/api/v1/calendar/{year}", GW_BODY, ADMIN,
     RPC (GW_FEEDBACK, "calendar.put", &loa__feedback__calendar_put_request__descriptor,
          &loa__feedback__calendar_year__descriptor)},
    {"GET", "/api/v1/feedback/deadlines", 0, GW_STAFF,
     RPC (GW_FEEDBACK, "deadlines.get", NULL, &loa__feedback__deadline_rules_reply__descriptor)},
    {"PUT", "/api/v1/feedback/deadlines", GW_BODY, ADMIN,
     RPC (GW_FEEDBACK, "deadlines.put", &loa__feedback__deadline_rules_input__descriptor,
          &loa__feedback__deadline_rules_reply__descriptor)},

    /* Quota (quota-svc): tallies from content events, rules with history. */
    {"GET", "/api/v1/quota/rules", 0, GW_STAFF,
     RPC (GW_QUOTA, "quota.rules.get", NULL, &loa__quota__quota_rules_reply__descriptor)},
    {"PUT", "/api/v1/quota/rules", GW_BODY, ADMIN,
     RPC (GW_QUOTA, "quota.rules.put", &loa__quota__quota_rules_input__descriptor,
          &loa__quota__quota_rules_reply__descriptor)},
    {"GET", "/api/v1/quota/summary", 0, GW_STAFF,
     RPC (GW_QUOTA, "quota.summary", &loa__quota__quota_summary_request__descriptor,
          &loa__quota__quota_summary__descriptor)},
    /* ?year= and CSV go to other methods of quota-svc (gateway/quota.c). */
    {"GET", "/api/v1/quota/report", 0, GW_STAFF, .alternatives = gw_quota_report_alternatives,
     RPC_AS (gw_quota_report, GW_QUOTA, "quota.report",
             &loa__quota__quota_report_request__descriptor, &loa__quota__quota_report__descriptor)},
    {"POST", "/api/v1/quota/rebuild", 0, ADMIN,
     RPC (GW_QUOTA, "quota.rebuild", NULL, &loa__quota__quota_rebuild_reply__descriptor)},
    /* The year's plan (quota-svc): staff read, the inspector writes; staff
     * of an activity's lead or partner unit report on it (the service
     * checks the unit). */
    {"GET", "/api/v1/plans", 0, GW_STAFF,
     RPC (GW_QUOTA, "plans.list", PL (plan_list_request), PL (plan_list))},
    {"POST", "/api/v1/plans", GW_BODY | GW_CREATES, INSPECTOR,
     RPC (GW_QUOTA, "plans.create", PL (create_plan_request), PL (plan)),
     .location = "/api/v1/plans/{id}"},
    {"GET", "/api/v1/plans/{id}", 0, GW_STAFF,
     RPC (GW_QUOTA, "plans.get", PL (plan_id_request), PL (plan))},
    {"PATCH", "/api/v1/plans/{id}", GW_BODY, INSPECTOR,
     RPC (GW_QUOTA, "plans.update", PL (update_plan_request), PL (plan))},
    {"GET", "/api/v1/plans/{id}/activities/{aid}/reports", 0, GW_STAFF,
     RPC (GW_QUOTA, "plans.reports.list", PL (activity_report_request), PL (activity_report_list))},
    {"POST", "/api/v1/plans/{id}/activities/{aid}/reports", GW_BODY | GW_CREATES, GW_STAFF,
     RPC (GW_QUOTA, "plans.reports.create", PL (create_activity_report_request),
          PL (activity_report)),
     .location = "/api/v1/plans/{plan_id}/activities/{activity_id}/reports/{id}"},
    {"GET", "/api/v1/plans/{id}/activities/{aid}/reports/{rid}", 0, GW_STAFF,
     RPC (GW_QUOTA, "plans.reports.get", PL (activity_report_request), PL (activity_report))},
    /* A report's author, or an inspector, corrects or withdraws it until
     * the 31st of January after the plan's year (the service checks). */
    {"PATCH", "/api/v1/plans/{id}/activities/{aid}/reports/{rid}", GW_BODY, GW_STAFF,
     RPC (GW_QUOTA, "plans.reports.update", PL (update_activity_report_request),
          PL (activity_report))},
    {"POST", "/api/v1/plans/{id}/activities/{aid}/reports/{rid}/withdraw", GW_BODY, GW_STAFF,
     RPC (GW_QUOTA, "plans.reports.withdraw", PL (withdraw_activity_report_request),
          PL (activity_report))},
    /* Files of staff for reports (gateway/media/attachments.c, decision
     * 0034): the citizens' upload rules, private to staff. */
    {"POST", "/api/v1/plans/attachments", GW_UPLOAD | GW_CREATES, GW_STAFF,
     RPC_AS (gw_report_attachments_create, GW_MEDIA, "report_attachments.create", NULL,
             &loa__media__citizen_attachment__descriptor),
     .begin = gw_feedback_attachments_begin},
    {"GET", "/api/v1/plans/attachments/{id}", 0, GW_STAFF,
     RPC_AS (gw_report_attachments_get, GW_QUOTA, "plans.attachments.get", NULL, NULL)},

    /* Media (media-svc; the gateway streams the bytes, media.c). An
     * upload's body is raw (GW_UPLOAD), up to LOA_UPLOAD_LIMIT. */
    {"POST", "/api/v1/assets", GW_UPLOAD | GW_CREATES, EDITOR | REVIEWER,
     RPC_AS (gw_assets_create, GW_MEDIA, "assets.create", NULL, &loa__media__asset__descriptor),
     .location = "/api/v1/assets/{id}", .begin = gw_assets_begin},
    {"GET", "/api/v1/assets/{id}", 0, GW_ANYONE,
     RPC_AS (gw_assets_get, GW_MEDIA, "assets.get", NULL, NULL)},
    {"PATCH", "/api/v1/assets/{id}", GW_BODY, EDITOR | REVIEWER,
     RPC (GW_MEDIA, "assets.update", &loa__media__update_asset_request__descriptor,
          &loa__media__asset__descriptor)},
    {"GET", "/api/v1/broadcasters", 0, ADMIN | REVIEWER | INSPECTOR | LEADER,
     RPC (GW_MEDIA, "broadcasters.list", &loa__media__broadcaster_list_request__descriptor,
          &loa__media__broadcaster_list__descriptor)},
    {"POST", "/api/v1/broadcasters", GW_BODY | GW_CREATES, ADMIN,
     RPC_AS (gw_broadcasters_create, GW_MEDIA, "broadcasters.create",
             &loa__media__create_broadcaster_request__descriptor,
             &loa__media__broadcaster__descriptor),
     .body = &loa__media__broadcaster_input__descriptor, .location = "/api/v1/broadcasters/{id}"},
    {"GET", "/api/v1/broadcasters/{id}", 0, ADMIN,
     RPC (GW_MEDIA, "broadcasters.get", &loa__media__broadcaster_id_request__descriptor,
          &loa__media__broadcaster__descriptor)},
    {"POST", "/api/v1/broadcasters/{id}/key", 0, ADMIN, DO (gw_broadcasters_new_key)},
    /* A broadcaster's webhook (notify-svc sends it: docs/notifications.md). */
    {"PUT", "/api/v1/broadcasters/{broadcaster_id}/webhook", GW_BODY, ADMIN,
     RPC (GW_NOTIFY, "webhooks.put", NT (webhook_input), NT (webhook))},
    {"GET", "/api/v1/broadcasters/{broadcaster_id}/webhook", 0, ADMIN,
     RPC (GW_NOTIFY, "webhooks.get", NT (webhook_request), NT (webhook))},
    {"DELETE", "/api/v1/broadcasters/{broadcaster_id}/webhook", 0, ADMIN,
     RPC (GW_NOTIFY, "webhooks.delete", NT (webhook_request), NULL)},
    {"POST", "/api/v1/broadcasters/{broadcaster_id}/webhook/test", 0, ADMIN,
     RPC (GW_NOTIFY, "webhooks.test", NT (webhook_request), NT (delivery))},
    {"GET", "/api/v1/media/webhook-deliveries", 0, ADMIN | GW_BROADCASTER,
     RPC (GW_NOTIFY, "webhooks.deliveries", NT (webhook_delivery_list_request),
          NT (delivery_list))},
    {"PATCH", "/api/v1/broadcasters/{id}", GW_BODY, ADMIN,
     RPC (GW_MEDIA, "broadcasters.update", &loa__media__update_broadcaster_request__descriptor,
          &loa__media__broadcaster__descriptor)},
    /* Packages (media-svc builds them; media_pkg.c serves broadcasters). */
    {"GET", "/api/v1/media/packages", 0, REVIEWER | INSPECTOR | LEADER,
     RPC (GW_MEDIA, "packages.list", MP (package_list_request), MP (package_list))},
    {"POST", "/api/v1/media/packages", GW_BODY | GW_CREATES, REVIEWER,
     RPC (GW_MEDIA, "packages.create", MP (create_package_request), MP (package)),
     .location = "/api/v1/media/packages/{id}"},
    {"GET", "/api/v1/media/packages/{id}", GW_NINJS, REVIEWER | INSPECTOR | LEADER | GW_BROADCASTER,
     RPC_AS (gw_media_package_get, GW_MEDIA, "packages.get", MP (package_id_request),
             MP (package))},
    {"POST", "/api/v1/media/packages/{id}/versions", GW_BODY | GW_CREATES, REVIEWER,
     RPC (GW_MEDIA, "packages.correct", MP (correct_package_request), MP (package)),
     .location = "/api/v1/media/packages/{id}"},
    {"POST", "/api/v1/media/packages/{id}/cancel", GW_BODY | GW_CREATES, REVIEWER,
     RPC (GW_MEDIA, "packages.cancel", MP (cancel_package_request), MP (package)),
     .location = "/api/v1/media/packages/{id}"},
    {"GET", MP_PATH, GW_NINJS, GW_BROADCASTER,
     RPC_AS (gw_media_version_get, GW_MEDIA, "packages.ninjs", NULL, NULL)},
    {"GET", MP_PATH "/bag.zip", GW_FILE, GW_BROADCASTER, DO (gw_media_bag), .service = GW_MEDIA,
     .file_type = "application/zip"},
    {"GET", MP_PATH "/files/{name}", GW_FILE, GW_BROADCASTER, DO (gw_media_file),
     .service = GW_MEDIA, .file_type = "application/octet-stream"},
    {"GET", MP_PATH "/manifest-sha256.txt", GW_FILE, GW_BROADCASTER, DO (gw_media_manifest),
     .service = GW_MEDIA, .file_type = "text/plain"},
    {"GET", "/api/v1/media/feed", GW_NINJS, GW_BROADCASTER,
     RPC_AS (gw_media_feed, GW_MEDIA, "feed.list", NULL, NULL)},
    {"GET", "/api/v1/media/feed.atom", GW_FILE, GW_BROADCASTER, DO (gw_media_feed_atom),
     .service = GW_MEDIA, .file_type = "application/atom+xml"},
    {"GET", "/api/v1/media/feed.rss", GW_FILE, GW_BROADCASTER, DO (gw_media_feed_rss),
     .service = GW_MEDIA, .file_type = "application/rss+xml"},
    {"POST", "/api/v1/media/receipts", GW_BODY | GW_CREATES, GW_BROADCASTER,
     RPC (GW_MEDIA, "receipts.create", MP (receipt_input), MP (receipt))},

    /* Feedback (feedback-svc): the service applies the workflow and the
     * handler's own-unit rule; citizens need no account, so their POSTs are
     * GW_THROTTLED per client address (LOA_INTAKE_LIMIT, throttle.h). */
    {"POST", "/api/v1/feedback", GW_BODY | GW_CREATES | GW_THROTTLED, GW_ANYONE,
     RPC (GW_FEEDBACK, "feedback.create", FB (create_feedback_request), FB (feedback_receipt)),
     .location = "/api/v1/feedback/track/{tracking_code}"},
    {"GET", "/api/v1/feedback/track/{tracking_code}", GW_PUBLIC | GW_THROTTLED_LOOKUP, GW_ANYONE,
     RPC (GW_FEEDBACK, "feedback.track", FB (track_request), FB (feedback_public))},
    {"POST", "/api/v1/feedback/track/{tracking_code}/rating", GW_BODY | GW_CREATES | GW_THROTTLED,
     GW_ANYONE, RPC (GW_FEEDBACK, "feedback.rate", FB (rate_request), FB (feedback_public)),
     .location = "/api/v1/feedback/track/{tracking_code}"},
    /* Citizens' attachments (gateway/media/attachments.c): uploaded by
     * anyone like the intake (raw body, streamed, at most 10 MB), read only
     * by the staff who may see the item (feedback-svc decides). */
    {"POST", "/api/v1/feedback/attachments", GW_UPLOAD | GW_CREATES | GW_THROTTLED, GW_ANYONE,
     RPC_AS (gw_feedback_attachments_create, GW_MEDIA, "attachments.create", NULL,
             &loa__media__citizen_attachment__descriptor),
     .begin = gw_feedback_attachments_begin},
    {"GET", "/api/v1/feedback/attachments/{id}", 0, INSPECTOR | LEADER | HANDLER,
     RPC_AS (gw_feedback_attachments_get, GW_FEEDBACK, "feedback.attachments.get", NULL, NULL)},
    {"GET", "/api/v1/feedback", 0, INSPECTOR | LEADER | HANDLER,
     RPC (GW_FEEDBACK, "feedback.list", FB (feedback_list_request), FB (feedback_list))},
    {"GET", "/api/v1/feedback/stats", 0, INSPECTOR | LEADER,
     RPC (GW_FEEDBACK, "feedback.stats", FB (stats_request), FB (stats))},
    /* One search across articles, notices, procedures and published
     * answers (portal/search.h): each service's public search, grouped. */
    {"GET", "/api/v1/search", GW_PUBLIC, GW_ANYONE, DO (gw_search), .openapi = gw_search_openapi},
    /* Published answers (the portal): public, cached, before /feedback/{id}. */
    {"GET", "/api/v1/feedback/answers", GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "feedback.answers", FB (answers_request), FB (published_answer_list))},
    {"GET", "/api/v1/feedback/answers/{id}", GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "feedback.answers.get", FB (feedback_id_request), FB (published_answer))},
    {"GET", "/api/v1/feedback/{id}", 0, INSPECTOR | LEADER | HANDLER,
     RPC (GW_FEEDBACK, "feedback.get", FB (feedback_id_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/accept", GW_BODY, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.accept", FB (accept_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/forward", GW_BODY, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.forward", FB (forward_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/reject", GW_BODY, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.reject", FB (reject_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/answer", GW_BODY, HANDLER | INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.answer", FB (answer_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/approve", GW_BODY_OPT, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.approve", FB (reason_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/return", GW_BODY, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.return", FB (reason_request), FB (feedback))},
    {"POST", "/api/v1/feedback/{id}/close", GW_BODY_OPT, INSPECTOR,
     RPC (GW_FEEDBACK, "feedback.close", FB (reason_request), FB (feedback))},
    /* One-stop desk ratings */
    {"POST", "/api/v1/ratings", GW_BODY | GW_CREATES | GW_THROTTLED, GW_ANYONE,
     RPC (GW_FEEDBACK, "ratings.create", FB (create_desk_rating_request), FB (desk_rating))},
    {"GET", "/api/v1/ratings/summary", GW_PUBLIC, GW_ANYONE,
     RPC (GW_FEEDBACK, "ratings.summary", FB (period_request), FB (rating_summary))},

    /* Notifications (notify-svc): a member's own, in the console... */
    {"GET", "/api/v1/notifications", 0, GW_STAFF,
     RPC (GW_NOTIFY, "notifications.list", NT (notification_list_request), NT (notification_list))},
    {"POST", "/api/v1/notifications/read-all", 0, GW_STAFF,
     RPC (GW_NOTIFY, "notifications.read_all", NULL, NT (read_all_reply))},
    {"POST", "/api/v1/notifications/{id}/read", 0, GW_STAFF,
     RPC (GW_NOTIFY, "notifications.read", NT (notification_id_request), NT (notification))},
    {"GET", "/api/v1/notifications/preferences", 0, GW_STAFF,
     RPC (GW_NOTIFY, "notifications.preferences.get", NULL, NT (preferences))},
    {"PUT", "/api/v1/notifications/preferences", GW_BODY, GW_STAFF,
     RPC (GW_NOTIFY, "notifications.preferences.put", NT (preferences_input), NT (preferences))},
    /* ... and the outgoing queue, for admins. */
    {"GET", "/api/v1/notifications/deliveries", 0, ADMIN,
     RPC (GW_NOTIFY, "deliveries.list", NT (delivery_list_request), NT (delivery_list))},
    {"POST", "/api/v1/notifications/deliveries/{id}/retry", 0, ADMIN,
     RPC (GW_NOTIFY, "deliveries.retry", NT (delivery_id_request), NT (delivery))},

    /* Open311 GeoReport v2 (feedback-svc): XML or JSON by the extension,
     * the spec's own errors; a POST carries its key as the form's api_key
     * (checked in open311.c, so the route itself is open). */
    {"GET", "/open311/v2/discovery.{format}", GW_PUBLIC, GW_ANYONE, DO (gw_open311_discovery),
     .openapi = gw_open311_operation},
    {"GET", "/open311/v2/services.{format}", GW_PUBLIC, GW_ANYONE, DO (gw_open311_services),
     .openapi = gw_open311_operation},
    {"GET", "/open311/v2/services/{service_code}.{format}", GW_PUBLIC, GW_ANYONE,
     DO (gw_open311_definition), .openapi = gw_open311_operation},
    {"POST", "/open311/v2/requests.{format}", GW_FORM | GW_CREATES | GW_THROTTLED_APP, GW_ANYONE,
     DO (gw_open311_create), .service = GW_FEEDBACK, .openapi = gw_open311_operation},
    {"GET", "/open311/v2/requests.{format}", GW_PUBLIC, GW_ANYONE, DO (gw_open311_requests),
     .service = GW_FEEDBACK, .openapi = gw_open311_operation},
    {"GET", "/open311/v2/requests/{service_request_id}.{format}", GW_PUBLIC, GW_ANYONE,
     DO (gw_open311_request), .service = GW_FEEDBACK, .openapi = gw_open311_operation},
};
const size_t gw_n_routes = sizeof gw_routes / sizeof gw_routes[0];
