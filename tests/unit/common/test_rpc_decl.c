/* loa_rpc_decl and loa_endpoints: each service's method table against the
 * declaration of its methods (proto/<svc>_rpc.proto), and mutated copies of
 * the tables that must fail, naming the method. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.pb-c.h"
#include "content_rpc.h"
#include "content_rpc.pb-c.h"
#include "feedback_rpc.h"
#include "loa_curve.h"
#include "loa_endpoints.h"
#include "loa_outbox.h"
#include "loa_rpc_decl.h"
#include "loa_service.h"
#include "media_rpc.h"
#include "notify_rpc.h"
#include "quota_rpc.h"
#include "suites.h"

/* What the framework serves besides a service's own table (loa_service.c
 * adds events.since, loa_rpc_server.c answers ping). */
static const char *const FRAMEWORK[] = {"ping", "events.since", NULL};

static const loa_rpc_method *table_of (loa_service_id id)
{
    switch (id) {
    case LOA_SVC_CONTENT: return content_methods;
    case LOA_SVC_FEEDBACK: return feedback_methods;
    case LOA_SVC_QUOTA: return quota_methods;
    case LOA_SVC_MEDIA: return media_methods;
    case LOA_SVC_NOTIFY: return notify_methods;
    default: return NULL;
    }
}

static size_t rows_of (const loa_rpc_method *t)
{
    size_t n = 0;
    while (t[n].method)
        n++;
    return n;
}

/* A copy of service id's table (with its terminator) the caller mutates and
 * frees. */
static loa_rpc_method *copy_of (loa_service_id id, size_t *n)
{
    const loa_rpc_method *t = table_of (id);
    *n = rows_of (t);
    loa_rpc_method *c = calloc (*n + 1, sizeof *c);
    ck_assert_ptr_nonnull (c);
    memcpy (c, t, (*n + 1) * sizeof *c);
    return c;
}

static int check (loa_service_id id, const loa_rpc_method *t, char *err, size_t cap)
{
    err[0] = '\0';
    return loa_rpc_decl_check_methods (loa_endpoints_get (id)->rpc, t, FRAMEWORK, err, cap);
}

START_TEST (every_table_matches_its_declaration)
{
    char err[256];
    for (loa_service_id id = 0; id < LOA_SVC_COUNT; id++) {
        int rc = check (id, table_of (id), err, sizeof err);
        ck_assert_msg (rc == 0, "%s: %s", loa_endpoints_get (id)->program, err);
        ck_assert_str_eq (err, "");
    }
}
END_TEST

/* ping and events.since as the framework serves them, in every declaration. */
START_TEST (framework_methods_are_declared_as_served)
{
    for (loa_service_id id = 0; id < LOA_SVC_COUNT; id++) {
        const ProtobufCServiceDescriptor *d = loa_endpoints_get (id)->rpc;
        const ProtobufCMethodDescriptor *ping = loa_rpc_decl_find (d, "ping");
        ck_assert_ptr_nonnull (ping);
        ck_assert_ptr_null (loa_rpc_decl_input (ping)); /* loa_rpc_server.c: no input */
        ck_assert_ptr_eq (loa_rpc_decl_output (ping), &loa__ping_reply__descriptor);
        const ProtobufCMethodDescriptor *since = loa_rpc_decl_find (d, "events.since");
        ck_assert_ptr_nonnull (since);
        ck_assert_str_eq (since->name, "events_since");
        ck_assert_ptr_eq (loa_rpc_decl_input (since), loa_events_since_method.input);
        ck_assert_ptr_eq (loa_rpc_decl_output (since), &loa__events_since_reply__descriptor);
    }
}
END_TEST

