/* plan_store: the year's plan against a real PostgreSQL schema migrated with
 * quota-svc's own migrations (the 2022 plan seeded): leads named by unit
 * code resolve when the unit's event arrives (through quota_events_apply,
 * as in production; an event seen twice changes nothing); the
 * per-activity summary of reports; who may report; a second plan for a
 * year; a PATCH naming another plan's activity changes nothing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.pb-c.h"
#include "loa_store.h"
#include "loa_subscriber.h"
#include "plan_store.h"
#include "quota-svc/quota_fixture.h"
#include "quota_events.h"
#include "suites.h"

/* Applies a unit event (packed here) as the subscriber would. */
static int apply_unit (PGconn *db, uint64_t seq, const char *topic, int64_t id, const char *code)
{
    Loa__Content__Unit u = LOA__CONTENT__UNIT__INIT;
    u.id = id;
    u.code = (char *) code;
    u.name = (char *) "Đơn vị";
    u.is_active = 1;
    Loa__Content__UnitEvent ue = LOA__CONTENT__UNIT_EVENT__INIT;
    ue.unit = &u;
    uint8_t buf[256];
    size_t len = loa__content__unit_event__get_packed_size (&ue);
    ck_assert_uint_lt (len, sizeof buf);
    loa__content__unit_event__pack (&ue, buf);
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = seq;
    ev.topic = (char *) topic;
    ev.occurred_at = (char *) "2022-01-03T08:00:00+07:00";
    ev.payload.data = buf;
    ev.payload.len = len;
    return loa_subscriber_apply_one (db, "content", &ev, quota_events_apply, NULL);
}

static void exec_ok (PGconn *db, const char *sql)
{
    PGresult *res = PQexec (db, sql);
    ck_assert_msg (PQresultStatus (res) == PGRES_COMMAND_OK, "%s: %s", sql,
                   PQresultErrorMessage (res));
    PQclear (res);
}

