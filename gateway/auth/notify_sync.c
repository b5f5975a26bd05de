/* notify_sync: the accounts handed to notify-svc (auth.h), which tells
 * staff of what concerns them by role and unit and mails those who ask:
 * every account whose updated_at is past notify_synced_at is sent
 * (users.sync, a method notify-svc takes from the gateway's key alone),
 * then marked, on a loa_ticker of its own. A row changed meanwhile keeps
 * its newer updated_at and goes again; notify-svc keeps the newest version
 * whatever the order, so several gateways doing it at once do no harm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_rpc_thread.h"
#include "loa_ticker.h"
#include "notify.pb-c.h"
#include "notify_edit.pb-c.h"

#define BATCH 100

static loa_ticker *ticker;
static int64_t last_complaint_ms;

/* A comma-separated list split in place into `out` (at most `max`). */
static size_t split_roles (char *s, char **out, size_t max)
{
    size_t n = 0;
    for (char *save = NULL, *r = strtok_r (s, ",", &save); r && n < max;
         r = strtok_r (NULL, ",", &save))
        out[n++] = r;
    return n;
}

static int sync_tick (PGconn *db, void *arg)
{
    (void) arg;
    PGresult *res = PQexec (db, "SELECT id, username, full_name, email, "
                                "array_to_string(roles, ','), coalesce(unit_id, 0), active, "
                                "updated_at::text FROM users "
                                "WHERE notify_synced_at IS DISTINCT FROM updated_at "
                                "ORDER BY id LIMIT " /* a batch a tick */ "100");
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_error (NULL, "auth: cannot read accounts to hand to notify-svc: %s",
                   PQresultErrorMessage (res));
        PQclear (res);
        return -1;
    }
    int n = PQntuples (res), rc = 0;
    if (n == 0) {
        PQclear (res);
        return 0;
    }
    Loa__Notify__StaffUser users[BATCH], *ptrs[BATCH];
    char roles_buf[BATCH][96];
    char *roles[BATCH][8];
    for (int i = 0; i < n; i++) {
        loa__notify__staff_user__init (&users[i]);
        users[i].id = atoll (PQgetvalue (res, i, 0));
        users[i].username = PQgetvalue (res, i, 1);
        users[i].full_name = PQgetvalue (res, i, 2);
        users[i].email = PQgetvalue (res, i, 3);
        snprintf (roles_buf[i], sizeof roles_buf[i], "%s", PQgetvalue (res, i, 4));
        users[i].roles = roles[i];
        users[i].n_roles = split_roles (roles_buf[i], roles[i], 8);
        users[i].unit_id = atoll (PQgetvalue (res, i, 5));
        users[i].active = PQgetvalue (res, i, 6)[0] == 't';
        users[i].updated_at = PQgetvalue (res, i, 7);
        ptrs[i] = &users[i];
    }
    Loa__Notify__UsersSyncRequest in = LOA__NOTIFY__USERS_SYNC_REQUEST__INIT;
    in.users = ptrs;
    in.n_users = (size_t) n;
    loa_rpc_client *c = loa_rpc_thread_client (LOA_SVC_NOTIFY);
    loa_rpc_result out = {0};
    Loa__Status st =
        c ? loa_rpc_call (c, "users.sync", NULL, "gateway-user-sync", NULL, &in.base,
                          (int) loa_env_int ("LOA_RPC_TIMEOUT_MS", 5000, 10, 600000), &out)
          : LOA__STATUS__UNAVAILABLE;
    loa_rpc_result_clear (&out);
    if (st != LOA__STATUS__OK) {
        /* notify-svc down: tried again at the next tick; said once a minute. */
        if (loa_mono_ms () - last_complaint_ms > 60000) {
            loa_warn (NULL, "auth: notify-svc did not take %d accounts (status %d); trying again",
                      n, (int) st);
            last_complaint_ms = loa_mono_ms ();
        }
        rc = -1;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        const char *vals[] = {PQgetvalue (res, i, 0), PQgetvalue (res, i, 7)};
        PGresult *m = PQexecParams (db,
                                    "UPDATE users SET notify_synced_at = $2::timestamptz "
                                    "WHERE id = $1::bigint AND updated_at = $2::timestamptz",
                                    2, NULL, vals, NULL, NULL, 0);
        if (PQresultStatus (m) != PGRES_COMMAND_OK)
            rc = -1;
        PQclear (m);
    }
    PQclear (res);
    return rc;
}

int gw_user_sync_start (const char *db_url)
{
    int every_ms = (int) loa_env_int ("LOA_USER_SYNC_MS", 2000, 10, 3600000);
    char *url = loa_db_url_with_schema (db_url, "gateway");
    ticker =
        url ? loa_ticker_new ("gateway", "user-sync", url, every_ms, NULL, sync_tick, NULL) : NULL;
    free (url);
    if (!ticker || loa_ticker_start (ticker) != 0) {
        loa_error (NULL, "auth: cannot start handing accounts to notify-svc");
        loa_ticker_destroy (&ticker);
        return -1;
    }
    return 0;
}

void gw_user_sync_stop (void)
{
    loa_ticker_destroy (&ticker);
    loa_rpc_thread_shutdown (); /* its client has ended with its thread */
}