START_TEST (find_maps_dots_to_underscores)
{
    const ProtobufCServiceDescriptor *content = loa_endpoints_get (LOA_SVC_CONTENT)->rpc;
    const ProtobufCMethodDescriptor *m = loa_rpc_decl_find (content, "articles.create");
    ck_assert_ptr_nonnull (m);
    ck_assert_str_eq (m->name, "articles_create");
    ck_assert_str_eq (loa_rpc_decl_input (m)->name, "loa.content.CreateArticleRequest");
    ck_assert_str_eq (loa_rpc_decl_output (m)->name, "loa.content.Article");
    ck_assert_ptr_null (loa_rpc_decl_find (content, "articles.create.x"));
    ck_assert_ptr_null (loa_rpc_decl_find (content, "articles.creat"));
    ck_assert_ptr_null (loa_rpc_decl_find (content, "quota.rules.get"));
    ck_assert_ptr_null (loa_rpc_decl_find (content, ""));
    ck_assert_ptr_null (loa_rpc_decl_find (content, NULL));
    ck_assert_ptr_null (loa_rpc_decl_find (NULL, "articles.create"));

    /* Underscores of the name itself stay. */
    const ProtobufCServiceDescriptor *fb = loa_endpoints_get (LOA_SVC_FEEDBACK)->rpc;
    ck_assert_str_eq (loa_rpc_decl_find (fb, "feedback.public_list")->name, "feedback_public_list");
    const ProtobufCServiceDescriptor *quota = loa_endpoints_get (LOA_SVC_QUOTA)->rpc;
    m = loa_rpc_decl_find (quota, "quota.rules.get");
    ck_assert_str_eq (m->name, "quota_rules_get");
    ck_assert_ptr_null (loa_rpc_decl_input (m)); /* loa.Empty */
    ck_assert_ptr_eq (loa_rpc_decl_output (loa_rpc_decl_find (quota, "quota.report.csv")),
                      &loa__file__descriptor);
    const ProtobufCServiceDescriptor *media = loa_endpoints_get (LOA_SVC_MEDIA)->rpc;
    ck_assert_ptr_null (
        loa_rpc_decl_output (loa_rpc_decl_find (media, "packages.downloaded"))); /* loa.Empty */

    ck_assert_int_eq (loa_rpc_decl_names_match ("a.b_c", "a_b_c"), 1);
    ck_assert_int_eq (loa_rpc_decl_names_match ("a.b", "a.b"), 0); /* a declared name has no dot */
    ck_assert_int_eq (loa_rpc_decl_names_match ("a.b", "a_bc"), 0);
    ck_assert_int_eq (loa_rpc_decl_names_match ("a.bc", "a_b"), 0);
    ck_assert_ptr_null (loa_rpc_decl_input (NULL));
    ck_assert_ptr_null (loa_rpc_decl_output (NULL));
}
END_TEST

/* Every row of every table, dropped in turn: the declared method is left
 * without a handler, and the message names it. */
START_TEST (a_declared_method_left_out_fails)
{
    char err[256], want[96];
    for (loa_service_id id = 0; id < LOA_SVC_COUNT; id++) {
        const ProtobufCServiceDescriptor *d = loa_endpoints_get (id)->rpc;
        size_t n;
        loa_rpc_method *t = copy_of (id, &n);
        for (size_t i = 0; i < n; i++) {
            const char *rpc = loa_rpc_decl_find (d, table_of (id)[i].method)->name;
            memcpy (t, table_of (id), (n + 1) * sizeof *t);
            memmove (&t[i], &t[i + 1], (n - i) * sizeof *t); /* with the terminator */
            ck_assert_int_eq (check (id, t, err, sizeof err), -1);
            snprintf (want, sizeof want, "rpc %s ", rpc);
            ck_assert_msg (strstr (err, want), "dropping %s: \"%s\"", table_of (id)[i].method, err);
        }
        free (t);
    }
    /* The framework's own are declared too: without them, ping is missing. */
    char err2[256] = "";
    ck_assert_int_eq (loa_rpc_decl_check_methods (loa_endpoints_get (LOA_SVC_MEDIA)->rpc,
                                                  media_methods, NULL, err2, sizeof err2),
                      -1);
    ck_assert_msg (strstr (err2, "rpc ping "), "%s", err2);
}
END_TEST

/* Every row of every table given another input: the message names the
 * method and both types. */
