/* loa_calendar: working-day arithmetic over a set of special days. Pure: no I/O,
 * no clock, no locale; the caller owns the calendar and its locking.
 *
 * Days are numbered as days since 1970-01-01 (day 0, a Thursday), as
 * int32_t, in Asia/Ho_Chi_Minh: UTC+07:00 all year, no daylight saving, so
 * a local day is a fixed 86,400-second span of Unix time.
 *
 * A day is a working day when it is a special day of type working_saturday
 * (a weekend day made a working day), or when it is Monday to Friday and not
 * a special day of type holiday or compensatory. A holiday on a weekend
 * changes nothing by itself: the day it gives back is its own entry of type
 * compensatory on a weekday. */
#ifndef LOA_CALENDAR_H
#define LOA_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    LOA_CALENDAR_HOLIDAY = 1, /* a public holiday (ngày lễ, Tết) */
    LOA_CALENDAR_COMPENSATORY, /* a day off given back (nghỉ bù) or swapped (hoán đổi) */
    LOA_CALENDAR_WORKING_SATURDAY, /* a weekend day worked to make up a swap (làm bù) */
} loa_calendar_type;

typedef struct {
    int32_t day;
    loa_calendar_type type;
} loa_calendar_day;

/* Special days sorted by day, no two on one day. A zeroed struct is a valid
 * empty calendar (weekends only). */
typedef struct {
    loa_calendar_day *days; /* owned */
    size_t n;
} loa_calendar;

/* Local offset of Asia/Ho_Chi_Minh. */
#define LOA_CALENDAR_UTC_OFFSET_S (7 * 3600)

/* Bytes a formatted date needs ("YYYY-MM-DD" and its NUL; wider years
 * take more digits, never more than this). */
#define LOA_CALENDAR_DATE_SIZE 16

/* Fills `cal` with a sorted copy of the n `days` (may be NULL when n is 0).
 * -1, with `cal` left empty, when two entries share a day, a type is not
 * one of loa_calendar_type, or memory runs out; else 0. `cal` must be empty
 * (zeroed or cleared) before. */
int loa_calendar_init (loa_calendar *cal, const loa_calendar_day *days, size_t n);

/* Frees the days and empties the calendar. Idempotent. */
void loa_calendar_clear (loa_calendar *cal);

/* 1 when `day` is a working day, else 0. */
int loa_calendar_is_working (const loa_calendar *cal, int32_t day);

/* The type of the special day `day`, or 0 when it is an ordinary day. */
int loa_calendar_special (const loa_calendar *cal, int32_t day);

/* *out = the day `n` working days after `from` (from itself not counted:
 * the first working day after it is 1; n = 0 gives from). -1 when n < 0 or
 * the answer would leave int32_t; else 0. */
int loa_calendar_add (const loa_calendar *cal, int32_t from, int n, int32_t *out);

/* The number of working days in (from, to]; 0 when to <= from. The inverse
 * of loa_calendar_add: between (from, add (from, n)) == n. */
int64_t loa_calendar_between (const loa_calendar *cal, int32_t from, int32_t to);

/* The local day (Asia/Ho_Chi_Minh) of Unix time `unix_s`. */
int32_t loa_calendar_local_day (int64_t unix_s);

/* Day 0 of a count of working days for something received at `unix_s`:
 * its local day when that is a working day and the local time is before
 * `cutoff_minutes` after midnight (at the cut-off exactly it is too late),
 * else the first working day after it. */
int32_t loa_calendar_registered_day (const loa_calendar *cal, int64_t unix_s, int cutoff_minutes);

/* 0 = Sunday, 1 = Monday, ..., 6 = Saturday. */
int loa_calendar_weekday (int32_t day);

/* The proleptic Gregorian date of `day`. */
void loa_calendar_to_ymd (int32_t day, int *year, int *month, int *mday);

/* The day of a date; the date must be real (see loa_calendar_parse_date). */
int32_t loa_calendar_from_ymd (int year, int month, int mday);

/* Parses a real date written exactly "YYYY-MM-DD" (years 1900 to 9999, no
 * spaces, no signs). 0 with *day set, else -1 (*day unchanged). */
int loa_calendar_parse_date (const char *s, int32_t *day);

/* Writes `day` as "YYYY-MM-DD" into out. Returns out. */
char *loa_calendar_format_date (int32_t day, char out[LOA_CALENDAR_DATE_SIZE]);

/* "holiday", "compensatory", "working_saturday" <-> the type; parse gives
 * 0 for anything else (NULL included), name gives "" for a bad type. */
loa_calendar_type loa_calendar_type_parse (const char *s);
const char *loa_calendar_type_name (loa_calendar_type type);

#endif
