/* notify-svc: the messages Loa sends (docs/notifications.md). It turns the
 * other services' events into deliveries (notify_events.c), one per event,
 * recipient and channel, keyed so that a replayed event queues nothing
 * twice (notify_store.c); a sender per channel works through them with
 * backoff (notify_send.c: e-mail over SMTP, notify_mail.c); admins see the
 * queue (notify_rpc.c).
 * main only wires; see services/common/loa_service.c for the life cycle. */
#include <stdlib.h>

#include "loa_config.h"
#include "loa_log.h"
#include "loa_rpc_thread.h"
#include "loa_service.h"
#include "notify_digest.h"
#include "notify_events.h"
#include "notify_mail.h"
#include "notify_rpc.h"
#include "notify_send.h"
#include "notify_staff.h"
#include "notify_store.h"

extern const loa_migration notify_svc_migrations[];
extern const size_t notify_svc_migrations_count;

static const loa_service_subscription subscriptions[] = {
    {LOA_SVC_FEEDBACK, notify_feedback_apply, NULL}, /* no rebuild: it would write again */
    {LOA_SVC_MEDIA, notify_media_apply, NULL}, /* broadcasters' webhooks */
    {LOA_SVC_CONTENT, notify_content_apply, NULL}, /* the review of articles */
    {LOA_SVC_QUOTA, notify_quota_apply, NULL}, /* units at risk of missing their quota */
    {0},
};

/* A sender per channel: every second by default, each sending what is due
 * on its channel (for at most two seconds a tick). */
static const loa_service_tick ticks[] = {
    {"email", notify_send_email_tick, "LOA_NOTIFY_SEND_MS", 1000},
    {"sms", notify_send_sms_tick, "LOA_NOTIFY_SEND_MS", 1000},
    {"webhook", notify_send_webhook_tick, "LOA_NOTIFY_SEND_MS", 1000},
    /* The daily digests of deadlines: looked at every minute, sent once a
     * day from LOA_NOTIFY_DIGEST_AT. */
    {"digest", notify_digest_tick, "LOA_NOTIFY_DIGEST_MS", 60000},
    {0},
};

int main (int argc, char **argv)
{
    const loa_service_def def = {
        .id = LOA_SVC_NOTIFY,
        .migrations = notify_svc_migrations,
        .n_migrations = notify_svc_migrations_count,
        .methods = notify_methods,
        .prepare = notify_store_prepare,
        .subscriptions = subscriptions,
        .ticks = ticks,
    };
    /* Before any thread: GMime and libcurl are set up once. The channels'
     * settings (LOA_SMTP_PASSWORD_FILE among them) and the templates are
     * checked before anything starts: a mistake is said at once. */
    if (notify_mail_global_init () != 0)
        return EXIT_FAILURE;
    int rc = EXIT_FAILURE;
    loa_log_init ("notify-svc");
    if (argc > 1) /* --migrate-only, --version, ...: no channel, no template */
        rc = loa_service_main (&def, argc, argv);
    else if (loa_env_from_files (loa_secret_settings) == 0 && notify_send_init () == 0 &&
             notify_events_check_templates () == 0 && notify_staff_check_templates () == 0)
        rc = loa_service_main (&def, argc, argv);
    else
        loa_error (NULL, "notify-svc: not started (see above)");
    loa_rpc_thread_shutdown (); /* the subscriber, and its client, have ended */
    notify_send_shutdown ();
    notify_mail_global_shutdown ();
    return rc;
}