START_TEST (another_input_type_fails)
{
    char err[256], want[96];
    for (loa_service_id id = 0; id < LOA_SVC_COUNT; id++) {
        size_t n;
        loa_rpc_method *t = copy_of (id, &n);
        for (size_t i = 0; i < n; i++) {
            memcpy (t, table_of (id), (n + 1) * sizeof *t);
            /* loa.File is no method's input; NULL is "none" for those that take one. */
            t[i].input = t[i].input ? &loa__file__descriptor : &loa__int64_list__descriptor;
            ck_assert_int_eq (check (id, t, err, sizeof err), -1);
            snprintf (want, sizeof want, "method \"%s\" takes ", t[i].method);
            ck_assert_msg (strstr (err, want), "%s", err);
            ck_assert_msg (strstr (err, t[i].input->name), "%s", err);
        }
        free (t);
    }
    /* A declared message given as "none", and loa.Empty given for none. */
    size_t n;
    loa_rpc_method *t = copy_of (LOA_SVC_QUOTA, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp (t[i].method, "quota.rules.put") == 0)
            t[i].input = NULL;
    ck_assert_int_eq (check (LOA_SVC_QUOTA, t, err, sizeof err), -1);
    ck_assert_msg (strstr (err, "\"quota.rules.put\" takes none"), "%s", err);
    memcpy (t, quota_methods, (n + 1) * sizeof *t);
    for (size_t i = 0; i < n; i++)
        if (!t[i].input)
            t[i].input = &loa__empty__descriptor;
    ck_assert_int_eq (check (LOA_SVC_QUOTA, t, err, sizeof err), 0);
    free (t);
}
END_TEST

START_TEST (an_undeclared_method_fails)
{
    char err[256];
    size_t n;
    loa_rpc_method *t = copy_of (LOA_SVC_CONTENT, &n);
    t[3].method = "units.frobnicate";
    ck_assert_int_eq (check (LOA_SVC_CONTENT, t, err, sizeof err), -1);
    ck_assert_msg (
        strstr (err, "\"units.frobnicate\" is not declared in service loa.content.Content"), "%s",
        err);
    /* Another service's method is not this one's. */
    memcpy (t, content_methods, (n + 1) * sizeof *t);
    t[n - 1].method = "quota.rules.get";
    ck_assert_int_eq (check (LOA_SVC_CONTENT, t, err, sizeof err), -1);
    ck_assert_msg (strstr (err, "\"quota.rules.get\" is not declared"), "%s", err);
    /* Two rows for one declaration: the same name twice, or '.' against '_'. */
    memcpy (t, content_methods, (n + 1) * sizeof *t);
    t[1] = t[0];
    ck_assert_int_eq (check (LOA_SVC_CONTENT, t, err, sizeof err), -1);
    ck_assert_msg (strstr (err, "share the declaration rpc units_list"), "%s", err);
    memcpy (t, content_methods, (n + 1) * sizeof *t);
    t[1] = t[0];
    t[1].method = "units_list";
    ck_assert_int_eq (check (LOA_SVC_CONTENT, t, err, sizeof err), -1);
    ck_assert_msg (strstr (err, "\"units.list\" and \"units_list\" share"), "%s", err);
    free (t);

    /* A short buffer is truncated, never overrun; none at all is allowed. */
    char tiny[8];
    ck_assert_int_eq (loa_rpc_decl_check_methods (loa_endpoints_get (LOA_SVC_CONTENT)->rpc,
                                                  quota_methods, FRAMEWORK, tiny, sizeof tiny),
                      -1);
    ck_assert_uint_eq (strlen (tiny), sizeof tiny - 1);
    ck_assert_int_eq (loa_rpc_decl_check_methods (loa_endpoints_get (LOA_SVC_CONTENT)->rpc,
                                                  quota_methods, FRAMEWORK, NULL, 0),
                      -1);
    ck_assert_int_eq (
        loa_rpc_decl_check_methods (NULL, quota_methods, FRAMEWORK, tiny, sizeof tiny), -1);
}
END_TEST

