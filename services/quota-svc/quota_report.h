/* quota_report: the verdicts of quota reports (a unit's month, its year) and
 * the reports as CSV for spreadsheets. Pure: no I/O, no clock (the caller
 * passes the current month and day, Asia/Ho_Chi_Minh). */
#ifndef QUOTA_REPORT_H
#define QUOTA_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "loa_buf.h"
#include "loa_csv.h"
#include "quota_month.h" /* QUOTA_AT_RISK_FROM_DAY */
#include "quota_store.h"

/* The first year reports accept (the department's records start later). */
#define QUOTA_FIRST_YEAR 2000

typedef enum { QUOTA_MET, QUOTA_PENDING, QUOTA_MISSED, QUOTA_NOT_DUE } quota_status;

/* The verdict of a unit's month `month` (YYYY-MM) when the current month is
 * `now`: met when both minimums are reached (whatever the month); else
 * missed for a past month, pending for the current one, not due for one to
 * come. */
quota_status quota_report_status (const quota_store_cell *c, const char *month, const char *now);

/* at_risk: the current month, not met, from day QUOTA_AT_RISK_FROM_DAY on. */
int quota_report_at_risk (quota_status s, const char *month, const char *now, int mday);

/* "met", "pending", "missed", "not_due" (the API's values). */
const char *quota_status_name (quota_status s);

/* The CSV's words for them: "Đạt", "Chưa đạt", "Không đạt", "Chưa đến hạn". */
const char *quota_status_label (quota_status s);

/* 1 when `s` is a year written YYYY, from QUOTA_FIRST_YEAR on, into *year. */
int quota_report_parse_year (const char *s, int *year);

/* The month `m` (1..12) of `year` as YYYY-MM into out (8 bytes). */
void quota_report_month_name (int year, int m, char out[8]);

/* What a unit's year adds up to. months_elapsed: every month before `now`,
 * plus the current month once met (a month still running is not held
 * against a unit); months_met: those met; months_missed: the others.
 * articles, cchc_articles: the year's counts. */
typedef struct {
    int months_met, months_elapsed, months_missed;
    int64_t articles, cchc_articles;
} quota_year_counts;

void quota_report_year_counts (const quota_store_year *u, int year, const char *now,
                               quota_year_counts *out);

/* part as a percentage of whole, rounded to one decimal; 0 when whole is 0. */
double quota_report_percent (int64_t part, int64_t whole);

/* The month report as CSV, one row per unit (layout in README.md "Quota
 * reports as CSV"): the caller's document and its length, or NULL when
 * memory ran out. */
char *quota_report_month_csv (const char *month, const char *now, int mday,
                              const quota_store_tally *rows, size_t n, size_t *len);

/* The year matrix as CSV, one row per unit, three columns per month. */
char *quota_report_year_csv (int year, const char *now, const quota_store_year *units, size_t n,
                             size_t *len);

#endif
