/* quota_month: months (YYYY-MM) in Asia/Ho_Chi_Minh, the unit of quota
 * tallies. Pure: no I/O, no clock (the caller passes the time). */
#ifndef QUOTA_MONTH_H
#define QUOTA_MONTH_H

#include <stdint.h>

#define QUOTA_MONTH_SIZE 8 /* "YYYY-MM" and its NUL */

/* From this day of the month on, a unit that has not met the month's rule
 * is at risk (the report's at_risk, the quota.at_risk event). */
#define QUOTA_AT_RISK_FROM_DAY 20

/* The month, in Asia/Ho_Chi_Minh (UTC+07:00, no daylight saving), of the
 * RFC 3339 timestamp `ts` (`YYYY-MM-DDTHH:MM:SS[.frac]` then `Z` or
 * `±HH:MM`; `t` and a space accepted for `T`), written into `out`.
 * 2022-03-31T23:59:00+07:00 is 2022-03, 2022-03-31T17:00:00Z is 2022-04.
 * 0, or -1 when `ts` is not such a timestamp of years 1900 to 9998. */
int quota_month_of (const char *ts, char out[QUOTA_MONTH_SIZE]);

/* 1 when `s` is exactly a month `YYYY-MM` of years 1900 to 9999. */
int quota_month_valid (const char *s);

/* The month and the day of the month, in Asia/Ho_Chi_Minh, of Unix time
 * `unix_s`. */
void quota_month_at (int64_t unix_s, char out[QUOTA_MONTH_SIZE], int *mday);

#endif