/* loa_service_main with `methods` for content-svc, against a database that
 * is not there (and without CURVE keys): its exit status and what it
 * logged (into log, cap bytes). */
static int run_service (const loa_rpc_method *methods, char *log, size_t cap)
{
    const char *names[] = {"LOA_DB_URL", "LOA_DB_WAIT_MS", "LOA_CURVE"};
    char *env[3];
    for (int i = 0; i < 3; i++) {
        const char *v = getenv (names[i]);
        env[i] = v ? strdup (v) : NULL;
    }
    setenv ("LOA_DB_URL", "postgresql://loa@127.0.0.1:1/none", 1);
    setenv ("LOA_DB_WAIT_MS", "0", 1);
    setenv ("LOA_CURVE", "off", 1);
    sigset_t mask;
    pthread_sigmask (SIG_SETMASK, NULL, &mask); /* loa_service_main blocks two */
    FILE *f = tmpfile ();
    ck_assert_ptr_nonnull (f);
    fflush (stderr);
    int saved = dup (STDERR_FILENO);
    dup2 (fileno (f), STDERR_FILENO);
    const loa_service_def def = {.id = LOA_SVC_CONTENT, .methods = methods};
    char program[] = "content-svc";
    char *argv[] = {program, NULL};
    int rc = loa_service_main (&def, 1, argv);
    fflush (stderr);
    dup2 (saved, STDERR_FILENO);
    close (saved);
    pthread_sigmask (SIG_SETMASK, &mask, NULL);
    rewind (f);
    size_t n = fread (log, 1, cap - 1, f);
    log[n] = '\0';
    fclose (f);
    loa_curve_clear ();
    for (int i = 0; i < 3; i++) {
        if (env[i])
            setenv (names[i], env[i], 1);
        else
            unsetenv (names[i]);
        free (env[i]);
    }
    return rc;
}

/* A table that is not the declaration's: exit status 1 before the database,
 * saying why. Its own table goes on to the database (and fails there). */
START_TEST (service_refuses_to_start_on_a_mismatch)
{
    char log[4096];
    ck_assert_int_eq (run_service (quota_methods, log, sizeof log), EXIT_FAILURE);
    ck_assert_msg (strstr (log, "content-svc: the method table does not match the declaration: "
                                "method \\\"units.list\\\" takes none"),
                   "%s", log);
    ck_assert_msg (!strstr (log, "127.0.0.1:1"), "%s", log);

    ck_assert_int_eq (run_service (content_methods, log, sizeof log), EXIT_FAILURE);
    ck_assert_msg (!strstr (log, "does not match"), "%s", log);
    ck_assert_msg (strstr (log, "127.0.0.1:1") || strstr (log, "connect"), "%s", log);
}
END_TEST

START_TEST (endpoints_table)
{
    static const char *const programs[] = {"content-svc", "feedback-svc", "quota-svc", "media-svc",
                                           "notify-svc"};
    static const char *const names[] = {"content", "feedback", "quota", "media", "notify"};
    for (loa_service_id id = 0; id < LOA_SVC_COUNT; id++) {
        const loa_endpoint *ep = loa_endpoints_get (id);
        ck_assert_ptr_nonnull (ep);
        ck_assert_str_eq (ep->program, programs[id]);
        ck_assert_str_eq (ep->source, names[id]);
        ck_assert_str_eq (ep->schema, names[id]);
        ck_assert_ptr_eq (loa_endpoints_find (programs[id]), ep);
        ck_assert_ptr_nonnull (ep->rpc);
        char want[64];
        snprintf (want, sizeof want, "tcp://127.0.0.1:%d", 7101 + (int) id);
        ck_assert_str_eq (ep->rpc_default, want);
        snprintf (want, sizeof want, "tcp://127.0.0.1:%d", 7201 + (int) id);
        ck_assert_str_eq (ep->events_default, want);
    }
    ck_assert_ptr_null (loa_endpoints_get (LOA_SVC_COUNT));
    ck_assert_ptr_null (loa_endpoints_get ((loa_service_id) -1));
    ck_assert_ptr_null (loa_endpoints_find ("gateway"));
    ck_assert_ptr_null (loa_endpoints_find (NULL));
    ck_assert_ptr_null (loa_endpoints_rpc (LOA_SVC_COUNT));
    ck_assert_ptr_null (loa_endpoints_events_bind (LOA_SVC_COUNT));
}
END_TEST

