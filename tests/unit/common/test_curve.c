/* loa_curve: key files, the set-up, and CURVE on real sockets: a service's
 * ROUTER (loa_rpc_server) and PUB (loa_relay) answer a client whose key is
 * in LOA_KEYS_DIR, and nobody else (a client without CURVE, a client with
 * a key of its own making). Also the RPC envelope's checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "common/fixture.h"
#include "envelope.pb-c.h"
#include "loa_config.h"
#include "loa_curve.h"
#include "loa_outbox.h"
#include "loa_rpc_client.h"
#include "loa_rpc_server.h"
#include "suites.h"

static char dir[64];

static void rm_keys (void)
{
    static const char *const names[] = {"svc", "gateway", "other", NULL};
    char path[128];
    for (int i = 0; names[i]; i++) {
        snprintf (path, sizeof path, "%s/%s.key", dir, names[i]);
        unlink (path);
        snprintf (path, sizeof path, "%s/%s.pub", dir, names[i]);
        unlink (path);
    }
    rmdir (dir);
}

static void setup (void)
{
    snprintf (dir, sizeof dir, "/tmp/loa-curve-%d-%ld", (int) getpid (), random ());
    ck_assert_int_eq (loa_curve_keygen (dir, "svc"), 1);
    ck_assert_int_eq (loa_curve_keygen (dir, "gateway"), 1);
    setenv ("LOA_KEYS_DIR", dir, 1);
    unsetenv ("LOA_SECRET_KEY_FILE");
    unsetenv ("LOA_CURVE");
}

static void teardown (void)
{
    loa_curve_clear ();
    unsetenv ("LOA_KEYS_DIR");
    unsetenv ("LOA_CURVE");
    unsetenv ("LOA_SECRET_KEY_FILE");
    rm_keys ();
}

static mode_t mode_of (const char *name)
{
    char path[128];
    struct stat st;
    snprintf (path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq (stat (path, &st), 0);
    return st.st_mode & 0777;
}

START_TEST (keygen_makes_private_pairs_once)
{
    ck_assert_uint_eq (mode_of ("svc.key"), 0600);
    ck_assert_uint_eq (mode_of ("svc.pub"), 0644);
    ck_assert_uint_eq (mode_of ("."), 0700);
    char path[128], before[64] = "", after[64] = "";
    snprintf (path, sizeof path, "%s/svc.pub", dir);
    FILE *f = fopen (path, "r");
    ck_assert_ptr_nonnull (fgets (before, sizeof before, f));
    fclose (f);
    ck_assert_int_eq ((int) strlen (before), 41); /* 40 Z85 characters and a newline */
    ck_assert_int_eq (loa_curve_keygen (dir, "svc"), 0); /* there: unchanged */
    f = fopen (path, "r");
    ck_assert_ptr_nonnull (fgets (after, sizeof after, f));
    fclose (f);
    ck_assert_str_eq (before, after);
    unlink (path); /* a lost public half is made again from the secret */
    ck_assert_int_eq (loa_curve_keygen (dir, "svc"), 1);
    f = fopen (path, "r");
    ck_assert_ptr_nonnull (fgets (after, sizeof after, f));
    fclose (f);
    ck_assert_str_eq (before, after);
    /* Names are file names of the folder, nothing else. */
    ck_assert_int_eq (loa_curve_keygen (dir, "../escape"), -1);
    ck_assert_int_eq (loa_curve_keygen (dir, ".hidden"), -1);
    ck_assert_int_eq (loa_curve_keygen (dir, "A"), -1);
}
END_TEST

START_TEST (setup_needs_keys_or_an_explicit_off)
{
    unsetenv ("LOA_KEYS_DIR");
    ck_assert_int_eq (loa_curve_setup ("svc"), -1);
    ck_assert_int_eq (loa_curve_on (), 0);
    setenv ("LOA_CURVE", "maybe", 1);
    ck_assert_int_eq (loa_curve_setup ("svc"), -1);
    setenv ("LOA_CURVE", "off", 1);
    ck_assert_int_eq (loa_curve_setup ("svc"), 0);
    ck_assert_int_eq (loa_curve_on (), 0);
    unsetenv ("LOA_CURVE");
    setenv ("LOA_KEYS_DIR", dir, 1);
    ck_assert_int_eq (loa_curve_setup ("nobody"), -1); /* no nobody.key */
    ck_assert_int_eq (loa_curve_setup ("svc"), 0);
    ck_assert_int_eq (loa_curve_on (), 1);
    /* The secret may live elsewhere (a container's secret file). */
    char path[128];
    snprintf (path, sizeof path, "%s/gateway.key", dir);
    setenv ("LOA_SECRET_KEY_FILE", path, 1);
    ck_assert_int_eq (loa_curve_setup ("anything"), 0);
    snprintf (path, sizeof path, "%s/junk.key", dir); /* not a Z85 key */
    FILE *f = fopen (path, "w");
    fputs ("not a key at all, but forty characters..\n", f);
    fclose (f);
    setenv ("LOA_SECRET_KEY_FILE", path, 1);
    ck_assert_int_eq (loa_curve_setup ("gateway"), -1);
    ck_assert_int_eq (loa_curve_on (), 0);
    unlink (path);
}
END_TEST

