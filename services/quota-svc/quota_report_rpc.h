/* quota_report_rpc: quota-svc's report methods beyond the month's
 * (quota.report stays in quota_rpc.c): the year matrix, the reports as CSV
 * files, the leadership summary. Entries of quota_methods. */
#ifndef QUOTA_REPORT_RPC_H
#define QUOTA_REPORT_RPC_H

#include "loa_rpc_server.h"
#include "quota_edit.pb-c.h"

/* What a QuotaReportRequest asks for, checked (format json or csv; month
 * YYYY-MM or year YYYY from 2000 on, not both). `now` is the current month.
 * 0: a month, *month set (in->month, borrowed, or `now`); 1: a year, *year
 * set; -1: the call has failed (422 naming every bad field). */
int quota_report_request (loa_rpc_ctx *ctx, const Loa__Quota__QuotaReportRequest *in,
                          const char *now, const char **month, int *year);

/* quota.report.year: QuotaReportRequest -> QuotaYearReport. */
void quota_report_year (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

/* quota.report.csv: QuotaReportRequest (either form) -> loa.File. */
void quota_report_csv (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

/* quota.summary: QuotaSummaryRequest -> QuotaSummary. */
void quota_summary_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
