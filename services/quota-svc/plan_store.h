/* plan_store: the SQL of the year's plan, its activities and the units'
 * reports on them (quota-svc; tables of migrations/0003_plans.sql). Messages
 * filled here are freed with loa_store_free_message (loa_store.h), on every
 * path, whatever the result. */
#ifndef PLAN_STORE_H
#define PLAN_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "loa_store.h"
#include "media.pb-c.h"
#include "plan.pb-c.h"
#include "plan_edit.pb-c.h"

int plan_store_prepare (PGconn *db);

/* The plans (without their activities), the latest year first; only the
 * plan of `year` when has_year. OK or ERROR. */
loa_store_status plan_store_list (PGconn *db, int has_year, int year, Loa__Quota__PlanList *out);

/* Plan `id` with its activities by position, each with its reports'
 * summary. OK, NOT_FOUND or ERROR. */
loa_store_status plan_store_get (PGconn *db, int64_t id, Loa__Quota__Plan *out);

/* Creates the plan of in->year and its activities (positions 1.. in order
 * unless given), in one transaction; *id is the new plan's. Input already
 * checked (plan_rpc.c). OK, CONFLICT (a plan of that year exists) or ERROR. */
loa_store_status plan_store_create (PGconn *db, const Loa__Quota__CreatePlanRequest *in,
                                    int64_t user_id, int64_t *id);

/* Applies a PATCH in one transaction: the plan's fields present, then each
 * activity (with an id: its fields present; without: added). OK,
 * NOT_FOUND, INVALID (nothing changed; *bad is the index of the activity
 * whose id is not the plan's) or ERROR. */
loa_store_status plan_store_update (PGconn *db, const Loa__Quota__UpdatePlanRequest *in,
                                    size_t *bad);

/* The first of the n ids that quota's unit mirror does not know into
 * *unknown (0 when it knows them all). OK or ERROR. */
loa_store_status plan_store_unknown_unit (PGconn *db, const int64_t *ids, size_t n,
                                          int64_t *unknown);

/* Activity `activity_id` of plan `plan_id`: the plan's year, and whether
 * `unit_id` is its lead or one of its partners (*may_report). OK,
 * NOT_FOUND or ERROR. NOT_FOUND leaves *year 0 when there is no such plan,
 * the plan's year when the plan has no such activity. */
loa_store_status plan_store_activity (PGconn *db, int64_t plan_id, int64_t activity_id,
                                      int64_t unit_id, int *year, int *may_report);

/* The files a report gains: media-svc's rows of the attachments it claimed
 * for the report (attachments.claim), kept in report_attachments in the
 * same statement as the report. */
typedef struct {
    Loa__Media__CitizenAttachment *const *items;
    size_t n;
} plan_report_files;

/* A new report's id, taken before the report is written (its files are
 * claimed for it first). OK or ERROR. */
loa_store_status plan_store_report_next_id (PGconn *db, int64_t *id);

/* Records a report of `unit_id` on the activity (in->aid), with id `id`
 * (0: a new one) and its `files`, and reads it back into *out. OK or
 * ERROR. */
loa_store_status plan_store_report_create (PGconn *db,
                                           const Loa__Quota__CreateActivityReportRequest *in,
                                           int64_t id, int64_t unit_id, int64_t user_id,
                                           const plan_report_files *files,
                                           Loa__Quota__ActivityReport *out);

/* Report `report_id` of that activity of that plan. OK, NOT_FOUND or
 * ERROR. */
loa_store_status plan_store_report_get (PGconn *db, int64_t plan_id, int64_t activity_id,
                                        int64_t report_id, Loa__Quota__ActivityReport *out);

/* The earlier texts of `report` into report->versions, newest first. OK or
 * ERROR. */
loa_store_status plan_store_report_versions (PGconn *db, Loa__Quota__ActivityReport *report);

/* Corrects report `cur` (as read: its id and version) to `text`'s done_on,
 * description and lists, by `user_id` for `reason`, keeping the text it
 * replaces and adding the `files` it gains, in one statement. OK, CONFLICT (corrected or withdrawn
 * since `cur` was read) or ERROR. */
loa_store_status plan_store_report_correct (PGconn *db, const Loa__Quota__ActivityReport *cur,
                                            const Loa__Quota__CreateActivityReportRequest *text,
                                            const plan_report_files *files, int64_t user_id,
                                            const char *reason);

/* File `id` of a report, with the report's plan and activity. OK,
 * NOT_FOUND or ERROR. */
loa_store_status plan_store_attachment_get (PGconn *db, int64_t id,
                                            Loa__Quota__ReportAttachment *out);

/* Withdraws report `cur` (its id and version), by `user_id` for `reason`.
 * OK, CONFLICT (changed meanwhile) or ERROR. */
loa_store_status plan_store_report_withdraw (PGconn *db, const Loa__Quota__ActivityReport *cur,
                                             int64_t user_id, const char *reason);

/* The activity's reports not withdrawn, the latest done_on first. OK or
 * ERROR. */
loa_store_status plan_store_reports_list (PGconn *db, int64_t activity_id,
                                          Loa__Quota__ActivityReportList *out);

/* Gives activities whose lead is known only by its code (lead_unit_id
 * NULL) the id of the mirrored unit with that code. Runs on the event
 * subscriber's connection, inside its transaction (not prepared). The
 * number of activities resolved, or -1 (logged). */
int plan_store_resolve_leads (PGconn *db);

#endif