START_TEST (the_allow_list_is_the_folder)
{
    ck_assert_int_eq (loa_curve_setup ("svc"), 0);
    char path[128], key[64] = "", who[64] = "";
    snprintf (path, sizeof path, "%s/gateway.pub", dir);
    FILE *f = fopen (path, "r");
    ck_assert_ptr_nonnull (fgets (key, sizeof key, f));
    fclose (f);
    key[40] = '\0';
    ck_assert_int_eq (loa_curve_allowed (key, who, sizeof who), 1);
    ck_assert_str_eq (who, "gateway");
    char pub[41], sec[41];
    ck_assert_int_eq (zmq_curve_keypair (pub, sec), 0);
    ck_assert_int_eq (loa_curve_allowed (pub, who, sizeof who), 0);
    unlink (path); /* revoked: gone from the folder */
    ck_assert_int_eq (loa_curve_allowed (key, who, sizeof who), 0);
}
END_TEST

/* A DEALER with CURVE options of our own making (or none: pub NULL). */
static void *raw_dealer (void *zctx, const char *endpoint, const char *server_pub, int curve)
{
    void *s = zmq_socket (zctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    if (curve) {
        char pub[41], sec[41];
        ck_assert_int_eq (zmq_curve_keypair (pub, sec), 0);
        zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, server_pub, 40);
        zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, pub, 40);
        zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, sec, 40);
    }
    ck_assert_int_eq (zmq_connect (s, endpoint), 0);
    return s;
}

/* Sends a ping claiming the admin role; 1 when any reply comes in `ms`. */
static int raw_ping_answered (void *s, int ms)
{
    const char *roles[] = {"admin"};
    Loa__Caller caller = LOA__CALLER__INIT;
    caller.n_roles = 1;
    caller.roles = (char **) roles;
    Loa__Request req = LOA__REQUEST__INIT;
    req.request_id = (char *) "attacker";
    req.method = (char *) "ping";
    req.caller = &caller;
    req.deadline_unix_ms = loa_now_ms () + 5000;
    uint8_t buf[256];
    size_t len = loa__request__pack (&req, buf);
    zmq_send (s, buf, len, ZMQ_DONTWAIT);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    return zmq_poll (&item, 1, ms) == 1;
}

static void server_key (char *out)
{
    char path[128];
    snprintf (path, sizeof path, "%s/svc.pub", dir);
    FILE *f = fopen (path, "r");
    ck_assert_ptr_nonnull (fgets (out, 64, f));
    fclose (f);
    out[40] = '\0';
}

START_TEST (rpc_answers_only_allowed_keys)
{
    /* One process plays both sides: the service's key pair serves, and
     * the client's key is the service's own, which the folder holds. */
    ck_assert_int_eq (loa_curve_setup ("svc"), 0);
    void *zctx = test_zmq_context ();
    loa_zap *zap = NULL;
    ck_assert_int_eq (loa_zap_start (zctx, &zap), 0);
    ck_assert_ptr_nonnull (zap);
    char endpoint[64], spub[64];
    test_free_endpoint (endpoint, sizeof endpoint);
    loa_rpc_server *srv = loa_rpc_server_new ("svc", endpoint, 1, test_db_url (), NULL, NULL, NULL);
    ck_assert_ptr_nonnull (srv);
    ck_assert_int_eq (loa_rpc_server_start (srv, zctx), 0);

    loa_rpc_client *c = loa_rpc_client_new (zctx, "svc", endpoint);
    ck_assert_ptr_nonnull (c);
    loa_rpc_result r = {0};
    ck_assert_int_eq (loa_rpc_call (c, "ping", NULL, "ok", NULL, NULL, 3000, &r), LOA__STATUS__OK);
    loa_rpc_result_clear (&r);
    loa_rpc_client_destroy (&c);

    /* Without CURVE, and with a key the folder does not hold: no answer. */
    server_key (spub);
    void *plain = raw_dealer (zctx, endpoint, NULL, 0);
    void *foreign = raw_dealer (zctx, endpoint, spub, 1);
    ck_assert_int_eq (raw_ping_answered (plain, 500), 0);
    ck_assert_int_eq (raw_ping_answered (foreign, 500), 0);
    zmq_close (plain);
    zmq_close (foreign);

    /* A client that cannot find the server's public key makes no socket. */
    ck_assert_ptr_null (loa_rpc_client_new (zctx, "unknown-svc", endpoint));

    loa_rpc_server_destroy (&srv);
    loa_zap_stop (&zap);
    ck_assert_ptr_null (zap);
    zmq_ctx_term (zctx);
}
END_TEST

/* 1 when the SUB receives any message (a heartbeat) within ms. */
static int sub_hears (void *sub, int ms)
{
    zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
    return zmq_poll (&item, 1, ms) == 1;
}

