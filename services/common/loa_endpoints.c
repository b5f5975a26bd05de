#include "loa_endpoints.h"

#include <stdio.h>
#include <string.h>

#include "content_rpc.pb-c.h"
#include "feedback_rpc.pb-c.h"
#include "loa_config.h"
#include "media_rpc.pb-c.h"
#include "notify_rpc.pb-c.h"
#include "quota_rpc.pb-c.h"

/* The only place the default addresses are written: RPC on 710x, events on
 * 720x, x the service's number. docs/configuration.md lists the same. */
static const loa_endpoint endpoints[LOA_SVC_COUNT] = {
    [LOA_SVC_CONTENT] = {"content-svc", "content", "content", "LOA_CONTENT_RPC",
                         "tcp://127.0.0.1:7101", "LOA_CONTENT_EVENTS", "tcp://127.0.0.1:7201",
                         &loa__content__content__descriptor},
    [LOA_SVC_FEEDBACK] = {"feedback-svc", "feedback", "feedback", "LOA_FEEDBACK_RPC",
                          "tcp://127.0.0.1:7102", "LOA_FEEDBACK_EVENTS", "tcp://127.0.0.1:7202",
                          &loa__feedback__feedback_service__descriptor},
    [LOA_SVC_QUOTA] = {"quota-svc", "quota", "quota", "LOA_QUOTA_RPC", "tcp://127.0.0.1:7103",
                       "LOA_QUOTA_EVENTS", "tcp://127.0.0.1:7203", &loa__quota__quota__descriptor},
    [LOA_SVC_MEDIA] = {"media-svc", "media", "media", "LOA_MEDIA_RPC", "tcp://127.0.0.1:7104",
                       "LOA_MEDIA_EVENTS", "tcp://127.0.0.1:7204", &loa__media__media__descriptor},
    [LOA_SVC_NOTIFY] = {"notify-svc", "notify", "notify", "LOA_NOTIFY_RPC", "tcp://127.0.0.1:7105",
                        "LOA_NOTIFY_EVENTS", "tcp://127.0.0.1:7205",
                        &loa__notify__notify__descriptor},
};

const loa_endpoint *loa_endpoints_get (loa_service_id id)
{
    /* Through unsigned: an out-of-range enum may be negative. */
    return (unsigned) id < LOA_SVC_COUNT ? &endpoints[id] : NULL;
}

const loa_endpoint *loa_endpoints_find (const char *program)
{
    for (size_t i = 0; program && i < LOA_SVC_COUNT; i++)
        if (strcmp (endpoints[i].program, program) == 0)
            return &endpoints[i];
    return NULL;
}

const char *loa_endpoints_rpc (loa_service_id id)
{
    const loa_endpoint *ep = loa_endpoints_get (id);
    return ep ? loa_env (ep->rpc_env, ep->rpc_default) : NULL;
}

const char *loa_endpoints_events (loa_service_id id)
{
    const loa_endpoint *ep = loa_endpoints_get (id);
    return ep ? loa_env (ep->events_env, ep->events_default) : NULL;
}

/* <env>_BIND, else the address others connect to (<env>), else the default:
 * in a container a service binds every interface but is reached by name. */
static const char *bind_address (const char *env, const char *def)
{
    char name[64];
    snprintf (name, sizeof name, "%s_BIND", env);
    return loa_env (name, loa_env (env, def));
}

const char *loa_endpoints_rpc_bind (loa_service_id id)
{
    const loa_endpoint *ep = loa_endpoints_get (id);
    return ep ? bind_address (ep->rpc_env, ep->rpc_default) : NULL;
}

const char *loa_endpoints_events_bind (loa_service_id id)
{
    const loa_endpoint *ep = loa_endpoints_get (id);
    return ep ? bind_address (ep->events_env, ep->events_default) : NULL;
}