/* The variables override the defaults; <ENV>_BIND only what the service binds. */
START_TEST (endpoints_from_the_environment)
{
    const loa_endpoint *ep = loa_endpoints_get (LOA_SVC_MEDIA);
    char *saved[4] = {0};
    const char *vars[4] = {"LOA_MEDIA_RPC", "LOA_MEDIA_RPC_BIND", "LOA_MEDIA_EVENTS",
                           "LOA_MEDIA_EVENTS_BIND"};
    for (int i = 0; i < 4; i++) {
        const char *v = getenv (vars[i]);
        saved[i] = v ? strdup (v) : NULL;
        unsetenv (vars[i]);
    }
    ck_assert_str_eq (loa_endpoints_rpc (LOA_SVC_MEDIA), ep->rpc_default);
    ck_assert_str_eq (loa_endpoints_rpc_bind (LOA_SVC_MEDIA), ep->rpc_default);
    ck_assert_str_eq (loa_endpoints_events (LOA_SVC_MEDIA), ep->events_default);
    ck_assert_str_eq (loa_endpoints_events_bind (LOA_SVC_MEDIA), ep->events_default);
    setenv ("LOA_MEDIA_RPC", "tcp://media:7104", 1);
    setenv ("LOA_MEDIA_EVENTS", "tcp://media:7204", 1);
    ck_assert_str_eq (loa_endpoints_rpc (LOA_SVC_MEDIA), "tcp://media:7104");
    ck_assert_str_eq (loa_endpoints_rpc_bind (LOA_SVC_MEDIA), "tcp://media:7104");
    ck_assert_str_eq (loa_endpoints_events_bind (LOA_SVC_MEDIA), "tcp://media:7204");
    setenv ("LOA_MEDIA_RPC_BIND", "tcp://0.0.0.0:7104", 1);
    setenv ("LOA_MEDIA_EVENTS_BIND", "tcp://0.0.0.0:7204", 1);
    ck_assert_str_eq (loa_endpoints_rpc (LOA_SVC_MEDIA), "tcp://media:7104");
    ck_assert_str_eq (loa_endpoints_rpc_bind (LOA_SVC_MEDIA), "tcp://0.0.0.0:7104");
    ck_assert_str_eq (loa_endpoints_events (LOA_SVC_MEDIA), "tcp://media:7204");
    ck_assert_str_eq (loa_endpoints_events_bind (LOA_SVC_MEDIA), "tcp://0.0.0.0:7204");
    for (int i = 0; i < 4; i++) {
        if (saved[i])
            setenv (vars[i], saved[i], 1);
        else
            unsetenv (vars[i]);
        free (saved[i]);
    }
}
END_TEST

Suite *rpc_decl_suite (void)
{
    Suite *s = suite_create ("rpc_decl");
    TCase *tc = tcase_create ("tables");
    tcase_add_test (tc, every_table_matches_its_declaration);
    tcase_add_test (tc, framework_methods_are_declared_as_served);
    tcase_add_test (tc, find_maps_dots_to_underscores);
    tcase_add_test (tc, a_declared_method_left_out_fails);
    tcase_add_test (tc, another_input_type_fails);
    tcase_add_test (tc, an_undeclared_method_fails);
    tcase_add_test (tc, service_refuses_to_start_on_a_mismatch);
    suite_add_tcase (s, tc);
    tc = tcase_create ("endpoints");
    tcase_add_test (tc, endpoints_table);
    tcase_add_test (tc, endpoints_from_the_environment);
    suite_add_tcase (s, tc);
    return s;
}
