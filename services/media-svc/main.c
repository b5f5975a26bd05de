/* media-svc: assets (the gateway stores the bytes on the media volume and
 * registers them here; media_rpc.c), which of them published articles
 * carry (from content events; media_events.c), broadcasters, and packages
 * (media_pkg_rpc.c) whose bags its ticker builds (media_bag_builder.c).
 * main only wires; see services/common/loa_service.c for the life cycle. */
#include "loa_service.h"
#include "media_bag_builder.h"
#include "media_events.h"
#include "media_rpc.h"
#include "media_store.h"

extern const loa_migration media_svc_migrations[];
extern const size_t media_svc_migrations_count;

static const loa_service_subscription subscriptions[] = {
    {LOA_SVC_CONTENT, media_events_apply, media_events_reset},
    /* The end (apply NULL). */
    {0},
};

static const loa_service_tick ticks[] = {
    {"bag-builder", media_bag_builder_tick, "LOA_BAG_BUILD_MS", 1000},
    {0},
};

int main (int argc, char **argv)
{
    const loa_service_def def = {
        .id = LOA_SVC_MEDIA,
        .migrations = media_svc_migrations,
        .n_migrations = media_svc_migrations_count,
        .methods = media_methods,
        .prepare = media_store_prepare,
        .subscriptions = subscriptions,
        .ticks = ticks,
    };
    return loa_service_main (&def, argc, argv);
}