static void *raw_sub (void *zctx, const char *endpoint, const char *server_pub, int curve, int own)
{
    void *s = zmq_socket (zctx, ZMQ_SUB);
    int linger = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (s, ZMQ_SUBSCRIBE, "", 0);
    if (own)
        ck_assert_int_eq (loa_curve_client (s, "svc"), 0);
    else if (curve) {
        char pub[41], sec[41];
        ck_assert_int_eq (zmq_curve_keypair (pub, sec), 0);
        zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, server_pub, 40);
        zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, pub, 40);
        zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, sec, 40);
    }
    ck_assert_int_eq (zmq_connect (s, endpoint), 0);
    return s;
}

START_TEST (events_reach_only_allowed_keys)
{
    ck_assert_int_eq (loa_curve_setup ("svc"), 0);
    test_schema sc;
    test_schema_init (&sc, "curve", "test-curve", NULL, 0);
    void *zctx = test_zmq_context ();
    loa_zap *zap = NULL;
    ck_assert_int_eq (loa_zap_start (zctx, &zap), 0);
    char endpoint[64], spub[64];
    test_free_endpoint (endpoint, sizeof endpoint);
    loa_relay *relay = loa_relay_new ("test-curve", sc.schema, sc.url, endpoint);
    ck_assert_ptr_nonnull (relay);
    ck_assert_int_eq (loa_relay_start (relay, zctx), 0);
    server_key (spub);
    void *own = raw_sub (zctx, endpoint, spub, 1, 1);
    void *plain = raw_sub (zctx, endpoint, spub, 0, 0);
    void *foreign = raw_sub (zctx, endpoint, spub, 1, 0);
    /* The relay's heartbeat (every second) reaches the allowed key. */
    ck_assert_int_eq (sub_hears (own, 4000), 1);
    ck_assert_int_eq (sub_hears (plain, 1500), 0);
    ck_assert_int_eq (sub_hears (foreign, 500), 0);
    zmq_close (own);
    zmq_close (plain);
    zmq_close (foreign);
    loa_relay_destroy (&relay);
    loa_zap_stop (&zap);
    zmq_ctx_term (zctx);
    test_schema_fini (&sc);
}
END_TEST

START_TEST (envelopes_are_checked)
{
    int64_t now = 1700000000000LL;
    const char *ok_roles[] = {"editor", "open311_client"};
    const char *bad_roles[] = {"editor", "root"};
    Loa__Caller caller = LOA__CALLER__INIT;
    Loa__Request req = LOA__REQUEST__INIT;
    req.method = (char *) "ping";
    req.request_id = (char *) "r1";
    req.deadline_unix_ms = now + 5000;
    ck_assert_ptr_null (loa_rpc_envelope_fault (&req, now));
    req.caller = &caller;
    caller.n_roles = 2;
    caller.roles = (char **) ok_roles;
    caller.client_addr = (char *) "2001:db8::1";
    ck_assert_ptr_null (loa_rpc_envelope_fault (&req, now));
    caller.client_addr = (char *) "127.0.0.1";
    ck_assert_ptr_null (loa_rpc_envelope_fault (&req, now));

    req.deadline_unix_ms = 0;
    ck_assert_str_eq (loa_rpc_envelope_fault (&req, now), "deadline_unix_ms");
    req.deadline_unix_ms = now + LOA_RPC_MAX_DEADLINE_MS + 1;
    ck_assert_str_eq (loa_rpc_envelope_fault (&req, now), "deadline_unix_ms");
    req.deadline_unix_ms = now + 5000;
    caller.roles = (char **) bad_roles;
    ck_assert_str_eq (loa_rpc_envelope_fault (&req, now), "caller.roles");
    caller.roles = (char **) ok_roles;
    caller.n_roles = 9;
    ck_assert_str_eq (loa_rpc_envelope_fault (&req, now), "caller.roles");
    caller.n_roles = 2;
    caller.user_id = -1;
    ck_assert_str_eq (loa_rpc_envelope_fault (&req, now), "caller.user_id");
    caller.user_id = 7;
    caller.unit_id = -3;
    ck_assert_str_eq (loa_rpc_envelope_fault (&req, now), "caller.unit_id");
    caller.unit_id = 0;
    caller.client_addr = (char *) "127.0.0.1\n{\"level\":\"error\"}";
    ck_assert_str_eq (loa_rpc_envelope_fault (&req, now), "caller.client_addr");
    caller.client_addr = (char *) "";
    req.method = (char *) "";
    ck_assert_str_eq (loa_rpc_envelope_fault (&req, now), "method");
}
END_TEST

Suite *curve_suite (void)
{
    Suite *s = suite_create ("curve");
    TCase *tc = tcase_create ("keys+sockets");
    tcase_set_timeout (tc, 30);
    tcase_add_checked_fixture (tc, setup, teardown);
    tcase_add_test (tc, keygen_makes_private_pairs_once);
    tcase_add_test (tc, setup_needs_keys_or_an_explicit_off);
    tcase_add_test (tc, the_allow_list_is_the_folder);
    tcase_add_test (tc, rpc_answers_only_allowed_keys);
    tcase_add_test (tc, events_reach_only_allowed_keys);
    tcase_add_test (tc, envelopes_are_checked);
    suite_add_tcase (s, tc);
    return s;
}
