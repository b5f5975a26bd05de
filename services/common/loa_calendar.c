#include "loa_calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECONDS_PER_DAY 86400

static int by_day (const void *a, const void *b)
{
    int32_t x = ((const loa_calendar_day *) a)->day, y = ((const loa_calendar_day *) b)->day;
    return (x > y) - (x < y);
}

static int type_ok (loa_calendar_type t)
{
    return t == LOA_CALENDAR_HOLIDAY || t == LOA_CALENDAR_COMPENSATORY ||
           t == LOA_CALENDAR_WORKING_SATURDAY;
}

int loa_calendar_init (loa_calendar *cal, const loa_calendar_day *days, size_t n)
{
    cal->days = NULL;
    cal->n = 0;
    if (n == 0)
        return 0;
    loa_calendar_day *copy = malloc (n * sizeof *copy);
    if (!copy)
        return -1;
    memcpy (copy, days, n * sizeof *copy);
    qsort (copy, n, sizeof *copy, by_day);
    for (size_t i = 0; i < n; i++)
        if (!type_ok (copy[i].type) || (i > 0 && copy[i].day == copy[i - 1].day)) {
            free (copy);
            return -1;
        }
    cal->days = copy;
    cal->n = n;
    return 0;
}

void loa_calendar_clear (loa_calendar *cal)
{
    free (cal->days);
    cal->days = NULL;
    cal->n = 0;
}

/* The index of the first special day >= day (cal->n when none). */
static size_t lower_bound (const loa_calendar *cal, int32_t day)
{
    size_t lo = 0, hi = cal->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int loa_calendar_special (const loa_calendar *cal, int32_t day)
{
    size_t i = lower_bound (cal, day);
    return i < cal->n && cal->days[i].day == day ? (int) cal->days[i].type : 0;
}

int loa_calendar_weekday (int32_t day)
{
    /* 1970-01-01 was a Thursday (4); the sum stays positive for any int32. */
    return (int) (((int64_t) day % 7 + 7 + 4) % 7);
}

static int is_weekday (int32_t day)
{
    int wd = loa_calendar_weekday (day);
    return wd >= 1 && wd <= 5;
}

/* Working or not, given the special day's type (0: none). */
static int working_as (int32_t day, int type)
{
    if (type)
        return type == LOA_CALENDAR_WORKING_SATURDAY;
    return is_weekday (day);
}

int loa_calendar_is_working (const loa_calendar *cal, int32_t day)
{
    return working_as (day, loa_calendar_special (cal, day));
}

int loa_calendar_add (const loa_calendar *cal, int32_t from, int n, int32_t *out)
{
    if (n < 0)
        return -1;
    /* Walk day by day with a cursor into the sorted special days instead of
     * a search per day: n is a legal time limit, at most a few hundred. */
    int64_t day = from;
    size_t i = lower_bound (cal, from);
    while (n > 0) {
        if (++day > INT32_MAX)
            return -1;
        while (i < cal->n && cal->days[i].day < day)
            i++;
        int type = i < cal->n && cal->days[i].day == day ? (int) cal->days[i].type : 0;
        if (working_as ((int32_t) day, type))
            n--;
    }
    *out = (int32_t) day;
    return 0;
}

/* Mondays to Fridays in [0, d) counted from day 0 (a Thursday), for d >= 0
 * or < 0 (then negated: the count of [d, 0)). */
static int64_t weekdays_before (int64_t d)
{
    /* Shift so that day s = 0 is a Monday: 1970-01-05 is day 4. */
    int64_t s = d - 4;
    int64_t weeks = s >= 0 ? s / 7 : -((-s + 6) / 7);
    int64_t rest = s - weeks * 7; /* 0..6 days from a Monday */
    int64_t count = weeks * 5 + (rest < 5 ? rest : 5);
    /* Days 0..3 (Thu 1 Jan to Sun 4 Jan 1970) hold 2 weekdays. */
    return count + 2;
}

int64_t loa_calendar_between (const loa_calendar *cal, int32_t from, int32_t to)
{
    if (to <= from)
        return 0;
    /* Weekdays in (from, to], then each special day in that span corrected
     * from what its weekday says to what its type says. */
    int64_t count = weekdays_before ((int64_t) to + 1) - weekdays_before ((int64_t) from + 1);
    for (size_t i = lower_bound (cal, from + 1); i < cal->n && cal->days[i].day <= to; i++) {
        int32_t d = cal->days[i].day;
        count += working_as (d, (int) cal->days[i].type) - is_weekday (d);
    }
    return count;
}

int32_t loa_calendar_local_day (int64_t unix_s)
{
    int64_t local = unix_s + LOA_CALENDAR_UTC_OFFSET_S;
    int64_t day = local / SECONDS_PER_DAY;
    if (local % SECONDS_PER_DAY < 0)
        day--; /* floor, not truncation, before 1970 */
    return (int32_t) day;
}

int32_t loa_calendar_registered_day (const loa_calendar *cal, int64_t unix_s, int cutoff_minutes)
{
    int32_t day = loa_calendar_local_day (unix_s);
    int64_t second_of_day = unix_s + LOA_CALENDAR_UTC_OFFSET_S - (int64_t) day * SECONDS_PER_DAY;
    if (loa_calendar_is_working (cal, day) && second_of_day < (int64_t) cutoff_minutes * 60)
        return day;
    int32_t next = day;
    if (loa_calendar_add (cal, day, 1, &next) != 0)
        return day; /* the end of int32 days: nothing sensible is left */
    return next;
}

/* Civil-from-days and days-from-civil: H. Hinnant's algorithms (eras of
 * 400 years, March-based years), exact for the whole int32 range. */
void loa_calendar_to_ymd (int32_t day, int *year, int *month, int *mday)
{
    int64_t z = (int64_t) day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int) (yoe + era * 400 + (m <= 2));
    *month = (int) m;
    *mday = (int) d;
}

int32_t loa_calendar_from_ymd (int year, int month, int mday)
{
    int64_t y = (int64_t) year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + mday - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t) (era * 146097 + doe - 719468);
}

static int days_in_month (int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

int loa_calendar_parse_date (const char *s, int32_t *day)
{
    if (!s)
        return -1;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return -1;
        } else if (s[i] < '0' || s[i] > '9') {
            return -1; /* also stops at the NUL of a short string */
        }
    }
    if (s[10] != '\0')
        return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month (y, m))
        return -1;
    *day = loa_calendar_from_ymd (y, m, d);
    return 0;
}

char *loa_calendar_format_date (int32_t day, char out[LOA_CALENDAR_DATE_SIZE])
{
    int y, m, d;
    loa_calendar_to_ymd (day, &y, &m, &d);
    snprintf (out, LOA_CALENDAR_DATE_SIZE, "%04d-%02d-%02d", y, m, d);
    return out;
}

static const char *const type_names[] = {
    [LOA_CALENDAR_HOLIDAY] = "holiday",
    [LOA_CALENDAR_COMPENSATORY] = "compensatory",
    [LOA_CALENDAR_WORKING_SATURDAY] = "working_saturday",
};

loa_calendar_type loa_calendar_type_parse (const char *s)
{
    if (s)
        for (int t = LOA_CALENDAR_HOLIDAY; t <= LOA_CALENDAR_WORKING_SATURDAY; t++)
            if (strcmp (s, type_names[t]) == 0)
                return (loa_calendar_type) t;
    return (loa_calendar_type) 0;
}

const char *loa_calendar_type_name (loa_calendar_type type)
{
    return type_ok (type) ? type_names[type] : "";
}