/* The seeded plan's leads as "code:id,..." by position (0 when unknown). */
static const char *leads (PGconn *db)
{
    static char out[256];
    PGresult *res =
        PQexec (db, "SELECT string_agg(lead_unit_code || ':' || coalesce(lead_unit_id, 0), ',' "
                    "ORDER BY position) FROM plan_activities a JOIN plans p ON p.id = a.plan_id "
                    "WHERE p.year = 2022");
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    snprintf (out, sizeof out, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return out;
}

START_TEST (test_seed_and_lead_resolution)
{
    test_schema s;
    quota_test_schema (&s, "t_plan", "test_plan_store");
    ck_assert_str_eq (leads (s.db), "TTRA:0,TTRA:0,TTRA:0,TTRA:0,DKKD:0");
    /* Another unit changes nothing. */
    ck_assert_int_eq (apply_unit (s.db, 1, "unit.created", 41, "VP"), 0);
    ck_assert_str_eq (leads (s.db), "TTRA:0,TTRA:0,TTRA:0,TTRA:0,DKKD:0");
    ck_assert_int_eq (apply_unit (s.db, 2, "unit.created", 42, "TTRA"), 0);
    ck_assert_str_eq (leads (s.db), "TTRA:42,TTRA:42,TTRA:42,TTRA:42,DKKD:0");
    /* DKKD known only by an update (its creation was before quota's time). */
    ck_assert_int_eq (apply_unit (s.db, 3, "unit.updated", 43, "DKKD"), 0);
    ck_assert_str_eq (leads (s.db), "TTRA:42,TTRA:42,TTRA:42,TTRA:42,DKKD:43");
    /* Seen twice: skipped; a resolved lead stays even if another unit
     * later takes the code. */
    ck_assert_int_eq (apply_unit (s.db, 3, "unit.updated", 43, "DKKD"), 0);
    ck_assert_int_eq (apply_unit (s.db, 4, "unit.created", 44, "TTRA"), 0);
    ck_assert_str_eq (leads (s.db), "TTRA:42,TTRA:42,TTRA:42,TTRA:42,DKKD:43");

    Loa__Quota__PlanList list;
    ck_assert_int_eq (plan_store_list (s.db, 1, 2022, &list), LOA_STORE_OK);
    ck_assert_uint_eq (list.n_items, 1);
    ck_assert_str_eq (list.items[0]->title, "Kế hoạch tuyên truyền cải cách hành chính năm 2022");
    ck_assert_int_eq (list.items[0]->activities_count, 5);
    int64_t plan = list.items[0]->id;
    loa_store_free_message (&list.base);
    ck_assert_int_eq (plan_store_list (s.db, 1, 2023, &list), LOA_STORE_OK);
    ck_assert_uint_eq (list.n_items, 0);
    loa_store_free_message (&list.base);

    Loa__Quota__Plan p;
    ck_assert_int_eq (plan_store_get (s.db, plan, &p), LOA_STORE_OK);
    ck_assert_uint_eq (p.n_activities, 5);
    ck_assert_int_eq (p.activities[4]->lead_unit_id, 43);
    ck_assert_str_eq (p.activities[4]->lead_unit_code, "DKKD");
    ck_assert_str_eq (p.activities[4]->partners_note, "Đài Phát thanh và Truyền hình tỉnh");
    ck_assert_str_eq (p.activities[0]->lead_unit_name, "Đơn vị");
    ck_assert_ptr_nonnull (p.activities[0]->summary);
    ck_assert_int_eq (p.activities[0]->summary->reports, 0);
    loa_store_free_message (&p.base);
    ck_assert_int_eq (plan_store_get (s.db, plan + 1000, &p), LOA_STORE_NOT_FOUND);
    loa_store_free_message (&p.base);
    test_schema_fini (&s);
}
END_TEST

/* Records a report of `unit` on activity `aid` of `plan` done on `day`. */
static void report (PGconn *db, int64_t plan, int64_t aid, int64_t unit, const char *day,
                    int n_links)
{
    char *links[] = {(char *) "https://a.example/1", (char *) "https://b.example/x,y"};
    int64_t att[] = {5, 6};
    Loa__Quota__CreateActivityReportRequest in = LOA__QUOTA__CREATE_ACTIVITY_REPORT_REQUEST__INIT;
    in.has_id = in.has_aid = 1;
    in.id = plan;
    in.aid = aid;
    in.done_on = (char *) day;
    in.description = (char *) "Đã thực hiện";
    in.evidence_links = links;
    in.n_evidence_links = (size_t) n_links;
    in.attachment_ids = att;
    in.n_attachment_ids = (size_t) n_links;
    /* With two files, the report's id is taken first (as plan_rpc.c does
     * to claim them) and the files are kept with it. */
    char sha5[] = "5555555555555555555555555555555555555555555555555555555555555555";
    char sha6[] = "6666666666666666666666666666666666666666666666666666666666666666";
    Loa__Media__CitizenAttachment f5 = LOA__MEDIA__CITIZEN_ATTACHMENT__INIT,
                                  f6 = LOA__MEDIA__CITIZEN_ATTACHMENT__INIT;
    f5.id = 5, f5.sha256 = sha5, f5.mime = (char *) "application/pdf", f5.size = 1000;
    f6.id = 6, f6.sha256 = sha6, f6.mime = (char *) "image/png", f6.size = 2000;
    Loa__Media__CitizenAttachment *items[] = {&f5, &f6};
    plan_report_files files = {items, n_links == 2 ? 2 : 0};
    int64_t id = 0;
    if (n_links == 2)
        ck_assert_int_eq (plan_store_report_next_id (db, &id), LOA_STORE_OK);
    Loa__Quota__ActivityReport out;
    ck_assert_int_eq (plan_store_report_create (db, &in, id, unit, 9, &files, &out), LOA_STORE_OK);
    if (n_links == 2) {
        ck_assert_int_eq (out.id, id);
        Loa__Quota__ReportAttachment f;
        ck_assert_int_eq (plan_store_attachment_get (db, 6, &f), LOA_STORE_OK);
        ck_assert_int_eq (f.report_id, id);
        ck_assert_int_eq (f.plan_id, plan);
        ck_assert_int_eq (f.activity_id, aid);
        ck_assert_str_eq (f.sha256, sha6);
        ck_assert_str_eq (f.mime, "image/png");
        ck_assert_int_eq (f.size, 2000);
        loa_store_free_message (&f.base);
        ck_assert_int_eq (plan_store_attachment_get (db, 777, &f), LOA_STORE_NOT_FOUND);
        loa_store_free_message (&f.base);
    }
    ck_assert_int_eq (out.unit_id, unit);
    ck_assert_int_eq (out.plan_id, plan);
    ck_assert_str_eq (out.done_on, day);
    ck_assert_uint_eq (out.n_evidence_links, (size_t) n_links);
    ck_assert_uint_eq (out.n_attachment_ids, (size_t) n_links);
    if (n_links == 2) {
        ck_assert_str_eq (out.evidence_links[1], "https://b.example/x,y");
        ck_assert_int_eq (out.attachment_ids[1], 6);
    }
    loa_store_free_message (&out.base);
}

START_TEST (test_create_report_and_summary)
{
    test_schema s;
    quota_test_schema (&s, "t_plan", "test_plan_store");
    exec_ok (s.db, "INSERT INTO units (unit_id, code, name, is_active, event_seq) VALUES "
                   "(1, 'A', 'Phòng A', true, 1), (2, 'B', 'Phòng B', true, 2), "
                   "(3, 'C', 'Phòng C', true, 3)");
    int64_t known[] = {1, 3}, some[] = {2, 77, 3, 76}, unknown = -1;
    ck_assert_int_eq (plan_store_unknown_unit (s.db, known, 2, &unknown), LOA_STORE_OK);
    ck_assert_int_eq (unknown, 0);
    ck_assert_int_eq (plan_store_unknown_unit (s.db, some, 4, &unknown), LOA_STORE_OK);
    ck_assert_int_eq (unknown, 76);

    /* A plan: activity 1 led by A with partner B; activity 2 without lead. */
    int64_t partners[] = {2};
    Loa__Int64List pl = LOA__INT64_LIST__INIT;
    pl.values = partners;
    pl.n_values = 1;
    Loa__Quota__PlanActivityInput a1 = LOA__QUOTA__PLAN_ACTIVITY_INPUT__INIT,
                                  a2 = LOA__QUOTA__PLAN_ACTIVITY_INPUT__INIT;
    a1.form = (char *) "Cổng thông tin";
    a1.content = (char *) "Tin bài";
    a1.has_lead_unit_id = 1;
    a1.lead_unit_id = 1;
    a1.partner_units = &pl;
    a2.form = (char *) "Hội nghị";
    a2.content = (char *) "Giao ban";
    Loa__Quota__PlanActivityInput *acts[] = {&a1, &a2};
    Loa__Quota__CreatePlanRequest in = LOA__QUOTA__CREATE_PLAN_REQUEST__INIT;
    in.has_year = 1;
    in.year = 2023;
    in.title = (char *) "Kế hoạch 2023";
    in.activities = acts;
    in.n_activities = 2;
    int64_t plan = 0;
    ck_assert_int_eq (plan_store_create (s.db, &in, 5, &plan), LOA_STORE_OK);
    ck_assert_int_gt (plan, 0);
    int64_t other = 0;
    ck_assert_int_eq (plan_store_create (s.db, &in, 5, &other), LOA_STORE_CONFLICT);
    in.year = 2022; /* the seeded year */
    ck_assert_int_eq (plan_store_create (s.db, &in, 5, &other), LOA_STORE_CONFLICT);

    Loa__Quota__Plan p;
    ck_assert_int_eq (plan_store_get (s.db, plan, &p), LOA_STORE_OK);
    ck_assert_uint_eq (p.n_activities, 2);
    ck_assert_int_eq (p.created_by, 5);
    ck_assert_int_eq (p.activities[0]->position, 1);
    ck_assert_int_eq (p.activities[1]->position, 2);
    ck_assert_str_eq (p.activities[0]->lead_unit_code, "A");
    ck_assert_uint_eq (p.activities[0]->n_partner_units, 1);
    ck_assert_int_eq (p.activities[0]->partner_units[0], 2);
    ck_assert_int_eq (p.activities[1]->lead_unit_id, 0);
    int64_t act1 = p.activities[0]->id, act2 = p.activities[1]->id;
    loa_store_free_message (&p.base);

    /* Who may report: the lead and the partner, not C; 404s. */
    int year = 0, may = -1;
    ck_assert_int_eq (plan_store_activity (s.db, plan, act1, 1, &year, &may), LOA_STORE_OK);
    ck_assert_int_eq (year, 2023);
    ck_assert_int_eq (may, 1);
    ck_assert_int_eq (plan_store_activity (s.db, plan, act1, 2, &year, &may), LOA_STORE_OK);
    ck_assert_int_eq (may, 1);
    ck_assert_int_eq (plan_store_activity (s.db, plan, act1, 3, &year, &may), LOA_STORE_OK);
    ck_assert_int_eq (may, 0);
    ck_assert_int_eq (plan_store_activity (s.db, plan, act2, 1, &year, &may), LOA_STORE_OK);
    ck_assert_int_eq (may, 0);
    /* No such plan (year 0), or no such activity in it (the plan's year). */
    ck_assert_int_eq (plan_store_activity (s.db, plan + 1000, act1, 1, &year, &may),
                      LOA_STORE_NOT_FOUND);
    ck_assert_int_eq (year, 0);
    ck_assert_int_eq (plan_store_activity (s.db, plan, act1 + 1000, 1, &year, &may),
                      LOA_STORE_NOT_FOUND);
    ck_assert_int_eq (year, 2023);

    report (s.db, plan, act1, 2, "2023-05-02", 2);
    report (s.db, plan, act1, 1, "2023-03-15", 0);
    report (s.db, plan, act1, 1, "2023-03-20", 1);
    ck_assert_int_eq (plan_store_get (s.db, plan, &p), LOA_STORE_OK);
    Loa__Quota__PlanActivitySummary *sum = p.activities[0]->summary;
    ck_assert_int_eq (sum->reports, 3);
    ck_assert_uint_eq (sum->n_units_reported, 2);
    ck_assert_int_eq (sum->units_reported[0], 1);
    ck_assert_int_eq (sum->units_reported[1], 2);
    ck_assert_str_eq (sum->last_done_on, "2023-05-02");
    ck_assert_uint_eq (sum->n_months, 2);
    ck_assert_str_eq (sum->months[0], "2023-03");
    ck_assert_str_eq (sum->months[1], "2023-05");
    ck_assert_int_eq (p.activities[1]->summary->reports, 0);
    ck_assert_uint_eq (p.activities[1]->summary->n_months, 0);
    ck_assert_str_eq (p.activities[1]->summary->last_done_on, "");
    loa_store_free_message (&p.base);

    Loa__Quota__ActivityReportList rl;
    ck_assert_int_eq (plan_store_reports_list (s.db, act1, &rl), LOA_STORE_OK);
    ck_assert_uint_eq (rl.n_items, 3);
    ck_assert_str_eq (rl.items[0]->done_on, "2023-05-02");
    ck_assert_str_eq (rl.items[2]->done_on, "2023-03-15");
    int64_t rid = rl.items[0]->id;
    loa_store_free_message (&rl.base);
    Loa__Quota__ActivityReport r;
    ck_assert_int_eq (plan_store_report_get (s.db, plan, act1, rid, &r), LOA_STORE_OK);
    ck_assert_str_eq (r.evidence_links[0], "https://a.example/1");
    loa_store_free_message (&r.base);
    ck_assert_int_eq (plan_store_report_get (s.db, plan, act2, rid, &r), LOA_STORE_NOT_FOUND);
    loa_store_free_message (&r.base);
    test_schema_fini (&s);
}
END_TEST

START_TEST (test_update)
{
    test_schema s;
    quota_test_schema (&s, "t_plan", "test_plan_store");
    exec_ok (s.db, "INSERT INTO units (unit_id, code, name, is_active, event_seq) VALUES "
                   "(1, 'A', 'Phòng A', true, 1), (2, 'B', 'Phòng B', true, 2)");
    Loa__Quota__PlanList list;
    ck_assert_int_eq (plan_store_list (s.db, 0, 0, &list), LOA_STORE_OK);
    ck_assert_uint_eq (list.n_items, 1);
    int64_t seed = list.items[0]->id;
    loa_store_free_message (&list.base);
    Loa__Quota__Plan p;
    ck_assert_int_eq (plan_store_get (s.db, seed, &p), LOA_STORE_OK);
    int64_t first = p.activities[0]->id;
    loa_store_free_message (&p.base);

    /* Change activity 1 (its lead and partners) and add one. */
    int64_t partners[] = {2};
    Loa__Int64List pl = LOA__INT64_LIST__INIT;
    pl.values = partners;
    pl.n_values = 1;
    Loa__Quota__PlanActivityInput ch = LOA__QUOTA__PLAN_ACTIVITY_INPUT__INIT,
                                  add = LOA__QUOTA__PLAN_ACTIVITY_INPUT__INIT;
    ch.has_id = 1;
    ch.id = first;
    ch.schedule = (char *) "Quý I";
    ch.has_lead_unit_id = 1;
    ch.lead_unit_id = 1;
    ch.partner_units = &pl;
    add.form = (char *) "Ấn phẩm";
    add.content = (char *) "Tờ rơi CCHC";
    Loa__Quota__PlanActivityInput *acts[] = {&ch, &add};
    Loa__Quota__UpdatePlanRequest up = LOA__QUOTA__UPDATE_PLAN_REQUEST__INIT;
    up.has_id = 1;
    up.id = seed;
    up.summary = (char *) "Tóm tắt mới";
    up.activities = acts;
    up.n_activities = 2;
    size_t bad = 99;
    ck_assert_int_eq (plan_store_update (s.db, &up, &bad), LOA_STORE_OK);
    ck_assert_int_eq (plan_store_get (s.db, seed, &p), LOA_STORE_OK);
    ck_assert_str_eq (p.summary, "Tóm tắt mới");
    ck_assert_str_eq (p.title, "Kế hoạch tuyên truyền cải cách hành chính năm 2022");
    ck_assert_uint_eq (p.n_activities, 6);
    ck_assert_str_eq (p.activities[0]->schedule, "Quý I");
    ck_assert_int_eq (p.activities[0]->lead_unit_id, 1);
    ck_assert_str_eq (p.activities[0]->lead_unit_code, "A");
    ck_assert_int_eq (p.activities[0]->partner_units[0], 2);
    ck_assert_str_eq (p.activities[5]->form, "Ấn phẩm");
    ck_assert_int_eq (p.activities[5]->position, 6);
    loa_store_free_message (&p.base);

    /* An id not of this plan: nothing changes (the title neither). */
    Loa__Quota__PlanActivityInput stray = LOA__QUOTA__PLAN_ACTIVITY_INPUT__INIT;
    stray.has_id = 1;
    stray.id = first + 1000;
    stray.form = (char *) "Không";
    Loa__Quota__PlanActivityInput *acts2[] = {&add, &stray};
    up.title = (char *) "Không đổi";
    up.summary = NULL;
    up.activities = acts2;
    ck_assert_int_eq (plan_store_update (s.db, &up, &bad), LOA_STORE_INVALID);
    ck_assert_uint_eq (bad, 1);
    ck_assert_int_eq (plan_store_get (s.db, seed, &p), LOA_STORE_OK);
    ck_assert_uint_eq (p.n_activities, 6);
    ck_assert_str_eq (p.title, "Kế hoạch tuyên truyền cải cách hành chính năm 2022");
    loa_store_free_message (&p.base);
    up.id = seed + 1000;
    up.n_activities = 0;
    ck_assert_int_eq (plan_store_update (s.db, &up, &bad), LOA_STORE_NOT_FOUND);
    test_schema_fini (&s);
}
END_TEST

Suite *plan_store_suite (void)
{
    Suite *s = suite_create ("plan_store");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_seed_and_lead_resolution);
    tcase_add_test (tc, test_create_report_and_summary);
    tcase_add_test (tc, test_update);
    suite_add_tcase (s, tc);
    return s;
}
